from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEntry
from audit.selectors import audit_entries_for
from audit.services import audit_labels_pseudonymise, audit_record
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


def _pseudonymising(cursor) -> None:  # noqa: ANN001
    cursor.execute("SELECT set_config('audit.pseudonymise', 'on', true)")


def test_only_labels_change_and_only_while_pseudonymising_is_on() -> None:
    person = UserFactory()
    audit_record(actor=person, action="role.changed", target=person)
    with transaction.atomic(), connection.cursor() as cursor:
        _pseudonymising(cursor)
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'closed'")
    assert AuditEntry.objects.get(action="role.changed").actor_label == "closed"
    for statement in (
        "UPDATE audit_auditentry SET reason = 'rewritten'",
        "UPDATE audit_auditentry SET actor_label = 'x', data = '{\"x\": 1}'::jsonb",
        "UPDATE audit_auditentry SET target_id = NULL",
        "DELETE FROM audit_auditentry",
    ):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            _pseudonymising(cursor)
            cursor.execute(statement)
    assert AuditEntry.objects.filter(action="role.changed").count() == 1


def test_pseudonymising_rewrites_the_persons_labels_and_audits_itself() -> None:
    person, moderator = UserFactory(), UserFactory()
    audit_record(actor=person, action="a.acted", target=moderator)
    audit_record(actor=moderator, action="a.checked", target=person)
    audit_record(actor=moderator, action="a.other", target=moderator)

    changed = audit_labels_pseudonymise(
        user=person, address=person.email, label="closed-1", targets={}
    )

    labels = dict(AuditEntry.objects.values_list("action", "actor_label"))
    targets = dict(AuditEntry.objects.values_list("action", "target_label"))
    assert changed == 2
    assert (labels["a.acted"], targets["a.checked"]) == ("closed-1", "closed-1")
    assert labels["a.checked"] == targets["a.other"] == moderator.email
    assert targets["a.acted"] == moderator.email
    record = AuditEntry.objects.get(action="audit.labels_pseudonymised")
    assert (record.target_id, record.data) == (person.pk, {"labels": 2})
    # The window closed behind it: a plain label change is refused again.
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'again'")


def test_only_the_whole_address_is_replaced_in_a_quoting_label() -> None:
    person = UserFactory(email="ana@example.com")
    for address in ("ana@example.com", "diana@example.com", "ana@example.com.au"):
        AuditEntry.objects.create(
            action="a.invited",
            target_type="directory.agencyinvitation",
            target_label=f"Invitation for {address}",
        )

    audit_labels_pseudonymise(
        user=person, address=person.email, label="closed-1", targets={}
    )

    assert sorted(
        AuditEntry.objects.filter(action="a.invited").values_list(
            "target_label", flat=True
        )
    ) == [
        "Invitation for ana@example.com.au",
        "Invitation for closed-1",
        "Invitation for diana@example.com",
    ]


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
