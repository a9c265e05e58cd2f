"""A signed-in suspended (or banned) user reads on every HTML page why, with
a link to the decision; nobody else sees it, and it costs them no query."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from moderation.decisions import decision_take, sanction_lift
from moderation.suspension import suspension_banner
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.moderation.decision_world import client_account, in_days, moderator

pytestmark = pytest.mark.django_db

BANNER = 'class="flash flash--warning suspension-banner"'
LINK = '<a href="/dashboard/moderation/">see the decision</a>'


@pytest.fixture
def world():  # noqa: ANN201
    owner = EscortOwnerFactory(display_name="Ines")
    profile = make_profile("Ines", city=make_city("Faro", slug="faro-ban"), owner=owner)
    return {"profile": profile, "user": client_account("Writer"), "mod": moderator()}


def _page(user, url: str) -> str:  # noqa: ANN001
    browser = Client()
    browser.force_login(user)
    response = browser.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_suspended_user_sees_why_on_the_home_and_a_profile_page(world):
    user = world["user"]
    url = world["profile"].url
    assert BANNER not in _page(user, "/")
    decision = decision_take(
        actor=world["mod"],
        report=None,
        action="suspend",
        reason_code="harassment",
        affected_user=user,
        suspend_until=in_days(3),
    )
    user.refresh_from_db()
    until = decision.sanction.ends_at
    when = timezone.localtime(until).strftime("%d %B %Y, %H:%M")
    for page in (_page(user, "/"), _page(user, url)):
        assert BANNER in page
        assert f"Your account is suspended until {when} — {LINK}." in page
    # Another signed-in user and a visitor see no banner.
    assert BANNER not in _page(client_account("Other"), url)
    assert BANNER not in Client().get(url).content.decode()
    # The refusal page says it already: once only.
    browser = Client()
    browser.force_login(user)
    refused = browser.get("/dashboard/").content.decode()
    assert BANNER not in refused and "Your account is suspended" in refused

    sanction_lift(
        actor=world["mod"], sanction=decision.sanction, reason_code="harassment"
    )
    user.refresh_from_db()
    assert BANNER not in _page(user, "/")


def test_a_banned_user_reads_that_the_account_is_closed(world):
    user = world["user"]
    decision_take(
        actor=world["mod"],
        report=None,
        action="ban",
        reason_code="scam",
        affected_user=user,
    )
    user.refresh_from_db()
    page = _page(user, world["profile"].url)
    assert f"Your account is closed to further use — {LINK}." in page


def test_the_banner_costs_others_no_query(world, rf, django_assert_num_queries):
    request = rf.get("/")
    request.user = world["user"]
    with django_assert_num_queries(0):
        assert suspension_banner(request) == {}
