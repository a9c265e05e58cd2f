"""Formatting for the account security pages: a masked address, a short device."""

from django import template

from accounts.sessions import device_label as _device_label
from accounts.sessions import masked_ip as _masked_ip

register = template.Library()


@register.filter
def masked_ip(address: str) -> str:
    return _masked_ip(address)


@register.filter
def device_label(user_agent: str) -> str:
    return _device_label(user_agent)
