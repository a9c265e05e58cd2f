"""``get_gateway(name)``: the adapter registered under ``name`` in
``settings.PAYMENT_GATEWAYS``. Built per call: cheap, and it reads the settings
of the moment (tests point Stripe at their own localstripe)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from payments.exceptions import UnknownGateway
from payments.gateways.base import PaymentGateway


def get_gateway(name: str) -> PaymentGateway:
    path = settings.PAYMENT_GATEWAYS.get(name)
    if path is None:
        raise UnknownGateway(fields={"gateway": [f"Unknown gateway {name!r}."]})
    return import_string(path)()
