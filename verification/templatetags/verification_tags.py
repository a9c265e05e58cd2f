"""Formatting of waiting times for people: "about 3 hours", "about 2 days"."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def wait(value: dt.timedelta | None) -> str:
    if value is None:
        return _("no estimate yet")
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", max(minutes, 1)) % {
            "n": max(minutes, 1)
        }
    hours = round(minutes / 60)
    if hours < 48:
        return _("about %(text)s") % {
            "text": ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
        }
    days = round(hours / 24)
    return _("about %(text)s") % {
        "text": ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    }
