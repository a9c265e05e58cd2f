"""Wagtail admin views of the directory: the listing of profiles waiting for a
moderator's decision, and the moderators' VIP action on a profile."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import TaskState, WorkflowState, get_default_page_content_type

from accounts.models import User
from accounts.selectors import user_is_moderator
from core.exceptions import ApplicationError
from directory.models import Agency, CityPage, EscortProfilePage, ProfileReviewTask
from directory.services import profile_set_moderation_flags

WAITING_DAYS = (1, 3, 7)


def user_may_review_profiles(user: User) -> bool:
    """Superusers and members of a group assigned to an active profile review task
    (the "Moderators" group by migration). Following the task rather than a group
    name keeps this listing in step with reviewers configured in Wagtail's UI."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # One request asks twice (the view and the menu): remember the answer on the
    # user object, which lives as long as the request.
    if not hasattr(user, "_may_review_profiles"):
        user._may_review_profiles = ProfileReviewTask.objects.filter(
            active=True, groups__user=user
        ).exists()
    return user._may_review_profiles


def profiles_awaiting_review() -> QuerySet[EscortProfilePage]:
    """Profiles whose current workflow task is an in-progress profile review, each
    annotated with ``waiting_since`` (when that task started), oldest first."""
    # WorkflowState.object_id is a varchar: PostgreSQL needs the page id cast.
    current_review = WorkflowState.objects.filter(
        base_content_type=get_default_page_content_type(),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        status=WorkflowState.STATUS_IN_PROGRESS,
        current_task_state__status=TaskState.STATUS_IN_PROGRESS,
        current_task_state__task__profilereviewtask__isnull=False,
    ).values("current_task_state__started_at")[:1]
    return (
        EscortProfilePage.objects.with_photo_badges()
        .annotate(waiting_since=Subquery(current_review))
        .filter(waiting_since__isnull=False)
        .select_related("home_city", "agency", "owner")
        .order_by("waiting_since", "pk")
    )


class PendingProfileFilterSet(WagtailFilterSet):
    home_city = django_filters.ModelChoiceFilter(
        label=_("Home city"), queryset=CityPage.objects.order_by("title")
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=Agency.objects.order_by("name")
    )
    waiting = django_filters.ChoiceFilter(
        label=_("Waiting"),
        method="filter_waiting",
        choices=[
            (str(days), _("More than %(days)s day(s)") % {"days": days})
            for days in WAITING_DAYS
        ],
        empty_label=_("Any time"),
    )

    class Meta:
        model = EscortProfilePage
        fields = ["home_city", "agency"]

    def filter_waiting(
        self, queryset: QuerySet[EscortProfilePage], name: str, value: str
    ) -> QuerySet[EscortProfilePage]:
        cutoff = timezone.now() - dt.timedelta(days=int(value))
        return queryset.filter(waiting_since__lte=cutoff)


def _age_verified_label(profile: EscortProfilePage) -> str:
    owner = profile.owner
    return _("Yes") if owner is not None and owner.is_age_verified else _("No")


def _photos_verified_label(profile: EscortProfilePage) -> str:
    # The live photos' badge (with_photo_badges), as the public sees it now.
    return _("Yes") if profile.is_verified else _("No")


class ProfilesAwaitingReviewView(ReportView):
    page_title = _("Profiles awaiting review")
    header_icon = "tasks"
    index_url_name = "directory_review:index"
    index_results_url_name = "directory_review:results"
    filterset_class = PendingProfileFilterSet
    default_ordering = "waiting_since"
    verbose_name_plural = _("profiles awaiting review")
    columns = [
        TitleColumn(
            "title",
            label=_("Display name"),
            url_name="wagtailadmin_pages:edit",
            sort_key="title",
        ),
        Column("home_city", label=_("Home city")),
        Column("agency", label=_("Agency")),
        Column("owner_email", label=_("Owner email"), accessor="owner.email"),
        Column(
            "owner_age_verified",
            label=_("Owner age-verified"),
            accessor=_age_verified_label,
        ),
        Column(
            "photos_verified",
            label=_("Photos verified"),
            accessor=_photos_verified_label,
        ),
        DateColumn("waiting_since", label=_("Waiting since"), sort_key="waiting_since"),
    ]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_may_review_profiles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[EscortProfilePage]:
        self.queryset = profiles_awaiting_review()
        return super().get_queryset()

    def order_queryset(
        self, queryset: QuerySet[EscortProfilePage]
    ) -> QuerySet[EscortProfilePage]:
        # The page id breaks ties so pagination never repeats or skips a row.
        ordered = super().order_queryset(queryset)
        return ordered.order_by(*ordered.query.order_by, "pk")


class ProfileVipForm(forms.Form):
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        min_length=3,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log with your name."),
    )


def profile_vip_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    """Set or remove a profile's VIP badge (moderators only; audited by
    ``profile_set_moderation_flags``). Others get 403, like Wagtail's views."""
    if not user_is_moderator(user=request.user):
        raise PermissionDenied
    profile = get_object_or_404(EscortProfilePage, pk=profile_id)
    form = ProfileVipForm(request.POST or None, initial={"is_vip": profile.is_vip})
    if request.method == "POST" and form.is_valid():
        try:
            profile_set_moderation_flags(
                profile=profile,
                actor=request.user,
                is_vip=form.cleaned_data["is_vip"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("VIP badge saved."))
            return redirect("wagtailadmin_pages:edit", profile.pk)
    context = {"profile": profile, "form": form, "page_title": _("VIP badge")}
    return TemplateResponse(request, "directory/admin/profile_vip.html", context)
