"""Signing in through the real form, as a person does; staff also type the
code from their authenticator (the admin needs a second factor)."""

from __future__ import annotations

from accounts.models import User
from tests.e2e.checks import check_page
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
    page.get_by_label("Email").fill(email)
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
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"**{next_url}")
    check_page(page)
