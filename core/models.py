from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class TimestampedModel(models.Model):
    """Abstract base: every business record knows when it was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxEntry(models.Model):
    """A Celery task to run, written in the same transaction as its cause
    (docs/architecture.md, invariant 11): the broker only carries its id, so a
    message Redis loses is still here, and ``core.tasks.deliver_pending`` sends it
    again. ``core.outbox.outbox_run`` runs the task and stamps ``delivered_at`` in
    one transaction, so it takes effect once however often it is delivered."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep may (re)send it: a moment after creation, then backing off.
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(delivered_at__isnull=True),
                name="core_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


@register_setting(icon="cogs", order=100)
class FeatureSwitches(BaseGenericSetting):
    """Switches an admin flips without a deploy (Settings > Feature switches).
    One row for the whole install. It lives in core, not cms_pages, because
    accounts (sign-ups) reads it and sits below cms_pages. Read only through
    ``core.switches.switch_enabled``; saving refreshes the cached snapshot."""

    reviews = models.BooleanField(
        _("reviews"),
        default=True,
        help_text=_("Clients may write new reviews. Published reviews always show."),
    )
    deposits = models.BooleanField(
        _("deposits"),
        default=True,
        help_text=_(
            "New bookings ask for the deposit their policy sets. Off: no deposit "
            "is asked for; deposits already asked for are untouched."
        ),
    )
    signup_client = models.BooleanField(
        _("client sign-ups"), default=True, help_text=_("New client accounts.")
    )
    signup_provider = models.BooleanField(
        _("provider sign-ups"), default=True, help_text=_("New provider accounts.")
    )
    signup_agency = models.BooleanField(
        _("agency sign-ups"), default=True, help_text=_("New agency accounts.")
    )
    maintenance_mode = models.BooleanField(
        _("maintenance mode"),
        default=False,
        help_text=_(
            "Visitors and members see the maintenance page (503); staff keep "
            "full access."
        ),
    )
    maintenance_message = models.TextField(
        _("maintenance message"),
        blank=True,
        max_length=500,
        help_text=_("Shown on the maintenance page. Blank: a standard message."),
    )

    class Meta:
        verbose_name = _("feature switches")
        verbose_name_plural = _("feature switches")

    def __str__(self) -> str:
        return str(_("Feature switches"))
