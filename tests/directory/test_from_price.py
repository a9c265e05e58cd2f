"""A profile's "from" price has one rule (directory.selectors.FROM_PRICE_ORDER):
the lowest amount, then the rate's own order: the annotation cards and the API
read."""

from __future__ import annotations

import pytest

from directory.models import EscortProfilePage, ProfileRate
from directory.selectors import with_from_price
from tests.factories.pages import add_rate, make_city, make_profile

pytestmark = pytest.mark.django_db


def test_the_lowest_rate_then_the_first_in_order():
    city = make_city("Turin", slug="turin-price")
    cheapest = make_profile("Cheapest", city=city)
    add_rate(cheapest, amount_minor=50000)
    add_rate(cheapest, duration_minutes=120, amount_minor=30000)
    tie = make_profile("Tie", city=city)
    add_rate(tie, amount_minor=20000, currency="CHF")
    add_rate(tie, duration_minutes=90, amount_minor=20000, currency="EUR")
    # The rate editor's order decides a tie: the EUR rate goes first.
    ProfileRate.objects.filter(page=tie, currency="EUR").update(sort_order=-1)
    without = make_profile("Without", city=city)
    expected = {
        cheapest.pk: (30000, "EUR"),
        tie.pk: (20000, "EUR"),
        without.pk: (None, None),
    }

    annotated = with_from_price(EscortProfilePage.objects.filter(pk__in=expected))
    assert {p.pk: (p.from_amount_minor, p.from_currency) for p in annotated} == (
        expected
    )
