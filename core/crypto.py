"""Secrets at rest (message bodies, report evidence, verification files): Fernet
tokens (AES-128-CBC + HMAC-SHA256) under a MultiFernet, so keys rotate: the first key of
``MESSAGE_ENCRYPTION_KEYS`` encrypts, every listed key decrypts, and ``rotate``
re-encrypts under the first. The keys come only from the environment (dev and
test settings carry throwaway ones). The setting keeps its first name: messages
were its first users, and deployments already set it."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # production settings import this module: no ORM at import time
    from django.db.models import QuerySet


def check_keys(keys: Iterable[str]) -> None:
    """Refuses a key list that could not encrypt or decrypt: empty, or any entry
    that is not a Fernet key (32 url-safe base64 bytes). The message names the
    position, never the key itself: it ends up in deployment logs."""
    keys = list(keys)
    if not keys:
        raise ImproperlyConfigured("MESSAGE_ENCRYPTION_KEYS is empty.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"MESSAGE_ENCRYPTION_KEYS entry {position} is not a valid Fernet "
                "key (generate one with Fernet.generate_key())."
            ) from None


@cache
def _keys(keys: tuple[str, ...]) -> MultiFernet:
    check_keys(keys)
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


def encrypt_bytes(data: bytes) -> bytes:
    """A Fernet token of raw bytes (identity documents and selfies at rest)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes back. Unlike ``decrypt`` there is no placeholder: a file that no
    configured key opens raises ``cryptography.fernet.InvalidToken``."""
    return _fernet().decrypt(token)


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


def rotate_column(queryset: QuerySet, field: str, *, batch_size: int = 500) -> int:
    """Re-encrypt one encrypted column of every row under the first key, in
    batches by primary key (short transactions, no row read twice)."""
    done = 0
    last_pk = 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last_pk)
            .order_by("pk")
            .only("pk", field)[:batch_size]
        )
        if not batch:
            return done
        for row in batch:
            setattr(row, field, rotate(getattr(row, field)))
        queryset.model.objects.bulk_update(batch, [field])
        done += len(batch)
        last_pk = batch[-1].pk
