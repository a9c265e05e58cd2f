"""The Wagtail page editor's form for profiles (``/cms/``): a moderator or
editor cannot add photos or tours past the owner's plan, with the same rule
and message as the dashboard (directory.plan_limits; services'
``_check_plan_limits``). Only growth past a limit is refused: after a
downgrade a profile keeps what it has and can still be edited."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from directory import plan_limits


class EscortProfilePageForm(WagtailAdminPageForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What the profile had when the editor opened (the latest revision):
        # the baseline growth is measured against.
        today = timezone.localdate()
        page = self.instance
        self._photos_before = len(page.photos.all()) if page.pk else 0
        self._tours_before = (
            plan_limits.active_tour_count(page.tours.all(), today=today)
            if page.pk
            else 0
        )

    def is_valid(self) -> bool:
        # The inline formsets are validated after the form's own clean(), so
        # the rows are counted here, once everything else is valid.
        if not super().is_valid():
            return False
        return self._check_plan_limits()

    def _check_plan_limits(self) -> bool:
        owner = self.instance.owner if self.instance.owner_id else None
        if owner is None:
            return True
        today = timezone.localdate()
        photos = _kept_rows(self.formsets.get("photos"))
        tours = _kept_rows(self.formsets.get("tours"))
        checks = []
        active = plan_limits.active_tour_count(
            [_Row(ends_on=row["ends_on"]) for row in tours if row.get("ends_on")],
            today=today,
        )
        if active > self._tours_before:
            checks.append(
                lambda: plan_limits.check_active_tours(owner=owner, count=active)
            )
        if len(photos) > self._photos_before:
            checks.append(
                lambda: plan_limits.check_photos(owner=owner, count=len(photos))
            )
        ok = True
        for check in checks:
            try:
                check()
            except plan_limits.PlanLimitExceeded as refused:
                self.add_error(None, refused.message)
                ok = False
        return ok


class _Row:
    def __init__(self, *, ends_on: Any) -> None:  # noqa: ANN401 - a date
        self.ends_on = ends_on


def _kept_rows(formset: Any) -> list[dict]:  # noqa: ANN401 - an inline formset
    """The cleaned data of the rows that will be saved: neither deleted nor
    an untouched empty form."""
    if formset is None:
        return []
    rows = []
    initial = set(map(id, formset.initial_forms))
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if id(form) not in initial and not form.has_changed():
            continue
        rows.append(getattr(form, "cleaned_data", {}) or {})
    return rows
