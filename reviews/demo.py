"""Demo data of the reviews app: each part seeds its own (see the modules)."""

from __future__ import annotations

from collections.abc import Callable

from reviews import reputation_demo


def seed(*, log: Callable[[str], None]) -> None:
    reputation_demo.seed(log=log)
