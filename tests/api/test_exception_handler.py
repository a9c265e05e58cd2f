"""Django's own ValidationError (model ``full_clean()``, validators called from
services) reaches the API's exception handler and answers 400 in the error shape."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from api.exceptions import exception_handler

pytestmark = pytest.mark.django_db


def _raising(error: Exception):  # noqa: ANN202 - a DRF view function
    class Raising(APIView):
        authentication_classes = []
        permission_classes = []

        def get(self, request):  # noqa: ANN001, ANN202, ARG002
            raise error

    return Raising.as_view()


def _get(error: Exception) -> tuple[int, dict]:
    response = _raising(error)(APIRequestFactory().get("/api/v1/raising"))
    response.render()
    return response.status_code, json.loads(response.content)


def test_a_django_validation_error_with_fields_is_400_with_those_fields():
    status, body = _get(
        ValidationError(
            {"age": ["Must be 18 or older."], "__all__": ["Tours overlap."]}
        )
    )
    assert status == 400
    assert body == {
        "error": {
            "code": "validation_error",
            "message": "Some fields are invalid.",
            "fields": {
                "age": ["Must be 18 or older."],
                "non_field_errors": ["Tours overlap."],
            },
        }
    }


def test_a_django_validation_error_without_fields_is_400_non_field_errors():
    status, body = _get(ValidationError("That date is in the past.", code="past"))
    assert status == 400
    assert body["error"]["code"] == "validation_error"
    fields = body["error"]["fields"]
    assert fields == {"non_field_errors": ["That date is in the past."]}


def test_the_handler_answers_a_django_validation_error_itself():
    response = exception_handler(ValidationError({"age": ["Too young."]}), {})
    assert response is not None
    assert response.status_code == 400
    assert response.data["error"]["fields"] == {"age": ["Too young."]}
