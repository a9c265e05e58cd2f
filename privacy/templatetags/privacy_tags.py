"""The privacy page's retention table, from the schedule itself
(privacy.retention.SCHEDULE): formatting only."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy import retention

register = template.Library()


def period_label(period: dt.timedelta | None) -> str:
    if period is None:
        return _("While the account exists")
    if period == dt.timedelta(0):
        return _("Until it expires")
    days = period.days
    if days and days % 365 == 0:
        years = days // 365
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    if days:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    hours = period.seconds // 3600 or 1
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


@register.inclusion_tag("privacy/_retention_table.html")
def retention_table() -> dict:
    # Read through the module so a changed schedule (tests, an override) shows.
    rows = [
        {
            "key": data_class.key,
            "label": data_class.label,
            "period": data_class.kept_label or period_label(data_class.period),
            "basis": data_class.legal_basis,
            "end": retention.END_ACTION_LABELS[data_class.end],
            "note": data_class.note,
        }
        for data_class in retention.SCHEDULE
    ]
    return {"rows": rows}
