"""Writes of moderation. Other apps file reports through ``report_create``;
moderation never imports them (they are siblings: messaging calls in, and hands
over the evidence it wants kept)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import User
from core import crypto
from core.exceptions import ValidationFailed
from core.validators import has_control_characters
from moderation.models import (
    DETAILS_MAX_LENGTH,
    DUE_WITHIN,
    TOP_PRIORITY_CATEGORIES,
    Report,
    ReportCategory,
    ReportPriority,
)


def report_create(
    *,
    reporter: User | None,
    category: str,
    details: str,
    target: models.Model,
    evidence: dict[str, Any],
    subject_user: User | None = None,
    dedupe_key: str = "",
    automated: bool = False,
) -> tuple[Report, bool]:
    """File a report about ``target`` with an encrypted snapshot of
    ``evidence``. One report per reporter and target, or without a reporter
    (an anonymous visitor, an automated check) one per ``dedupe_key`` and
    target (unique constraints): a repeat returns the first report unchanged
    and ``created=False``, so a double click or a retried request files
    nothing twice. ``subject_user`` is whom the target belongs to."""
    if reporter is None and not dedupe_key:
        raise ValueError("A report without a reporter needs a dedupe_key.")
    category = _clean_category(category)
    details = _clean_details(details)
    content_type = ContentType.objects.get_for_model(target)
    if reporter is not None:
        key = {"reporter": reporter, "target_content_type": content_type}
    else:
        key = {"dedupe_key": dedupe_key, "target_content_type": content_type}
    existing = Report.objects.filter(**key, target_id=target.pk).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    priority = (
        ReportPriority.TOP
        if category in TOP_PRIORITY_CATEGORIES
        else ReportPriority.NORMAL
    )
    try:
        with transaction.atomic():
            report = Report.objects.create(
                **key,
                target_id=target.pk,
                category=category,
                details=details,
                subject_user=subject_user,
                automated=automated,
                due_at=now + DUE_WITHIN[priority],
                evidence_encrypted=crypto.encrypt(
                    json.dumps(evidence, cls=DjangoJSONEncoder)
                ),
            )
    except IntegrityError:  # a concurrent duplicate was committed first
        return Report.objects.get(**key, target_id=target.pk), False
    report.refresh_from_db(fields=["priority"])  # computed by the database
    return report, True


def _clean_category(category: str) -> str:
    if category not in ReportCategory.values:
        raise ValidationFailed(fields={"category": ["Choose a listed reason."]})
    return category


def _clean_details(details: str) -> str:
    """Plain text: kept as typed (templates escape it), without control
    characters, at most DETAILS_MAX_LENGTH characters."""
    details = details.replace("\r\n", "\n").strip()
    if len(details) > DETAILS_MAX_LENGTH:
        raise ValidationFailed(
            fields={"details": [f"At most {DETAILS_MAX_LENGTH} characters."]}
        )
    if has_control_characters(details):
        raise ValidationFailed(
            fields={"details": ["Control characters are not allowed."]}
        )
    return details


def report_keys_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every evidence snapshot under the first configured key (run
    with ``message_keys_rotate`` before a key is dropped)."""
    return crypto.rotate_column(
        Report.objects.all(), "evidence_encrypted", batch_size=batch_size
    )
