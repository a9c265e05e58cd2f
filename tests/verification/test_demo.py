from __future__ import annotations

import pytest

from accounts.demo import seed as seed_accounts
from tests.verification.conftest import stored_files
from verification.demo import seed
from verification.models import VerificationAttestation, VerificationRequest
from verification.selectors import queue_figures

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_queue_and_a_week_of_decisions_once(private_dir):
    seed_accounts(log=lambda line: None)
    seed(log=lambda line: None)
    seed(log=lambda line: None)  # again: nothing twice
    pending = VerificationRequest.objects.pending()
    assert pending.count() == 4
    assert {r.document_content_type for r in pending} == {
        "image/jpeg",
        "application/pdf",
    }
    assert len(stored_files(private_dir)) == 8
    figures = queue_figures()
    assert figures.pending == 4 and figures.decided == 6
    assert figures.median_wait is not None and figures.p95_wait is not None
    assert VerificationAttestation.objects.filter(outcome="approved").count() == 4
    oldest = pending.order_by("created_at").first()
    assert oldest.user.email == "pending.verification1@demo.test"
