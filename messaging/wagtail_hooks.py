"""messaging's answers to hooks of the apps it builds on."""

from __future__ import annotations

from django.db.models import Q
from wagtail import hooks

from accounts.models import User
from directory.selectors import provider_side_q
from messaging.models import Thread
from moderation.reporting import USER_CONTACT_HOOK
from reviews.reputation import CLIENT_CONTACT_HOOK


@hooks.register(CLIENT_CONTACT_HOOK)
def client_wrote_to_provider(*, viewer: User, client_id: int) -> bool:
    """A provider may see the reputation of a client who wrote to one of their
    profiles (reviews.reputation.client_reputation_for)."""
    return Thread.objects.filter(
        provider_side_q(user=viewer, prefix="profile__"), client_id=client_id
    ).exists()


@hooks.register(USER_CONTACT_HOOK)
def users_share_a_conversation(*, user: User, other_id: int) -> bool:
    """One may report a user one has a conversation with (moderation.reporting):
    the client, or someone on the provider side of the profile written to."""
    other = User(pk=other_id)
    return Thread.objects.filter(
        Q(provider_side_q(user=other, prefix="profile__"), client=user)
        | Q(provider_side_q(user=user, prefix="profile__"), client=other)
    ).exists()
