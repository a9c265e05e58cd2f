"""Moderation's decisions about messages (moderation.signals): a removed
message's body becomes "removed by moderators" for both sides; a reversal on
appeal puts back the text the report kept as evidence."""

from __future__ import annotations

from django.dispatch import receiver

from core import crypto
from messaging.models import Message
from moderation.decisions import REMOVED_BODY
from moderation.selectors import report_evidence
from moderation.signals import content_removal_requested, content_restore_requested


@receiver(content_removal_requested, sender=Message, dispatch_uid="messaging.remove")
def message_remove(sender, target: Message, decision, **kwargs) -> bool:  # noqa: ANN001
    Message.objects.filter(pk=target.pk).update(
        body_encrypted=crypto.encrypt(REMOVED_BODY)
    )
    return True


@receiver(content_restore_requested, sender=Message, dispatch_uid="messaging.restore")
def message_restore(sender, target: Message, decision, **kwargs) -> bool:  # noqa: ANN001
    if decision.report is None:
        return False
    evidence = report_evidence(report=decision.report, viewer=decision.actor)
    if evidence.get("message_id") != target.pk or "body" not in evidence:
        return False
    Message.objects.filter(pk=target.pk).update(
        body_encrypted=crypto.encrypt(evidence["body"])
    )
    return True
