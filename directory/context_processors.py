"""Template context for every page: which profiles the signed-in user saved."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from directory.selectors import favourite_profile_ids


def saved_profiles(request: HttpRequest) -> dict:
    """``saved_profile_ids``: the ids of the profiles the user saved, read in one
    query the first time a template asks (a heart on a card or a profile page),
    never per card, and not at all on pages without hearts."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "saved_profile_ids": SimpleLazyObject(lambda: favourite_profile_ids(user=user))
    }
