"""The review queue in the Wagtail admin: columns, filters, the inspect page
with the moderation form, and the view that takes the decision. Decisions go
through ``reviews.services.review_moderate`` (moderators only, audited, the
author told), never through an edit form."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import InspectView

from accounts.selectors import user_is_moderator
from core.exceptions import ApplicationError
from core.ids import MAX_ID
from reviews.models import Review
from reviews.selectors import review_queue
from reviews.services import review_moderate

VIEWSET_NAME = "review_moderation"
S = Review.Status


class ReviewFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=S.choices)

    class Meta:
        model = Review
        fields = ["status"]


def profile_label(review: Review) -> str:
    return review.profile.title


def booking_date(review: Review) -> str:
    return f"{review.booking.start:%Y-%m-%d %H:%M} UTC"


def text_excerpt(review: Review) -> str:
    return truncatechars(review.text, 120)


LIST_COLUMNS = [
    "id",
    Column("status", label=_("Status"), accessor="get_status_display"),
    Column("created_at", label=_("Written")),
    Column("rating", label=_("Stars")),
    Column("profile", label=_("Profile"), accessor=profile_label),
    Column("booking", label=_("Booking date"), accessor=booking_date),
    Column("text", label=_("Review"), accessor=text_excerpt),
]


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Publish")), ("refuse", _("Reject or hide"))]
    )
    reason = forms.CharField(required=False, max_length=500)


class ReviewInspectView(InspectView):
    """The review, its booking and author, then the decision form: publish,
    or reject (waiting) / hide (published) with a reason the author reads."""

    template_name = "reviews/admin/inspect.html"

    def get_object(self, queryset: QuerySet | None = None) -> Review:
        pk = int(self.pk)
        return get_object_or_404(review_queue(), pk=pk if 0 < pk <= MAX_ID else 0)

    def get_context_data(self, **kwargs) -> dict:  # noqa: ANN003
        context = super().get_context_data(**kwargs)
        review = self.object
        context |= {
            "review": review,
            "may_moderate": user_is_moderator(user=self.request.user),
            "may_publish": review.status != S.PUBLISHED,
            "may_refuse": review.status in (S.PENDING, S.PUBLISHED),
            "refuse_label": _("Hide") if review.status == S.PUBLISHED else _("Reject"),
        }
        return context

    def get_booking_display_value(self) -> str:
        return booking_date(self.object)

    def get_profile_display_value(self) -> str:
        return profile_label(self.object)

    def get_author_display_value(self) -> str:
        return self.object.author.email


class ReviewModerateView(View):
    """POST only: the moderator's decision on one review."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not user_is_moderator(user=request.user):
            raise DjangoPermissionDenied
        review = get_object_or_404(Review, pk=pk if 0 < pk <= MAX_ID else 0)
        back = redirect(f"{VIEWSET_NAME}:inspect", pk)
        form = ModerationForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose publish, or reject/hide with a reason."))
            return back
        try:
            review = review_moderate(
                review=review,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            problems = [str(p) for ps in error.fields.values() for p in ps]
            messages.error(request, " ".join([error.message, *problems]))
            return back
        messages.success(
            request,
            _("Review %(id)s: %(status)s. The author was told.")
            % {"id": review.pk, "status": review.get_status_display()},
        )
        return redirect(f"{VIEWSET_NAME}:index")
