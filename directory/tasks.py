from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string

from directory.models import EscortProfilePage
from notifications import titles
from notifications.models import Kind
from notifications.services import Email, notify

DECISIONS = {"approved", "changes_requested"}


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_review_decision_email(
    profile_id: int, decision: str, comment: str = ""
) -> bool:
    """Tell the owner what the moderator decided. Takes ids (the page may have
    changed since); a missing profile or owner is a no-op, not an error."""
    if decision not in DECISIONS:
        raise ValueError(decision)
    profile = (
        EscortProfilePage.objects.select_related("owner").filter(pk=profile_id).first()
    )
    if profile is None or profile.owner is None:
        return False
    context = {
        "profile": profile,
        "decision": decision,
        "comment": comment,
        "dashboard_url": f"{settings.SITE_URL}/dashboard/",
        "profile_url": profile.full_url,
    }
    subject = render_to_string("directory/email/review_decision_subject.txt", context)
    body = render_to_string("directory/email/review_decision.txt", context)
    if decision == "approved":
        title = titles.profile_approved(profile=profile.title)
    else:
        title = titles.profile_changes_requested(profile=profile.title)
    notify(
        recipient=profile.owner,
        kind=Kind.PROFILE_REVIEW,
        title=title,
        url="/dashboard/",
        email=Email(subject.strip(), body),
    )
    return True


from directory.agency_tasks import send_agency_invitation  # noqa: E402, F401 - registers it
