"""Close and erase my account, as a person does it (docs/privacy.md,
"Erasure"): from Account security to the close page, a blank submit shows the
form's errors, the password closes it, the scheduled state offers Cancel,
closing again, the erasure job once the grace period is over, the receipt
email's link opened in the browser, and the old credentials no longer sign
in. Another person with an upcoming booking reads why they cannot close yet."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from privacy.erasure.tasks import erase_due_accounts
from privacy.models import AccountClosure
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in_checked
from tests.factories import PASSWORD, UserFactory
from tests.factories.bookings import bookable_profile, local_time, request_booking
from tests.factories.pages import make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECEIPT_PATH = re.compile(r"/privacy/receipt/[\w-]+/")


def _screenshot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    """CLOSURE_SCREENSHOTS=<folder>: full-page shots at this width, to look at."""
    folder = os.environ.get("CLOSURE_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}-{viewport['width']}.png", full_page=True)


def _close(page) -> None:  # noqa: ANN001
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Close my account").click()
    page.wait_for_url("**/accounts/privacy/close/")
    check_page(page)
    expect(page.locator('[data-fact="erase-after"]')).to_contain_text("are erased")


def test_close_cancel_close_erase_and_read_the_receipt(live_server, new_page, viewport):
    email = "closing@example.test"
    UserFactory(email=email, role=Role.CLIENT)
    base = live_server.url
    page = new_page()
    sign_in_checked(page, base, email, "/accounts/security/")
    page.get_by_role("link", name="Close and erase my account").click()
    page.wait_for_url("**/accounts/privacy/close/")
    check_page(page)
    expect(page.locator('[data-panel="kept"]')).to_contain_text("10 years")
    _screenshot(page, "close", viewport)

    page.get_by_role("button", name="Close my account").click()  # all blank
    check_page(page)
    form = page.locator("[data-form=closure]")
    expect(form).to_contain_text("Enter your password to confirm.")
    expect(form).to_contain_text("Tick the box to confirm.")
    _screenshot(page, "close-errors", viewport)

    _close(page)
    _screenshot(page, "scheduled", viewport)
    page.get_by_role("button", name="Cancel, keep my account").click()
    page.wait_for_url("**/accounts/privacy/close/")
    check_page(page)
    expect(page.locator(".flash-list")).to_contain_text("Your account stays open")
    _close(page)

    # The grace period is over: the hourly job runs (called directly).
    AccountClosure.objects.filter(status="scheduled").update(
        erase_after=timezone.now() - dt.timedelta(minutes=1)
    )
    assert erase_due_accounts() == 1
    (receipt_mail,) = [m for m in mail.outbox if m.to == [email]]
    page.goto(base + RECEIPT_PATH.search(receipt_mail.body)[0])
    check_page(page)
    expect(page.locator("h1")).to_have_text("This account was closed and erased")
    expect(page.locator('[data-panel="kept"]')).to_contain_text("Account closures (2)")
    _screenshot(page, "receipt", viewport)

    page.goto(f"{base}/accounts/login/")
    check_page(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    check_page(page)
    assert "/accounts/login/" in page.url
    expect(page.locator("main")).to_contain_text("not correct")


def test_an_upcoming_booking_is_explained(live_server, new_page, viewport):
    email = "booked@example.test"
    client = UserFactory(email=email, role=Role.CLIENT)
    city = make_city("Porto", slug="porto-closure")
    profile = bookable_profile("Lena", city=city)
    request_booking(profile, client=client, start=local_time(city, days=3, hour=14))
    base = live_server.url
    page = new_page()
    sign_in_checked(page, base, email, "/accounts/privacy/close/")
    blockers = page.locator('[data-panel="blockers"]')
    expect(blockers).to_contain_text("1 upcoming booking")
    _screenshot(page, "close-blocked", viewport)
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label(re.compile("I understand")).check()
    page.get_by_role("button", name="Close my account").click()
    check_page(page)
    expect(page.locator(".form-errors")).to_contain_text("cannot be closed yet")
    assert not AccountClosure.objects.exists()
