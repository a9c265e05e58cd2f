"""The gateways' webhook endpoints (docs/payments.md, "Webhooks, exactly once")."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.errors import error_response
from payments.exceptions import WebhookSignatureInvalid
from payments.gateways import get_gateway
from payments.services import webhook_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt  # the gateway signs the body instead
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify the signature on the raw body, store the event once, queue its
    processing; answer fast. A forged event is logged and stored nowhere."""
    try:
        event = get_gateway("stripe").parse_webhook(
            body=request.body, headers=request.headers
        )
    except WebhookSignatureInvalid as exc:
        logger.warning("stripe webhook refused: bad signature")
        return error_response(exc.status_code, exc.code, exc.message)
    stored, created = webhook_event_receive(gateway="stripe", event=event)
    return JsonResponse(
        {"received": True, "duplicate": not created, "id": stored.event_id}
    )
