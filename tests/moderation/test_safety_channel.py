"""/dashboard/safety/: an escort talks to the safety team privately. Each
message is a report in the moderators' queue (coercion at top priority); the
escort sees their own messages' status; the agency never sees any of it."""

# ruff: noqa: F811 - pytest fixtures imported from tests.directory.agency_world
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from moderation.models import Report, SafetyMessage
from moderation.selectors import report_evidence
from tests.directory.agency_world import (  # noqa: F401 - fixtures
    agency,
    agency_owner,
    invite_and_accept,
    manager,
)
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory

pytestmark = pytest.mark.django_db

SAFETY = "/dashboard/safety/"
QUEUE = "/cms/moderation/reports/"


@pytest.fixture
def listed_escort(agency, django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    escort = EscortOwnerFactory(display_name="Iris")
    invite_and_accept(agency, escort, django_capture_on_commit_callbacks)
    return escort


def test_an_escort_writes_privately_and_sees_the_status(client, listed_escort, agency):
    client.force_login(listed_escort)
    page = client.get(SAFETY)
    assert page.status_code == 200 and b"no agency" in page.content

    client.post(SAFETY, {"category": "coercion", "details": "They keep my passport."})
    client.post(
        SAFETY, {"category": "payment_withheld", "details": "Unpaid since May."}
    )
    reports = Report.objects.order_by("id")
    assert [r.category for r in reports] == ["coercion", "payment_withheld"]
    first = reports[0]
    assert first.priority == Report.Priority.TOP  # computed by PostgreSQL
    assert reports[1].priority == Report.Priority.NORMAL
    assert first.reporter == listed_escort
    assert isinstance(first.target, SafetyMessage)
    assert first.target.agency == agency
    assert (
        report_evidence(report=first, viewer=UserFactory(role=Role.STAFF))["agency"]
        == agency.name
    )

    Report.objects.filter(pk=first.pk).update(status="closed", closed_at=timezone.now())
    html = client.get(SAFETY).content.decode()
    assert "Coercion or pressure" in html and "closed" in html
    assert "Payment withheld" in html and "open: our team is on it" in html


@pytest.mark.parametrize(
    "data",
    [
        {"category": "coercion", "details": "x" * 2001},
        {"category": "spam", "details": "Not a safety topic"},
        {"category": "coercion", "details": "   "},
    ],
    ids=["too long", "other category", "blank"],
)
def test_bad_input_files_nothing(client, listed_escort, data):
    client.force_login(listed_escort)
    assert client.post(SAFETY, data).status_code == 400
    assert not Report.objects.exists() and not SafetyMessage.objects.exists()


def test_the_agency_never_sees_the_channel(
    client, listed_escort, agency_owner, manager
):
    client.force_login(listed_escort)
    client.post(SAFETY, {"category": "coercion", "details": "Pressure to work."})
    for member in (agency_owner, manager):
        client.force_login(member)
        assert client.get(SAFETY).status_code == 404  # not an escort's page
        assert client.get(QUEUE).status_code in (302, 403)  # not moderators
        for path in ("/dashboard/agency/", "/api/v1/me/agency"):
            body = client.get(path).content.decode()
            assert "Pressure to work" not in body and "coercion" not in body.lower()


def test_moderators_see_it_first_in_the_queue(client, listed_escort, admin_login):
    client.force_login(listed_escort)
    client.post(SAFETY, {"category": "safety", "details": "A client followed me."})
    client.post(SAFETY, {"category": "coercion", "details": "Pressure to work."})
    moderator = UserFactory(role=Role.STAFF, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    admin_login(client, moderator)
    response = client.get(QUEUE)
    assert response.status_code == 200
    categories = [r.category for r in response.context["object_list"]]
    assert categories == ["coercion", "safety"]
