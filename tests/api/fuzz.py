"""Schemathesis against the app in-process: every operation of an OpenAPI schema,
positive and negative examples, with random and with real path parameters, as one
actor. Failures are collected (not raised) so one run reports all of them, and the
run counts what it sent so the closing note can quote the numbers."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)


def error_shape_conformance(ctx: Any, response: Response, case: Case) -> bool | None:  # noqa: ANN401
    """Every 4xx body under /api/ is the one error shape (docs/architecture.md,
    invariant 10)."""
    if not 400 <= response.status_code < 500 or "/api/" not in case.formatted_path:
        return None
    try:
        body = json.loads(response.content)
    except ValueError as exc:
        raise AssertionError(f"{response.status_code} body is not JSON") from exc
    error = body.get("error") if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or set(body) != {"error"}
        or not isinstance(error, dict)
        or set(error) != {"code", "message", "fields"}
        or not isinstance(error["code"], str)
        or not isinstance(error["message"], str)
        or not isinstance(error["fields"], dict)
    ):
        raise AssertionError(
            f"{response.status_code} body is outside the error shape: {body!r:.300}"
        )
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_shape_conformance,
]


@dataclasses.dataclass
class FuzzRun:
    """What one actor's run sent and what failed, by operation."""

    actor: str
    checks: list = dataclasses.field(default_factory=lambda: list(CHECKS))
    requests: Counter = dataclasses.field(default_factory=Counter)
    statuses: Counter = dataclasses.field(default_factory=Counter)
    failures: dict[str, str] = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        by_class = ", ".join(f"{k}xx: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"schemathesis as {self.actor}: {sum(self.requests.values())} requests "
            f"to {len(self.requests)} operations ({by_class}); "
            f"{len(self.failures)} failing operations"
        )


def _record(run: FuzzRun, operation: APIOperation, case: Case, headers: dict) -> None:
    response = case.call(headers=headers)
    run.requests[operation.label] += 1
    run.statuses[response.status_code // 100] += 1
    try:
        case.validate_response(response, checks=run.checks, headers=headers)
    except (AssertionError, FailureGroup) as exc:
        key = f"{operation.label} -> {response.status_code}"
        run.failures.setdefault(key, str(exc)[:1500])


def fuzz_operation(
    run: FuzzRun,
    operation: APIOperation,
    *,
    examples: int,
    headers: dict[str, str],
    real_path: dict[str, Any],
) -> None:
    """Positive examples, on real objects as often as on random ids (routes answer
    200 as well as 404), then negative ones where a parameter or body can be made
    invalid."""
    positive = operation.as_strategy(GenerationMode.POSITIVE)
    path_names = {p.name for p in operation.path_parameters}
    if path_names and path_names <= set(real_path):
        fixed = {name: real_path[name] for name in path_names}
        positive = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed),
            positive,
        )
    strategies = [positive]
    if operation.query or operation.body:
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    for strategy in strategies:
        _run_strategy(run, operation, strategy, examples=examples, headers=headers)


def _run_strategy(
    run: FuzzRun,
    operation: APIOperation,
    strategy: Any,  # noqa: ANN401 - a Hypothesis strategy of cases
    *,
    examples: int,
    headers: dict,
) -> None:
    # derandomize: the same examples on every run, so CI is reproducible; only
    # the generate phase: failures are recorded, not shrunk (that costs minutes).
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case: Case) -> None:
        _record(run, operation, case, headers)

    # Unsatisfiable: nothing here can be made invalid (e.g. free-form strings only).
    with contextlib.suppress(Unsatisfiable):
        send()


def fuzz_schema(
    schema: BaseSchema,
    *,
    actor: str,
    examples: int,
    headers: dict[str, str],
    real_path: dict[str, Any],
    skip: dict[str, str] | None = None,
    checks: list | None = None,
) -> FuzzRun:
    run = FuzzRun(actor=actor, checks=checks or list(CHECKS))
    for result in schema.get_all_operations():
        operation = result.ok()
        if skip and operation.label in skip:
            continue
        fuzz_operation(
            run, operation, examples=examples, headers=headers, real_path=real_path
        )
    return run
