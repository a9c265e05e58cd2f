"""Writes of "close and erase my account" that the person makes: the request
(re-authenticated by the password, refused while something must be settled
first) and the cancellation within the grace period (docs/privacy.md,
"Erasure"). The erasure itself is ``privacy.erasure.erase``."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import ApplicationError, Conflict, NotFound, ValidationFailed
from directory.models import EscortProfilePage
from directory.pausing import profile_pause, profile_resume
from privacy.erasure.events import closure_cancelled_event, closure_requested_event
from privacy.erasure.selectors import closure_blockers, closure_scheduled_for
from privacy.models import AccountClosure


class ClosureBlocked(Conflict):
    code = "closure_blocked"
    default_message = "Your account cannot be closed yet."


class ClosureAlreadyScheduled(Conflict):
    code = "closure_already_scheduled"
    default_message = "Your account is already scheduled to be erased."


@transaction.atomic
def account_closure_request(*, user: User, password: str) -> AccountClosure:
    """Schedule the erasure ``GRACE_DAYS`` from now. The person stays signed
    in so that they can change their mind; their profiles leave every public
    surface at once (paused, so a cancellation brings them back)."""
    _check_password(user=user, password=password)
    _check_not_scheduled(user=user)
    if blockers := closure_blockers(user=user):
        raise ClosureBlocked(
            _("Your account cannot be closed yet: %(reasons)s")
            % {"reasons": " ".join(blockers.values())},
            fields=blockers,
        )
    closure = _closure_create(user=user, now=timezone.now())
    closure.paused_profile_ids = _profiles_pause(user=user)
    closure.save(update_fields=["paused_profile_ids"])
    closure_requested_event(actor=user, closure=closure)
    return closure


@transaction.atomic
def account_closure_cancel(*, user: User) -> AccountClosure:
    """Cancel before ``erase_after``: the profiles the closure paused come back
    (those that may still be shown). None scheduled, or already due: 404."""
    closure = (
        AccountClosure.objects.select_for_update()
        .filter(user=user, status=AccountClosure.Status.SCHEDULED)
        .first()
    )
    if closure is None or closure.erase_after <= timezone.now():
        raise NotFound(_("There is no account closure to cancel."))
    closure.status = AccountClosure.Status.CANCELLED
    closure.cancelled_at = timezone.now()
    closure.save(update_fields=["status", "cancelled_at"])
    _profiles_resume(user=user, profile_ids=closure.paused_profile_ids)
    closure_cancelled_event(actor=user, closure=closure)
    return closure


def _check_password(*, user: User, password: str) -> None:
    if not user.has_usable_password():
        raise ValidationFailed(
            _(
                "Your account has no password. Set one under Account security, "
                "then close the account with it."
            ),
            fields={"password": [_("Set a password first.")]},
        )
    if not password or not user.check_password(password):
        raise ValidationFailed(
            _("The password is not correct."),
            fields={"password": [_("The password is not correct.")]},
        )


def _check_not_scheduled(*, user: User) -> None:
    if closure_scheduled_for(user=user) is not None:
        raise ClosureAlreadyScheduled(
            _("Your account is already scheduled to be erased.")
        )


def _closure_create(*, user: User, now: dt.datetime) -> AccountClosure:
    # Two requests racing: the partial unique constraint lets one through.
    try:
        with transaction.atomic():
            return AccountClosure.objects.create(
                user=user,
                erase_after=now + dt.timedelta(days=AccountClosure.GRACE_DAYS),
                receipt_token=secrets.token_urlsafe(32),
            )
    except IntegrityError:
        raise ClosureAlreadyScheduled() from None


def _profiles_pause(*, user: User) -> list[int]:
    ids = list(
        EscortProfilePage.objects.filter(owner=user, paused_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for profile_id in ids:
        profile_pause(actor=user, profile_id=profile_id)
    return ids


def _profiles_resume(*, user: User, profile_ids: list[int]) -> None:
    for profile_id in profile_ids:
        try:
            profile_resume(actor=user, profile_id=profile_id)
        except ApplicationError:
            # Gone, or no longer showable (unverified, suspended): it stays
            # paused, as the dashboard's own resume button would explain.
            continue
