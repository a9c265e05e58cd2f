"""``{% load reputation %}``: the private client reputation on provider pages.
Pages of apps that may not import reviews (bookings) render it by name. The tags
call reviews.reputation's selectors and format; what is shown, and when, is
decided there."""

from __future__ import annotations

from django import template

from accounts.models import User
from bookings.models import Booking
from reviews import reputation
from reviews.reputation_forms import AssessmentForm

register = template.Library()


@register.inclusion_tag("reviews/_client_reputation.html")
def client_reputation(client: User) -> dict:
    """``{% client_reputation booking.client %}``: only on pages already scoped
    to the provider side of a booking or a conversation with this client."""
    return {"reputation": reputation.client_reputation(client=client)}


@register.inclusion_tag("reviews/_assessment.html", takes_context=True)
def booking_assessment(context: template.Context, booking: Booking) -> dict:
    """``{% booking_assessment booking %}``: "How did it go?" on the provider's
    page of a completed or no-show booking; nothing otherwise."""
    if not reputation.booking_assessable(booking=booking):
        return {"shown": False}
    assessment = reputation.assessment_of(booking=booking)
    return {
        "shown": True,
        "booking": booking,
        "assessment": assessment,
        "editable": reputation.assessment_editable(assessment=assessment),
        "editable_until": reputation.assessment_editable_until(assessment=assessment),
        "form": AssessmentForm.for_booking(booking, assessment=assessment),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.filter
def account_age(days: int) -> str:
    """Coarse on purpose: the exact sign-up date says more than a provider needs."""
    if days < 30:
        return "Less than a month"
    if days < 365:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    years = days // 365
    return f"{years} year{'s' if years != 1 else ''}"
