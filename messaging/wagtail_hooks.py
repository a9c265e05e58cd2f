"""messaging's answers to hooks of the apps it builds on."""

from __future__ import annotations

from wagtail import hooks

from accounts.models import User
from directory.selectors import provider_side_q
from messaging.models import Thread
from reviews.reputation import CLIENT_CONTACT_HOOK


@hooks.register(CLIENT_CONTACT_HOOK)
def client_wrote_to_provider(*, viewer: User, client_id: int) -> bool:
    """A provider may see the reputation of a client who wrote to one of their
    profiles (reviews.reputation.client_reputation_for)."""
    return Thread.objects.filter(
        provider_side_q(user=viewer, prefix="profile__"), client_id=client_id
    ).exists()
