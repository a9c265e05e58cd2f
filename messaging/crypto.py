"""Moved to ``core.crypto`` (moderation encrypts report evidence with the same
keys). This alias remains only for ``messaging/consumers.py``, which is being
changed in another branch of work; drop it once that module imports
``core.crypto``."""

from core.crypto import decrypt, encrypt, rotate

__all__ = ["decrypt", "encrypt", "rotate"]
