"""Control characters in request input answer 400 before any view runs.

A NUL byte reaching PostgreSQL fails the query (a 500), and other control
characters break logs, headers and layouts. No parameter of ours needs one, so
the rule sits at the edge, once, rather than in every serializer and form: the
path and query parameters (names and values) may hold none; JSON strings and
form values may hold only tab, CR and LF (multi-line text). File parts of
uploads are not text and are not looked at. The rule itself is
``core.validators.has_control_characters``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from core.errors import error_response, wants_json
from core.validators import BODY_CONTROLS, has_control_characters

ONE_LINE: frozenset[str] = frozenset()
MESSAGE = "Control characters are not allowed."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterMiddleware:
    """Before the views (after authentication, so the 400 page has its user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = _first_bad_field(request)
        if bad is None:
            return self.get_response(request)
        if wants_json(request):
            return error_response(
                400, "validation_error", MESSAGE, fields={bad: [MESSAGE]}
            )
        return render(request, "400.html", {"message": MESSAGE}, status=400)


def _first_bad_field(request: HttpRequest) -> str | None:
    """The name of the first input that holds a forbidden control character."""
    if has_control_characters(request.path_info, allowed=ONE_LINE):
        return "path"
    for name, values in request.GET.lists():
        if any(has_control_characters(t, allowed=ONE_LINE) for t in (name, *values)):
            return name
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type == "application/json":
        return _bad_json_field(request)
    if request.content_type in FORM_TYPES:
        try:
            fields = request.POST.lists()
        except MultiPartParserError:
            return None  # the view's form handling answers the broken body
        for name, values in fields:
            if has_control_characters(name, allowed=ONE_LINE) or any(
                has_control_characters(value, allowed=BODY_CONTROLS) for value in values
            ):
                return name
    return None


def _bad_json_field(request: HttpRequest) -> str | None:
    try:
        data = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None  # not JSON: the view's parser answers that 400
    for path, text in _strings(data, "body"):
        if has_control_characters(text, allowed=BODY_CONTROLS):
            return path
    return None


def _strings(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON document (keys too), with where it sits."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, key
            yield from _strings(item, key if path == "body" else f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")
