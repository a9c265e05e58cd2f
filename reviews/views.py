"""Reviews in HTML (/dashboard/reviews/): a client writes, edits (first 48
hours) and deletes their reviews; the provider side sees its profiles' reviews,
replies once, reports, and turns reviews on or off per profile. Writes go
through the same services as the API; what you may not see is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from bookings.models import Booking
from core.exceptions import ApplicationError, NotFound
from core.ids import MAX_PAGE_ID
from directory.selectors import profile_editable_get, profiles_editable_by
from reviews.forms import ReplyForm, ReportForm, ReviewForm
from reviews.models import Review
from reviews.rules import (
    REVIEWS_PAUSED,
    review_editable,
    review_editable_until,
    review_window_open,
    reviews_accepting,
)
from reviews.selectors import (
    booking_for_review_get,
    bookings_awaiting_review,
    review_for_provider_get,
    review_of_author_get,
    review_settings_of,
    reviews_by,
    reviews_enabled_for,
    reviews_for_provider,
)
from reviews.services import (
    review_create,
    review_delete,
    review_edit,
    review_reply,
    review_report,
    review_settings_set,
)

LIST_LIMIT = 50
INDEX = "reviews:index"


def _found(getter, **kwargs):  # noqa: ANN001, ANN003, ANN202
    try:
        return getter(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _attach(form: Form, error: ApplicationError) -> int:
    """A service's refusal on the form: each field's messages on that field,
    the rest above the form. What was typed stays in the bound form."""
    placed = False
    for name, problems in error.fields.items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error.message)
    return error.status_code


# --- Index ------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if request.user.is_provider:
        return _provider_page(request, request.user)
    return _client_page(request, request.user)


def _client_page(request: HttpRequest, user: User) -> HttpResponse:
    reviews = list(reviews_by(user=user)[:LIST_LIMIT])
    accepting = reviews_accepting()
    context = {
        "reviews": [(review, review_editable(review)) for review in reviews],
        "waiting": (
            list(bookings_awaiting_review(user=user)[:LIST_LIMIT]) if accepting else []
        ),
        "reviews_paused": REVIEWS_PAUSED if not accepting else "",
        "edit_hours": settings.REVIEW_EDIT_HOURS,
        "window_days": settings.REVIEW_WINDOW_DAYS,
    }
    return render(request, "reviews/mine.html", context)


def _provider_page(
    request: HttpRequest,
    user: User,
    *,
    reply_forms: dict[int, ReplyForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    profiles = list(profiles_editable_by(user=user).order_by("title")[:LIST_LIMIT])
    enabled = review_settings_of(profiles=profiles)
    reviews = list(reviews_for_provider(user=user)[:LIST_LIMIT])
    forms = reply_forms or {}
    context = {
        "profiles": [(profile, enabled[profile.pk]) for profile in profiles],
        "reviews": [
            (review, forms.get(review.pk) or ReplyForm(prefix=f"reply-{review.pk}"))
            for review in reviews
        ],
        "pending": sum(review.status == Review.Status.PENDING for review in reviews),
    }
    return render(request, "reviews/provider.html", context, status=status)


# --- Writing ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _found(booking_for_review_get, user=request.user, booking_id=booking_id)
    if getattr(booking, "review", None) is not None:
        messages.info(request, "You already reviewed this booking.")
        return redirect(INDEX)
    refusal = _refusal(booking)
    if refusal:
        context = {"booking": booking, "refusal": refusal}
        # 403 as the API's feature_disabled; the booking's own state is a 409.
        status = 409 if reviews_accepting() else 403
        return render(request, "reviews/write.html", context, status=status)
    if request.method == "GET":
        return _render_form(request, ReviewForm(), booking=booking)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, booking=booking, status=400)
    try:
        review_create(booking=booking, author=request.user, **form.service_fields())
    except ApplicationError as error:
        status = _attach(form, error)
        return _render_form(request, form, booking=booking, status=status)
    messages.success(
        request,
        "Thank you. Your review waits for a moderator and shows once approved.",
    )
    return redirect(INDEX)


def _refusal(booking: Booking) -> str:
    """Why this booking cannot be reviewed, said before the form is filled in;
    the service enforces the same rules on submit."""
    if not reviews_accepting():
        return REVIEWS_PAUSED
    if booking.status != Booking.Status.COMPLETED:
        return "Only completed bookings can be reviewed."
    if not review_window_open(booking):
        return (
            f"Reviews can be written up to {settings.REVIEW_WINDOW_DAYS} days "
            "after the booking. This one is older."
        )
    if not reviews_enabled_for(profile=booking.profile):
        return f"{booking.profile.title} does not take reviews."
    return ""


def _render_form(
    request: HttpRequest,
    form: ReviewForm,
    *,
    booking: Booking,
    review: Review | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "booking": booking,
        "review": review,
        "edit_hours": settings.REVIEW_EDIT_HOURS,
        "editable_until": review_editable_until(review) if review else None,
    }
    return render(request, "reviews/write.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _found(review_of_author_get, user=request.user, review_id=review_id)
    if not review_editable(review):
        messages.error(
            request,
            f"Reviews can be changed only in the first {settings.REVIEW_EDIT_HOURS} "
            "hours. You can still delete it.",
        )
        return redirect(INDEX)
    if request.method == "GET":
        initial = {name: getattr(review, name) for name in ReviewForm.base_fields}
        form = ReviewForm(initial=initial)
        return _render_form(request, form, booking=review.booking, review=review)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _render_form(
            request, form, booking=review.booking, review=review, status=400
        )
    try:
        review_edit(review=review, actor=request.user, **form.service_fields())
    except ApplicationError as error:
        status = _attach(form, error)
        return _render_form(
            request, form, booking=review.booking, review=review, status=status
        )
    messages.success(request, "Saved. Your review waits for a moderator again.")
    return redirect(INDEX)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _found(review_of_author_get, user=request.user, review_id=review_id)
    if request.method == "GET":
        return render(request, "reviews/delete.html", {"review": review})
    review_delete(review=review, actor=request.user)
    messages.success(request, "Your review was deleted.")
    return redirect(INDEX)


# --- The provider's side ----------------------------------------------------------


@login_required
@require_POST
def reply(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _found(review_for_provider_get, user=request.user, review_id=review_id)
    form = ReplyForm(request.POST, prefix=f"reply-{review.pk}")
    if form.is_valid():
        try:
            review_reply(
                review=review, actor=request.user, text=form.cleaned_data["text"]
            )
        except ApplicationError as error:
            status = _attach(form, error)
        else:
            messages.success(request, "Your reply is published under the review.")
            return redirect(f"{_index_url()}#review-{review.pk}")
    else:
        status = 400
    return _provider_page(
        request, request.user, reply_forms={review.pk: form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _found(review_for_provider_get, user=request.user, review_id=review_id)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review_report(review=review, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                status = _attach(form, error)
            else:
                messages.success(
                    request, "Thank you. The moderators will look at this review."
                )
                return redirect(INDEX)
        else:
            status = 400
    context = {"review": review, "form": form}
    return render(request, "reviews/report.html", context, status=status)


@login_required
@require_POST
def switch(request: HttpRequest, profile_id: int) -> HttpResponse:
    if not 0 < profile_id <= MAX_PAGE_ID:
        raise Http404("Profile not found.")
    profile = _found(profile_editable_get, user=request.user, profile_id=profile_id)
    choice = request.POST.get("enabled")
    if choice not in ("on", "off"):
        messages.error(request, "Choose on or off.")
        return redirect(INDEX)
    review_settings_set(profile=profile, actor=request.user, enabled=choice == "on")
    if choice == "on":
        messages.success(request, f"Reviews of {profile.title} are on.")
    else:
        messages.success(
            request, f"Reviews of {profile.title} are off and hidden everywhere."
        )
    return redirect(INDEX)


def _index_url() -> str:
    return reverse(INDEX)
