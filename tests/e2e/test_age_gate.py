"""The visitor age gate as a visitor meets it: a deep link to a city shows the
gate at that address; "Leave" goes to a quiet page of our own; "I am 18 or older"
returns to the city, and browsing on is not asked again. Also the renewal of
changed terms: a member signs in, is asked to accept the new terms, submits
without ticking the box (and reads why), then accepts and lands where they were
going. Every page is checked at both widths (tests/e2e/checks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.consents import CURRENT_VERSIONS
from accounts.models import Consent
from accounts.services import consent_record
from tests.e2e.checks import check_page
from tests.factories import PASSWORD, UserFactory
from tests.factories.pages import make_city

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = Path("/work/shots/consent")
# Headless Chromium says "HeadlessChrome", which crawler detection rightly takes
# for a bot (bots get the page itself): the visitor here browses as a person.
PERSON = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def person_page(new_page):  # noqa: ANN001, ANN201
    page = new_page()
    page.set_extra_http_headers({"User-Agent": PERSON})
    return page


def shoot(page, name: str, viewport: dict) -> None:  # noqa: ANN001
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(SHOTS / f"{name}-{viewport['width']}.png"), full_page=True
        )


def test_a_visitor_confirms_their_age_and_browses(
    live_server, new_page, viewport, settings
):
    settings.AGE_GATE_ENABLED = True
    make_city("Vienna", country="Austria", time_zone="Europe/Vienna")
    base = live_server.url

    leaver = person_page(new_page)
    assert leaver.goto(f"{base}/cities/vienna/").status == 200
    expect(leaver.get_by_role("heading", level=1)).to_have_text(
        "Please confirm your age"
    )
    check_page(leaver)
    shoot(leaver, "age-gate", viewport)
    leaver.get_by_role("link", name="Leave").click()
    leaver.wait_for_url("**/age-check/leave/")
    expect(leaver.get_by_role("heading", level=1)).to_have_text(
        "You have left the directory"
    )
    check_page(leaver)

    visitor = person_page(new_page)
    visitor.goto(f"{base}/cities/vienna/")
    check_page(visitor)
    visitor.get_by_role("button", name="I am 18 or older — enter").click()
    visitor.wait_for_url("**/cities/vienna/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("Vienna")
    check_page(visitor)
    visitor.goto(f"{base}/cities/")
    expect(visitor.get_by_text("Please confirm your age")).to_have_count(0)
    footer = visitor.get_by_role("navigation", name="Legal")
    for name in ("Terms of use", "Privacy policy", "Cookies", "Safety", "Contact"):
        expect(footer.get_by_role("link", name=name)).to_be_visible()
    check_page(visitor)
    shoot(visitor, "footer-after-gate", viewport)


def test_a_member_accepts_changed_terms_at_sign_in(
    live_server, new_page, viewport, settings, monkeypatch
):
    settings.CONSENT_RENEWAL_ENABLED = True
    make_city("Vienna", country="Austria", time_zone="Europe/Vienna")
    member = UserFactory(email="member@example.test")
    for document in ("terms", "privacy"):
        consent_record(
            user=member,
            document=document,
            accepted=True,
            source="signup_html",
            version="2026-11-01",
        )
    monkeypatch.setitem(CURRENT_VERSIONS, Consent.Document.TERMS, "2027-02-01")
    base = live_server.url

    page = new_page()
    page.goto(f"{base}/accounts/login/?next=/cities/vienna/")
    check_page(page)
    page.get_by_label("Email", exact=True).fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url("**/accounts/consents/?next=*")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "We have updated our terms"
    )
    check_page(page)
    expect(
        page.locator("#main").get_by_role("link", name="Terms of use")
    ).to_be_visible()
    shoot(page, "consent-renewal", viewport)

    page.get_by_role("button", name="Accept and continue").click()
    expect(
        page.get_by_text("Tick the box to accept the updated documents.")
    ).to_be_visible()
    check_page(page)
    assert not Consent.objects.filter(source="reaccept").exists()

    page.get_by_label("I have read and accept the updated documents").check()
    page.get_by_role("button", name="Accept and continue").click()
    page.wait_for_url("**/cities/vienna/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vienna")
    check_page(page)
    row = Consent.objects.get(source="reaccept")
    assert (row.user_id, row.document, row.version) == (
        member.pk,
        "terms",
        "2027-02-01",
    )
