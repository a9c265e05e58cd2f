"""The affected person's side of moderation: /dashboard/moderation/ lists the
statements of reasons they received; each statement has its own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from moderation.selectors import statements_of


@login_required
@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    context = {"statements": list(statements_of(user=request.user)[:100])}
    response = render(request, "moderation/statement_list.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's statement is a 404, never a 403: its existence is private.
    statement = get_object_or_404(statements_of(user=request.user), pk=pk)
    response = render(
        request, "moderation/statement_detail.html", {"statement": statement}
    )
    response["Cache-Control"] = "private, no-store"
    return response
