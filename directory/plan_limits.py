"""What a provider's plan allows: photos, active tours, the VIP badge and
featured placement on city pages (docs/subscriptions.md).

Plans live in the subscriptions app, which sits above directory. It answers
through the Wagtail hook ``PLAN_LIMITS_HOOK`` (registered in
subscriptions/wagtail_hooks.py), whose function takes a user and returns a
``PlanAnswer``: the limits of the plan that applies to them and the plans on
offer (to say which one allows more). A second hook, ``PLAN_FEATURED_HOOK``,
returns an expression over a profile queryset that is true when the owner's
plan includes featured placement. Without the hooks (subscriptions not
installed) nothing is limited and every VIP profile is featured.

Every place where a provider can exceed a limit calls the checks below:
``directory.services`` (profile saves from the dashboard, the owner API and
agencies; the VIP badge from the admin), so the answer is the same 400 with a
message naming the plan that allows more."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from wagtail import hooks

from accounts.models import User
from core.exceptions import ValidationFailed

PLAN_LIMITS_HOOK = "provider_plan_limits"
PLAN_FEATURED_HOOK = "provider_plan_featured"


@dataclass(frozen=True)
class PlanLimits:
    name: str
    max_photos: int
    max_active_tours: int
    vip_badge: bool
    featured_on_city_pages: bool


@dataclass(frozen=True)
class PlanAnswer:
    current: PlanLimits
    offered: tuple[PlanLimits, ...]  # cheapest first


class PlanLimitExceeded(ValidationFailed):
    code = "plan_limit"
    default_message = "Your plan does not allow this."


def plan_answer(*, user: User) -> PlanAnswer | None:
    for hook in hooks.get_hooks(PLAN_LIMITS_HOOK):
        answer = hook(user)
        if answer is not None:
            return answer
    return None


def _better(answer: PlanAnswer, allows) -> str:  # noqa: ANN001 - a predicate
    for plan in answer.offered:
        if allows(plan):
            return f" The {plan.name} plan allows it."
    return ""


def _refuse(field: str, text: str) -> None:
    raise PlanLimitExceeded(text, fields={field: [text]})


def check_photos(*, owner: User, count: int) -> None:
    answer = plan_answer(user=owner)
    if answer is None or count <= answer.current.max_photos:
        return
    current = answer.current
    more = _better(answer, lambda p: p.max_photos >= count)
    _refuse(
        "photos",
        f"Your {current.name} plan allows {current.max_photos} photos."
        + more.replace("allows it", f"allows {count}"),
    )


def active_tour_count(tours: Iterable, *, today: dt.date) -> int:
    """Tours that have not ended (private ones included)."""
    return sum(1 for tour in tours if tour.ends_on >= today)


def check_active_tours(*, owner: User, count: int) -> None:
    answer = plan_answer(user=owner)
    if answer is None or count <= answer.current.max_active_tours:
        return
    current = answer.current
    more = _better(answer, lambda p: p.max_active_tours >= count)
    _refuse(
        "tours",
        f"Your {current.name} plan allows {current.max_active_tours} "
        "active tours." + more.replace("allows it", f"allows {count}"),
    )


def check_vip_badge(*, owner: User | None) -> None:
    answer = plan_answer(user=owner) if owner is not None else None
    if answer is None or answer.current.vip_badge:
        return
    more = _better(answer, lambda p: p.vip_badge)
    _refuse(
        "is_vip", f"The owner's {answer.current.name} plan has no VIP badge." + more
    )


def featured_expression() -> Expression:
    """True for profiles shown in a city page's featured (VIP) band: VIP and,
    when plans are installed, the owner's plan includes featured placement."""
    for hook in hooks.get_hooks(PLAN_FEATURED_HOOK):
        return ExpressionWrapper(Q(is_vip=True) & hook(), output_field=BooleanField())
    return F("is_vip")


def with_featured(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(city_featured=featured_expression())
