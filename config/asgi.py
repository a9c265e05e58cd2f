"""ASGI entry point: HTTP goes to Django, WebSockets under /ws/ to Channels consumers
with session authentication (or a one-time ticket for API clients) and an Origin
check."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: consumers import models.
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import path  # noqa: E402

from accounts.socket_tickets import SocketTicketMiddleware  # noqa: E402
from core.consumers import EchoConsumer  # noqa: E402
from messaging.consumers import MessagesConsumer  # noqa: E402

websocket_urlpatterns = [
    path("ws/echo/", EchoConsumer.as_asgi()),
    path("ws/messages/", MessagesConsumer.as_asgi()),
]

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(
                SocketTicketMiddleware(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)
