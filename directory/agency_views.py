"""Agency pages (HTML): /dashboard/agency/ (register, or the agency's
dashboard with roster, invitations and staff), the escort's leave page, and
/agency/invitations/<token>/ where the invitee reads who invites them and
consents. Writes go through directory.agency_services; the objects an action
names are looked up within the member's own agency (others: 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from core.exceptions import ApplicationError
from directory import agency_services as services
from directory.agency_forms import (
    AgencyConsentForm,
    AgencyInviteForm,
    AgencyLeaveForm,
    AgencyRegisterForm,
)
from directory.agency_selectors import (
    agency_invitation_by_token,
    agency_invitations_pending,
    agency_link_of,
    agency_membership_of,
    agency_roster,
    agency_staff,
)
from directory.models import AgencyEscort, AgencyInvitation, AgencyMembership

HOME = "directory_agency:home"


def _attach(form, error: ApplicationError) -> None:  # noqa: ANN001
    if not error.fields:
        form.add_error(None, error.message)
    for name, problems in error.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@login_required
@require_http_methods(["GET", "POST"])
def agency_home(request: HttpRequest) -> HttpResponse:
    membership = agency_membership_of(user=request.user)
    if membership is not None:
        return _dashboard(request, membership, invite_form=AgencyInviteForm())
    if request.user.role != Role.AGENCY:
        # An escort's side of agencies is the leave page; clients have none.
        if agency_link_of(user=request.user) is not None:
            return redirect("directory_agency:leave")
        raise Http404("No agency here.")
    form = AgencyRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_register(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            _attach(form, error)
        else:
            messages.success(request, "Your agency is registered.")
            return redirect(HOME)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "directory/agency/register.html", {"form": form}, status=status
    )


def _dashboard(
    request: HttpRequest,
    membership: AgencyMembership,
    *,
    invite_form: AgencyInviteForm,
    status: int = 200,
) -> HttpResponse:
    agency = membership.agency
    context = {
        "agency": agency,
        "membership": membership,
        "is_owner": membership.role == AgencyMembership.Role.OWNER,
        "roster": list(agency_roster(agency=agency)),
        "invitations": list(agency_invitations_pending(agency=agency)),
        "staff": list(agency_staff(agency=agency)),
        "invite_form": invite_form,
    }
    return render(request, "directory/agency/dashboard.html", context, status=status)


def _membership_or_404(request: HttpRequest) -> AgencyMembership:
    membership = agency_membership_of(user=request.user)
    if membership is None:
        raise Http404("You do not belong to an agency.")
    return membership


@login_required
@require_POST
def agency_invite(request: HttpRequest) -> HttpResponse:
    membership = _membership_or_404(request)
    form = AgencyInviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.agency_invite(
                actor=request.user, agency=membership.agency, **form.cleaned_data
            )
        except ApplicationError as error:
            _attach(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect(HOME)
    return _dashboard(request, membership, invite_form=form, status=400)


def _act(request: HttpRequest, action, done: str) -> HttpResponse:  # noqa: ANN001
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(HOME)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    membership = _membership_or_404(request)
    invitation = AgencyInvitation.objects.filter(
        agency=membership.agency, pk=invitation_id
    ).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return _act(
        request,
        lambda: services.agency_invitation_revoke(
            actor=request.user, invitation=invitation
        ),
        "Invitation revoked.",
    )


@login_required
@require_POST
def escort_remove(request: HttpRequest, link_id: int) -> HttpResponse:
    membership = _membership_or_404(request)
    link = AgencyEscort.objects.filter(
        agency=membership.agency, pk=link_id, status=AgencyEscort.Status.ACTIVE
    ).first()
    if link is None:
        raise Http404("No such escort.")
    return _act(
        request,
        lambda: services.agency_escort_remove(actor=request.user, link=link),
        "The escort is no longer listed by your agency.",
    )


@login_required
@require_POST
def staff_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = _membership_or_404(request)
    target = (
        AgencyMembership.objects.filter(agency=membership.agency, pk=membership_id)
        .select_related("agency")
        .first()
    )
    if target is None:
        raise Http404("No such staff member.")
    return _act(
        request,
        lambda: services.agency_member_remove(actor=request.user, membership=target),
        "Removed from the staff.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_leave(request: HttpRequest) -> HttpResponse:
    link = agency_link_of(user=request.user)
    if link is None:
        raise Http404("You are not listed by an agency.")
    form = AgencyLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        keep = form.cleaned_data["profile"] == AgencyLeaveForm.KEEP
        services.agency_escort_leave(actor=request.user, keep_profile=keep)
        messages.success(request, f"You are no longer listed by {link.agency}.")
        return redirect("directory:dashboard")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "directory/agency/leave.html",
        {"link": link, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link sees who invites them and what it means; the
    addressee, signed in, consents (or declines)."""
    try:
        invitation = agency_invitation_by_token(token=token)
    except ApplicationError:
        raise Http404("This invitation does not exist.") from None
    form = AgencyConsentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        status = _answer(request, invitation, token, form)
        if status == 302:
            return redirect("directory:dashboard")
    context = {
        "invitation": invitation,
        "form": form,
        "is_open": invitation.is_open,
        "is_addressee": request.user.is_authenticated
        and request.user.email.lower() == invitation.email,
        "consent_version": services.CONSENT_VERSION,
    }
    response = render(
        request, "directory/agency/invitation.html", context, status=status
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the path
    return response


def _answer(
    request: HttpRequest,
    invitation: AgencyInvitation,
    token: str,
    form: AgencyConsentForm,
) -> int:
    decline = "decline" in request.POST
    if not decline and invitation.role == "escort" and not form.is_valid():
        return 400
    try:
        if decline:
            services.agency_invitation_decline(actor=request.user, token=token)
            messages.success(request, "Invitation declined.")
        else:
            services.agency_invitation_accept(
                actor=request.user, token=token, consent=True
            )
            messages.success(request, f"You joined {invitation.agency}.")
    except ApplicationError as error:
        form.errors.clear()
        form.add_error(None, error.message)
        return error.status_code
    return 302
