"""Messages in HTML: the inbox, one conversation with its send, block and wipe
forms, and the first message to a profile. Plain forms that work without
JavaScript; static/js/messages.js makes the conversation page live over
/ws/messages/. Writes go through the same services as the API and the socket."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.selectors import profile_live_get
from core import crypto
from core.exceptions import ApplicationError, NotFound, ValidationFailed
from directory.models import EscortProfilePage
from directory.selectors import profiles_editable_by
from messaging.models import Message, MessagingGate, Thread
from messaging.selectors import messages_of, side_of, thread_get_for, threads_for
from messaging.services import (
    message_send,
    messaging_gate_set,
    thread_block,
    thread_mark_read,
    thread_report,
    thread_set_flags,
    thread_start,
    thread_wipe,
)
from messaging.tools_views import composer_templates, template_body_for
from moderation.report_views import SESSION_LAST_REPORT, ReportForm

MESSAGE_KIND = "message"  # moderation.reporting.CATEGORIES["message"]

PAGE_SIZE = 50  # newest messages shown; older ones stay reachable over the API
INBOX_LIMIT = 200


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    other: str
    unread: bool


@dataclass(frozen=True)
class ImageRow:
    url: str  # the protected API view: participants only
    width: int
    height: int


@dataclass(frozen=True)
class MessageRow:
    id: int
    mine: bool
    body: str
    created_at: dt.datetime
    image: ImageRow | None = None
    # Sent by the other side: it gets a "Report" link.
    from_other_side: bool = False
    # An away auto-reply, labelled "Automatic reply".
    automatic: bool = False


# --- Inbox ----------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    # The newest id comes in the same query, so the unread marker costs no
    # query per thread.
    archived = request.GET.get("archived") == "1"
    threads = threads_for(user=request.user, archived=archived).annotate(
        newest_id=Max("messages__id")
    )
    rows = [_inbox_row(thread, request) for thread in threads[:INBOX_LIMIT]]
    return render(request, "messaging/inbox.html", {"rows": rows, "archived": archived})


def _inbox_row(thread: Thread, request: HttpRequest) -> InboxRow:
    side = side_of(thread=thread, user=request.user)
    last_read = getattr(thread, f"{side}_last_read_id")
    return InboxRow(
        thread=thread,
        other=_other_name(thread, side),
        unread=(thread.newest_id or 0) > last_read,
    )


def _other_name(thread: Thread, side: str) -> str:
    if side == "client":
        return thread.profile.title
    return thread.client.display_name or "Client"


# --- One conversation -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _visible(request, thread_id)
    if request.method == "GET":
        # "Use a template" without the script: the page again, composer filled.
        body = template_body_for(request, thread)
        return _render_thread(request, thread, mark_read=True, body=body)
    body = request.POST.get("body", "")
    try:
        message_send(
            thread_id=thread.pk,
            sender=request.user,
            body=body,
            image=request.FILES.get("image"),
        )
    except ApplicationError as error:
        return _render_thread(request, thread, error=error, body=body)
    return redirect("messaging_pages:thread", thread_id=thread.pk)


@login_required
@require_POST
def thread_block_page(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _visible(request, thread_id)
    try:
        thread_block(thread_id=thread.pk, user=request.user)
    except ApplicationError as error:
        return _render_thread(request, thread, error=error)
    messages.success(request, "Blocked. Neither of you can send messages here now.")
    return redirect("messaging_pages:thread", thread_id=thread.pk)


FLAG_ACTIONS = {
    "archive": (
        {"archived": True},
        "Archived. It comes back when a new message arrives.",
    ),
    "unarchive": ({"archived": False}, "Back in your inbox."),
    "mute": ({"muted": True}, "Muted: no notifications for this conversation."),
    "unmute": ({"muted": False}, "Notifications are back on."),
}


@login_required
@require_POST
def thread_flags_page(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _visible(request, thread_id)
    action = FLAG_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        error = ApplicationError("Choose archive, unarchive, mute or unmute.")
        return _render_thread(request, thread, error=error)
    flags, done = action
    thread_set_flags(thread_id=thread.pk, user=request.user, **flags)
    messages.success(request, done)
    return redirect("messaging_pages:thread", thread_id=thread.pk)


@login_required
@require_POST
def thread_wipe_page(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = _visible(request, thread_id)
    # The checkbox is the confirmation step: required in the form and here, so a
    # stray click or a browser that ignores `required` deletes nothing.
    if request.POST.get("confirm") != "yes":
        error = ApplicationError("Tick “I understand” to delete the conversation.")
        return _render_thread(request, thread, error=error)
    thread_wipe(thread_id=thread.pk, user=request.user)
    messages.success(request, "The conversation was deleted for both of you.")
    return redirect("messaging_pages:inbox")


def _visible(request: HttpRequest, thread_id: int) -> Thread:
    try:
        return thread_get_for(user=request.user, thread_id=thread_id)
    except NotFound:
        raise Http404("Conversation not found.") from None


def _render_thread(
    request: HttpRequest,
    thread: Thread,
    *,
    mark_read: bool = False,
    error: ApplicationError | None = None,
    body: str = "",
) -> HttpResponse:
    side = side_of(thread=thread, user=request.user)
    rows = [
        _message_row(message, request, thread=thread, side=side)
        for message in messages_of(thread=thread, limit=PAGE_SIZE)
    ]
    if mark_read and rows:
        thread_mark_read(thread_id=thread.pk, user=request.user, up_to_id=rows[-1].id)
    context = {
        "thread": thread,
        "archived": getattr(thread, f"{side}_archived"),
        "muted": getattr(thread, f"{side}_muted"),
        "other": _other_name(thread, side),
        # The person on the other side, for "Report this person".
        "other_user_id": thread.profile.owner_id
        if side == "client"
        else thread.client_id,
        "rows": rows,
        "last_id": rows[-1].id if rows else 0,
        "body": body,
        "templates": composer_templates(request, side=side),
        **_error_context(error),
    }
    status = error.status_code if error else 200
    return render(request, "messaging/thread.html", context, status=status)


def _message_row(
    message: Message, request: HttpRequest, *, thread: Thread, side: str
) -> MessageRow:
    return MessageRow(
        id=message.pk,
        mine=message.sender_id == request.user.pk,
        body=crypto.decrypt(message.body_encrypted),
        created_at=message.created_at,
        image=_image_row(message),
        from_other_side=_sender_side(thread, message) != side,
        automatic=message.automatic,
    )


def _sender_side(thread: Thread, message: Message) -> str:
    return "client" if message.sender_id == thread.client_id else "provider"


@login_required
@require_http_methods(["GET", "POST"])
def message_report_page(
    request: HttpRequest, thread_id: int, message_id: int
) -> HttpResponse:
    """Report one message from the other side (moderation's form and its
    "what happens next" page; the report goes through ``thread_report``)."""
    thread = _visible(request, thread_id)
    side = side_of(thread=thread, user=request.user)
    message = Message.objects.filter(pk=message_id, thread=thread).first()
    if message is None or _sender_side(thread, message) == side:
        raise Http404("Message not found.")
    form = ReportForm(request.POST or None, kind=MESSAGE_KIND)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                report, created = thread_report(
                    thread_id=thread.pk,
                    user=request.user,
                    message_id=message.pk,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                status = error.status_code
                for name, problems in error.fields.items():
                    for problem in problems:
                        field = name if name in form.fields else None
                        form.add_error(field, problem)
            else:
                request.session[SESSION_LAST_REPORT] = {
                    "id": report.pk,
                    "created": created,
                }
                return redirect("moderation_report:done")
    target = {
        "kind": MESSAGE_KIND,
        "label": f"a message from {_other_name(thread, side)}",
        "url": reverse("messaging_pages:thread", args=[thread.pk]) + f"#m{message.pk}",
    }
    context = {"target": target, "form": form}
    response = render(request, "moderation/report_form.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


def _image_row(message: Message) -> ImageRow | None:
    attachment = getattr(message, "attachment", None)  # select_related: no query
    if attachment is None:
        return None
    url = reverse(
        "api:message-attachment",
        kwargs={"thread_id": message.thread_id, "message_id": message.pk},
    )
    return ImageRow(url=url, width=attachment.width, height=attachment.height)


def _error_context(error: ApplicationError | None) -> dict:
    if error is None:
        return {"error": "", "field_errors": []}
    return {
        "error": error.message,
        "field_errors": [p for problems in error.fields.values() for p in problems],
    }


# --- First message to a profile ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread_start_page(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _profile(profile_id)
    if request.method == "GET":
        return _render_start(request, profile)
    body = request.POST.get("body", "")
    booking = request.POST.get("booking", "")
    try:
        thread, _ = thread_start(
            client=request.user,
            profile_id=profile.pk,
            body=body,
            booking_id=int(booking) if booking.isdigit() else None,
        )
    except ApplicationError as error:
        return _render_start(request, profile, error=error, body=body)
    return redirect("messaging_pages:thread", thread_id=thread.pk)


def _profile(profile_id: int) -> EscortProfilePage:
    try:
        return profile_live_get(profile_id=profile_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _render_start(
    request: HttpRequest,
    profile: EscortProfilePage,
    *,
    error: ApplicationError | None = None,
    body: str = "",
) -> HttpResponse:
    # The conversation page without a conversation yet: one template for both.
    booking = request.GET.get("booking") or request.POST.get("booking") or ""
    context = {
        "booking_id": booking if booking.isdigit() else "",
        "profile": profile,
        "other": profile.title,
        "rows": [],
        "body": body,
        **_error_context(error),
    }
    status = error.status_code if error else 200
    return render(request, "messaging/thread.html", context, status=status)


# --- Who may write to my profiles -------------------------------------------------


@dataclass(frozen=True)
class GateRow:
    profile: EscortProfilePage
    gate: MessagingGate


@login_required
@require_http_methods(["GET", "POST"])
def messaging_gate_page(request: HttpRequest) -> HttpResponse:
    """Providers and agency managers choose, per profile, who may start a
    conversation. Clients have nothing to set here (404)."""
    profiles = list(profiles_editable_by(user=request.user).order_by("title"))
    if not profiles:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            messaging_gate_set(
                actor=request.user,
                profile_id=_int(request.POST.get("profile")),
                mode=request.POST.get("mode", ""),
                min_account_age_days=_int(request.POST.get("days") or "7"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "Saved: who may message you.")
            return redirect("messaging_pages:gate")
    gates = {
        g.profile_id: g for g in MessagingGate.objects.filter(profile__in=profiles)
    }
    rows = [
        GateRow(p, gates.get(p.pk) or MessagingGate(profile=p, mode="verified_email"))
        for p in profiles
    ]
    context = {"rows": rows, "modes": MessagingGate.Mode.choices}
    context |= _error_context(error)
    return render(
        request,
        "messaging/gate.html",
        context,
        status=error.status_code if error else 200,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationFailed("Choose a profile and a number of days.") from None
