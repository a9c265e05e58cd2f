"""Decisions: zero retention (files gone from the store, fields emptied), the
attestation and audit rows, the user's flag, the notice; the under-18 rule,
refusal reasons, permissions, re-requests and photo verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.storage import storages
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, User
from audit.models import AuditEntry
from core.exceptions import Conflict, PermissionDenied, ValidationFailed
from notifications.models import Notification
from tests.factories import UserFactory
from tests.verification.conftest import stored_files
from verification.models import (
    PhotoVerification,
    VerificationAttestation,
    VerificationRequest,
    VerificationRerequest,
)
from verification.selectors import verification_state
from verification.services import (
    Photo,
    UnderAge,
    photos_verify,
    verification_decide,
    verification_rerequest,
)
from verification.signals import photos_verified

pytestmark = pytest.mark.django_db

ADULT = dt.date(1990, 5, 17)


def _years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # 29 February, in a year without one
        then = today.replace(year=today.year - years, day=28)
    return then + dt.timedelta(days=days)


def _approve(request, moderator, **kwargs):  # noqa: ANN001, ANN003, ANN202
    return verification_decide(
        request=request, actor=moderator, approve=True, date_of_birth=ADULT, **kwargs
    )


def _files_gone(request, names, private_dir):  # noqa: ANN001, ANN202
    storage = storages["private"]
    assert not any(storage.exists(name) for name in names)
    assert stored_files(private_dir) == []
    request.refresh_from_db()
    assert request.document.name == "" and request.selfie.name == ""


def test_approval_deletes_the_files_attests_verifies_audits_and_notifies(
    pending, moderator, provider, private_dir, django_capture_on_commit_callbacks
):
    names = [pending.document.name, pending.selfie.name]
    with django_capture_on_commit_callbacks(execute=True):
        decided = _approve(pending, moderator)
    assert decided.status == "approved" and decided.decided_by == moderator
    _files_gone(pending, names, private_dir)
    attestation = VerificationAttestation.objects.get(request_id=pending.pk)
    assert attestation.outcome == "approved" and attestation.over_18_checked
    assert attestation.submitted_at == pending.created_at
    assert attestation.decided_by_id == moderator.pk
    provider.refresh_from_db()
    assert provider.is_age_verified and provider.age_verified_at is not None
    entry = AuditEntry.objects.get(action="verification.approved")
    assert entry.actor == moderator and entry.target_id == pending.pk
    assert "1990" not in str(entry.data)  # the date of birth is kept nowhere
    notice = Notification.objects.get(recipient=provider, kind="verification")
    assert notice.url == "/dashboard/verification/"
    assert "verified" in notice.title
    assert [m.to for m in mail.outbox] == [[provider.email]]
    assert verification_state(user=provider).status == "approved"


def test_refusal_deletes_the_files_and_tells_the_reason_and_how_to_retry(
    pending, moderator, provider, private_dir, django_capture_on_commit_callbacks
):
    names = [pending.document.name, pending.selfie.name]
    with django_capture_on_commit_callbacks(execute=True):
        verification_decide(
            request=pending,
            actor=moderator,
            approve=False,
            reason="other",
            note="The selfie is too dark to read the code.",
        )
    _files_gone(pending, names, private_dir)
    assert pending.status == "refused" and pending.reason == "other"
    attestation = VerificationAttestation.objects.get(request_id=pending.pk)
    assert attestation.outcome == "refused" and not attestation.over_18_checked
    provider.refresh_from_db()
    assert not provider.is_age_verified
    notice = Notification.objects.get(recipient=provider)
    assert "not approved" in notice.title and "Other" in notice.title
    body = mail.outbox[0].body
    assert "The selfie is too dark to read the code." in body
    assert "try again" in body and "/dashboard/verification/" in body
    state = verification_state(user=provider)
    assert state.status == "refused" and state.note.startswith("The selfie")
    assert state.may_submit
    entry = AuditEntry.objects.get(action="verification.refused")
    assert entry.data["reason"] == "other"


@pytest.mark.parametrize("days", [1, 0])  # 18 tomorrow, 18 today
def test_under_18_by_the_date_of_birth_is_refused_not_verified(
    pending, moderator, provider, private_dir, days
):
    date_of_birth = _years_ago(18, days=days)
    if days == 0:  # the 18th birthday is today: an adult
        verification_decide(
            request=pending, actor=moderator, approve=True, date_of_birth=date_of_birth
        )
        provider.refresh_from_db()
        assert provider.is_age_verified
        return
    with pytest.raises(UnderAge) as raised:
        verification_decide(
            request=pending, actor=moderator, approve=True, date_of_birth=date_of_birth
        )
    assert raised.value.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "refused" and pending.reason == "under_18"
    provider.refresh_from_db()
    assert not provider.is_age_verified
    attestation = VerificationAttestation.objects.get(request_id=pending.pk)
    assert attestation.outcome == "refused" and attestation.reason == "under_18"
    assert not attestation.over_18_checked


def test_a_refusal_of_someone_verified_clears_the_flag(provider, moderator, submit):
    _approve(submit(provider), moderator)
    verification_rerequest(user=provider, actor=moderator, reason="Document expired")
    provider.refresh_from_db()
    assert provider.is_age_verified  # a re-request alone changes nothing
    second = submit(provider)
    verification_decide(
        request=second, actor=moderator, approve=False, reason="expired"
    )
    provider.refresh_from_db()
    assert not provider.is_age_verified and provider.age_verified_at is None
    assert not VerificationRerequest.objects.filter(closed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"approve": True}, "date_of_birth"),
        ({"approve": True, "date_of_birth": dt.date(2999, 1, 1)}, "date_of_birth"),
        ({"approve": False}, "reason"),
        ({"approve": False, "reason": "nonsense"}, "reason"),
        ({"approve": False, "reason": "other", "note": "  "}, "note"),
    ],
)
def test_a_decision_without_what_it_needs_is_refused(
    pending, moderator, private_dir, kwargs, field
):
    with pytest.raises(ValidationFailed) as raised:
        verification_decide(request=pending, actor=moderator, **kwargs)
    assert field in raised.value.fields
    pending.refresh_from_db()
    assert pending.status == "pending" and len(stored_files(private_dir)) == 2
    assert not VerificationAttestation.objects.exists()


def test_only_moderators_decide(pending, provider, escort_user):
    staff = UserFactory(role="staff", is_staff=True)
    for actor in (provider, escort_user, staff):
        with pytest.raises(PermissionDenied):
            _approve(pending, actor)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_a_decided_request_cannot_be_decided_again(pending, moderator):
    _approve(pending, moderator)
    with pytest.raises(Conflict):
        verification_decide(
            request=pending, actor=moderator, approve=False, reason="expired"
        )
    assert VerificationAttestation.objects.count() == 1


def test_the_database_refuses_a_decided_request_that_keeps_its_files(pending):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationRequest.objects.filter(pk=pending.pk).update(
            status="approved", decided_at=timezone.now()
        )


def test_a_rerequest_is_audited_notified_and_shown(provider, moderator, submit):
    _approve(submit(provider), moderator)
    rerequest = verification_rerequest(
        user=provider, actor=moderator, reason="Your document expired last month."
    )
    entry = AuditEntry.objects.get(action="verification.rerequested")
    assert entry.actor == moderator and entry.target_id == provider.pk
    assert entry.reason == "Your document expired last month."
    notice = Notification.objects.get(recipient=provider, title__contains="again")
    assert notice.kind == "verification"
    state = verification_state(user=provider)
    assert state.status == "approved" and state.may_submit
    assert state.rerequest_reason == rerequest.reason
    with pytest.raises(Conflict):  # one open at a time
        verification_rerequest(user=provider, actor=moderator, reason="again")


def test_a_rerequest_needs_a_verified_person_a_reason_and_a_moderator(
    provider, moderator, escort_user
):
    with pytest.raises(Conflict):
        verification_rerequest(user=provider, actor=moderator, reason="why")
    provider.is_age_verified = True
    provider.save()
    with pytest.raises(ValidationFailed):
        verification_rerequest(user=provider, actor=moderator, reason=" ")
    with pytest.raises(PermissionDenied):
        verification_rerequest(user=provider, actor=escort_user, reason="why")
    assert not AuditEntry.objects.filter(action="verification.rerequested").exists()


def test_verified_people_cannot_submit_unless_asked_again(provider, moderator, submit):
    _approve(submit(provider), moderator)
    with pytest.raises(Conflict, match="already verified"):
        submit(provider)
    verification_rerequest(user=provider, actor=moderator, reason="Renewal")
    assert submit(provider).status == "pending"


def test_photos_verified_with_the_decision_are_recorded_audited_and_signalled(
    pending, moderator, provider, photo_hook, django_capture_on_commit_callbacks
):
    heard = []

    def receiver(sender, user, **kwargs):  # noqa: ANN001, ANN003, ANN202
        heard.append(user.pk)

    photos_verified.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _approve(
                pending,
                moderator,
                verified_photos=[Photo(image_id=501, file_hash="a" * 40)],
            )
    finally:
        photos_verified.disconnect(receiver)
    row = PhotoVerification.objects.get()
    assert (row.image_id, row.file_hash, row.user, row.verified_by) == (
        501,
        "a" * 40,
        provider,
        moderator,
    )
    entry = AuditEntry.objects.get(action="badge.photo_verified")
    assert entry.data == {"image_id": 501, "file_hash": "a" * 40}
    assert heard == [provider.pk]
    # Verifying it again adds nothing.
    assert (
        photos_verify(user=provider, actor=moderator, photos=[Photo(501, "a" * 40)])
        == []
    )


def test_only_the_persons_current_photos_can_be_verified(
    provider, moderator, photo_hook
):
    for photo in (Photo(501, "c" * 40), Photo(999, "a" * 40)):  # edited; not theirs
        with pytest.raises(ValidationFailed):
            photos_verify(user=provider, actor=moderator, photos=[photo])
    with pytest.raises(PermissionDenied):
        photos_verify(user=provider, actor=provider, photos=[Photo(501, "a" * 40)])
    assert not PhotoVerification.objects.exists()


def test_nobody_decides_their_own_verification(pending, provider):
    provider.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    with pytest.raises(PermissionDenied, match="own"):
        _approve(pending, User.objects.get(pk=provider.pk))
    pending.refresh_from_db()
    assert pending.status == "pending"
