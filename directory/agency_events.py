"""Audit events of agencies: one small typed function per event, each calling
``audit.services.audit_record`` in the caller's transaction (so a refused
change leaves no entry). Every membership change is here."""

from __future__ import annotations

from accounts.models import User
from audit.models import AuditEntry
from audit.services import audit_record
from directory.models import Agency, AgencyEscort, AgencyInvitation, AgencyMembership


def agency_registered_event(*, agency: Agency, actor: User) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="agency.registered",
        target=agency,
        data={"registration_number": agency.registration_number},
    )


def agency_decided_event(*, agency: Agency, actor: User, note: str) -> AuditEntry:
    # "agency.verified" or "agency.refused"
    return audit_record(
        actor=actor, action=f"agency.{agency.status}", target=agency, reason=note
    )


def agency_member_added_event(
    *, membership: AgencyMembership, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="agency.member_added",
        target=membership.agency,
        data={"user_id": membership.user_id, "role": membership.role},
    )


def agency_member_removed_event(
    *, membership: AgencyMembership, actor: User
) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="agency.member_removed",
        target=membership.agency,
        data={"user_id": membership.user_id, "role": membership.role},
    )


def agency_invitation_event(
    *, invitation: AgencyInvitation, actor: User, action: str
) -> AuditEntry:
    # action: "sent", "revoked", "declined", "accepted"
    return audit_record(
        actor=actor,
        action=f"agency.invitation_{action}",
        target=invitation.agency,
        data={
            "invitation_id": invitation.pk,
            "email": invitation.email,
            "role": invitation.role,
        },
    )


def agency_escort_joined_event(*, link: AgencyEscort, actor: User) -> AuditEntry:
    return audit_record(
        actor=actor,
        action="agency.escort_joined",
        target=link.agency,
        data={
            "escort_id": link.escort_id,
            "consent_version": link.consent_version,
            "invitation_id": link.invitation_id,
        },
    )


def agency_escort_left_event(*, link: AgencyEscort, actor: User) -> AuditEntry:
    # "agency.escort_left" (by the escort) or "agency.escort_removed" (by staff)
    removed = link.end_reason == AgencyEscort.EndReason.REMOVED
    return audit_record(
        actor=actor,
        action="agency.escort_removed" if removed else "agency.escort_left",
        target=link.agency,
        data={"escort_id": link.escort_id, "end_reason": link.end_reason},
    )
