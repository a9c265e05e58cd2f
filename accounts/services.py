from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.consents import SIGNUP_REQUIRED, current_version
from accounts.events import role_changed_event, signed_up_event
from accounts.models import SIGNUP_ROLES, Consent, Role, User
from core.exceptions import PermissionDenied, ValidationFailed


def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = display_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name"])
    return user


@transaction.atomic
def user_sign_up(
    *, user: User, role: str, answers: Mapping[str, bool], source: str
) -> User:
    """Save a new (unsaved) user with the role they chose, record their consent
    answers and audit the sign-up: one transaction, so a user never exists
    without the consents they gave. The sign-up form validates first; these
    checks keep any other caller to the same rules."""
    if role not in SIGNUP_ROLES:
        raise ValidationFailed(
            fields={"role": [_("Choose client, provider or agency.")]}
        )
    refused = [document for document in SIGNUP_REQUIRED if not answers.get(document)]
    if refused:
        raise ValidationFailed(
            fields={document: [_("This is required to join.")] for document in refused}
        )
    user.role = role
    user.save()
    for document, accepted in answers.items():
        consent_record(user=user, document=document, accepted=accepted, source=source)
    signed_up_event(user=user, source=source)
    return user


def consent_record(
    *,
    user: User,
    document: str,
    accepted: bool,
    source: str,
    version: str | None = None,
) -> Consent:
    """Append one answer to the ledger; ``version`` defaults to the document's
    current version (accounts.consents)."""
    if document not in Consent.Document.values:
        raise ValidationFailed(fields={"document": [_("Unknown document.")]})
    if source not in Consent.Source.values:
        raise ValidationFailed(fields={"source": [_("Unknown source.")]})
    return Consent.objects.create(
        user=user,
        document=document,
        version=version or current_version(document),
        accepted=accepted,
        source=source,
    )


@transaction.atomic
def consent_renew(
    *, user: User, documents: list[str] | tuple[str, ...]
) -> list[Consent]:
    """Record acceptance of the current version of each document (the renewal
    page, after a changed text): one ledger row each, source ``reaccept``."""
    return [
        consent_record(
            user=user, document=doc, accepted=True, source=Consent.Source.REACCEPT
        )
        for doc in documents
    ]


def consent_marketing_set(*, user: User, accepted: bool) -> Consent:
    """A changed marketing choice from the account pages: a new ledger row."""
    return consent_record(
        user=user,
        document=Consent.Document.MARKETING,
        accepted=accepted,
        source=Consent.Source.ACCOUNT,
    )


@transaction.atomic
def user_set_role(*, actor: User | None, user: User, role: str, reason: str) -> User:
    """Change a role after sign-up: staff only (``actor`` None is the platform
    itself, for a flow that checked its own rules), with a reason, audited.
    The one way roles change once an account exists."""
    if actor is not None and not (actor.is_staff or actor.is_superuser):
        raise PermissionDenied(_("Only staff can change a role."))
    if role not in Role.values:
        raise ValidationFailed(fields={"role": [_("Unknown role.")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the role changes.")]})
    # Row lock: two changes of one user's role are audited in the order they apply.
    locked = User.objects.select_for_update().get(pk=user.pk)
    old_role = locked.role
    if old_role != role:
        locked.role = role
        locked.save(update_fields=["role"])
        role_changed_event(
            actor=actor, user=locked, old_role=old_role, new_role=role, reason=reason
        )
    user.role = role
    return locked
