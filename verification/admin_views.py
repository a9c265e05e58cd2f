"""The moderators' verification queue in the Wagtail admin: the queue (oldest
first, with the waiting-time figures), a request's files and the person's
profile photos side by side with the decision form, the files themselves
(decrypted, never cached), and a person's history with the re-request action.

Every view needs ``verification.decide_verification`` (the Moderators group,
superusers): anyone else is refused (403) even with admin access. Agency staff
have no admin access at all."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError, NotFound
from verification.admin_forms import DecisionForm, RerequestForm
from verification.models import VerificationRequest
from verification.selectors import (
    attestations_of,
    open_rerequest_of,
    pending_requests,
    profile_photos_of,
    queue_figures,
    request_for_moderator,
    requests_of,
    rerequests_of,
)
from verification.services import (
    DECIDE_PERMISSION,
    Photo,
    UnderAge,
    verification_decide,
    verification_file_open,
    verification_rerequest,
)

PAGE_SIZE = 50


def user_may_decide(user: User) -> bool:
    return user.is_active and user.has_perm(DECIDE_PERMISSION)


def moderators_only(view):  # noqa: ANN001, ANN201
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:  # noqa: ANN401
        if not user_may_decide(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


@moderators_only
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page = Paginator(pending_requests(), PAGE_SIZE).get_page(request.GET.get("p"))
    rows = [(item, now - item.created_at) for item in page.object_list]
    context = {"page": page, "rows": rows, "figures": queue_figures(now=now)}
    return render(request, "verification/admin/queue.html", context)


@moderators_only
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    item = request_for_moderator(request_id=request_id)
    if item is None:
        raise Http404
    photos = profile_photos_of(user=item.user)
    form = DecisionForm(request.POST or None, photos=photos)
    status = 200
    if request.method == "POST":
        if item.status != VerificationRequest.Status.PENDING:
            messages.error(request, _("This request was already decided."))
            return redirect("verification_admin:detail", request_id=item.pk)
        status = _decide(request, item, form)
        if status == 302:
            return redirect("verification_admin:queue")
        item = request_for_moderator(request_id=request_id)
    context = {
        "item": item,
        "photos": photos,
        "form": form,
        "history_count": attestations_of(user=item.user).count(),
    }
    return render(request, "verification/admin/detail.html", context, status=status)


def _decide(request: HttpRequest, item: VerificationRequest, form: DecisionForm) -> int:
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    photos = [
        Photo(image_id=int(value.split(":", 1)[0]), file_hash=value.split(":", 1)[1])
        for value in data["photos"]
    ]
    try:
        verification_decide(
            request=item,
            actor=request.user,
            approve=data["decision"] == "approve",
            date_of_birth=data["date_of_birth"],
            reason=data["reason"],
            note=data["note"],
            verified_photos=photos,
        )
    except UnderAge as error:
        messages.error(request, error.message)
        return 400
    except ApplicationError as error:
        for field, errors in error.fields.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        if not error.fields:
            form.add_error(None, error.message)
        return error.status_code
    messages.success(
        request,
        _("Decided: %(user)s was %(outcome)s. The files are deleted.")
        % {
            "user": item.user.email,
            "outcome": _("approved") if data["decision"] == "approve" else _("refused"),
        },
    )
    return 302


@moderators_only
def request_file(request: HttpRequest, request_id: int, which: str) -> HttpResponse:
    item = get_object_or_404(VerificationRequest, pk=request_id)
    try:
        data = verification_file_open(request=item, actor=request.user, which=which)
    except NotFound:
        raise Http404 from None
    content_type = getattr(item, f"{which}_content_type")
    response = HttpResponse(data, content_type=content_type)
    # Nobody keeps a copy (shared computers, proxies), and the bytes are only
    # ever what they were checked to be.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Disposition"] = f'inline; filename="{which}-{item.pk}"'
    # Images are sandboxed; Chromium's PDF viewer does not run in a sandbox.
    response["Content-Security-Policy"] = "default-src 'none'" + (
        "" if content_type == "application/pdf" else "; sandbox"
    )
    return response


@moderators_only
def history(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    form = RerequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                verification_rerequest(
                    user=person, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status_code
            else:
                messages.success(request, _("The person was asked to verify again."))
                return redirect("verification_admin:history", user_id=person.pk)
    context = {
        "person": person,
        "attestations": attestations_of(user=person),
        "requests": requests_of(user=person),
        "rerequests": rerequests_of(user=person),
        "open_rerequest": open_rerequest_of(user=person),
        "form": form,
    }
    return render(request, "verification/admin/history.html", context, status=status)
