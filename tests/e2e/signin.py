"""Signing in through the real form, as a person does; staff also type the
code from their authenticator (the admin needs a second factor)."""

from __future__ import annotations

import re

from django.core import mail

from accounts.models import User
from tests.e2e.checks import check_page, open_menu
from tests.factories import PASSWORD
from tests.mfa import totp_code


def sign_in(
    page,  # noqa: ANN001
    base: str,
    email: str,
    next_url: str,
    mfa_user: User | None = None,
) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    if mfa_user is not None:  # staff: allauth asks for the second factor
        page.wait_for_url("**/accounts/2fa/authenticate/")
        page.get_by_placeholder("Code").fill(totp_code(mfa_user))
        page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"**{next_url}")


def sign_in_checked(page, base: str, email: str, next_url: str) -> None:  # noqa: ANN001
    """The sign-in form as a person fills it, the form's page and the page it
    leads to both checked (tests/e2e/checks.py)."""
    page.goto(f"{base}/accounts/login/?next={next_url}")
    check_page(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"**{next_url}")
    check_page(page)


CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def open_sign_up(page, base: str) -> None:  # noqa: ANN001
    """From the home page to the sign-up form, through the header's "Join"."""
    page.goto(f"{base}/")
    check_page(page)
    open_menu(page)
    page.get_by_role("link", name="Join").click()
    page.wait_for_url("**/accounts/signup/")
    check_page(page)


def fill_sign_up(page, email: str, password: str, *, consents: bool = True) -> None:  # noqa: ANN001
    """The sign-up form's fields; the role is left as it is (client first)."""
    page.get_by_label("Email", exact=True).fill(email)
    # allauth's labels may end in a colon, depending on the templates' style.
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(password)
    if consents:
        page.get_by_label("I am 18 or older").check()
        page.get_by_label("I accept the Terms and the Privacy policy").check()


def confirm_and_sign_in(page, email: str, password: str) -> None:  # noqa: ANN001
    """After "Create account": the confirmation email's link opened as sent,
    confirmed, then the sign-in form."""
    page.wait_for_url("**/accounts/confirm-email/")
    check_page(page)
    assert "verify" in page.locator("main").inner_text().lower()
    (message,) = [m for m in mail.outbox if email in m.to]
    page.goto(CONFIRM_LINK.search(message.body)[0])
    check_page(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/login/")
    check_page(page)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()
    check_page(page)
