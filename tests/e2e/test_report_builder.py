"""An analyst (MFA sign-in) opens Reports → Business reports in the Wagtail
admin, first asks for a backwards date range and reads the error, then picks a
metric and a breakdown, sees the chart and the table, and downloads the CSV.
The admin is not the public site: ``new_page(journey=False)``.

ADMIN_SCREENSHOTS=<folder>: shots of the admin home panel and the report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from bookings.models import Booking
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.factories.business_figures import active, booking, signup
from tests.factories.pages import make_city, make_profile
from tests.mfa import totp_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def shoot(page, name: str, width: int) -> None:  # noqa: ANN001
    """The admin scrolls inside its own layout: a tall window shows it all."""
    if shots := os.environ.get("ADMIN_SCREENSHOTS"):
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"], "height": 2600})
        page.screenshot(path=f"{shots}/{name}-{width}.png")
        page.set_viewport_size(size)


def open_business_reports(page) -> None:  # noqa: ANN001
    """Through the sidebar, as a person does; on a phone it starts folded."""
    toggle = page.get_by_role("button", name="Toggle sidebar")
    if toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Business reports").click()
    page.wait_for_url("**/cms/analytics/reports/")


def test_analyst_builds_a_report_and_downloads_its_csv(live_server, new_page, viewport):
    now = timezone.now()
    vienna = make_profile("Valerie", city=make_city("Vienna", country="Austria"))
    zurich = make_profile("Zoe", city=make_city("Zurich"))
    analyst = UserFactory(email="analyst@example.test", role=Role.STAFF)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    booking(vienna, now - dt.timedelta(days=2), status=Booking.Status.COMPLETED)
    booking(vienna, now - dt.timedelta(days=3), status=Booking.Status.COMPLETED)
    booking(zurich, now - dt.timedelta(days=4), status=Booking.Status.DECLINED)
    for days, role in enumerate(["client", "client", "escort", "agency", "client"]):
        joined = signup(now - dt.timedelta(days=days * 3 + 1), role=role)
        active(joined, timezone.localdate().isoformat())
    totp_for(analyst)  # the admin needs a second factor
    base = live_server.url
    width = viewport["width"]

    page = new_page(journey=False)
    sign_in(page, base, analyst.email, "/cms/", mfa_user=analyst)
    assert page.get_by_role("heading", name="Business at a glance").count() == 1
    shoot(page, "admin-home", width)
    open_business_reports(page)

    # A backwards range: the form says which date is wrong.
    today = timezone.localdate()
    page.get_by_label("Range").select_option(label="Custom dates (below)")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("End date").fill((today - dt.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    error = page.locator("[data-contentpath=end] .w-field__errors")
    assert "The end date is before the start date." in error.inner_text()
    assert page.get_by_role("link", name="Download CSV").count() == 0
    shoot(page, "report-error", width)

    page.get_by_label("Metric").select_option(label="Booking requests")
    page.get_by_label("Breakdown").select_option(label="Status")
    page.get_by_label("Range").select_option(label="Last 30 days")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_load_state()
    assert page.locator('svg[data-chart="bars"]').count() == 1
    table = page.locator('[data-figure="report-table"] tbody tr')
    assert table.all_inner_texts() == ["Completed\t2", "Declined\t1"]
    shoot(page, "report", width)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bookings-by-status-")
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["bucket", "label", "value"],
        ["completed", "Completed", "2"],
        ["declined", "Declined", "1"],
    ]

    # Saved under a name, then emailed weekly.
    page.get_by_label("Name").fill("Bookings by status")
    page.get_by_role("button", name="Save this report").click()
    page.wait_for_url("**/cms/analytics/reports/saved/*/")
    assert page.get_by_role("heading", name="Bookings by status", level=1).count() == 1
    page.get_by_label("Email me this report").select_option(label="Weekly")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state()
    assert (
        "You get this report weekly"
        in page.locator('[data-figure="subscription"]').inner_text()
    )
    shoot(page, "saved-report", width)
