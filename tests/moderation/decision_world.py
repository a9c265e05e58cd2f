"""Builders shared by the decision and appeal tests: moderators, a provider
with two live profiles in one city, a report about one of them, and a check of
every public surface a profile appears on."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MODERATORS_GROUP, Role, User
from directory.models import EscortProfilePage
from moderation.models import Report
from moderation.services import report_create
from tests.factories import UserFactory


def moderator(name: str = "Mod") -> User:
    user = UserFactory(role=Role.STAFF, display_name=name)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user


def client_account(name: str = "Reporter") -> User:
    return UserFactory(role=Role.CLIENT, display_name=name)


def report_profile(
    profile: EscortProfilePage, *, reporter: User, category: str = "scam"
) -> Report:
    report, _ = report_create(
        reporter=reporter,
        category=category,
        details="Asked for a deposit by bank transfer.",
        target=profile,
        evidence={"profile_id": profile.pk, "title": profile.title},
        subject_user=profile.owner,
    )
    return report


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def surfaces(profile: EscortProfilePage, *, url: str, city_url: str) -> dict[str, bool]:
    """Where ``profile`` shows, read as a visitor does (nothing refreshed by
    hand: the decision's own signals must have kept the index current)."""
    client, api = Client(), APIClient()
    name = profile.title
    search_api = api.get("/api/v1/search", {"q": name, "page_size": 50}).json()
    v1 = api.get("/api/v1/escorts", {"page_size": 50}).json()
    v2 = api.get(
        "/api/v2/pages/", {"type": "directory.EscortProfilePage", "limit": 50}
    ).json()
    return {
        "page": client.get(url).status_code == 200,
        # Linked from the listing (the query itself is echoed on the page).
        "city": f'href="{url}"' in client.get(city_url).content.decode(),
        "search_page": f'href="{url}"'
        in client.get("/search/", {"q": name}).content.decode(),
        "search_api": name in {r["display_name"] for r in search_api["results"]},
        "api_v1": api.get(f"/api/v1/escorts/{profile.pk}").status_code == 200,
        "api_v1_list": profile.pk in {r["id"] for r in v1["results"]},
        "api_v2": profile.pk in {item["id"] for item in v2["items"]},
        "sitemap": url in client.get("/sitemap.xml").content.decode(),
    }
