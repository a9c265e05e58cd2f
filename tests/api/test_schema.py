"""The OpenAPI schema tells the truth (issue 10, finding 11): paginated lists are
documented as pages, every 4xx carries the one Error component, and DELETE of a
conversation does what its documentation says."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from drf_spectacular.generators import SchemaGenerator

from messaging.models import Message
from messaging.services import message_send, thread_start
from tests.api.fuzz import error_shape_conformance
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, ref: dict) -> dict:
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/threads",
        "/api/v1/notifications",
        "/api/v1/bookings",
        "/api/v1/me/profiles",
    ],
)
def test_paginated_lists_are_documented_as_pages(schema, path):
    operation = schema["paths"][path]["get"]
    body = operation["responses"]["200"]["content"]["application/json"]
    page = _resolve(schema, body["schema"])
    assert page["type"] == "object"
    assert set(page["required"]) == {"next", "previous", "results"}
    assert page["properties"]["next"]["nullable"] is True
    assert page["properties"]["results"]["type"] == "array"
    parameters = operation["parameters"]
    query = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}
    assert query["cursor"]["type"] == "string"
    assert query["page_size"] == {"type": "integer", "minimum": 1, "maximum": 100}


def test_every_operation_documents_its_errors_with_the_error_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {code for code in responses if code.startswith("4")}
            assert "429" in errors, (method, path)
            for code in errors:
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == ERROR, (method, path, code)
                assert responses[code]["description"], (method, path, code)
            if "requestBody" in operation:
                assert {"400", "413", "415"} <= errors, (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)
            if {} not in operation["security"]:
                assert {"401", "403"} <= errors, (method, path)


def test_specific_errors_are_documented(schema):
    paths = schema["paths"]
    assert "409" in paths["/api/v1/bookings"]["post"]["responses"]
    assert "409" in paths["/api/v1/bookings/{booking_id}/{action}"]["post"]["responses"]
    assert "404" in paths["/api/v1/threads"]["post"]["responses"]
    assert "404" in paths["/api/v1/me/profile"]["get"]["responses"]
    # Public reads pass anonymously: no 401 promised there.
    assert "401" not in paths["/api/v1/cities"]["get"]["responses"]


def test_local_times_are_documented_without_an_offset(schema):
    rule = schema["components"]["schemas"]["AvailabilityRule"]["properties"]
    assert "format" not in rule["start_time"]
    assert rule["start_time"]["pattern"].startswith("^([01]\\d|2[0-3])")


def test_thread_delete_wipes_the_messages_for_both_and_keeps_the_thread(
    schema, api_client
):
    documented = schema["paths"]["/api/v1/threads/{thread_id}"]["delete"]
    assert documented["summary"].startswith("Wipe the conversation's messages")
    assert "conversation itself stays" in documented["description"]

    provider = EscortOwnerFactory()
    profile = make_profile("Wiped", city=make_city("Wipetown"), owner=provider)
    client = UserFactory()
    thread, _ = thread_start(client=client, profile_id=profile.pk, body="Hi")
    message_send(thread_id=thread.pk, sender=provider, body="Hello back")

    api_client.force_authenticate(client)
    assert api_client.delete(f"/api/v1/threads/{thread.pk}").status_code == 204
    assert not Message.objects.filter(thread=thread).exists()
    for user in (client, provider):
        api_client.force_authenticate(user)
        kept = api_client.get(f"/api/v1/threads/{thread.pk}")
        assert kept.status_code == 200
        messages = api_client.get(f"/api/v1/threads/{thread.pk}/messages")
        assert messages.json() == []


@pytest.mark.parametrize(
    ("status", "body", "ok"),
    [
        (404, {"error": {"code": "not_found", "message": "No.", "fields": {}}}, True),
        (404, {"detail": "Not found."}, False),
        (400, {"error": {"code": "x", "message": "y", "fields": []}}, False),
        (400, {"error": {"code": "x", "message": "y"}}, False),
        (200, {"detail": "a success body is not an error"}, None),
    ],
)  # fmt: skip
def test_the_fuzzers_error_shape_check_refuses_other_bodies(status, body, ok):
    response = SimpleNamespace(status_code=status, content=json.dumps(body).encode())
    case = SimpleNamespace(formatted_path="/api/v1/threads/1")
    if ok is False:
        with pytest.raises(AssertionError, match="outside the error shape"):
            error_shape_conformance(None, response, case)
    else:
        assert error_shape_conformance(None, response, case) is ok


def test_the_one_write_that_needs_redis_documents_its_503(schema):
    # POST /api/v1/me/socket-ticket answers 503 while Redis is down
    # (tests/core/test_redis_down.py); the schema says so, with the Error body.
    responses = schema["paths"]["/api/v1/me/socket-ticket"]["post"]["responses"]
    assert responses["503"]["content"]["application/json"]["schema"] == ERROR
    assert "service_unavailable" in responses["503"]["description"]


def test_a_path_parameter_alone_documents_its_400(schema):
    # GET /api/v1/agencies/{slug} takes no query and no body, yet a control
    # character in the slug answers 400 (core.control_characters): documented.
    responses = schema["paths"]["/api/v1/agencies/{slug}"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"] == ERROR
