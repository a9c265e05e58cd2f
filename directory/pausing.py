"""A provider pauses a profile and brings it back (docs/pausing.md).

Pausing is not unpublishing: the content did not change, so there is no revision
and no moderator review to come back. ``EscortProfilePage.paused_at`` is read by
``showable()``, the one home of "profile may be shown", so every public surface
follows at once; the search document is dropped in the same transaction through
``profile_visibility_changed``. A profile that may not be shown for another
reason (unpublished, owner unverified or suspended) cannot be resumed into view:
resuming asks ``showable_unless_paused()`` and answers 409."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import Conflict
from directory.events import profile_paused_event, profile_resumed_event
from directory.models import EscortProfilePage
from directory.selectors import profile_editable_get
from directory.signals import profile_visibility_changed


@transaction.atomic
def profile_pause(*, actor: User, profile_id: int) -> EscortProfilePage:
    """Take the profile off every public surface. Pausing a paused profile changes
    nothing (idempotent: a double click or a retried request)."""
    profile = _locked_editable(actor=actor, profile_id=profile_id)
    if profile.paused_at is None:
        profile.paused_at = timezone.now()
        profile.save(update_fields=["paused_at"])
        profile_paused_event(actor=actor, profile=profile)
        profile_visibility_changed.send(sender=EscortProfilePage, profile_id=profile.pk)
    return profile


@transaction.atomic
def profile_resume(*, actor: User, profile_id: int) -> EscortProfilePage:
    """Show the profile again. Resuming a profile that is not paused changes
    nothing; one that would still not be shown is refused (409) and stays
    paused, so the provider is told why instead of seeing nothing happen."""
    profile = _locked_editable(actor=actor, profile_id=profile_id)
    if profile.paused_at is None:
        return profile
    eligible = EscortProfilePage.objects.showable_unless_paused()
    if not eligible.filter(pk=profile.pk).exists():
        raise Conflict(_not_showable_message(profile))
    profile.paused_at = None
    profile.save(update_fields=["paused_at"])
    profile_resumed_event(actor=actor, profile=profile)
    profile_visibility_changed.send(sender=EscortProfilePage, profile_id=profile.pk)
    return profile


def _locked_editable(*, actor: User, profile_id: int) -> EscortProfilePage:
    # Another user's profile is "not found" (invariant 8); the row lock makes a
    # pause and a resume racing each other apply one after the other.
    profile = profile_editable_get(user=actor, profile_id=profile_id)
    return EscortProfilePage.objects.select_for_update(of=("self",)).get(pk=profile.pk)


def _not_showable_message(profile: EscortProfilePage) -> str:
    if not profile.live:
        return _("This profile is not published yet, so it stays paused.")
    return _(
        "This profile cannot be shown: the account is not verified or is "
        "suspended. It stays paused."
    )
