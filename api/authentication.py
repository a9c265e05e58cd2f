from allauth.headless.contrib.rest_framework.authentication import (
    XSessionTokenAuthentication,
)
from rest_framework.request import Request


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's app-client session token (``X-Session-Token``). Declaring the header
    lets DRF answer 401 (not 403) to requests that carry no credentials."""

    def authenticate_header(self, request: Request) -> str:
        return 'X-Session-Token realm="api"'
