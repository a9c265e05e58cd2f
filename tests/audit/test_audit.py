from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_records_who_what_target_and_why() -> None:
    moderator, provider = UserFactory(), UserFactory()
    entry = audit_record(
        actor=moderator,
        action="verification.approved",
        target=provider,
        reason="document and selfie match",
        data={"request": 7},
    )
    entry.refresh_from_db()
    assert entry.actor_id == moderator.pk
    assert entry.actor_label == moderator.email
    assert (entry.target_type, entry.target_id) == ("accounts.user", provider.pk)
    assert entry.target_label == provider.email
    assert entry.data == {"request": 7}
    assert list(audit_entries_for(target=provider)) == [entry]


def test_the_platform_itself_can_be_the_actor() -> None:
    entry = audit_record(actor=None, action="badge.lapsed", target=UserFactory())
    assert entry.actor_id is None
    assert entry.actor_label == "platform"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET reason = 'rewritten'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_the_database_refuses_to_change_or_remove_an_entry(statement: str) -> None:
    audit_record(actor=None, action="role.changed", target=UserFactory())
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEntry.objects.filter(action="role.changed").count() == 1


def test_the_orm_cannot_change_an_entry_either() -> None:
    entry = audit_record(actor=None, action="role.changed", target=UserFactory())
    entry.reason = "rewritten"
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()


def test_deleting_the_actor_leaves_the_entry_as_it_was() -> None:
    moderator = UserFactory()
    entry = audit_record(actor=moderator, action="badge.granted", target=UserFactory())
    moderator_id, email = moderator.pk, moderator.email
    moderator.delete()
    entry.refresh_from_db()
    # No cascade, no SET NULL (either would be refused): the id stays as a
    # pseudonymous reference and the label says who it was.
    assert (entry.actor_id, entry.actor_label) == (moderator_id, email)


def test_moderators_may_read_the_audit_log_and_nobody_may_write_it() -> None:
    from django.contrib.auth.models import Group

    granted = set(
        Group.objects.get(name="Moderators")
        .permissions.filter(content_type__app_label="audit")
        .values_list("codename", flat=True)
    )
    assert granted == {"view_auditentry"}
