"""Moderation pages outside the admin: /dashboard/safety/, where an escort
talks to the safety team privately (moderation.safety)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from core.exceptions import ApplicationError
from moderation.models import DETAILS_MAX_LENGTH, SAFETY_CATEGORIES
from moderation.safety import safety_message_send, safety_messages_of

SHOWN = 50


class SafetyMessageForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        widget=forms.RadioSelect,
        choices=[(c.value, c.label) for c in SAFETY_CATEGORIES],
    )
    details = forms.CharField(
        label=_("What happened?"),
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Up to 2000 characters. Only our safety team reads this."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def safety(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.ESCORT:
        raise Http404("This page is for escorts.")
    form = SafetyMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safety_message_send(author=request.user, **form.cleaned_data)
        except ApplicationError as error:
            for name, problems in error.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(
                request, "Sent to our safety team. We will contact you privately."
            )
            return redirect("moderation_safety:safety")
    context = {
        "form": form,
        "sent": list(safety_messages_of(user=request.user)[:SHOWN]),
    }
    status = 400 if request.method == "POST" else 200
    response = render(request, "moderation/safety.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response
