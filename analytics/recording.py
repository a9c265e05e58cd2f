"""What the request path records (docs/analytics.md, "Events and aggregates"):
profile views, gallery opens and contact clicks, each visitor once a day per
profile and kind, and the accounts active today. One Redis round trip per
event, no SQL (except the provider-side check for a signed-in visitor); the
flush task (analytics.tasks) moves the counts into ProfileDay / UserActiveDay.

Not counted: bots (crawlerdetect, or no User-Agent at all), prefetches
(``Purpose``/``Sec-Purpose: prefetch``), and anyone on the provider side of the
profile (its owner, its agency's members: directory's one home of that rule).
"""

from __future__ import annotations

import datetime as dt

from crawlerdetect import CrawlerDetect
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from analytics.visitors import SALT_TTL_SECONDS, seen_key, visitor_of
from core.counters import CounterBuffer
from core.exceptions import NotFound
from directory.models import EscortProfilePage
from directory.selectors import provider_side_q


class EventKind(models.TextChoices):
    VIEW = "view", _("Profile view")
    GALLERY_OPEN = "gallery_open", _("Gallery opened")
    CONTACT_CLICK = "contact_click", _("Contact button pressed")


# The ProfileDay column each kind adds to (analytics.tasks' upsert).
FIELDS = {
    EventKind.VIEW: "views",
    EventKind.GALLERY_OPEN: "gallery_opens",
    EventKind.CONTACT_CLICK: "contact_clicks",
}

# One hash per day holds every profile's counts (fields "<profile id>:<kind>");
# active accounts are another buffer (fields "<user id>").
profile_events = CounterBuffer("profile-events")
active_users = CounterBuffer("active-users")
PROFILES_GROUP = "profiles"
USERS_GROUP = "users"


def is_automated(request: HttpRequest) -> bool:
    """Bots, UA-less clients and prefetches (a browser guessing the next page
    is not a person opening it)."""
    agent = request.headers.get("User-Agent", "").strip()
    if not agent:
        return True
    purposes = (request.headers.get(h, "") for h in ("Purpose", "Sec-Purpose"))
    if any("prefetch" in purpose.lower() for purpose in purposes):
        return True
    # A fresh detector per call: it keeps the last matches on the instance.
    return CrawlerDetect(user_agent=agent).isCrawler()


def is_provider_side(*, user: User, profile_id: int) -> bool:
    """The owner or an agency member looking at their own profile."""
    if not user.is_authenticated:
        return False
    return EscortProfilePage.objects.filter(
        provider_side_q(user=user), pk=profile_id
    ).exists()


def profile_event_record(
    *, request: HttpRequest, profile_id: int, kind: str, day: dt.date | None = None
) -> bool:
    """Count ``kind`` for ``profile_id`` once per visitor and day. True when
    counted; False when excluded, a repeat, or Redis is down (best effort:
    never raises for Redis, never slows the page by more than one round trip)."""
    if is_automated(request) or is_provider_side(
        user=request.user, profile_id=profile_id
    ):
        return False
    day = day or timezone.localdate()
    visitor = visitor_of(request, day=day, profile_id=profile_id, kind=kind)
    if visitor is None:
        return False
    return profile_events.record(
        day=day,
        group=PROFILES_GROUP,
        counts={f"{profile_id}:{kind}": 1},
        once_key=seen_key(day=day, profile_id=profile_id, kind=kind),
        once_member=visitor,
        once_ttl_seconds=SALT_TTL_SECONDS,
    )


def active_user_record(*, user_id: int, day: dt.date | None = None) -> bool:
    """Mark an account active today: one SADD (in the recording script) per
    request; the count is buffered only the first time in the day."""
    day = day or timezone.localdate()
    return active_users.record(
        day=day,
        group=USERS_GROUP,
        counts={str(user_id): 1},
        once_key=f"{active_users.prefix}:seen:{day.isoformat()}",
        once_member=str(user_id),
        once_ttl_seconds=SALT_TTL_SECONDS,
    )


def profile_event_submit(*, request: HttpRequest, profile_id: int, kind: str) -> bool:
    """An event a browser or a headless frontend reports: only for a profile the
    public may see (anything else is 404, as if it did not exist)."""
    if not EscortProfilePage.objects.showable().filter(pk=profile_id).exists():
        raise NotFound("Profile not found.")
    return profile_event_record(request=request, profile_id=profile_id, kind=kind)
