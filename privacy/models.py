"""Privacy: export, erasure with a receipt, the retention schedule
(docs/privacy.md). This app reads every app's data, so it sits above all of
them but the API (docs/architecture.md, "Dependency direction")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cms_pages.models import StandardPage


class PrivacyPolicyPage(StandardPage):
    """The privacy policy: a standard page (intro, body, editable in Wagtail)
    whose template adds the retention table from ``privacy.retention.SCHEDULE``.
    cms_pages cannot import privacy, so the table cannot be one of its blocks;
    a subclass keeps the editor's fields where they were (the seeded StandardPage
    is adopted by ``privacy.services.privacy_page_adopt``)."""

    template = "privacy/privacy_policy_page.html"
    parent_page_types = ["cms_pages.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("privacy policy page")


class RetentionRun(models.Model):
    """One class's enforcement on one night: the admin's evidence that the
    schedule ran, and what it removed."""

    class_key = models.CharField(_("data class"), max_length=40, db_index=True)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    affected = models.PositiveIntegerField(_("rows deleted or minimised"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.class_key} {self.started_at:%Y-%m-%d %H:%M}: {self.affected}"
