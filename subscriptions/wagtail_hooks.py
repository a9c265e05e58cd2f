"""Subscriptions in the Wagtail admin: plans (editable by admins), the
subscriptions listing (read-only: changes go through the services), the
Revenue report (admins only); and the hooks through which directory asks what
a provider's plan allows (directory/plan_limits.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, Expression, OuterRef, QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.models import User
from core.wagtail_admin import ReadOnlyModelViewSet
from directory.plan_limits import (
    PLAN_FEATURED_HOOK,
    PLAN_LIMITS_HOOK,
    PlanAnswer,
    PlanLimits,
)
from subscriptions.admin_views import revenue_report, user_may_see_revenue
from subscriptions.models import Plan, Subscription
from subscriptions.selectors import effective_plan, plans_public


def _limits(plan: Plan) -> PlanLimits:
    return PlanLimits(
        name=plan.name,
        max_photos=plan.max_photos,
        max_active_tours=plan.max_active_tours,
        vip_badge=plan.vip_badge,
        featured_on_city_pages=plan.featured_on_city_pages,
    )


@hooks.register(PLAN_LIMITS_HOOK)
def provider_plan_limits(user: User) -> PlanAnswer:
    return PlanAnswer(
        current=_limits(effective_plan(user=user)),
        offered=tuple(_limits(plan) for plan in plans_public()),
    )


@hooks.register(PLAN_FEATURED_HOOK)
def provider_plan_featured() -> Expression:
    """For a profile queryset: the owner's live subscription includes featured
    placement (the Free plan never does)."""
    return Exists(
        Subscription.objects.filter(
            user=OuterRef("owner"),
            status__in=(Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE),
            plan__featured_on_city_pages=True,
        )
    )


class PlanPermissionPolicy(ModelPermissionPolicy):
    """Plans are added and edited, never deleted: subscriptions and invoices
    keep pointing at them (a plan is retired by unticking "active")."""

    def user_has_permission(self, user: Any, action: str) -> bool:  # noqa: ANN401
        return action != "delete" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        allowed = [action for action in actions if action != "delete"]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


class PlanViewSet(ModelViewSet):
    model = Plan
    name = "subscription_plans"
    url_prefix = "subscriptions/plans"
    icon = "tag"
    menu_label = _("Plans")
    menu_order = 300
    add_to_admin_menu = True
    list_display = [
        "name",
        "slug",
        "price_minor",
        "currency",
        "max_photos",
        "max_active_tours",
        "vip_badge",
        "featured_on_city_pages",
        "active",
    ]
    form_fields = [
        "name",
        "slug",
        "description",
        "price_minor",
        "currency",
        "max_photos",
        "max_active_tours",
        "vip_badge",
        "featured_on_city_pages",
        "active",
        "sort_order",
    ]
    ordering = ["sort_order", "price_minor"]
    copy_view_enabled = False
    add_to_reference_index = False

    @cached_property
    def permission_policy(self) -> PlanPermissionPolicy:
        return PlanPermissionPolicy(self.model)


class SubscriptionViewSet(ReadOnlyModelViewSet):
    model = Subscription
    name = "provider_subscriptions"
    url_prefix = "subscriptions/subscriptions"
    icon = "user"
    menu_label = _("Subscriptions")
    menu_order = 301
    add_to_admin_menu = True
    list_display = [
        "id",
        Column("email", label=_("Provider"), accessor="user.email"),
        "plan",
        "status",
        "current_period_end",
        "cancel_at_period_end",
        "pending_plan",
    ]
    list_filter = ["status", "plan"]
    search_fields = ["user__email"]
    ordering = "-created_at"
    inspect_view_fields = [
        "id",
        "user",
        "plan",
        "status",
        "current_period_start",
        "current_period_end",
        "cancel_at_period_end",
        "pending_plan",
        "grace_until",
        "canceled_at",
        "gateway",
        "gateway_customer_id",
        "gateway_subscription_id",
        "created_at",
    ]

    def get_index_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        return super().get_index_view_kwargs(
            queryset=Subscription.objects.select_related(
                "user", "plan", "pending_plan"
            ),
            **kwargs,
        )


@hooks.register("register_admin_viewset")
def register_plan_viewset() -> PlanViewSet:
    return PlanViewSet()


@hooks.register("register_admin_viewset")
def register_subscription_viewset() -> SubscriptionViewSet:
    return SubscriptionViewSet()


class RevenueMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return user_may_see_revenue(request.user)


@hooks.register("register_admin_urls")
def register_revenue_urls() -> list:
    return [path("reports/revenue/", revenue_report, name="subscriptions_revenue")]


@hooks.register("register_reports_menu_item")
def register_revenue_menu_item() -> MenuItem:
    return RevenueMenuItem(
        _("Revenue"),
        reverse("subscriptions_revenue"),
        name="revenue",
        icon_name="table",
        order=1100,
    )
