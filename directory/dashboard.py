"""The dashboard home (/dashboard/) is assembled from panels. Directory renders
the page and the profiles' review state; the apps above it (bookings, messaging,
search) add their panels through the documented signal ``dashboard_panels``,
since directory must not import them (docs/architecture.md, "Dependency
direction").

Receivers take ``user`` (signed in) and ``audience`` ("client" or "provider",
from ``User.is_provider``) and return a list of ``DashboardPanel``: a template
and its context, each built in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.dispatch import Signal
from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.models import User

CLIENT = "client"
PROVIDER = "provider"

# Keyword arguments: ``request``, ``user``, ``audience``. Each receiver returns
# a list of DashboardPanel (empty when it has nothing for this audience).
dashboard_panels = Signal()


@dataclass(frozen=True)
class DashboardPanel:
    name: str  # a stable identifier, also the panel's data-panel attribute
    order: int  # panels show in ascending order
    template: str
    context: dict = field(default_factory=dict)

    def render(self, request: HttpRequest) -> str:
        # With the request: panels carry forms (CSRF) and links back here.
        return render_to_string(self.template, self.context, request=request)


def audience_of(user: User) -> str:
    return PROVIDER if user.is_provider else CLIENT


def panels_for(*, request: HttpRequest, user: User) -> list[DashboardPanel]:
    audience = audience_of(user)
    replies = dashboard_panels.send(
        sender=DashboardPanel, request=request, user=user, audience=audience
    )
    panels = [panel for _, answer in replies for panel in answer or []]
    return sorted(panels, key=lambda panel: (panel.order, panel.name))
