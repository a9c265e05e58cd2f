"""Message templates (docs/agency-tools.md): own and agency-shared, the limits
and cleaning of messages, unique titles ignoring case, 404 for others', the
pages, the composer's "Use a template" and the API."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from directory.models import Agency, AgencyEscort, AgencyMembership
from messaging.message_templates import (
    message_template_create,
    message_template_delete,
    message_template_update,
    message_templates_for,
)
from messaging.models import MessageTemplate
from messaging.services import thread_start
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def escort(db) -> User:  # noqa: ANN001
    return EscortOwnerFactory(display_name="Nora")


@pytest.fixture
def agency(db) -> Agency:  # noqa: ANN001
    return Agency.objects.create(name="Velvet", slug="velvet")


@pytest.fixture
def manager(agency: Agency) -> User:
    user = UserFactory(role=Role.AGENCY, display_name="Marta")
    AgencyMembership.objects.create(agency=agency, user=user, role="manager")
    return user


def _signed_in(user: User) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


# --- services --------------------------------------------------------------------


def test_an_escort_keeps_own_templates_cleaned(escort):
    template = message_template_create(
        actor=escort, title="  Rates   and times ", body="Hello\r\nthere  "
    )
    assert (template.owner, template.agency) == (escort, None)
    assert (template.title, template.body) == ("Rates and times", "Hello\nthere")


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", "Text", "title"),
        ("   ", "Text", "title"),
        ("x" * 81, "Text", "title"),
        ("Title", "", "body"),
        ("Title", "x" * 2001, "body"),
        ("Title", "bad\x00char", "body"),
    ],
)
def test_bad_input_is_refused_on_its_field(escort, title, body, field):
    with pytest.raises(ValidationFailed) as refused:
        message_template_create(actor=escort, title=title, body=body)
    assert field in refused.value.fields
    assert not MessageTemplate.objects.exists()


def test_titles_are_unique_per_owner_ignoring_case(escort):
    message_template_create(actor=escort, title="Welcome", body="Hi")
    with pytest.raises(ValidationFailed) as refused:
        message_template_create(actor=escort, title="WELCOME", body="Hello")
    assert refused.value.fields == {
        "title": ["You already have a template with this title."]
    }
    # Another person may use the same title.
    message_template_create(actor=EscortOwnerFactory(), title="welcome", body="Hi")


def test_the_database_refuses_two_holders_or_none(escort, agency):
    with pytest.raises(IntegrityError):
        MessageTemplate.objects.create(owner=escort, agency=agency, title="A", body="B")


def test_agency_templates_are_written_by_staff_and_used_by_listed_escorts(
    manager, agency, escort
):
    shared = message_template_create(
        actor=manager, title="Welcome", body="Hi", shared=True
    )
    assert (shared.owner, shared.agency) == (None, agency)
    AgencyEscort.objects.create(
        agency=agency, escort=escort, consented_at=timezone.now()
    )
    assert list(message_templates_for(user=escort)) == [shared]
    # The listed escort uses it but may not change or delete it.
    with pytest.raises(NotFound):
        message_template_update(
            actor=escort, template_id=shared.pk, title="Mine", body="x"
        )
    with pytest.raises(NotFound):
        message_template_delete(actor=escort, template_id=shared.pk)
    # Nor share one: only staff write agency templates.
    with pytest.raises(PermissionDenied):
        message_template_create(actor=escort, title="T", body="B", shared=True)


def test_clients_keep_no_templates():
    with pytest.raises(PermissionDenied):
        message_template_create(
            actor=UserFactory(role=Role.CLIENT), title="T", body="B"
        )


def test_another_persons_template_is_not_found(escort):
    theirs = message_template_create(actor=EscortOwnerFactory(), title="T", body="B")
    assert theirs not in message_templates_for(user=escort)
    with pytest.raises(NotFound):
        message_template_update(
            actor=escort, template_id=theirs.pk, title="X", body="Y"
        )


# --- pages -----------------------------------------------------------------------


def test_the_page_adds_lists_edits_and_deletes(escort):
    browser = _signed_in(escort)
    blank = browser.post("/messages/templates/", {"title": "", "body": "Hello"})
    assert blank.status_code == 400
    assert "Give the template a title." in blank.content.decode()
    assert "Hello" in blank.content.decode()  # what was typed stays
    saved = browser.post("/messages/templates/", {"title": "Hi", "body": "Hello"})
    assert saved.status_code == 302
    template = MessageTemplate.objects.get(owner=escort)
    assert "Hello" in browser.get("/messages/templates/").content.decode()
    edit_url = f"/messages/templates/{template.pk}/edit/"
    assert browser.post(edit_url, {"title": "Hi", "body": "Bye"}).status_code == 302
    assert MessageTemplate.objects.get(pk=template.pk).body == "Bye"
    delete_url = f"/messages/templates/{template.pk}/delete/"
    confirm = browser.get(delete_url)
    assert "Delete template" in confirm.content.decode()
    assert MessageTemplate.objects.filter(pk=template.pk).exists()
    assert browser.post(delete_url).status_code == 302
    assert not MessageTemplate.objects.filter(pk=template.pk).exists()


def test_others_templates_are_404_on_the_pages(escort):
    theirs = message_template_create(actor=EscortOwnerFactory(), title="T", body="B")
    browser = _signed_in(escort)
    assert browser.get(f"/messages/templates/{theirs.pk}/edit/").status_code == 404
    assert browser.post(f"/messages/templates/{theirs.pk}/delete/").status_code == 404
    assert MessageTemplate.objects.filter(pk=theirs.pk).exists()
    client = _signed_in(UserFactory(role=Role.CLIENT))
    assert client.get("/messages/templates/").status_code == 404


def test_the_list_page_runs_constant_queries(escort, django_assert_max_num_queries):
    browser = _signed_in(escort)
    message_template_create(actor=escort, title="T0", body="B")
    browser.get("/messages/templates/")
    with django_assert_max_num_queries(12) as small:
        browser.get("/messages/templates/")
    count = len(small)
    for number in range(1, 8):
        message_template_create(actor=escort, title=f"T{number}", body="B")
    with django_assert_max_num_queries(count):
        browser.get("/messages/templates/")


def test_the_composer_offers_templates_to_the_provider_only(escort):
    profile = make_profile("Nora", city=make_city("Vienna"), owner=escort)
    client = UserFactory(role=Role.CLIENT)
    thread, _ = thread_start(client=client, profile_id=profile.pk, body="Hello")
    template = message_template_create(
        actor=escort, title="Rates", body="My rates are on my profile."
    )
    url = f"/messages/{thread.pk}/"
    page = _signed_in(escort).get(url, {"template": template.pk}).content.decode()
    assert "Use a template" in page
    assert ">My rates are on my profile.</textarea>" in page
    client_page = _signed_in(client).get(url, {"template": template.pk})
    assert "Use a template" not in client_page.content.decode()
    assert "My rates are on my profile.</textarea>" not in client_page.content.decode()
    # Someone else's template fills nothing.
    other = message_template_create(
        actor=EscortOwnerFactory(), title="X", body="Secret"
    )
    page = _signed_in(escort).get(url, {"template": other.pk}).content.decode()
    assert "Secret" not in page


# --- API -------------------------------------------------------------------------

URL = "/api/v1/messages/templates"


def test_api_crud(api_client, escort):
    api_client.force_authenticate(escort)
    created = api_client.post(URL, {"title": "Hi", "body": "Hello"}, format="json")
    assert created.status_code == 201
    template_id = created.json()["id"]
    assert created.json()["shared"] is False
    listed = api_client.get(URL).json()["results"]
    assert [row["id"] for row in listed] == [template_id]
    changed = api_client.put(
        f"{URL}/{template_id}", {"title": "Hi", "body": "Bye"}, format="json"
    )
    assert changed.json()["body"] == "Bye"
    assert api_client.delete(f"{URL}/{template_id}").status_code == 204
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [{}, {"title": "", "body": "B"}, {"title": "T", "body": "x" * 2001}, {"title": 5}],
)
def test_api_bad_input_is_400(api_client, escort, payload):
    api_client.force_authenticate(escort)
    assert_error_shape(api_client.post(URL, payload, format="json"), 400)


def test_api_duplicate_title_is_400_on_title(api_client, escort):
    api_client.force_authenticate(escort)
    api_client.post(URL, {"title": "Hi", "body": "A"}, format="json")
    error = assert_error_shape(
        api_client.post(URL, {"title": "hi", "body": "B"}, format="json"), 400
    )
    assert set(error["fields"]) == {"title"}


def test_api_others_template_is_404(api_client, escort):
    theirs = message_template_create(actor=EscortOwnerFactory(), title="T", body="B")
    api_client.force_authenticate(escort)
    assert_error_shape(api_client.get(f"{URL}/{theirs.pk}"), 404, "not_found")
    assert_error_shape(
        api_client.put(
            f"{URL}/{theirs.pk}", {"title": "X", "body": "Y"}, format="json"
        ),
        404,
    )
    assert_error_shape(api_client.delete(f"{URL}/{theirs.pk}"), 404)


def test_api_client_cannot_create(api_client):
    api_client.force_authenticate(UserFactory(role=Role.CLIENT))
    response = api_client.post(URL, {"title": "T", "body": "B"}, format="json")
    assert_error_shape(response, 403)


def test_api_list_constant_queries(api_client, escort, django_assert_max_num_queries):
    api_client.force_authenticate(escort)
    message_template_create(actor=escort, title="T0", body="B")
    with django_assert_max_num_queries(10) as small:
        api_client.get(URL)
    count = len(small)
    for number in range(1, 8):
        message_template_create(actor=escort, title=f"T{number}", body="B")
    with django_assert_max_num_queries(count):
        assert len(api_client.get(URL).json()["results"]) == 8
