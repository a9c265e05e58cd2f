"""The provider sees why before submitting: text the automated checks refuse
(contact details, banned or explicit wording) answers 400 with the reason on
the field, in the dashboard editor and the owner API, and nothing is saved or
submitted; softer flags (terms to watch) are submitted and filed as an
automated report for the moderators."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from directory.models import EscortProfilePage
from moderation.models import Report
from moderation.selectors import report_evidence
from tests.assertions import assert_error_shape
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

API = "/api/v1/me/profile"


@pytest.fixture
def city():
    city = make_city(
        "Lisbon", live=False, country="Portugal", time_zone="Europe/Lisbon"
    )
    city.save_revision().publish()
    return city


@pytest.fixture
def profile(city):
    page = make_profile("Petra", city=city, owner=EscortOwnerFactory(), live=False)
    page.get_latest_revision().publish()
    page.refresh_from_db()
    return page


def form_data(city, **overrides) -> dict:
    return {
        "display_name": "Petra",
        "age": "31",
        "home_city": str(city.pk),
        "tagline": "Dinners and opera",
        "bio": "Loves jazz.",
        "contact_preference": "messages_bookings",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
        "tours-TOTAL_FORMS": "0",
        "tours-INITIAL_FORMS": "0",
        **overrides,
    }


def api_payload(city, **overrides) -> dict:
    return {
        "display_name": "Petra",
        "age": 31,
        "home_city": city.pk,
        "tagline": "Dinners and opera",
        "bio": "<p>Loves jazz.</p>",
        **overrides,
    }


def automated_reports(profile) -> list[Report]:
    return list(
        Report.objects.filter(
            target_content_type=ContentType.objects.get_for_model(EscortProfilePage),
            target_id=profile.pk,
            automated=True,
        )
    )


@pytest.mark.parametrize(
    ("field", "text", "reason"),
    [
        ("bio", "Call me: 0176 1234 5678", "Remove the phone number"),
        ("bio", "zero seven seven one two three four five six", "written out in words"),
        ("bio", "Write to petra@example.com", "Remove the email address"),
        ("tagline", "Sweet teen in Lisbon", "not allowed on the site"),
        ("bio", "Erotic massage and more", "Remove the explicit wording"),
    ],
)
def test_the_editor_refuses_with_the_reason_on_the_field(
    client, profile, city, field, text, reason
):
    client.force_login(profile.owner)
    revisions = profile.revisions.count()
    response = client.post("/dashboard/profile/", form_data(city, **{field: text}))
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert profile.revisions.count() == revisions  # nothing saved
    profile.refresh_from_db()
    assert profile.current_workflow_state is None  # nothing submitted
    assert automated_reports(profile) == []


def test_the_api_answers_400_with_the_flags_per_field(api_client, profile, city):
    api_client.force_authenticate(profile.owner)
    revisions = profile.revisions.count()
    response = api_client.put(
        API,
        api_payload(
            city,
            tagline="Barely legal",
            bio="<p>Find me at www.petra-lisbon.com</p>",
        ),
        format="json",
    )
    error = assert_error_shape(response, 400, "validation_error")
    assert set(error["fields"]) == {"tagline", "bio"}
    assert "not allowed on the site" in error["fields"]["tagline"][0]
    assert "Remove the web address" in error["fields"]["bio"][0]
    assert profile.revisions.count() == revisions


def test_a_first_profile_with_refused_text_is_not_created(api_client, city):
    newcomer = EscortOwnerFactory(second_factor=True)
    api_client.force_authenticate(newcomer)
    payload = api_payload(city, bio="<p>Telegram me</p>")
    response = api_client.put(API, payload, format="json")
    assert_error_shape(response, 400, "validation_error")
    assert not EscortProfilePage.objects.filter(owner=newcomer).exists()


def test_soft_flags_submit_and_file_one_automated_report(api_client, profile, city):
    api_client.force_authenticate(profile.owner)
    payload = api_payload(city, bio="<p>New girls every week, no limits.</p>")
    assert api_client.put(API, payload, format="json").status_code == 200
    profile.refresh_from_db()
    assert profile.current_workflow_state is not None  # in review
    (report,) = automated_reports(profile)
    assert report.reporter is None and report.subject_user == profile.owner
    assert report.status == Report.Status.OPEN
    evidence = report_evidence(report=report, viewer=None)
    assert evidence["kind"] == "text_check"
    assert {(f["kind"], f["match"], f["where"]) for f in evidence["flags"]} == {
        ("watch_term", "New girls", "bio"),
        ("watch_term", "no limits", "bio"),
    }
    # The same text again: still one report.
    assert api_client.put(API, payload, format="json").status_code == 200
    assert len(automated_reports(profile)) == 1


def test_clean_text_submits_without_a_report(client, profile, city):
    client.force_login(profile.owner)
    response = client.post(
        "/dashboard/profile/",
        form_data(city, bio="Born in Essex; nineteen years in Lisbon. Opera."),
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.current_workflow_state is not None
    assert automated_reports(profile) == []
