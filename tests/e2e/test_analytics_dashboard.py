"""A provider reads their analytics as a person does: signs in, opens the
dashboard from the navigation, switches to 30 days, reads the chart of a seeded
month and its numbers, types a bad period into the address and reads the
message, downloads the CSV and reads it. An agency owner reads the per-escort
table. Both widths; every page checked (tests/e2e/checks.py).

Screenshots: set ANALYTICS_SCREENSHOTS to a directory."""

from __future__ import annotations

import csv
import io
import os

import pytest
from django.utils import timezone

from search.indexer import search_documents_refresh
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories.analytics import make_agency, seed_days
from tests.factories.pages import EscortOwnerFactory, make_profile
from tests.factories.search import live_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _shoot(page, name: str) -> None:  # noqa: ANN001
    folder = os.environ.get("ANALYTICS_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"]
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)


def _views(n: int) -> int:
    return 20 + (n * 7) % 13  # a month that goes up and down


def _seed_month(profile) -> None:  # noqa: ANN001
    seed_days(
        profile,
        days=30,
        views=_views,
        contact_clicks=lambda n: 2 + n % 4,
        conversations=lambda n: 1 + n % 2,
        booking_requests=lambda n: 1 if n % 3 == 0 else 0,
        bookings_confirmed=lambda n: 1 if n % 6 == 0 else 0,
        bookings_completed=lambda n: 1 if n % 12 == 0 else 0,
        replies=lambda n: 1 + n % 2,
        reply_seconds=lambda n: (1 + n % 2) * (600 + 60 * (n % 5)),
        earnings_minor=lambda n: 5000 if n % 6 == 0 else 0,
        currency="EUR",
    )


def test_provider_reads_a_seeded_month(live_server, new_page, tmp_path):
    city = live_city("Vienna", slug="vienna-analytics", time_zone="Europe/Vienna")
    owner = EscortOwnerFactory(email="amelie@example.test", display_name="Amelie")
    profile = make_profile("Amelie Rose", city=city, owner=owner, slug="amelie-rose")
    search_documents_refresh(profile_ids=[profile.pk])
    _seed_month(profile)
    base = live_server.url

    page = new_page()
    sign_in_checked(page, base, owner.email, "/dashboard/")
    page.locator(".dashboard__links").get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/dashboard/analytics/")
    check_page(page)
    page.get_by_role("navigation", name="Period").get_by_role(
        "link", name="30 days"
    ).click()
    page.wait_for_url("**/dashboard/analytics/?days=30")
    check_page(page)
    _shoot(page, "provider")

    activity = page.locator('[data-chart-name="activity"]')
    assert activity.locator("svg.chart--line").is_visible()
    assert activity.locator("svg circle").count() == 90  # 3 series x 30 days
    total = sum(_views(n) for n in range(30))
    assert page.locator('[data-figure="views"]').inner_text() == f"{total:,}"
    activity.get_by_text("The numbers").click()
    today = timezone.localdate()
    last_row = activity.locator("tbody tr").last
    assert last_row.locator("th").inner_text() == f"{today.day} {today:%b}"
    assert last_row.locator("td").first.inner_text() == str(_views(29))

    # A period the dashboard does not offer, typed into the address.
    page.goto(f"{base}/dashboard/analytics/?start=2026-03-01&end=2026-02-01")
    check_page(page)
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("The end date is before the start date.")
    )
    page.get_by_role("link", name="Show the last 30 days").click()
    page.wait_for_url("**/dashboard/analytics/?days=30")
    check_page(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("analytics-amelie-rose-")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 30
    assert rows[-1]["date"] == today.isoformat()
    assert sum(int(r["views"]) for r in rows) == total
    assert rows[0]["earnings_eur"] == "50"


def test_agency_owner_reads_the_per_escort_table(live_server, new_page):
    city = live_city("Vienna", slug="vienna-agency", time_zone="Europe/Vienna")
    agency, owner = make_agency("Velvet Hours", email="velvet@example.test")
    bella = make_profile("Bella Noir", city=city, agency=agency, slug="bella-noir")
    chloe = make_profile("Chloé Marceau", city=city, agency=agency, slug="chloe-m")
    search_documents_refresh(profile_ids=[bella.pk, chloe.pk])
    _seed_month(bella)
    seed_days(chloe, days=30, views=lambda n: 35 + n % 9, contact_clicks=3)
    base = live_server.url

    page = new_page()
    sign_in_checked(page, base, owner.email, "/dashboard/agency/")
    page.get_by_role("link", name="Analytics for your escorts").click()
    page.wait_for_url("**/dashboard/agency/analytics/")
    check_page(page)
    _shoot(page, "agency")
    table = page.locator('[data-section="per-escort"] table')
    page.get_by_label("Sort by").select_option(label="Views (highest first)")
    page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_url("**sort=-views")
    check_page(page)
    first = table.locator("tbody tr").first
    assert first.get_attribute("data-profile") == str(chloe.pk)
    first.get_by_role("link", name="Chloé Marceau").click()
    page.wait_for_url(f"**/dashboard/agency/analytics/{chloe.pk}/**")
    check_page(page)
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Analytics for Chloé Marceau"
    )
