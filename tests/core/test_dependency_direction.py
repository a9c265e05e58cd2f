"""The dependency direction of docs/architecture.md: the import-linter contracts
in pyproject.toml ([tool.importlinter]) must all hold. A lower app importing a
higher one (say core importing directory), or a sibling import outside the
documented one-way uses, fails this test and names the import."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    exit_code = lint_imports(
        config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True
    )
    report = capsys.readouterr().out
    assert exit_code == 0, report
    # Every contract of pyproject.toml ran (none silently skipped).
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    count = len(config["tool"]["importlinter"]["contracts"])
    assert f"Contracts: {count} kept, 0 broken." in report
