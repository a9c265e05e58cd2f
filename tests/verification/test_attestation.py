from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import UserFactory
from verification.models import VerificationAttestation

pytestmark = pytest.mark.django_db


def _attestation() -> VerificationAttestation:
    now = timezone.now()
    return VerificationAttestation.objects.create(
        user=UserFactory(),
        request_id=1,
        outcome=VerificationAttestation.Outcome.APPROVED,
        over_18_checked=True,
        decided_by=UserFactory(),
        decided_at=now,
        submitted_at=now,
    )


def test_an_attestation_cannot_be_updated_or_deleted() -> None:
    attestation = _attestation()
    attestation.outcome = VerificationAttestation.Outcome.REFUSED
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        attestation.save()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        VerificationAttestation.objects.all().delete()
    assert VerificationAttestation.objects.get().outcome == "approved"


def test_an_approval_must_have_checked_the_person_is_an_adult() -> None:
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        VerificationAttestation.objects.create(
            user=UserFactory(),
            request_id=2,
            outcome=VerificationAttestation.Outcome.APPROVED,
            over_18_checked=False,
            decided_at=now,
            submitted_at=now,
        )
