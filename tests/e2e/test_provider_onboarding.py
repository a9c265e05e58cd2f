"""A new provider's whole way in, as people do it: sign up as a provider with the
consents -> confirm the email -> the dashboard's checklist -> set up an
authenticator app (the code typed from the secret the page shows) -> create the
profile with a photo (which submits it) -> verify identity and age (the code on
screen, a document and a selfie) -> a moderator approves the verification in
the Wagtail admin (date of birth, the photo ticked as verified) and then the
profile -> the profile is live with its "Photos verified" badge, and the
checklist says so. Until the last approval the profile is on no public page.

Public and dashboard pages are checked (tests/e2e/checks.py); the moderator's
pages are Wagtail's admin (``new_page(journey=False)``)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core import mail

from accounts.models import Consent, Role, User
from directory.models import EscortProfilePage
from tests.e2e.checks import check_page
from tests.e2e.signin import (
    confirm_and_sign_in,
    fill_sign_up,
    open_sign_up,
    sign_in,
)
from tests.e2e.test_profile_review import approve
from tests.factories import UserFactory
from tests.factories.pages import jpeg_bytes, make_city
from tests.mfa import totp_for
from verification.models import VerificationAttestation, VerificationRequest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "a-long-and-unusual-passphrase"


def test_sign_up_verify_approve_live(
    live_server, new_page, viewport, tmp_path, settings
):
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0  # as in test_profile_review
    city = make_city("Vienna", live=False, country="Austria", time_zone="Europe/Vienna")
    city.save_revision().publish()
    moderator = UserFactory(email="mod@example.test", role=Role.STAFF)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    totp_for(moderator)
    files = _specimens(tmp_path)
    base = live_server.url

    page = new_page()
    _sign_up_as_provider(page, base, "lena@example.test")
    provider = User.objects.get(email="lena@example.test")
    assert provider.role == Role.ESCORT
    assert {c.document for c in Consent.objects.filter(user=provider)} >= {
        "terms",
        "privacy",
        "age_18",
    }

    # The checklist leads: a second factor comes first.
    page.goto(f"{base}/dashboard/")
    check_page(page)
    _shot(page, "dashboard-checklist", viewport)
    assert _state(page, "second_factor") == "current"
    assert _state(page, "live") == "todo"
    page.locator('[data-step="second_factor"] a').click()
    _activate_totp(page)

    # The profile, with a photo: saving it submits it for review.
    page.goto(f"{base}/dashboard/")
    check_page(page)
    page.locator('[data-step="profile"] a').click()
    page.wait_for_url("**/dashboard/profile/")
    check_page(page)
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    check_page(page)
    assert page.locator(".errorlist").count() >= 1  # blank name, age, city: refused
    assert not EscortProfilePage.objects.filter(owner=provider).exists()
    page.get_by_label("Display name").fill("Lena")
    page.get_by_label("Age").fill("27")
    page.get_by_label("Home city").select_option(label="Vienna")
    page.get_by_label("Add a photo").set_input_files(str(files["portrait"]))
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_url("**/dashboard/")
    check_page(page)
    profile = EscortProfilePage.objects.get(owner=provider)
    assert _state(page, "submit") == "waiting"
    assert _state(page, "verification") in {"current", "todo"}

    public = new_page()
    public.goto(f"{base}{profile.url or '/escorts/'}")
    assert "Lena" not in public.locator("main").inner_text()  # not live
    check_page(public)

    # Identity and age: the code from the screen, a document, a selfie.
    page.locator('[data-step="verification"] a').click()
    page.wait_for_url("**/dashboard/verification/")
    check_page(page)
    _shot(page, "verification-page", viewport)
    code = page.locator(".verification__code").inner_text().split()[-1]
    assert len(code) >= 6
    page.get_by_role("button", name="Send for verification").click()  # no files
    page.wait_for_load_state()
    check_page(page)
    assert page.locator(".errorlist").count() >= 1
    assert not VerificationRequest.objects.filter(user=provider).exists()
    page.get_by_label(re.compile("document", re.I)).set_input_files(
        str(files["document"])
    )
    page.get_by_label(re.compile("selfie", re.I)).set_input_files(str(files["selfie"]))
    page.get_by_role("button", name="Send for verification").click()
    page.wait_for_load_state()
    check_page(page)
    assert "You are number 1 in the queue" in page.content()
    _shot(page, "verification-pending", viewport)
    request = VerificationRequest.objects.get(user=provider)

    # The moderator: the queue, the request, approve with the date of birth and
    # the photo ticked; then the profile itself.
    admin = new_page(journey=False)
    sign_in(admin, base, moderator.email, "/cms/verification/", mfa_user=moderator)
    admin.get_by_role("link", name="Review", exact=True).click()
    admin.wait_for_url(f"**/cms/verification/{request.pk}/")
    _shot(admin, "admin-verification-detail", viewport)
    admin.get_by_label("Approve").check()
    admin.get_by_label("Date of birth on the document").fill("1998-04-02")
    admin.locator('input[name="photos"]').first.check()
    admin.get_by_role("button", name="Record the decision").click()
    admin.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == "approved"
    assert not request.document and not request.selfie  # files gone
    assert VerificationAttestation.objects.get(request_id=request.pk).over_18_checked
    assert "1998" not in str(VerificationAttestation.objects.values().get())

    page.goto(f"{base}/dashboard/")
    check_page(page)
    assert _state(page, "verification") == "done"
    assert _state(page, "live") != "done"  # the profile still waits for review

    admin.goto(f"{base}/cms/pages/{profile.pk}/edit/")
    approve(admin)

    public.goto(f"{base}{EscortProfilePage.objects.get(pk=profile.pk).url}")
    check_page(public)
    assert "Lena" in public.locator("h1").inner_text()
    assert "Photos verified" in public.content()
    page.goto(f"{base}/dashboard/")
    check_page(page)
    assert page.locator('[data-panel="onboarding"]').count() == 0  # done: gone
    assert mail.outbox  # the decisions were sent by email too


def _shot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    """Full-page screenshots for a person to look at, when asked for:
    ONBOARDING_SCREENSHOTS=<folder>."""
    folder = os.environ.get("ONBOARDING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = Path(folder) / f"{name}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)


def _sign_up_as_provider(page, base: str, email: str) -> None:  # noqa: ANN001
    open_sign_up(page, base)
    fill_sign_up(page, email, PASSWORD, consents=False)
    page.get_by_label("Provider").check()
    page.get_by_role("button", name="Create account").click()  # boxes unticked
    page.wait_for_load_state()
    check_page(page)
    assert not User.objects.filter(email=email).exists()
    fill_sign_up(page, email, PASSWORD)
    page.get_by_role("button", name="Create account").click()
    confirm_and_sign_in(page, email, PASSWORD)
    assert page.url.endswith("/dashboard/")


def _activate_totp(page) -> None:  # noqa: ANN001
    # allauth asks for the password again before a second factor is added.
    page.wait_for_url("**/accounts/reauthenticate/**")
    check_page(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    check_page(page)
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    check_page(page)
    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.wait_for_load_state()


def _state(page, step: str) -> str:  # noqa: ANN001
    step_item = page.locator(f'[data-panel="onboarding"] [data-step="{step}"]')
    return step_item.get_attribute("data-state")


def _specimens(tmp_path) -> dict:  # noqa: ANN001
    paths = {}
    for name, colour in (
        ("portrait", "#7a2946"),
        ("document", "#d8d2c4"),
        ("selfie", "#b9a27a"),
    ):
        path = tmp_path / f"{name}.jpg"
        path.write_bytes(jpeg_bytes((600, 750), colour=colour))
        paths[name] = path
    return paths
