from __future__ import annotations

from accounts.models import User


def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = display_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name"])
    return user
