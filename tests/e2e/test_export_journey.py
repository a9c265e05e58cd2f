"""A member opens "Download your data" from the account security page, asks
for an export, sees it ready (Celery runs eagerly in tests), downloads the zip
and opens it; asking again while another one runs explains why not; someone
else's link or a blank one is a 404 page. Screenshots: EXPORT_SCREENSHOTS."""

from __future__ import annotations

import json
import os
import secrets
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from privacy.models import DataExport
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECURITY = "/accounts/security/"
EXPORT = "/accounts/privacy/export/"


def _screenshot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    folder = os.environ.get("EXPORT_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}-{viewport['width']}.png", full_page=True)


def test_a_member_downloads_and_opens_their_data(
    live_server, new_page, viewport, tmp_path
):
    member = UserFactory(role=Role.CLIENT, email="clara@example.test")
    base = live_server.url
    page = new_page()
    sign_in_checked(page, base, member.email, SECURITY)

    page.get_by_role("link", name="Download your data").click()
    page.wait_for_url(f"**{EXPORT}")
    check_page(page)
    expect(page.get_by_text("You have not asked for your data yet.")).to_be_visible()
    _screenshot(page, "export-empty", viewport)

    page.get_by_role("button", name="Ask for my data").click()
    page.wait_for_url(f"**{EXPORT}")
    check_page(page)
    expect(page.locator("[data-export-status]")).to_have_text("Ready to download")
    _screenshot(page, "export-ready", viewport)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your data", exact=True).first.click()
    path = tmp_path / "export.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        account = json.loads(archive.read("account.json"))
    assert manifest["user_id"] == member.pk
    assert account["user"][0]["email"] == "clara@example.test"
    assert DataExport.objects.get(user=member).downloaded_at is not None

    # Another tab asked meanwhile: this page still offers the button.
    DataExport.objects.create(
        user=member, status="running", progress=35, step="Bookings",
        token=secrets.token_urlsafe(8),
    )  # fmt: skip
    page.get_by_role("button", name="Ask for a new export").click()
    page.wait_for_url(f"**{EXPORT}")
    check_page(page)
    expect(page.get_by_text("already being prepared")).to_be_visible()
    expect(page.locator("[data-export-progress]")).to_have_attribute("value", "35")
    _screenshot(page, "export-running", viewport)

    stranger = DataExport.objects.create(
        user=UserFactory(), status="ready", token=secrets.token_urlsafe(8)
    )
    for url in (f"{EXPORT}{stranger.token}/download/", f"{EXPORT}/download/"):
        response = page.goto(f"{base}{url}")
        assert response.status == 404
        check_page(page)
