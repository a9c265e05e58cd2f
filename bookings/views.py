"""Bookings in HTML: the request form, the dashboards of both sides, a booking's
page with its moves, and the provider's calendar feed. Writes go through the same
services as the API; a booking you are not a side of is a 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role, User
from bookings.availability import (
    DayFull,
    NoticeTooShort,
    OutsideHours,
    TimeInPast,
    TimeRefused,
    TooFarAhead,
    bookable_slots,
)
from bookings.deposits import deposit_state
from bookings.forms import (
    BookingActionForm,
    BookingRequestForm,
    CalendarDay,
    calendar_days,
    chosen_day,
    local_day_of,
    notice_phrase,
    request_terms,
)
from bookings.ical import FEED_DAYS_BACK, booking_calendar
from bookings.models import (
    AvailabilityException,
    AvailabilityRule,
    Booking,
    BookingEvent,
    BookingPolicy,
)
from bookings.schedule_forms import BookingPolicyForm, ExceptionForm, WeeklyHoursForm
from bookings.selectors import (
    booking_assignable_staff,
    booking_get_for,
    booking_history_for,
    booking_list_for,
    booking_queue_for,
    booking_upcoming_for,
    policy_for,
    profile_live_get,
)
from bookings.services import (
    ACTIONS,
    ExceptionInput,
    RuleInput,
    SlotUnavailable,
    availability_replace,
    booking_act,
    booking_request,
    is_provider_of,
)
from core.exceptions import ApplicationError, NotFound
from core.formatting import format_money
from directory.models import EscortProfilePage, ProfileRate
from directory.selectors import profile_editable_get, profiles_editable_by

S = Booking.Status
SLOT_DAYS = 14
CALENDAR_DAYS = 14
LIST_LIMIT = 50
FINISHED = [
    S.COMPLETED,
    S.DECLINED,
    S.CANCELLED_BY_CLIENT,
    S.CANCELLED_BY_PROVIDER,
    S.EXPIRED,
    S.NO_SHOW,
]
PAST_TENSE = {
    "accept": "accepted",
    "decline": "declined",
    "cancel": "cancelled",
    "complete": "marked as completed",
    "no-show": "marked as a no-show",
}
ACTION_LABELS = {
    "accept": "Accept",
    "decline": "Decline",
    "cancel": "Cancel booking",
    "complete": "Mark completed",
    "no-show": "Mark no-show",
}


# --- Request ------------------------------------------------------------------


@dataclass(frozen=True)
class RequestContext:
    """What every rendering of the request page shows, read once per request:
    the profile, its rates and policy, and the calendar of free times."""

    profile: EscortProfilePage
    rates: list[ProfileRate]
    policy: BookingPolicy
    days: list[CalendarDay]
    zone: ZoneInfo  # the home city's: the calendar's dates are its dates


@login_required
@require_http_methods(["GET", "POST"])
def booking_request_page(request: HttpRequest, profile_id: int) -> HttpResponse:
    page = _request_context(profile_id)
    if request.method == "GET":
        day = chosen_day(page.days, request.GET.get("day"))
        form = BookingRequestForm(rates=page.rates, day=day)
        return _render_request(request, page, form)
    day = chosen_day(page.days, _posted_day(request, page))
    if request.POST.get("step") == "times":
        # Without the script: "Show durations" sends the form back to show the
        # rates that fit the chosen time, keeping everything typed so far.
        form = BookingRequestForm(
            rates=page.rates, day=day, initial=request.POST.dict()
        )
        return _render_request(request, page, form)
    form = BookingRequestForm(request.POST, rates=page.rates, day=day)
    if not form.is_valid():
        return _render_request(request, page, form, status=400)
    try:
        booking, _ = booking_request(
            client=request.user, data=form.to_input(profile_id=page.profile.pk)
        )
    except ApplicationError as error:
        status = _attach_error(form, error, page=page)
        # Shown again with the times free now: one taken meanwhile has gone.
        page = _request_context(profile_id)
        form.show_day(chosen_day(page.days, _posted_day(request, page)))
        return _render_request(request, page, form, status=status)
    messages.success(request, "Your request was sent to the provider.")
    return redirect("bookings_dashboard:detail", booking_id=booking.pk)


def _posted_day(request: HttpRequest, page: RequestContext) -> str | None:
    """The day of the posted time, else the day the form was on."""
    posted = local_day_of(request.POST.get("slot", ""), page.days, zone=page.zone)
    return posted or request.POST.get("day")


def _render_request(
    request: HttpRequest,
    page: RequestContext,
    form: BookingRequestForm,
    *,
    status: int = 200,
) -> HttpResponse:
    profile = page.profile
    context = {
        "profile": profile,
        "form": form,
        "days": page.days,
        "day": form.day_shown,
        "terms": request_terms(
            policy=page.policy, rates=page.rates, name=profile.title
        ),
        "notice": _request_notice(request.user, profile),
    }
    return render(request, "bookings/request.html", context, status=status)


def _request_context(profile_id: int) -> RequestContext:
    profile, rates = _bookable(profile_id)
    policy = policy_for(profile=profile)
    zone = ZoneInfo(profile.home_city.time_zone if profile.home_city else "UTC")
    today = timezone.now().astimezone(zone).date()
    # The next two weeks, or fewer when the provider opens fewer days ahead.
    count = min(SLOT_DAYS, policy.max_days_ahead + 1)
    slots = bookable_slots(
        profile=profile,
        date_from=today,
        date_to=today + dt.timedelta(days=count - 1),
    )
    longest = max((rate.duration_minutes for rate in rates), default=0)
    days = calendar_days(slots, first=today, count=count, longest=longest)
    return RequestContext(
        profile=profile, rates=rates, policy=policy, days=days, zone=zone
    )


def _bookable(profile_id: int) -> tuple[EscortProfilePage, list[ProfileRate]]:
    try:
        profile = profile_live_get(profile_id=profile_id)
    except NotFound as error:
        raise Http404(error.message) from error
    return profile, list(profile.rates.order_by("sort_order"))


def _request_notice(user: User, profile: EscortProfilePage) -> str:
    """Why this user cannot request here, if they cannot: said before they fill
    the form in. The service enforces the same rules on submit."""
    if profile.contact_preference == EscortProfilePage.ContactPreference.MESSAGES:
        return "This companion does not take booking requests."
    if user.role == Role.CLIENT:
        return ""
    if is_provider_of(user=user, profile_id=profile.pk):
        return "own"
    return "Only client accounts can request bookings."


def _attach_error(
    form: BookingRequestForm, error: ApplicationError, *, page: RequestContext
) -> int:
    """A refused time goes on the time, in words a person reads; the rest where
    the service says. What was typed stays in the bound form."""
    if isinstance(error, SlotUnavailable | TimeRefused):
        form.add_error("slot", _time_refusal(error, page=page))
        return error.status_code
    names = {"start": "slot", "rate": "rate", "note": "note"}
    targets = {names.get(name) for name in error.fields}
    if not error.fields or None in targets:
        form.add_error(None, error.message)
    for name, problems in error.fields.items():
        if (target := names.get(name)) is not None:
            for problem in problems:
                form.add_error(target, problem)
    return error.status_code


def _time_refusal(error: ApplicationError, *, page: RequestContext) -> str:
    name, policy = page.profile.title, page.policy
    if isinstance(error, SlotUnavailable):
        return gettext("That time was just taken — pick another.")
    if isinstance(error, NoticeTooShort):
        return gettext("Bookings need %(notice)s notice — pick a later time.") % {
            "notice": notice_phrase(policy.min_notice_minutes)
        }
    if isinstance(error, OutsideHours):
        return gettext(
            "Outside %(name)s's hours — pick one of the times listed for the day."
        ) % {"name": name}
    if isinstance(error, DayFull):
        return gettext(
            "%(name)s takes no more bookings that day — pick another day."
        ) % {"name": name}
    if isinstance(error, TooFarAhead):
        return gettext(
            "%(name)s takes bookings up to %(days)d days ahead — pick an earlier day."
        ) % {"name": name, "days": policy.max_days_ahead}
    if isinstance(error, TimeInPast):
        return gettext("That time has passed — pick a later one.")
    return error.message


# --- Dashboard ----------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    profile: EscortProfilePage
    url: str | None  # None until the provider saved a booking policy


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_provider = user.is_provider
    context = {"is_provider": is_provider, "is_client": not is_provider}
    if is_provider:
        context["is_staff_member"] = user.agency_memberships.exists()
    if is_provider and request.GET.get("assigned") == "me":
        # "My queue" (docs/agency-tools.md): only what is assigned to me.
        context["queue"] = list(booking_queue_for(user=user)[: LIST_LIMIT * 2])
    elif is_provider:
        context |= _provider_sections(request, user)
    else:
        context |= _client_sections(user)
    return render(request, "bookings/dashboard.html", context)


def _client_sections(user: User) -> dict:
    mine = {"user": user, "role": "client"}
    return {
        "upcoming": list(booking_upcoming_for(**mine)[:LIST_LIMIT]),
        "history": list(booking_history_for(**mine)[:LIST_LIMIT]),
    }


def _provider_sections(request: HttpRequest, user: User) -> dict:
    theirs = {"user": user, "role": "provider"}
    inbox = booking_list_for(**theirs, statuses=[S.REQUESTED]).order_by("start")
    taken = booking_list_for(**theirs, statuses=list(Booking.TAKEN), upcoming=True)
    history = booking_list_for(**theirs, statuses=FINISHED).order_by("-start")
    return {
        "inbox": list(inbox[: LIST_LIMIT * 2]),
        "calendar": _by_local_day(list(taken.order_by("start")[: LIST_LIMIT * 2])),
        "history": list(history[:LIST_LIMIT]),
        "feeds": _feeds_of(request, user),
    }


def _by_local_day(bookings: list[Booking]) -> list[tuple[dt.date, list[Booking]]]:
    """The next CALENDAR_DAYS days, each booking on the date it starts on in its
    city (the date the provider lives it)."""
    horizon = timezone.now() + dt.timedelta(days=CALENDAR_DAYS)
    local = [
        (booking.start.astimezone(ZoneInfo(booking.city.time_zone)).date(), booking)
        for booking in bookings
        if booking.start < horizon
    ]
    local.sort(key=lambda row: (row[0], row[1].start))
    return [
        (day, [booking for _, booking in rows])
        for day, rows in groupby(local, key=lambda row: row[0])
    ]


def _feeds_of(request: HttpRequest, user: User) -> list[Feed]:
    # One query: the reverse one-to-one joins in, absent until the provider saves
    # a policy. No service creates one from here yet, so no token either.
    profiles = profiles_editable_by(user=user).select_related("booking_policy")
    feeds = []
    for profile in profiles.order_by("title")[:LIST_LIMIT]:
        try:
            token = profile.booking_policy.calendar_token
        except BookingPolicy.DoesNotExist:
            feeds.append(Feed(profile=profile, url=None))
            continue
        path = reverse("bookings_dashboard:calendar", kwargs={"token": token})
        feeds.append(Feed(profile=profile, url=request.build_absolute_uri(path)))
    return feeds


# --- One booking ----------------------------------------------------------------


@login_required
@require_GET
def booking_detail(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _render_detail(request, _visible(request.user, booking_id))


@login_required
@require_POST
def booking_action(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    if action not in PAST_TENSE:
        raise Http404("Unknown action.")
    form = BookingActionForm(request.POST)
    if not form.is_valid():
        booking = _visible(request.user, booking_id)
        return _render_detail(request, booking, error=_first_error(form), status=400)
    try:
        booking_act(
            booking_id=booking_id,
            actor=request.user,
            action=action,
            reason=form.cleaned_data["reason"],
        )
    except NotFound:
        raise Http404("Booking not found.") from None
    except ApplicationError as error:
        booking = _visible(request.user, booking_id)
        return _render_detail(
            request, booking, error=error.message, status=error.status_code
        )
    messages.success(request, f"Booking {PAST_TENSE[action]}.")
    return redirect(_next_url(request, form, booking_id))


def _visible(user: User, booking_id: int) -> Booking:
    try:
        return booking_get_for(user=user, booking_id=booking_id)
    except NotFound:
        raise Http404("Booking not found.") from None


def _render_detail(
    request: HttpRequest,
    booking: Booking,
    *,
    error: str = "",
    status: int = 200,
    assign_error: str = "",
) -> HttpResponse:
    side = "client" if booking.client_id == request.user.pk else "provider"
    context = {
        "booking": booking,
        "side": side,
        "actions": _allowed_actions(booking, side=side, now=timezone.now()),
        "events": [_event_row(booking, event) for event in booking.events.all()],
        "price": format_money(booking.price_minor, booking.currency),
        "deposit": format_money(booking.deposit_minor, booking.currency)
        if booking.deposit_minor
        else "",
        "error": error,
        "deposit_state": deposit_state(booking=booking),
        "assign": _assign_context(request.user, booking, side=side),
        "assign_error": assign_error,
    }
    return render(request, "bookings/detail.html", context, status=status)


def _assign_context(user: User, booking: Booking, *, side: str) -> dict | None:
    """The "Assigned to" form: agency bookings, shown to the agency's staff
    only (the listed escort sees who handles it, without the form)."""
    if side != "provider" or booking.profile.agency_id is None:
        return None
    staff = list(booking_assignable_staff(booking=booking))
    return {
        "staff": staff,
        "can_assign": any(member.pk == user.pk for member in staff),
    }


def _allowed_actions(
    booking: Booking, *, side: str, now: dt.datetime
) -> list[tuple[str, str]]:
    """The moves worth a button: the service's table, less those the clock already
    rules out (it refuses them anyway, with a message)."""
    allowed = []
    for action, label in ACTION_LABELS.items():
        starts_from, who = ACTIONS[action]
        if booking.status not in starts_from or who not in ("either", side):
            continue
        if action == "cancel" and booking.start <= now:
            continue
        if (action == "complete" and booking.end > now) or (
            action == "no-show" and booking.start > now
        ):
            continue
        allowed.append((action, label))
    return allowed


def _event_row(booking: Booking, event: BookingEvent) -> dict:
    if event.actor_id is None:
        by = "system"
    else:
        by = "client" if event.actor_id == booking.client_id else "provider"
    return {
        "at": event.created_at,
        "status": S(event.to_status).label,
        "by": by,
        "reason": event.reason,
    }


def _first_error(form: BookingActionForm) -> str:
    return next(iter(form.errors.values()))[0]


def _next_url(request: HttpRequest, form: BookingActionForm, booking_id: int) -> str:
    target = form.cleaned_data["next"]
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("bookings_dashboard:detail", kwargs={"booking_id": booking_id})


# --- Calendar feed --------------------------------------------------------------


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: calendar apps cannot sign in. The unguessable token is the key;
    an unknown one is a 404 like any other missing page."""
    policy = (
        BookingPolicy.objects.select_related("profile")
        .filter(calendar_token=token)
        .first()
    )
    if policy is None:
        raise Http404("Unknown calendar.")
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    bookings = Booking.objects.active().filter(
        profile_id=policy.profile_id, start__gte=since
    )
    body = booking_calendar(profile=policy.profile, bookings=bookings.order_by("start"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bookings.ics"'
    # Private data behind a secret URL: no shared cache keeps it, no index lists it.
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Schedule editor: hours, days off, booking policy ---------------------------
# The HTML face of PUT /api/v1/me/profiles/{id}/availability. Each form changes
# one part; the view reads the other parts as they are and hands the whole to
# ``availability_replace`` (the one writer). A profile the user may not edit
# (someone else's, or not one of their agency's) is a 404.


@login_required
@require_GET
def schedule_index(request: HttpRequest) -> HttpResponse:
    """The dashboard's "Hours and booking policy" link: straight to the editor
    for a provider with one profile, a list for an agency."""
    profiles = list(profiles_editable_by(user=request.user).order_by("title")[:100])
    if len(profiles) == 1:
        return redirect("bookings_dashboard:schedule", profile_id=profiles[0].pk)
    return render(request, "bookings/schedule_index.html", {"profiles": profiles})


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    """GET shows the three forms; POST saves the weekly hours."""
    profile = _schedule_profile(request, profile_id)
    rules = _rules_of(profile)
    if request.method == "GET":
        return _render_schedule(request, profile, rules=rules)
    form = WeeklyHoursForm(request.POST, rules=rules)
    if not form.is_valid():
        return _render_schedule(request, profile, rules=rules, hours=form, status=400)
    _schedule_save(request, profile, rules=form.rules)
    messages.success(request, gettext("Weekly hours saved."))
    return redirect("bookings_dashboard:schedule", profile_id=profile.pk)


@login_required
@require_POST
def schedule_exception_add(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _schedule_profile(request, profile_id)
    exceptions = _exceptions_of(profile)
    form = ExceptionForm(request.POST, today=_local_today(profile), existing=exceptions)
    if not form.is_valid():
        return _render_schedule(request, profile, exception_form=form, status=400)
    added = form.to_input()
    kept = [_exception_input(item) for item in exceptions]
    _schedule_save(request, profile, exceptions=[*kept, added])
    messages.success(
        request,
        gettext("Time off on %(day)s saved.")
        % {"day": dateformat.format(added.date, "l j F Y")}
        if added.kind == AvailabilityException.Kind.OFF
        else gettext("Extra hours on %(day)s saved.")
        % {"day": dateformat.format(added.date, "l j F Y")},
    )
    return redirect("bookings_dashboard:schedule", profile_id=profile.pk)


@login_required
@require_POST
def schedule_exception_delete(
    request: HttpRequest, profile_id: int, exception_id: int
) -> HttpResponse:
    profile = _schedule_profile(request, profile_id)
    exceptions = _exceptions_of(profile)
    if not any(item.pk == exception_id for item in exceptions):
        # Every save rewrites the rows (new ids): a page open from before, or a
        # second click, names a row that is gone. Show the list as it is now.
        messages.info(
            request, gettext("That entry had already changed; here is the list now.")
        )
        return redirect("bookings_dashboard:schedule", profile_id=profile.pk)
    kept = [_exception_input(item) for item in exceptions if item.pk != exception_id]
    _schedule_save(request, profile, exceptions=kept)
    messages.success(request, gettext("Removed."))
    return redirect("bookings_dashboard:schedule", profile_id=profile.pk)


@login_required
@require_POST
def schedule_policy(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = _schedule_profile(request, profile_id)
    form = BookingPolicyForm(request.POST, instance=policy_for(profile=profile))
    if not form.is_valid():
        return _render_schedule(request, profile, policy_form=form, status=400)
    _schedule_save(request, profile, policy=form.to_policy())
    messages.success(request, gettext("Booking policy saved."))
    return redirect("bookings_dashboard:schedule", profile_id=profile.pk)


def _schedule_profile(request: HttpRequest, profile_id: int) -> EscortProfilePage:
    try:
        profile = profile_editable_get(user=request.user, profile_id=profile_id)
    except NotFound:
        raise Http404("Profile not found.") from None
    return profile


def _rules_of(profile: EscortProfilePage) -> list[AvailabilityRule]:
    return list(AvailabilityRule.objects.filter(profile=profile))


def _exceptions_of(profile: EscortProfilePage) -> list[AvailabilityException]:
    return list(AvailabilityException.objects.filter(profile=profile))


def _local_today(profile: EscortProfilePage) -> dt.date:
    zone = ZoneInfo(profile.home_city.time_zone if profile.home_city else "UTC")
    return timezone.now().astimezone(zone).date()


def _exception_input(item: AvailabilityException) -> ExceptionInput:
    return ExceptionInput(
        date=item.date,
        kind=item.kind,
        start_time=item.start_time,
        end_time=item.end_time,
    )


def _schedule_save(
    request: HttpRequest,
    profile: EscortProfilePage,
    *,
    rules: list[RuleInput] | None = None,
    exceptions: list[ExceptionInput] | None = None,
    policy: dict | None = None,
) -> None:
    """The one write: the part that changed, the others as they are."""
    if rules is None:
        rules = [
            RuleInput(weekday=r.weekday, start_time=r.start_time, end_time=r.end_time)
            for r in _rules_of(profile)
        ]
    if exceptions is None:
        exceptions = [_exception_input(item) for item in _exceptions_of(profile)]
    try:
        availability_replace(
            profile_id=profile.pk,
            actor=request.user,
            policy=policy or {},
            rules=rules,
            exceptions=exceptions,
        )
    except NotFound:
        raise Http404("Profile not found.") from None


def _render_schedule(
    request: HttpRequest,
    profile: EscortProfilePage,
    *,
    rules: list[AvailabilityRule] | None = None,
    hours: WeeklyHoursForm | None = None,
    exception_form: ExceptionForm | None = None,
    policy_form: BookingPolicyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = _local_today(profile)
    policy = policy_for(profile=profile)
    upcoming = [item for item in _exceptions_of(profile) if item.date >= today]
    if hours is None:
        hours = WeeklyHoursForm(rules=_rules_of(profile) if rules is None else rules)
    context = {
        "profile": profile,
        "city": profile.home_city,
        "hours": hours,
        "exception_form": exception_form or ExceptionForm(today=today),
        "exceptions": upcoming,
        "policy_form": policy_form or BookingPolicyForm(instance=policy),
        "has_policy": policy.pk is not None,
        "today": today,
    }
    return render(request, "bookings/schedule.html", context, status=status)
