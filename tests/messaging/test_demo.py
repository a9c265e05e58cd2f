"""Demo conversations: made through the services (encrypted, ordered), once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from core import crypto
from messaging.models import Message, Thread

pytestmark = pytest.mark.django_db


def test_demo_conversations_are_real_and_seeded_once(monkeypatch):
    monkeypatch.setenv("DEMO_PROFILES", "3")
    call_command("seed_demo", stdout=io.StringIO())
    threads, messages = Thread.objects.count(), Message.objects.count()
    call_command("seed_demo", stdout=io.StringIO())

    assert (Thread.objects.count(), Message.objects.count()) == (threads, messages)
    assert threads == 3 and messages == 7
    demo = Thread.objects.get(profile__owner__email="escort@demo.test")
    bodies = [crypto.decrypt(m.body_encrypted) for m in demo.messages.order_by("id")]
    assert bodies[0] == "Good evening. Would you be free for dinner next Friday?"
    assert all("dinner" not in m.body_encrypted for m in demo.messages.all())
    assert demo.client.email == "client@demo.test"
