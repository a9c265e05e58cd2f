"""Appeals and sanctions in the Wagtail admin: the pending appeals by due time,
assign to me, confirm or reverse with a response (the original moderator sees
the appeal but has no buttons, and the service refuses them); the sanctions in
force with "Lift" (reason required)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from moderation.decisions import appeal_file, decision_take
from moderation.models import Appeal, Decision, Sanction, Statement
from tests.factories import UserFactory
from tests.moderation.admin_support import (
    APPEALS,
    SANCTIONS,
    file_report,
    moderator,
    staff_in,
)

pytestmark = pytest.mark.django_db


def suspended(person, by, *, days: int = 7) -> Decision:  # noqa: ANN001
    """``person`` suspended by ``by`` on a report about them."""
    report = file_report(person, subject=person, category="harassment")
    return decision_take(
        actor=by,
        report=report,
        action="suspend",
        reason_code="harassment",
        note="Threatening messages.",
        suspend_until=timezone.now() + dt.timedelta(days=days),
    )


@pytest.fixture
def world():  # noqa: ANN201
    original = moderator()
    person = UserFactory(role=Role.CLIENT)
    decision = suspended(person, original)
    statement = Statement.objects.get(decision=decision)
    appeal = appeal_file(user=person, statement=statement, text="It was a joke.")
    return {
        "original": original,
        "person": person,
        "decision": decision,
        "appeal": appeal,
    }


def detail(appeal: Appeal) -> str:
    return f"{APPEALS}{appeal.pk}/"


# --- Appeals -------------------------------------------------------------------------


def test_pending_appeals_by_due_time_with_a_constant_query_count(
    client, admin_login, world
):
    admin_login(client, moderator())
    later = world["appeal"]
    Appeal.objects.filter(pk=later.pk).update(
        due_at=timezone.now() + dt.timedelta(days=2)
    )

    def fetch() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(APPEALS)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    _, few = fetch()
    person = UserFactory(role=Role.CLIENT)
    statement = Statement.objects.get(decision=suspended(person, moderator()))
    overdue = appeal_file(user=person, statement=statement, text="Please look again.")
    Appeal.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=1)
    )
    html, more = fetch()

    assert more == few
    assert html.index(f'data-appeal="{overdue.pk}"') < html.index(
        f'data-appeal="{later.pk}"'
    )
    assert html.count('data-overdue="1"') == 1


def test_the_original_moderator_sees_the_appeal_but_cannot_act(
    client, admin_login, world
):
    admin_login(client, world["original"])
    appeal = world["appeal"]

    page = client.get(detail(appeal))
    html = page.content.decode()
    refused = client.post(
        detail(appeal), {"op": "decide", "outcome": "reverse", "response": "Mine."}
    )
    assign = client.post(detail(appeal), {"op": "assign"})

    assert page.status_code == 200
    assert "It was a joke." in html and "Threatening messages." in html
    assert "data-original-moderator" in html
    assert "Reverse the decision" not in html and "Assign to me" not in html
    assert refused.status_code == 403
    assert assign.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "pending" and appeal.assigned_to is None
    world["person"].refresh_from_db()
    assert world["person"].is_suspended


def test_another_moderator_assigns_and_reverses(client, admin_login, world):
    other = admin_login(client, moderator())
    appeal = world["appeal"]

    client.post(detail(appeal), {"op": "assign"})
    appeal.refresh_from_db()
    assert appeal.assigned_to == other

    response = client.post(
        detail(appeal),
        {"op": "decide", "outcome": "reverse", "response": "We read it again."},
    )

    assert response.status_code == 302 and response["Location"] == APPEALS
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.response) == (
        "reversed",
        other,
        "We read it again.",
    )
    world["person"].refresh_from_db()
    assert not world["person"].is_suspended
    assert Sanction.objects.get(decision=world["decision"]).lifted_at is not None
    decided = client.get(APPEALS, {"show": "decided"}).content.decode()
    assert f'data-appeal="{appeal.pk}"' in decided and "Decision reversed" in decided


def test_confirming_keeps_the_sanction(client, admin_login, world):
    admin_login(client, moderator())

    client.post(
        detail(world["appeal"]),
        {
            "op": "decide",
            "outcome": "confirm",
            "response": "The messages were threats.",
        },
    )

    world["appeal"].refresh_from_db()
    assert world["appeal"].status == "confirmed"
    world["person"].refresh_from_db()
    assert world["person"].is_suspended


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"op": "decide", "outcome": "reverse"},
            "Write the response the user will read.",
        ),
        ({"op": "decide", "response": "Fine."}, "Choose confirm or reverse."),
    ],
)
def test_an_incomplete_decision_changes_nothing(
    client, admin_login, world, data, message
):
    admin_login(client, moderator())

    response = client.post(detail(world["appeal"]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    world["appeal"].refresh_from_db()
    assert world["appeal"].status == "pending"


def test_staff_who_are_not_moderators_are_refused(client, admin_login, world):
    admin_login(client, staff_in("Editors"))

    for url in (APPEALS, SANCTIONS, detail(world["appeal"])):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/cms/"), url
    response = client.post(
        detail(world["appeal"]),
        {"op": "decide", "outcome": "reverse", "response": "x"},
    )
    assert response.status_code in (302, 403)
    assert APPEALS not in client.get("/cms/").content.decode()
    world["appeal"].refresh_from_db()
    assert world["appeal"].status == "pending"


def test_readers_without_the_change_permission_cannot_decide(
    client, admin_login, world
):
    readers = Group.objects.create(name="Report readers")
    readers.permissions.add(Permission.objects.get(codename="view_report"))
    admin_login(client, staff_in("Report readers"))

    page = client.get(detail(world["appeal"])).content.decode()
    response = client.post(
        detail(world["appeal"]),
        {"op": "decide", "outcome": "reverse", "response": "x"},
    )

    assert "Reverse the decision" not in page
    assert response.status_code == 403


# --- Sanctions -----------------------------------------------------------------------


def test_sanctions_in_force_and_lifting_one(client, admin_login, world):
    mod = admin_login(client, moderator())
    sanction = Sanction.objects.get(decision=world["decision"])
    url = f"{SANCTIONS}{sanction.pk}/"

    listing = client.get(SANCTIONS).content.decode()
    missing = client.post(url, {"reason_code": "", "note": ""})
    sanction.refresh_from_db()
    assert sanction.lifted_at is None
    lifted = client.post(url, {"reason_code": "no_violation", "note": "Our mistake."})

    assert (
        f'data-sanction="{sanction.pk}"' in listing and world["person"].email in listing
    )
    assert missing.status_code == 400
    assert "Choose the reason for this decision." in missing.content.decode()
    assert lifted.status_code == 302 and lifted["Location"] == SANCTIONS
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None and sanction.lifted_by.actor == mod
    world["person"].refresh_from_db()
    assert not world["person"].is_suspended
    assert (
        f'data-sanction="{sanction.pk}"' not in client.get(SANCTIONS).content.decode()
    )
    again = client.post(url, {"reason_code": "no_violation"})
    assert again.status_code == 409
    assert "already lifted" in again.content.decode()
