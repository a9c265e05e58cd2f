"""Demo conversations: the demo client with the demo escort's profile and two
more providers, through the services (encrypted, with real read positions).
Fictional, courteous and non-explicit. Idempotent: a conversation that exists
is left as it is."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from directory.models import EscortProfilePage
from messaging.models import Thread
from messaging.services import message_send

CLIENT_EMAIL = "client@demo.test"
ESCORT_EMAIL = "escort@demo.test"
CONVERSATIONS = [
    [
        ("client", "Good evening. Would you be free for dinner next Friday?"),
        ("provider", "Good evening! Friday works. Which part of town do you prefer?"),
        ("client", "Somewhere quiet near the river, around eight."),
        ("provider", "Lovely. Send a booking request for 20:00 and I will confirm."),
    ],
    [
        ("client", "Hello, do you travel for weekend city breaks?"),
        ("provider", "Hello, yes. My tour dates are on my profile."),
    ],
    [("client", "Is your gallery evening on Thursday still open?")],
]


def _profiles(client: User) -> list[EscortProfilePage]:
    first = list(EscortProfilePage.objects.live().filter(owner__email=ESCORT_EMAIL))
    others = list(
        EscortProfilePage.objects.live()
        .exclude(owner__email=ESCORT_EMAIL)
        .exclude(owner__isnull=True)
        .order_by("pk")[: len(CONVERSATIONS) - len(first)]
    )
    return first + others


def seed(*, log: Callable[[str], None]) -> None:
    client = User.objects.filter(email=CLIENT_EMAIL).first()
    if client is None:
        return
    made = 0
    for profile, lines in zip(_profiles(client), CONVERSATIONS, strict=False):
        if Thread.objects.filter(client=client, profile=profile).exists():
            continue
        thread = Thread.objects.create(client=client, profile=profile)
        for side, body in lines:
            sender = client if side == "client" else profile.owner
            message_send(thread_id=thread.pk, sender=sender, body=body)
        made += 1
    log(f"messaging: {made} demo conversations")
