"""What a page that takes a card needs: where Stripe.js comes from, and the
one widening of the Content-Security-Policy that lets it run. Shared by the
deposit page (bookings) and the plan page (subscriptions)."""

from __future__ import annotations

import urllib.parse

from django.conf import settings


def stripe_js_url() -> str:
    """localstripe serves its Stripe.js under the API base it runs on (dev,
    tests); production loads Stripe's own (``STRIPE_JS_URL``)."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    return f"{base}/js.stripe.com/v3/" if base else settings.STRIPE_JS_URL


def stripe_csp_update() -> dict[str, list[str]]:
    """The card page's only widening of the CSP: Stripe.js's origin may serve
    the script, its frames and the calls it makes (django-csp's per-response
    ``_csp_update``)."""
    parts = urllib.parse.urlsplit(stripe_js_url())
    origin = f"{parts.scheme}://{parts.netloc}"
    return {"script-src": [origin], "frame-src": [origin], "connect-src": [origin]}
