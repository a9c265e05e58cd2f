"""The private channel from an escort to the safety team: each message is a
``SafetyMessage`` with its ``Report`` (report_create), in the moderators'
report queue; coercion is top priority. The escort reads their own past
messages' status; agencies never see any of it."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from core.exceptions import ValidationFailed
from directory.agency_selectors import agency_link_of
from moderation.models import SAFETY_CATEGORIES, Report, SafetyMessage
from moderation.services import report_create


@transaction.atomic
def safety_message_send(*, author: User, category: str, details: str) -> Report:
    if category not in SAFETY_CATEGORIES:
        raise ValidationFailed(fields={"category": ["Choose a listed topic."]})
    if not details.strip():
        raise ValidationFailed(fields={"details": ["Tell us what happened."]})
    link = agency_link_of(user=author)
    message = SafetyMessage.objects.create(
        author=author, agency=link.agency if link else None
    )
    report, _ = report_create(
        reporter=author,
        category=category,
        details=details,
        target=message,
        evidence={
            "channel": "safety",
            "author_id": author.pk,
            "author_email": author.email,
            "agency_id": link.agency_id if link else None,
            "agency": link.agency.name if link else None,
        },
    )
    return report


def safety_messages_of(*, user: User) -> QuerySet[Report]:
    """The author's own messages, newest first: nobody else's."""
    return Report.objects.filter(
        reporter=user,
        target_content_type=ContentType.objects.get_for_model(SafetyMessage),
    ).order_by("-created_at", "-id")
