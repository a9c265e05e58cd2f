"""Notifications in HTML: the list, opening one (marks it read and follows its
link), mark all read, and the preferences form. Plain forms, no JavaScript."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from notifications.selectors import kinds_for, notifications_for, preferences_for
from notifications.services import notifications_mark_read, preferences_update

LIST_LIMIT = 100  # the newest; older ones stay reachable over the API


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    items = list(notifications_for(user=request.user)[:LIST_LIMIT])
    return render(request, "notifications/list.html", {"items": items})


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    # Marking read on GET is idempotent and only touches the user's own row.
    notification = notifications_for(user=request.user).filter(pk=notification_id)
    target = notification.values_list("url", flat=True).first()
    if target is None:
        raise Http404
    notifications_mark_read(user=request.user, ids=[notification_id])
    return redirect(target)  # always a site path: notify() refuses anything else


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = notifications_mark_read(user=request.user)
    messages.success(request, f"Marked {marked} notification(s) as read.")
    return redirect("notifications_pages:list")


class PreferencesForm(forms.Form):
    """Two checkboxes per kind that applies to the user's role, grouped by kind
    in the template (``groups``)."""

    def __init__(  # noqa: ANN002, ANN003
        self, *args, preferences: dict, labels: dict[str, str], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        for kind, current in preferences.items():
            self.fields[f"{kind}__in_app"] = forms.BooleanField(
                required=False, initial=current.in_app, label=_("On the site")
            )
            self.fields[f"{kind}__email"] = forms.BooleanField(
                required=False, initial=current.email, label=_("By email")
            )

    def groups(self) -> list[tuple[str, str, list]]:
        return [
            (kind, label, [self[f"{kind}__in_app"], self[f"{kind}__email"]])
            for kind, label in self.labels.items()
        ]

    def changes(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {
                "in_app": self.cleaned_data[f"{kind}__in_app"],
                "email": self.cleaned_data[f"{kind}__email"],
            }
            for kind in self.labels
        }


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None,
        preferences=preferences_for(user=request.user),
        labels=kinds_for(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        preferences_update(user=request.user, changes=form.changes())
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications_pages:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
