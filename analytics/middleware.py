"""Active accounts (docs/analytics.md): a signed-in request marks its account
active for the site-local day. One Redis call at most per request, skipped
while Redis is down; the flush task writes UserActiveDay rows."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from analytics.recording import active_user_record


class ActiveUserMiddleware:
    """After AuthenticationMiddleware (it reads ``request.user``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: a sign-in or sign-out in this request is already
        # reflected, and a failed request costs nothing first.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            active_user_record(user_id=user.pk)
        return response
