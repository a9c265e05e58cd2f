"""A profile goes live only if its owner is age-verified and not suspended, by
every publishing path (docs/architecture.md, invariant 2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import Page

from accounts.models import Role
from cms_pages.tasks import publish_scheduled
from directory.models import EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile

pytestmark = pytest.mark.django_db

INELIGIBLE = {
    "not age-verified": {"is_age_verified": False},
    "suspended": {"is_age_verified": True, "is_suspended": True},
    "deactivated": {"is_age_verified": True, "is_active": False},
}


@pytest.fixture
def city():
    city = make_city(
        "Lisbon", live=False, country="Portugal", time_zone="Europe/Lisbon"
    )
    city.save_revision().publish()
    return city


@pytest.fixture(params=INELIGIBLE, ids=list(INELIGIBLE))
def draft_of_ineligible_owner(request, city):
    owner = EscortOwnerFactory(**INELIGIBLE[request.param])
    return make_profile("Ines", city=city, owner=owner, live=False)


def _reload(page: EscortProfilePage) -> EscortProfilePage:
    return EscortProfilePage.objects.get(pk=page.pk)


def test_direct_publish_is_refused(draft_of_ineligible_owner):
    revision = draft_of_ineligible_owner.get_latest_revision()
    with pytest.raises(ValidationError, match="cannot go live"):
        revision.publish()
    assert not _reload(draft_of_ineligible_owner).live


def test_workflow_cannot_approve(draft_of_ineligible_owner):
    page = draft_of_ineligible_owner
    moderator = UserFactory(role=Role.STAFF)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    page.get_workflow().start(page, page.owner)
    task_state = _reload(page).current_workflow_state.current_task_state
    task = task_state.task.specific
    assert [name for name, *_ in task.get_actions(page, moderator)] == ["reject"]
    # Some admin views hand the task a plain Page: the gate must hold there too.
    plain = Page.objects.get(pk=page.pk)
    assert [name for name, *_ in task.get_actions(plain, moderator)] == ["reject"]
    with pytest.raises(PermissionDenied):
        task.on_action(task_state, user=moderator, action_name="approve")
    assert not _reload(page).live


def _schedule(page: EscortProfilePage) -> None:
    revision = page.get_latest_revision()
    revision.approved_go_live_at = timezone.now() - dt.timedelta(minutes=5)
    revision.save(update_fields=["approved_go_live_at"])


def test_scheduled_publish_is_refused_and_others_still_publish(
    draft_of_ineligible_owner, city
):
    eligible = make_profile("Lena", city=city, owner=EscortOwnerFactory(), live=False)
    _schedule(draft_of_ineligible_owner)
    _schedule(eligible)
    assert publish_scheduled.delay().get() == 1
    assert not _reload(draft_of_ineligible_owner).live
    assert _reload(eligible).live
    # Idempotent: the refused schedule was dropped, nothing is retried forever.
    assert publish_scheduled.delay().get() == 0


def test_eligible_owner_publishes(city):
    page = make_profile("Eva", city=city, owner=EscortOwnerFactory(), live=False)
    page.get_latest_revision().publish()
    assert _reload(page).live


def test_live_profile_of_a_later_suspended_owner_cannot_be_republished(city):
    owner = EscortOwnerFactory()
    page = make_profile("Sara", city=city, owner=owner, live=False)
    page.get_latest_revision().publish()
    owner.is_suspended = True
    owner.save(update_fields=["is_suspended"])
    page = _reload(page)
    page.tagline = "changed"
    with pytest.raises(ValidationError):
        page.save_revision(user=owner).publish()
    assert _reload(page).tagline != "changed"


def test_the_database_refuses_an_underage_row(city):
    from django.db import IntegrityError, transaction

    page = make_profile("Zoe", city=city, live=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        EscortProfilePage.objects.filter(pk=page.pk).update(age=17)
