"""/api/v1/me/agency: the agency of the signed-in staff member (owner or
manager), its roster, pending invitations and staff; invitations (owners
only); and an escort's leaving. A user who is not a member gets 404; an
invitation of another agency is 404 (docs/architecture.md, invariant 8).

The roster shows each escort's name, profile name, whether the profile is live
and when they joined: never verification data (docs/agencies.md)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exceptions import NotFound
from core.ids import MAX_ID
from directory.agency_selectors import (
    agency_invitations_pending,
    agency_membership_get,
    agency_roster,
    agency_staff,
)
from directory.agency_services import (
    agency_escort_leave,
    agency_invitation_revoke,
    agency_invite,
)
from directory.models import AgencyInvitation


class RequiredBooleanField(serializers.BooleanField):
    """Required in every format: DRF reads a boolean missing from a form post
    as false, and leaving must be a choice, not a default."""

    default_empty_html = serializers.empty


class AgencySerializer(serializers.Serializer):
    class Meta:
        ref_name = "MyAgency"

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["pending", "verified", "refused"],
        help_text="Business verification by a moderator; escorts can be "
        "invited once verified.",
    )
    registration_number = serializers.CharField()
    country = serializers.CharField()
    verified_at = serializers.DateTimeField(allow_null=True)


class RosterEntrySerializer(serializers.Serializer):
    class Meta:
        ref_name = "AgencyRosterEntry"

    id = serializers.IntegerField()
    name = serializers.CharField(source="escort.display_name")
    profile_name = serializers.CharField(source="profile_title", allow_null=True)
    profile_live = serializers.BooleanField()
    joined_at = serializers.DateTimeField(source="consented_at")


class InvitationSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AgencyInvitation"

    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=AgencyInvitation.Role.values)
    status = serializers.ChoiceField(choices=AgencyInvitation.Status.values)
    expires_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()


class StaffSerializer(serializers.Serializer):
    class Meta:
        ref_name = "AgencyStaffMember"

    id = serializers.IntegerField()
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.ChoiceField(choices=["owner", "manager"])


class MyAgencyApi(APIView):
    """GET: your agency, its roster, pending invitations and staff."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "MyAgencyOverview"

        agency = AgencySerializer()
        role = serializers.ChoiceField(choices=["owner", "manager"])
        roster = RosterEntrySerializer(many=True)
        invitations = InvitationSerializer(many=True)
        staff = StaffSerializer(many=True)

    @extend_schema(
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="You do not belong to an agency."),
        },
        operation_id="my_agency_retrieve",
    )
    def get(self, request: Request) -> Response:
        membership = agency_membership_get(user=request.user)
        agency = membership.agency
        data = {
            "agency": agency,
            "role": membership.role,
            "roster": agency_roster(agency=agency),
            "invitations": agency_invitations_pending(agency=agency),
            "staff": agency_staff(agency=agency),
        }
        return Response(self.OutputSerializer(data).data)


class MyAgencyInvitationCollectionApi(APIView):
    """POST: an owner invites an escort (the agency must be verified) or a
    manager by email; the email carries a link valid for 14 days."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AgencyInvitationCreate"

        email = serializers.CharField(max_length=254)
        role = serializers.ChoiceField(
            choices=AgencyInvitation.Role.values, default="escort"
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: InvitationSerializer,
            403: OpenApiResponse(
                description="Only owners invite; escorts only once the agency "
                "is verified."
            ),
            404: OpenApiResponse(description="You do not belong to an agency."),
            409: OpenApiResponse(
                description="A pending invitation to this address exists, or "
                "the escort is listed by an agency (this or another)."
            ),
        },
        operation_id="my_agency_invitations_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = agency_membership_get(user=request.user)
        invitation = agency_invite(
            actor=request.user, agency=membership.agency, **data.validated_data
        )
        return Response(
            InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class MyAgencyInvitationDetailApi(APIView):
    """DELETE: an owner revokes a pending invitation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            204: OpenApiResponse(description="Revoked."),
            403: OpenApiResponse(description="Only owners revoke invitations."),
            404: OpenApiResponse(description="No invitation of your agency."),
            409: OpenApiResponse(description="The invitation is no longer pending."),
        },
        operation_id="my_agency_invitations_revoke",
    )
    def delete(self, request: Request, invitation_id: int) -> Response:
        membership = agency_membership_get(user=request.user)
        invitation = (
            AgencyInvitation.objects.filter(
                agency=membership.agency, pk=invitation_id
            ).first()
            if invitation_id <= MAX_ID
            else None
        )
        if invitation is None:
            raise NotFound("No invitation of your agency with this id.")
        agency_invitation_revoke(actor=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyAgencyLeaveApi(APIView):
    """POST: an escort stops being listed by their agency, at any time.
    ``keep_profile`` true: the profile stays live and leaves with you; false:
    it is unpublished as well."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AgencyLeave"

        keep_profile = RequiredBooleanField()

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "AgencyLeft"

        agency = serializers.CharField(source="agency.name")
        left_at = serializers.DateTimeField()
        end_reason = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            404: OpenApiResponse(description="You are not listed by an agency."),
        },
        operation_id="my_agency_leave",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = agency_escort_leave(
            actor=request.user, keep_profile=data.validated_data["keep_profile"]
        )
        return Response(self.OutputSerializer(link).data)
