"""Done when (issue 18): every user column of the database is either exported
or excluded with a reason; a new model with a user foreign key fails here,
named, until the export says what it does with it."""

from __future__ import annotations

import pytest

from privacy.exporting.registry import EXCLUDED, REGISTRY, coverage_gaps
from privacy.inventory import user_references


def test_every_user_column_is_exported_or_excluded_with_a_reason() -> None:
    gaps = coverage_gaps([reference.key for reference in user_references()])

    assert gaps["missing"] == [], f"neither exported nor EXCLUDED: {gaps['missing']}"
    assert gaps["both"] == [], f"exported and EXCLUDED at once: {gaps['both']}"
    assert gaps["stale"] == [], f"names no user column (renamed?): {gaps['stale']}"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_a_new_user_column_fails_the_check_by_name() -> None:
    keys = [reference.key for reference in user_references()]

    gaps = coverage_gaps([*keys, "newapp.Gift.giver"])

    assert gaps["missing"] == ["newapp.Gift.giver"]


@pytest.mark.parametrize("export_class", REGISTRY, ids=lambda c: c.key)
def test_each_class_has_a_file_name_and_a_label(export_class) -> None:  # noqa: ANN001
    assert export_class.key.isidentifier()
    assert export_class.label
    assert export_class.covers


def test_client_assessments_about_a_client_stay_private() -> None:
    # docs/reputation.md: never shown one by one, so never exported to the client.
    assert "reviews.ClientAssessment.client" in EXCLUDED
    assert not any("reviews.ClientAssessment.client" in c.covers for c in REGISTRY)
