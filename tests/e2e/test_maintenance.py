"""Maintenance mode as people meet it: a visitor opening the site gets the
branded maintenance page wherever they land; a staff member signs in (a wrong
password first, read and corrected, then the second factor) and browses the site
normally. Also the sign-up page with a role paused, and with all of them. Every
page is checked at both widths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.e2e.checks import check_page, open_menu
from tests.e2e.signin import fill_sign_up, open_sign_up
from tests.factories import PASSWORD, UserFactory
from tests.factories.pages import make_city
from tests.factories.switches import switches_set
from tests.mfa import totp_code, totp_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/work/shots/ops")
MESSAGE = "We are upgrading our servers. Back by 18:00 UTC."


def shoot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True
        )


def test_visitors_see_maintenance_and_staff_browse(live_server, new_page, viewport):
    make_city("Vienna", country="Austria", time_zone="Europe/Vienna")
    staff = UserFactory(email="ops@example.test", role=Role.STAFF, is_staff=True)
    totp_for(staff)
    switches_set(maintenance_mode=True, maintenance_message=MESSAGE)
    base = live_server.url

    visitor = new_page()
    response = visitor.goto(f"{base}/")
    assert response.status == 503
    assert response.headers["retry-after"] == "600"
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "We are polishing a few details"
    )
    expect(visitor.get_by_text(MESSAGE)).to_be_visible()
    expect(visitor.locator(".menu")).to_have_count(0)  # no nav actions
    check_page(visitor)
    shoot(visitor, "maintenance", viewport)
    # A deep link lands on the same page.
    assert visitor.goto(f"{base}/cities/vienna/").status == 503
    check_page(visitor)

    desk = new_page()
    desk.goto(f"{base}/accounts/login/?next=/cities/vienna/")
    check_page(desk)
    desk.get_by_label("Email", exact=True).fill(staff.email)
    desk.get_by_label("Password").fill("not-the-password")
    desk.get_by_role("button", name="Sign In", exact=True).click()
    expect(desk.get_by_role("alert").first).to_contain_text("not correct")
    check_page(desk)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign In", exact=True).click()
    desk.wait_for_url("**/accounts/2fa/authenticate/")
    check_page(desk)
    desk.get_by_placeholder("Code").fill(totp_code(staff))
    desk.get_by_role("button", name="Sign In", exact=True).click()
    desk.wait_for_url("**/cities/vienna/")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Vienna")
    expect(desk.get_by_text("Maintenance mode is on")).to_be_visible()
    check_page(desk)
    shoot(desk, "staff-during-maintenance", viewport)
    open_menu(desk)
    desk.get_by_role("link", name="Cities", exact=True).first.click()
    desk.wait_for_url("**/cities/")
    check_page(desk)

    # Switched off: the visitor's next request is the site again.
    switches_set(maintenance_mode=False)
    assert visitor.goto(f"{base}/cities/vienna/").status == 200
    check_page(visitor)


def test_joining_with_a_paused_role(live_server, new_page, viewport):
    """Provider sign-ups paused: the Join page offers client and agency and says
    why; a form whose passwords differ is refused with the message; with every
    role paused the page explains that joining is paused."""
    switches_set(signup_provider=False)
    base = live_server.url
    page = new_page()
    open_sign_up(page, base)
    expect(page.get_by_text("New provider accounts are paused.")).to_be_visible()
    expect(page.get_by_label("Provider", exact=False)).to_have_count(0)
    expect(page.locator('input[name="role"]')).to_have_count(2)
    shoot(page, "signup-provider-paused", viewport)
    page.get_by_text("Agency", exact=True).click()
    fill_sign_up(page, "atelier@example.test", PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill("a-different-one")
    page.get_by_role("button", name="Create account").click()
    mismatch = page.get_by_text("You must type the same password each time.")
    expect(mismatch).to_be_visible()
    expect(page.get_by_text("New provider accounts are paused.")).to_be_visible()
    check_page(page)
    fill_sign_up(page, "atelier@example.test", PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/accounts/confirm-email/")
    check_page(page)

    switches_set(signup_client=False, signup_agency=False)
    page.goto(f"{base}/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Joining is paused")
    check_page(page)
    shoot(page, "signup-closed", viewport)
