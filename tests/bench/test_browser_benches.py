"""bench/lighthouse.py and bench/screenshots.py need a seeded demo site and a
browser for minutes, so the suite checks what can break without them: the
arguments, the reading of a Lighthouse report, and the gallery page."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = str(Path(__file__).resolve().parents[2] / "bench")


def _import_bench(name: str):  # noqa: ANN202
    """Imports bench/<name>.py without leaving bench/ on sys.path, where its
    search.py, bookings.py and messaging.py would shadow the apps."""
    saved = list(sys.path)
    sys.path.insert(0, BENCH)
    try:
        return importlib.import_module(name)
    finally:
        sys.path[:] = saved


lighthouse = _import_bench("lighthouse")
screenshots = _import_bench("screenshots")


def _report(scores: dict[str, float], failing: dict[str, float]) -> dict:
    audits = {"good": {"id": "good", "score": 1}}
    refs = [{"id": "good", "weight": 1}]
    for audit_id, score in failing.items():
        audits[audit_id] = {"id": audit_id, "score": score, "displayValue": "1.2 s"}
        refs.append({"id": audit_id, "weight": 5})
    return {
        "categories": {
            key: {"score": scores.get(key, 1.0), "auditRefs": refs}
            for key in lighthouse.CATEGORIES
        },
        "audits": audits,
    }


def test_scores_are_whole_percentages_and_lost_points_name_the_audits():
    report = _report({"seo": 0.54, "performance": 0.987}, {"meta-description": 0})

    assert lighthouse.scores_of(report) == {
        "performance": 99,
        "accessibility": 100,
        "best-practices": 100,
        "seo": 54,
    }
    assert lighthouse.lost_points(report, "seo") == ["meta-description (0.00): 1.2 s"]


def test_arguments_choose_pages_and_forms_and_refuse_unknown_ones(capsys):
    args = lighthouse.parse_args(["--pages", "home,city", "--forms", "mobile"])
    assert (args.pages, args.forms, args.target) == (["home", "city"], ["mobile"], 95)

    with pytest.raises(SystemExit):
        lighthouse.parse_args(["--pages", "home,nowhere"])
    assert "nowhere" in capsys.readouterr().err


def test_the_gallery_lists_what_was_taken_and_what_was_not(tmp_path, monkeypatch):
    monkeypatch.setattr(screenshots, "OUT", tmp_path)
    shots = screenshots.SHOTS[:2]
    taken = {shots[0].key: [f"{shots[0].key}-phone.jpg"]}

    screenshots.write_gallery(shots, taken, [f"{shots[1].key} (phone): 500"])

    text = (tmp_path / "README.md").read_text()
    assert f"![{shots[0].title}, {shots[0].key}-phone.jpg]" in text
    assert f"## {shots[1].title}" not in text
    assert f"- {shots[1].key} (phone): 500" in text


def test_shot_keys_are_unique():
    keys = [shot.key for shot in screenshots.SHOTS]
    assert len(keys) == len(set(keys))
