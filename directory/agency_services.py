"""Writes of agencies: registration, the moderator's business decision,
invitations (escorts and managers), an escort's consent and leaving, staff
removal. Every membership change is audited (directory.agency_events) in the
same transaction; notices go through notifications.notify.

Powers: owners invite and remove; managers manage the profiles' bookings and
messages (provider_side_q) but cannot invite or remove anyone. An agency never
creates escort accounts or profiles: each escort signs up, verifies and
consents on their own."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from wagtail.actions.unpublish_page import UnpublishPageAction

from accounts.models import Role, User
from accounts.selectors import user_is_moderator
from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.outbox import outbox_enqueue
from core.validators import has_control_characters
from directory import agency_events as events
from directory.agency_notices import (
    notify_agency_owners,
    notify_decision,
    notify_escort_removed,
)
from directory.models import (
    AGENCY_INVITATION_DAYS,
    Agency,
    AgencyEscort,
    AgencyInvitation,
    AgencyMembership,
    EscortProfilePage,
)

# The text the escort agrees to (templates/directory/agency/invitation.html
# shows it); a new wording gets a new version, and each consent records its own.
CONSENT_VERSION = "2026-11"
REGISTRATION_NUMBER = re.compile(r"[A-Za-z0-9 /-]{4,32}")
ONLY_OWNERS = "Only agency owners can invite or remove people."
UNVERIFIED = (
    "Your agency can invite escorts once a moderator has verified the business."
)

Invitation = AgencyInvitation
Membership = AgencyMembership


# --- registration and the business decision ---------------------------------


@transaction.atomic
def agency_register(
    *,
    actor: User,
    name: str,
    registration_number: str,
    country: str,
    description: str = "",
) -> Agency:
    """A user with the agency role and no membership registers an agency and
    becomes its owner (the responsible person). It starts pending."""
    if actor.role != Role.AGENCY:
        raise PermissionDenied("Only agency accounts can register an agency.")
    User.objects.select_for_update().filter(pk=actor.pk).get()  # one at a time
    if Membership.objects.filter(user=actor).exists():
        raise Conflict("You already belong to an agency.")
    fields = _clean_registration(
        name=name,
        registration_number=registration_number,
        country=country,
        description=description,
    )
    agency = Agency.objects.create(slug=_free_slug(fields["name"]), **fields)
    membership = Membership.objects.create(
        agency=agency, user=actor, role=Membership.Role.OWNER
    )
    events.agency_registered_event(agency=agency, actor=actor)
    events.agency_member_added_event(membership=membership, actor=actor)
    return agency


def _clean_registration(
    *, name: str, registration_number: str, country: str, description: str
) -> dict[str, str]:
    name, number = " ".join(name.split()), " ".join(registration_number.split())
    country, description = " ".join(country.split()), description.strip()
    errors: dict[str, list[str]] = {}
    if not 2 <= len(name) <= 120:
        errors["name"] = ["Between 2 and 120 characters."]
    elif Agency.objects.filter(name__iexact=name).exists():
        errors["name"] = ["An agency with this name is already registered."]
    if not REGISTRATION_NUMBER.fullmatch(number):
        errors["registration_number"] = [
            "4 to 32 letters, digits, spaces, hyphens or slashes, as on the "
            "company register."
        ]
    if not 2 <= len(country) <= 60:
        errors["country"] = ["Name the country of the company register."]
    if len(description) > 4000:
        errors["description"] = ["At most 4000 characters."]
    texts = {"name": name, "country": country, "description": description}
    for field, text in texts.items():
        if has_control_characters(text.replace("\n", "").replace("\r", "")):
            errors.setdefault(field, ["Control characters are not allowed."])
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        "name": name,
        "registration_number": number.upper(),
        "country": country,
        "description": description,
    }


def _free_slug(name: str) -> str:
    base = slugify(name)[:100] or "agency"
    slug, n = base, 1
    while Agency.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def agency_decide(*, actor: User, agency: Agency, verify: bool, note: str) -> Agency:
    """A moderator verifies or refuses the business, with a required note.
    Verification needs the responsible person (an owner) to be identity- and
    age-verified first."""
    if not user_is_moderator(user=actor):
        raise PermissionDenied()
    note = note.strip()
    if not note:
        raise ValidationFailed(fields={"note": ["Write a note for the record."]})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if verify and not _owner_is_verified(agency):
        raise Conflict(
            "The responsible person has not verified their identity and age yet."
        )
    agency.status = Agency.Status.VERIFIED if verify else Agency.Status.REFUSED
    agency.verified_at = timezone.now() if verify else None
    agency.verified_by = actor
    agency.decision_note = note[:2000]
    agency.save()
    events.agency_decided_event(agency=agency, actor=actor, note=note)
    notify_decision(agency=agency)
    return agency


def _owner_is_verified(agency: Agency) -> bool:
    return agency.memberships.filter(
        role=Membership.Role.OWNER, user__is_age_verified=True
    ).exists()


# --- invitations ----------------------------------------------------------------


def invitation_token(invitation: AgencyInvitation) -> str:
    """The link's secret: derived from the row's nonce and SECRET_KEY, so the
    database alone (a dump, a replica) cannot produce a working link, and the
    email task rebuilds it from the id without a stored copy."""
    return salted_hmac(
        "directory.agency_invitation", invitation.nonce, algorithm="sha256"
    ).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def agency_invite(
    *, actor: User, agency: Agency, email: str, role: str = Invitation.Role.ESCORT
) -> AgencyInvitation:
    """An owner invites an escort (verified agencies only) or a manager. The
    email carries /agency/invitations/<token>/ and is sent after commit."""
    _require_owner(actor=actor, agency=agency)
    email = _clean_email(email)
    if role not in Invitation.Role.values:
        raise ValidationFailed(fields={"role": ["Choose escort or manager."]})
    if role == Invitation.Role.ESCORT and not agency.verified:
        raise PermissionDenied(UNVERIFIED)
    _expire_stale(agency=agency)
    _refuse_taken(agency=agency, email=email, role=role)
    nonce = secrets.token_hex(16)
    invitation = Invitation(
        agency=agency,
        email=email,
        role=role,
        nonce=nonce,
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=AGENCY_INVITATION_DAYS),
    )
    invitation.token_hash = token_hash(invitation_token(invitation))
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise Conflict("An invitation to this address is already pending.") from None
    events.agency_invitation_event(invitation=invitation, actor=actor, action="sent")
    from directory.agency_tasks import send_agency_invitation

    outbox_enqueue(send_agency_invitation, invitation.pk)
    return invitation


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationFailed(
            fields={"email": ["Enter a valid email address."]}
        ) from None
    if len(email) > 254:
        raise ValidationFailed(fields={"email": ["Enter a valid email address."]})
    return email


def _expire_stale(*, agency: Agency) -> None:
    Invitation.objects.filter(
        agency=agency, status=Invitation.Status.PENDING, expires_at__lte=timezone.now()
    ).update(status=Invitation.Status.EXPIRED)


def _refuse_taken(*, agency: Agency, email: str, role: str) -> None:
    if Invitation.objects.filter(
        agency=agency, email=email, status=Invitation.Status.PENDING
    ).exists():
        raise Conflict("An invitation to this address is already pending.")
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return
    if role == Invitation.Role.MANAGER:
        if Membership.objects.filter(user=user).exists():
            raise Conflict("This person already belongs to an agency's staff.")
        return
    link = AgencyEscort.objects.filter(escort=user, status="active").first()
    if link is not None and link.agency_id == agency.pk:
        raise Conflict("This escort is already listed by your agency.")
    if link is not None:
        raise Conflict(
            "This escort is listed by another agency. They can accept an "
            "invitation only after leaving it."
        )


@transaction.atomic
def agency_invitation_revoke(
    *, actor: User, invitation: AgencyInvitation
) -> AgencyInvitation:
    _require_owner(actor=actor, agency=invitation.agency)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict("Only a pending invitation can be revoked.")
    _close(invitation, status=Invitation.Status.REVOKED, actor=actor)
    events.agency_invitation_event(invitation=invitation, actor=actor, action="revoked")
    return invitation


def _open_invitation(*, token: str, actor: User) -> AgencyInvitation:
    """The pending invitation behind ``token``, locked, for its addressee."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("agency")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation does not exist.")
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict("This invitation is no longer open.")
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired. Ask the agency for a new one.")
    if actor.email.lower() != invitation.email:
        raise PermissionDenied(
            "This invitation was sent to another email address. Sign in with "
            "that address to answer it."
        )
    return invitation


