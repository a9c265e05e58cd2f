"""Secrets at rest (message bodies, report evidence): Fernet tokens (AES-128-CBC
+ HMAC-SHA256) under a MultiFernet, so keys rotate: the first key of
``MESSAGE_ENCRYPTION_KEYS`` encrypts, every listed key decrypts, and ``rotate``
re-encrypts under the first. The keys come only from the environment (dev and
test settings carry throwaway ones). The setting keeps its first name: messages
were its first users, and deployments already set it."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _keys(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("MESSAGE_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    return _keys(tuple(settings.MESSAGE_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The body, or a placeholder when no configured key opens it (a key retired
    too early): one unreadable message must not break a whole thread."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return "[This message can no longer be read.]"


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()
