"""Wagtail admin: the agencies waiting for business verification, each with
whether its responsible person passed identity verification, and the
moderator's decision (verify or refuse, with a required note). The decision
is directory.agency_services.agency_decide: audited, the owner notified."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.selectors import user_is_moderator
from core.exceptions import ApplicationError
from directory.agency_selectors import agencies_awaiting_decision
from directory.agency_services import agency_decide
from directory.models import Agency

SHOWN = 200


class AgencyDecisionView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("Agencies to verify")
    header_icon = "group"
    template_name = "directory/agency/admin_decisions.html"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_is_moderator(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["agencies"] = list(agencies_awaiting_decision()[:SHOWN])
        return context

    def post(self, request: HttpRequest, agency_id: int) -> HttpResponse:
        agency = get_object_or_404(Agency, pk=agency_id)
        verify = request.POST.get("decision") == "verify"
        try:
            agency_decide(
                actor=request.user,
                agency=agency,
                verify=verify,
                note=request.POST.get("note", "")[:2000],
            )
        except ApplicationError as error:
            problems = [p for ps in error.fields.values() for p in ps]
            messages.error(request, " ".join(problems) or error.message)
        else:
            done = _("%(name)s verified.") if verify else _("%(name)s refused.")
            messages.success(request, done % {"name": agency.name})
        return redirect("directory_agency_decisions:index")
