"""Demo plans in use (``seed_demo``): the owners of the VIP demo profiles are
on Elite, a few others on Premium, each month recorded as paid offline (the
manual gateway), so the Revenue report and the ledger have figures. Runs after
directory's demo (INSTALLED_APPS order); idempotent."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from directory.models import EscortProfilePage
from subscriptions.models import Plan, Subscription
from subscriptions.services import subscription_record_manual

PREMIUM_EXTRA = 6


def seed(*, log: Callable[[str], None]) -> None:
    admin = User.objects.filter(email="admin@demo.test").first()
    if admin is None or not Plan.objects.filter(slug="elite").exists():
        log("subscriptions: no demo admin or plans; skipped")
        return
    plans = {p.slug: p for p in Plan.objects.all()}
    taken = set(Subscription.objects.values_list("user_id", flat=True))
    vip_owners = list(
        EscortProfilePage.objects.filter(is_vip=True)
        .exclude(owner_id__in=taken)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    others = list(
        EscortProfilePage.objects.filter(is_vip=False, live=True)
        .exclude(owner_id__in=taken)
        .order_by("pk")
        .values_list("owner_id", flat=True)[:PREMIUM_EXTRA]
    )
    started = 0
    for owner_ids, slug in ((vip_owners, "elite"), (others, "premium")):
        for user in User.objects.filter(pk__in=owner_ids):
            subscription_record_manual(
                user=user,
                plan=plans[slug],
                actor=admin,
                note="Demo: bank transfer",
            )
            started += 1
    log(f"subscriptions: {started} demo providers on paid plans")
