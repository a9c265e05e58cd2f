"""The demo's private reputation: assessments of the past demo bookings, one
provider with screening on; a re-run adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bookings.models import Booking, ScreeningRequirements
from reviews.models import ClientAssessment

pytestmark = pytest.mark.django_db


def test_demo_assessments_and_screening_are_seeded_once(monkeypatch):
    monkeypatch.setenv("DEMO_PROFILES", "3")
    call_command("seed_demo", stdout=io.StringIO())
    assessments = ClientAssessment.objects.count()
    call_command("seed_demo", stdout=io.StringIO())

    assert ClientAssessment.objects.count() == assessments
    # The bookings demo's past bookings (the reviews demo adds completed
    # bookings of its own for its reviews, keyed "demo-review:").
    past = Booking.objects.filter(status__in=["completed", "no_show"]).exclude(
        idempotency_key__startswith="demo-review:"
    )
    assert assessments == past.count() > 0
    for assessment in ClientAssessment.objects.select_related("booking"):
        assert assessment.client_id == assessment.booking.client_id
        if assessment.booking.status == "no_show":
            assert assessment.showed_up is False
    screening = ScreeningRequirements.objects.get()
    assert screening.verified_only and screening.asks_anything
