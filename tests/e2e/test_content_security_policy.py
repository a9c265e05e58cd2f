"""The pages people and editors use run under the Content-Security-Policy with no
violation in the browser console: public pages, sign-in, the Swagger UI and the
Wagtail admin's page editor (its own, relaxed policy)."""

from __future__ import annotations

import pytest

from accounts.models import Role
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.mfa import totp_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_public_pages_and_api_docs_have_no_policy_violations(
    live_server, new_page, policy_violations, console_errors
):
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    profile = make_profile("Ines", city=city, owner=EscortOwnerFactory())
    base = live_server.url
    page = new_page(journey=False)
    for path in ("/", city.url, profile.url, "/accounts/login/", "/no-such-page/"):
        response = page.goto(f"{base}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    # Chromium logs the 404 document itself as a failed resource.
    assert [e for e in console_errors if "404" not in e] == []
    console_errors.clear()

    page.goto(f"{base}/api/docs/")
    # Swagger UI renders the operations only when its start-up script ran.
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 10
    assert policy_violations == []


def test_the_wagtail_page_editor_has_no_policy_violations(
    live_server, new_page, policy_violations
):
    city = make_city("Porto", country="Portugal", time_zone="Europe/Lisbon")
    profile = make_profile("Beatriz", city=city, owner=EscortOwnerFactory())
    editor = UserFactory(
        email="editor@example.test", role=Role.STAFF, is_staff=True, is_superuser=True
    )
    totp_for(editor)  # the admin needs a second factor (accounts/admin_access.py)
    base = live_server.url
    page = new_page(journey=False)
    sign_in(page, base, editor.email, "/cms/", mfa_user=editor)
    page.locator("#main").wait_for()
    for path in (
        f"/cms/pages/{profile.pk}/edit/",
        f"/cms/pages/{city.pk}/edit/",
        "/cms/images/",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("main, #main").count() >= 1
    # A public page under the site policy, with Wagtail's user bar for the editor.
    page.goto(f"{base}{profile.url}")
    page.locator("wagtail-userbar, [data-wagtail-userbar]").first.wait_for(
        state="attached"
    )
    page.wait_for_load_state("networkidle")
    assert policy_violations == []
