"""Changed terms are accepted again at the next request (accounts.consent_renewal,
docs/consents-and-cookies.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.consent_renewal import SESSION_KEY
from accounts.consents import CURRENT_VERSIONS
from accounts.models import Consent, User
from accounts.services import consent_record, user_sign_up
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RENEW_URL = "/accounts/consents/"
NEW_TERMS = "2027-02-01"


@pytest.fixture(autouse=True)
def _renewal_on(settings) -> None:
    settings.CONSENT_RENEWAL_ENABLED = True


@pytest.fixture
def accepted_in_november(db) -> User:
    """A member who accepted the 2026-11-01 texts at sign-up."""
    user = UserFactory()
    for document in ("age_18", "terms", "privacy"):
        consent_record(
            user=user,
            document=document,
            accepted=True,
            source="signup_html",
            version="1" if document == "age_18" else "2026-11-01",
        )
    return user


@pytest.fixture
def terms_changed(monkeypatch) -> str:
    monkeypatch.setitem(CURRENT_VERSIONS, Consent.Document.TERMS, NEW_TERMS)
    return NEW_TERMS


def test_a_member_with_older_terms_is_sent_to_the_renewal_page(
    client, accepted_in_november, terms_changed
):
    client.force_login(accepted_in_november)
    response = client.get("/notifications/?page=2")
    assert response.status_code == 302
    assert response["Location"] == f"{RENEW_URL}?next=%2Fnotifications%2F%3Fpage%3D2"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    documents = html.split("consent-renewal__documents")[1].split("</ul>")[0]
    assert 'href="/terms/"' in documents and NEW_TERMS in documents
    # Only the changed document is asked for: privacy is still current.
    assert "/privacy/" not in documents
    assert "Sign out" in html


def test_an_account_without_any_consent_is_asked_too(client):
    client.force_login(UserFactory())
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith(RENEW_URL)


def test_a_blank_submit_shows_the_error_and_writes_nothing(
    client, accepted_in_november, terms_changed
):
    client.force_login(accepted_in_november)
    before = Consent.objects.count()
    response = client.post(RENEW_URL, {"next": "/notifications/"})
    assert response.status_code == 400
    assert "Tick the box to accept the updated documents." in response.content.decode()
    assert Consent.objects.count() == before
    assert client.get("/notifications/").status_code == 302


def test_accepting_writes_the_rows_and_returns_where_they_were_going(
    client, accepted_in_november, terms_changed
):
    client.force_login(accepted_in_november)
    response = client.post(RENEW_URL, {"accept": "on", "next": "/notifications/"})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    row = Consent.objects.filter(user=accepted_in_november).order_by("-pk").first()
    assert (row.document, row.version, row.accepted, row.source) == (
        "terms",
        NEW_TERMS,
        True,
        "reaccept",
    )
    assert Consent.objects.filter(source="reaccept").count() == 1
    assert client.get("/notifications/").status_code == 200


def test_a_foreign_next_address_goes_home_instead(
    client, accepted_in_november, terms_changed
):
    client.force_login(accepted_in_november)
    response = client.post(
        RENEW_URL, {"accept": "on", "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == "/"


def test_the_api_answers_403_consent_required_in_the_error_shape(
    client, accepted_in_november, terms_changed
):
    client.force_login(accepted_in_november)
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "path", ["/terms/", "/privacy/", "/cookies/", "/accounts/logout/", "/static/x"]
)
def test_legal_pages_sign_out_and_assets_stay_open(
    client, accepted_in_november, terms_changed, path
):
    client.force_login(accepted_in_november)
    assert client.get(path).status_code != 302


def test_sign_out_works_while_pending(client, accepted_in_november, terms_changed):
    client.force_login(accepted_in_november)
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_new_sign_ups_are_not_asked_again(client):
    user = user_sign_up(
        user=User(email="new@example.test"),
        role="client",
        answers={"age_18": True, "terms": True, "privacy": True, "marketing": False},
        source="signup_html",
    )
    client.force_login(user)
    assert client.get("/notifications/").status_code == 200


def test_marketing_is_a_toggle_that_writes_a_row(client, accepted_in_november):
    client.force_login(accepted_in_november)
    page = client.get(RENEW_URL).content.decode()
    assert "You currently do not receive them." in page
    response = client.post(RENEW_URL, {"marketing_choice": "1", "marketing": "on"})
    assert response.status_code == 302
    row = Consent.objects.get(document="marketing")
    assert (row.accepted, row.source) == (True, "account")
    assert "You currently receive them." in client.get(RENEW_URL).content.decode()
    client.post(RENEW_URL, {"marketing_choice": "1"})
    latest = Consent.objects.filter(document="marketing").order_by("-pk").first()
    assert latest.accepted is False


def _queries(client, path: str) -> tuple[int, int]:
    """All queries of one page view, and those that read the consent ledger."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    ledger = [q for q in captured if "accounts_consent" in q["sql"]]
    return len(captured), len(ledger)


def test_after_sign_in_the_check_costs_no_query(client, accepted_in_november, settings):
    settings.CONSENT_RENEWAL_ENABLED = False
    client.force_login(accepted_in_november)
    _queries(client, "/notifications/")  # warm per-process caches
    baseline, _ = _queries(client, "/notifications/")
    settings.CONSENT_RENEWAL_ENABLED = True
    client.force_login(accepted_in_november)  # sign-in answers the question
    assert SESSION_KEY in client.session
    assert _queries(client, "/notifications/") == (baseline, 0)


def test_an_older_session_is_checked_with_one_query_then_remembered(
    client, accepted_in_november
):
    client.force_login(accepted_in_november)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    _, ledger = _queries(client, "/notifications/")
    assert ledger == 1
    assert SESSION_KEY in client.session
    assert _queries(client, "/notifications/")[1] == 0


def test_a_new_version_is_checked_again_even_when_remembered(
    client, accepted_in_november, monkeypatch
):
    client.force_login(accepted_in_november)
    assert client.get("/notifications/").status_code == 200
    monkeypatch.setitem(CURRENT_VERSIONS, Consent.Document.PRIVACY, NEW_TERMS)
    assert client.get("/notifications/").status_code == 302


def test_signing_in_with_the_form_leads_to_the_renewal_page(
    client, accepted_in_november, terms_changed
):
    response = client.post(
        "/accounts/login/?next=/notifications/",
        {"login": accepted_in_november.email, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{RENEW_URL}?next=%2Fnotifications%2F"
    assert "We have updated our terms" in response.content.decode()


def test_visitors_are_sent_to_sign_in_first(client):
    response = client.get(RENEW_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
