"""The invitation email. The invitee may have no account yet, so this is not
a notification (those need a recipient user): the outbox entry written with the
invitation is its record, and the task rebuilds the link from the id."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from directory.models import AgencyInvitation


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_agency_invitation(invitation_id: int) -> bool:
    """Send once per outbox entry (outbox_run stamps it); an invitation no
    longer pending is not sent."""
    from directory.agency_services import invitation_token

    invitation = (
        AgencyInvitation.objects.select_related("agency", "invited_by")
        .filter(pk=invitation_id, status=AgencyInvitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    token = invitation_token(invitation)
    context = {
        "invitation": invitation,
        "url": f"{settings.SITE_URL}/agency/invitations/{token}/",
    }
    subject = render_to_string("directory/agency/email/invitation_subject.txt", context)
    body = render_to_string("directory/agency/email/invitation.txt", context)
    send_mail(subject.strip(), body, None, [invitation.email])
    return True
