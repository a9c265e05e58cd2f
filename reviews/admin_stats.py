"""The Wagtail admin report "Review statistics" (Reports menu; moderators and
superusers): reviews submitted per day over the last 30 days, the median time
from submission to a moderator's decision, and the share of reviews that went
public and were later hidden. Four queries whatever the number of reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.selectors import user_is_moderator
from core.aggregates import MedianSeconds
from reviews.models import Review

DAYS = 30


@dataclass(frozen=True)
class Day:
    day: dt.date
    submitted: int
    published: int  # of those submitted that day, published now


@dataclass(frozen=True)
class ReviewStatistics:
    days: list[Day]
    median_moderation: dt.timedelta | None
    moderated: int
    hidden: int
    went_public: int  # published now, or published and later hidden

    @property
    def hidden_percent(self) -> float | None:
        if not self.went_public:
            return None
        return round(100 * self.hidden / self.went_public, 1)

    @property
    def submitted(self) -> int:
        return sum(d.submitted for d in self.days)

    @property
    def busiest(self) -> int:
        return max((d.submitted for d in self.days), default=0)


def review_statistics(
    *, days: int = DAYS, today: dt.date | None = None
) -> ReviewStatistics:
    """Every figure covers reviews submitted in the last ``days`` days (today
    included, in the site's time zone)."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=days - 1)
    recent = Review.objects.filter(created_at__date__gte=start)
    return ReviewStatistics(
        days=_per_day(recent, start=start, days=days),
        **_moderation(recent),
        **_hidden_share(recent),
    )


def _per_day(recent, *, start: dt.date, days: int) -> list[Day]:  # noqa: ANN001
    published = Q(status=Review.Status.PUBLISHED)
    rows = (
        recent.annotate(day=TruncDate("created_at"))
        .order_by()
        .values("day")
        .annotate(submitted=Count("pk"), published=Count("pk", filter=published))
    )
    found = {row["day"]: (row["submitted"], row["published"]) for row in rows}
    return [
        Day(day, *found.get(day, (0, 0)))
        for day in (start + dt.timedelta(days=n) for n in range(days))
    ]


def _moderation(recent) -> dict:  # noqa: ANN001
    waited = ExpressionWrapper(
        F("moderated_at") - F("created_at"), output_field=DurationField()
    )
    row = recent.filter(moderated_at__isnull=False).aggregate(
        median=MedianSeconds(waited), moderated=Count("pk")
    )
    median = row["median"]
    if median is not None:
        median = dt.timedelta(seconds=round(median))
    return {"median_moderation": median, "moderated": row["moderated"]}


def _hidden_share(recent) -> dict:  # noqa: ANN001
    row = recent.aggregate(
        hidden=Count("pk", filter=Q(status=Review.Status.HIDDEN)),
        went_public=Count(
            "pk", filter=Q(status__in=[Review.Status.PUBLISHED, Review.Status.HIDDEN])
        ),
    )
    return {"hidden": row["hidden"], "went_public": row["went_public"]}


def user_may_see_review_statistics(user) -> bool:  # noqa: ANN001
    return user_is_moderator(user=user)


class ReviewStatisticsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Review statistics")
    header_icon = "pick"
    template_name = "reviews/admin_stats.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        if not user_may_see_review_statistics(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs) -> dict:  # noqa: ANN003
        context = super().get_context_data(**kwargs)
        context["stats"] = review_statistics()
        context["days"] = DAYS
        return context
