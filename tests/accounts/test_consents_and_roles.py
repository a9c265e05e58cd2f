"""The consent ledger is append-only in the database; roles change only through
the audited, staff-only service."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from accounts.models import Consent, Role
from accounts.services import consent_record, user_set_role
from audit.models import AuditEntry
from core.exceptions import PermissionDenied, ValidationFailed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_consent SET accepted = false",
        "DELETE FROM accounts_consent",
    ],
)
def test_the_database_refuses_to_change_a_consent(statement):
    consent = consent_record(
        user=UserFactory(), document="terms", accepted=True, source="signup_html"
    )
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    consent.refresh_from_db()
    assert consent.accepted is True


def test_the_orm_cannot_change_or_delete_a_consent_either():
    consent = consent_record(
        user=UserFactory(), document="marketing", accepted=False, source="signup_api"
    )
    consent.accepted = True
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        consent.delete()
    assert Consent.objects.get(pk=consent.pk).accepted is False


def test_consent_record_refuses_unknown_documents():
    with pytest.raises(ValidationFailed):
        consent_record(
            user=UserFactory(), document="cookies", accepted=True, source="signup_api"
        )
    assert not Consent.objects.exists()


def test_staff_change_a_role_with_a_reason_and_it_is_audited():
    staff = UserFactory(role=Role.STAFF, is_staff=True)
    user = UserFactory(role=Role.CLIENT)
    user_set_role(actor=staff, user=user, role=Role.ESCORT, reason="asked by email")
    user.refresh_from_db()
    assert user.role == Role.ESCORT
    entry = AuditEntry.objects.get(action="account.role_changed")
    assert (entry.actor_id, entry.target_id) == (staff.pk, user.pk)
    assert entry.reason == "asked by email"
    assert entry.data == {"from": "client", "to": "escort"}


def test_the_platform_may_change_a_role_for_a_flow_that_checked_its_rules():
    user = UserFactory(role=Role.CLIENT)
    user_set_role(actor=None, user=user, role=Role.AGENCY, reason="agency invite")
    assert AuditEntry.objects.get(action="account.role_changed").actor_id is None


@pytest.mark.parametrize(
    ("actor_role", "role", "reason", "error"),
    [
        (Role.AGENCY, Role.ESCORT, "because", PermissionDenied),
        (Role.ESCORT, Role.STAFF, "promote me", PermissionDenied),
        ("staff", "wizard", "because", ValidationFailed),
        ("staff", Role.ESCORT, "  ", ValidationFailed),
    ],
)
def test_role_changes_refused_change_nothing(actor_role, role, reason, error):
    actor = (
        UserFactory(role=Role.STAFF, is_staff=True)
        if actor_role == "staff"
        else UserFactory(role=actor_role)
    )
    user = UserFactory(role=Role.CLIENT)
    with pytest.raises(error):
        user_set_role(actor=actor, user=user, role=role, reason=reason)
    user.refresh_from_db()
    assert user.role == Role.CLIENT
    assert not AuditEntry.objects.filter(action="account.role_changed").exists()


def test_setting_the_same_role_again_writes_no_entry():
    staff = UserFactory(role=Role.STAFF, is_staff=True)
    user = UserFactory(role=Role.ESCORT)
    user_set_role(actor=staff, user=user, role=Role.ESCORT, reason="no-op")
    assert not AuditEntry.objects.filter(action="account.role_changed").exists()
