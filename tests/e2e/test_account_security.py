"""A member signed in on two browsers opens the sessions page in one, signs the
other out, and the other is signed out at its next click; the account security
page shows both sign-ins first. Screenshots: set SECURITY_SCREENSHOTS to a
directory."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECURITY = "/accounts/security/"
SESSIONS = "/accounts/security/sessions/"


def _screenshot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    folder = os.environ.get("SECURITY_SCREENSHOTS")
    if folder:
        path = f"{folder}/{name}-{viewport['width']}.png"
        page.screenshot(path=path, full_page=True)


def test_a_member_signs_out_their_other_browser(live_server, new_page, viewport):
    member = UserFactory(role=Role.CLIENT, email="ines@example.test")
    base = live_server.url

    # The second browser first mistypes the password and reads why.
    other = new_page()
    other.goto(f"{base}/accounts/login/?next={SECURITY}")
    check_page(other)
    other.get_by_label("Email", exact=True).fill(member.email)
    other.get_by_label("Password").fill("not-the-password")
    other.get_by_role("button", name="Sign In", exact=True).click()
    expect(other.get_by_text("not correct")).to_be_visible()
    check_page(other)
    sign_in_checked(other, base, member.email, SECURITY)

    mine = new_page()
    sign_in_checked(mine, base, member.email, SECURITY)
    expect(mine.locator("[data-sign-in]")).to_have_count(2)
    expect(mine.get_by_text("2 devices are signed in.")).to_be_visible()
    _screenshot(mine, "security", viewport)

    mine.get_by_role("link", name="See and sign out devices").click()
    mine.wait_for_url(f"**{SESSIONS}")
    check_page(mine)
    expect(mine.locator("[data-session]")).to_have_count(2)
    expect(mine.locator("[data-current]")).to_have_count(1)
    _screenshot(mine, "sessions", viewport)

    # One "Sign out" button: the other browser's (this one shows "This device").
    mine.locator("[data-session]:not(.security-session--current)").get_by_role(
        "button", name="Sign out"
    ).click()
    mine.wait_for_url(f"**{SESSIONS}")
    check_page(mine)
    expect(mine.get_by_text("That device is signed out.")).to_be_visible()
    expect(mine.locator("[data-session]")).to_have_count(1)

    other.goto(f"{base}{SECURITY}")
    other.wait_for_url("**/accounts/login/**")
    check_page(other)
    expect(other.get_by_label("Password")).to_be_visible()

    # This browser is still signed in.
    mine.goto(f"{base}{SECURITY}")
    check_page(mine)
    expect(mine.get_by_text("1 device is signed in.")).to_be_visible()