def _close(invitation: AgencyInvitation, *, status: str, actor: User) -> None:
    invitation.status = status
    invitation.decided_by = actor
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


@transaction.atomic
def agency_invitation_decline(*, actor: User, token: str) -> AgencyInvitation:
    invitation = _open_invitation(token=token, actor=actor)
    _close(invitation, status=Invitation.Status.DECLINED, actor=actor)
    events.agency_invitation_event(
        invitation=invitation, actor=actor, action="declined"
    )
    return invitation


@transaction.atomic
def agency_invitation_accept(
    *, actor: User, token: str, consent: bool
) -> AgencyEscort | AgencyMembership:
    """The addressee accepts: an escort consents to be listed (their profiles
    get the agency); a manager joins the staff."""
    invitation = _open_invitation(token=token, actor=actor)
    if invitation.role == Invitation.Role.MANAGER:
        result = _join_staff(invitation=invitation, actor=actor)
    else:
        result = _join_as_escort(invitation=invitation, actor=actor, consent=consent)
    _close(invitation, status=Invitation.Status.ACCEPTED, actor=actor)
    events.agency_invitation_event(
        invitation=invitation, actor=actor, action="accepted"
    )
    return result


def _join_as_escort(
    *, invitation: AgencyInvitation, actor: User, consent: bool
) -> AgencyEscort:
    if actor.role != Role.ESCORT:
        raise PermissionDenied("Sign in with your escort (provider) account.")
    if not consent:
        raise ValidationFailed(
            fields={"consent": ["Tick the box to agree to be listed by the agency."]}
        )
    if not invitation.agency.verified:
        raise PermissionDenied("This agency is not verified at the moment.")
    if AgencyEscort.objects.filter(escort=actor, status="active").exists():
        raise Conflict("You are listed by an agency already. Leave it first.")
    try:
        with transaction.atomic():
            link = AgencyEscort.objects.create(
                agency=invitation.agency,
                escort=actor,
                invitation=invitation,
                consented_at=timezone.now(),
                consent_version=CONSENT_VERSION,
            )
    except IntegrityError:  # a concurrent acceptance of another agency
        raise Conflict("You are listed by an agency already. Leave it first.") from None
    # A moderator-owned field, written on the live row (never through a
    # revision), so the agency's staff join the provider side at once.
    EscortProfilePage.objects.filter(owner=actor).update(agency=invitation.agency)
    events.agency_escort_joined_event(link=link, actor=actor)
    notify_agency_owners(link=link, change="joined")
    return link


