"""The server-rendered "Edit my profile" page: same rules as the API."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from accounts.models import Role
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.cms_pages.test_images import jpeg_with_gps
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.mfa import totp_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    city = make_city("Prague", live=False, country="Czechia", time_zone="Europe/Prague")
    city.save_revision().publish()
    return city


@pytest.fixture
def owner():
    return EscortOwnerFactory()


@pytest.fixture
def profile(city, owner):
    page = make_profile("Petra", city=city, owner=owner, live=False, tagline="Before")
    page.get_latest_revision().publish()
    page.refresh_from_db()
    return page


def form_data(city, **overrides) -> dict:
    data = {
        "display_name": "Petra",
        "age": "31",
        "home_city": str(city.pk),
        "tagline": "After",
        "bio": "Loves jazz.",
        "contact_preference": "messages_bookings",
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "0",
        "rates-0-duration_minutes": "120",
        "rates-0-kind": "outcall",
        "rates-0-amount": "450.00",
        "rates-0-currency": "CZK",
        "tours-TOTAL_FORMS": "0",
        "tours-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/dashboard/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_shows_state_and_edit_link(client, profile, owner):
    client.force_login(owner)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert b'data-status="live"' in page.content
    assert b"Edit my profile" in page.content


def test_form_is_prefilled_from_the_latest_revision(client, profile, owner):
    client.force_login(owner)
    page = client.get("/dashboard/profile/").content.decode()
    assert 'value="Before"' in page
    assert 'value="Petra"' in page


def test_submitting_saves_a_revision_with_the_photo_and_keeps_live(
    client, profile, owner, city
):
    client.force_login(owner)
    photo = SimpleUploadedFile("me.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(
        "/dashboard/profile/",
        form_data(city, new_photo=photo, new_photo_caption="On stage"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/dashboard/"

    profile.refresh_from_db()
    assert profile.tagline == "Before"  # live unchanged until approval
    draft = profile.get_latest_revision_as_object()
    assert draft.tagline == "After"
    rate = draft.rates.get()
    assert (rate.duration_minutes, rate.kind, rate.amount_minor, rate.currency) == (
        120,
        "outcall",
        45000,
        "CZK",
    )
    photo = draft.photos.get()
    assert photo.is_primary and photo.caption == "On stage"
    with Image.open(photo.image.file.path) as stored:
        assert dict(stored.getexif()) == {}
    assert profile.current_workflow_state.status == "in_progress"
    assert b'data-status="in_review"' in client.get("/dashboard/").content


def test_invalid_form_shows_errors_and_saves_nothing(client, profile, owner, city):
    client.force_login(owner)
    revisions = profile.revisions.count()
    response = client.post("/dashboard/profile/", form_data(city, age="17"))
    assert response.status_code == 400
    assert re.search(rb'role="alert"', response.content)
    assert profile.revisions.count() == revisions


def test_non_image_upload_is_a_form_error(client, profile, owner, city):
    client.force_login(owner)
    junk = SimpleUploadedFile(
        "me.jpg", b"not an image at all", content_type="image/jpeg"
    )
    response = client.post("/dashboard/profile/", form_data(city, new_photo=junk))
    assert response.status_code == 400
    assert (
        b"not an acceptable image" in response.content
        or b"Upload a valid" in response.content
    )
    profile.refresh_from_db()
    assert profile.current_workflow_state is None


def test_post_without_csrf_token_is_refused(profile, owner, city):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    response = browser.post("/dashboard/profile/", form_data(city))
    assert response.status_code == 403
    assert profile.current_workflow_state is None


def test_someone_elses_profile_is_404(client, profile, city):
    agency = Agency.objects.create(name="Opal", slug="opal")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="owner")
    client.force_login(manager)
    assert client.get(f"/dashboard/profiles/{profile.pk}/").status_code == 404
    assert (
        client.post(f"/dashboard/profiles/{profile.pk}/", form_data(city)).status_code
        == 404
    )


def test_agency_manager_edits_an_agency_profile(client, city):
    agency = Agency.objects.create(name="Opal", slug="opal")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    page = make_profile("Olga", city=city, live=False, agency=agency)
    client.force_login(manager)
    refused = client.post(
        f"/dashboard/profiles/{page.pk}/", form_data(city, display_name="Olga")
    )
    assert "second factor" in refused.content.decode()  # staff need one to submit
    totp_for(manager)
    response = client.post(
        f"/dashboard/profiles/{page.pk}/", form_data(city, display_name="Olga")
    )
    assert response.status_code == 302
    draft = EscortProfilePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert draft.tagline == "After"


def test_client_without_profile_gets_404_on_the_editor(client, client_user):
    client.force_login(client_user)
    assert client.get("/dashboard/profile/").status_code == 404
