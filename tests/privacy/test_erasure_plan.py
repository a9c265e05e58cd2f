"""The erasure plan covers every column that names a person
(``privacy.inventory.user_references()``): a new model with a user foreign key
fails here, by name, until the plan says what the erasure does with it."""

from __future__ import annotations

import pytest
from django.db import models

from bookings.models import Booking
from privacy import retention
from privacy.erasure.plan import PLAN, Action, holds, plan_gaps
from privacy.erasure.selectors import closure_plan_summary
from privacy.inventory import UserReference, user_references


def _keys() -> list[str]:
    return [reference.key for reference in user_references()]


def test_every_user_reference_has_a_plan_entry() -> None:
    assert plan_gaps(_keys()) == []


def test_the_plan_names_no_column_that_does_not_exist() -> None:
    assert sorted(set(PLAN) - set(_keys())) == []


def test_a_new_column_fails_by_name() -> None:
    new = UserReference(model=Booking, field="chaperone")
    assert plan_gaps([*_keys(), new.key]) == ["bookings.Booking.chaperone"]


def test_set_null_only_on_nullable_columns() -> None:
    for reference in user_references():
        if PLAN[reference.key].action == Action.SET_NULL:
            assert reference.model._meta.get_field(reference.field).null, reference.key


def test_every_hold_says_why_and_until_when() -> None:
    for key, step in PLAN.items():
        assert (step.action == Action.HOLD) == (step.hold is not None), key
    for hold in holds():
        assert str(hold.label) and str(hold.why) and str(hold.until)


def test_held_free_text_is_emptied_on_real_text_columns() -> None:
    by_key = {reference.key: reference for reference in user_references()}
    for key, step in PLAN.items():
        for field in step.minimise or {}:
            column = by_key[key].model._meta.get_field(field)
            assert isinstance(column, models.CharField | models.TextField), key


def test_holds_cite_the_retention_schedule() -> None:
    reports = next(c for c in retention.SCHEDULE if c.key == "reports")
    cases = PLAN["moderation.Sanction.user"].hold
    assert str(cases.why) == str(reports.legal_basis)
    assert str(cases.until).startswith("2 years")
    audit = PLAN["audit.AuditEntry.actor"].hold
    assert str(audit.until) == str(
        next(c for c in retention.SCHEDULE if c.key == "audit_entries").kept_label
    )


@pytest.mark.django_db
def test_the_close_page_summary_comes_from_the_plan() -> None:
    summary = closure_plan_summary()
    assert "Messages" in summary["deleted"]
    assert "Favourites" in summary["deleted"]
    assert "Payments" not in summary["deleted"]  # held, not deleted
    assert summary["kept"] == holds()