def _join_staff(*, invitation: AgencyInvitation, actor: User) -> AgencyMembership:
    if actor.role != Role.AGENCY:
        raise PermissionDenied("Sign in with an agency account to join its staff.")
    if Membership.objects.filter(user=actor).exists():
        raise Conflict("You already belong to an agency's staff.")
    membership = Membership.objects.create(
        agency=invitation.agency, user=actor, role=Membership.Role.MANAGER
    )
    events.agency_member_added_event(membership=membership, actor=actor)
    return membership


# --- leaving and removal --------------------------------------------------------


@transaction.atomic
def agency_escort_leave(*, actor: User, keep_profile: bool) -> AgencyEscort:
    """The escort leaves at any time: the profile leaves with them (agency
    cleared), or is unpublished as well."""
    link = (
        AgencyEscort.objects.select_for_update()
        .filter(escort=actor, status=AgencyEscort.Status.ACTIVE)
        .first()
    )
    if link is None:
        raise NotFound("You are not listed by an agency.")
    reason = AgencyEscort.EndReason
    _end(link, reason=reason.LEFT_KEPT if keep_profile else reason.LEFT_UNPUBLISHED)
    if not keep_profile:
        _unpublish_profiles_of(actor)
    events.agency_escort_left_event(link=link, actor=actor)
    notify_agency_owners(link=link, change="left")
    return link


@transaction.atomic
def agency_escort_remove(*, actor: User, link: AgencyEscort) -> AgencyEscort:
    """An owner stops listing an escort; the profile stays the escort's."""
    _require_owner(actor=actor, agency=link.agency)
    link = AgencyEscort.objects.select_for_update().get(pk=link.pk)
    if link.status != AgencyEscort.Status.ACTIVE:
        raise Conflict("This escort is no longer listed by your agency.")
    _end(link, reason=AgencyEscort.EndReason.REMOVED)
    events.agency_escort_left_event(link=link, actor=actor)
    notify_escort_removed(link=link)
    return link


def _end(link: AgencyEscort, *, reason: str) -> None:
    link.status = AgencyEscort.Status.LEFT
    link.left_at = timezone.now()
    link.end_reason = reason
    link.save(update_fields=["status", "left_at", "end_reason", "updated_at"])
    EscortProfilePage.objects.filter(owner=link.escort_id, agency=link.agency).update(
        agency=None
    )


def _unpublish_profiles_of(user: User) -> None:
    for page in EscortProfilePage.objects.filter(owner=user, live=True):
        # The escort's own decision about their own page: no Wagtail page
        # permission is needed for it.
        UnpublishPageAction(page, user=user).execute(skip_permission_checks=True)


@transaction.atomic
def agency_member_remove(*, actor: User, membership: AgencyMembership) -> None:
    """An owner removes a manager or another owner, never the last owner."""
    _require_owner(actor=actor, agency=membership.agency)
    owners = Membership.objects.select_for_update().filter(
        agency=membership.agency, role=Membership.Role.OWNER
    )
    if membership.role == Membership.Role.OWNER and len(owners) <= 1:
        raise Conflict("An agency keeps at least one owner.")
    events.agency_member_removed_event(membership=membership, actor=actor)
    membership.delete()


def _require_owner(*, actor: User, agency: Agency) -> None:
    if not Membership.objects.filter(
        agency=agency, user=actor, role=Membership.Role.OWNER
    ).exists():
        raise PermissionDenied(ONLY_OWNERS)
