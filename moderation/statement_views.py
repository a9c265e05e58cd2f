"""The affected person's side of moderation: /dashboard/moderation/ lists the
statements of reasons they received; each statement has its own page, with
the appeal form while the appeal window is open, then the appeal's status and,
once decided, its outcome. A suspended user reaches these pages (signing in
is not refused to them: this is where they learn why and appeal)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.exceptions import ApplicationError
from core.ids import MAX_ID
from moderation import decisions
from moderation.models import DETAILS_MAX_LENGTH, Appeal
from moderation.selectors import statements_of


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why do you disagree?"),
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Up to 2000 characters. Tell us what the decision got wrong; "
            "a different moderator reads it."
        ),
        error_messages={"required": _("Tell us why you disagree.")},
    )


def _add_errors(form: forms.Form, error: ApplicationError) -> None:
    """The service's refusal on the form: on the field it names, else its
    message above the form."""
    problems = error.fields.get("text", [])
    for problem in problems:
        form.add_error("text", str(problem))
    if not problems:
        form.add_error(None, error.message)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET"])
def statement_list(request: HttpRequest) -> HttpResponse:
    context = {"statements": list(statements_of(user=request.user)[:100])}
    return _no_store(render(request, "moderation/statement_list.html", context))


@login_required
@require_http_methods(["GET", "POST"])
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's statement is a 404, never a 403: its existence is private.
    statement = get_object_or_404(
        statements_of(user=request.user), pk=pk if 0 < pk <= MAX_ID else 0
    )
    appeal = Appeal.objects.filter(statement=statement).first()
    may_appeal = appeal is None and statement.appeal_until > timezone.now()
    form = AppealForm(request.POST) if request.method == "POST" else AppealForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            # The service is the one home of the rules (one appeal per
            # statement, within the window): a refusal shows on the form.
            try:
                decisions.appeal_file(
                    user=request.user,
                    statement=statement,
                    text=form.cleaned_data["text"],
                )
            except ApplicationError as error:
                _add_errors(form, error)
                status = error.status_code
            else:
                messages.success(
                    request,
                    "Your appeal was sent. A different moderator will review the "
                    "decision and tell you the outcome.",
                )
                return redirect("moderation_statements:detail", pk=statement.pk)
    context = {
        "statement": statement,
        "appeal": appeal,
        "form": form,
        "may_appeal": may_appeal,
    }
    return _no_store(
        render(request, "moderation/statement_detail.html", context, status=status)
    )
