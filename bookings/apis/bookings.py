"""/api/v1/bookings: request, list, read and move bookings. One APIView per
operation; every read goes through the scoped selectors, so someone else's
booking is 404 (docs/architecture.md, invariant 8)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import User
from bookings.models import MEETING_PLACE_MAX, Booking, BookingEvent
from bookings.selectors import booking_get_for, booking_list_for
from bookings.services import (
    ACTIONS,
    BookingInput,
    booking_act,
    booking_assign,
    booking_request,
    booking_reschedule,
)
from core.exceptions import ValidationFailed
from core.ids import MAX_ID, MAX_PAGE_ID
from core.pagination import CursorPagination, PageQuerySerializer, paginated
from core.validators import reject_control_characters

IDEMPOTENCY_HEADER = "Idempotency-Key"


class AwareDateTimeField(serializers.DateTimeField):
    """Naive times are ambiguous across time zones and DST: refuse them instead of
    reading them in the server's zone (DRF's default)."""

    def enforce_timezone(self, value):  # noqa: ANN001, ANN201
        if timezone.is_naive(value):
            raise serializers.ValidationError(
                "Give a time zone offset, e.g. +01:00 or Z."
            )
        return super().enforce_timezone(value)


class EventSerializer(serializers.Serializer):
    class Meta:
        ref_name = "BookingEvent"

    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_by(self, event: BookingEvent) -> str:
        booking = self.context["booking"]
        if event.actor_id is None:
            return "system"
        return "client" if event.actor_id == booking.client_id else "provider"


class BookingSerializer(serializers.Serializer):
    class Meta:
        ref_name = "Booking"

    id = serializers.IntegerField()
    status = serializers.CharField()
    profile_id = serializers.IntegerField()
    profile_name = serializers.CharField(source="profile.title")
    client_name = serializers.SerializerMethodField()
    city_id = serializers.IntegerField()
    time_zone = serializers.CharField(source="city.time_zone")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    location = serializers.CharField()
    price_minor = serializers.IntegerField()
    currency = serializers.CharField()
    deposit_minor = serializers.IntegerField()
    note = serializers.CharField()
    # Outcall only; the list and detail are scoped to the booking's two sides.
    meeting_place = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    reschedule_count = serializers.IntegerField()
    # The agency staff member handling it; null for nobody (and always for
    # an independent's booking).
    assigned_to = serializers.IntegerField(source="assigned_to_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def get_client_name(self, booking: Booking) -> str:
        # Providers see the chosen display name only; the email stays private.
        return booking.client.display_name or "Client"


class BookingDetailSerializer(BookingSerializer):
    class Meta:
        ref_name = "BookingDetail"

    events = serializers.SerializerMethodField()

    @extend_schema(responses=EventSerializer(many=True))
    def get_events(self, booking: Booking) -> list:
        return EventSerializer(
            booking.events.all(), many=True, context={"booking": booking}
        ).data


class BookingCreateApi(APIView):
    """Request a time on a live profile. The price is computed on the server from
    the chosen rate. Send an ``Idempotency-Key`` header to make a retry safe: the
    same key answers 200 with the booking the first submission made."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingRequest"

        profile = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_ID)
        rate = serializers.IntegerField(min_value=1, max_value=MAX_ID)
        start = AwareDateTimeField()
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )
        meeting_place = serializers.CharField(
            max_length=MEETING_PLACE_MAX,
            required=False,
            allow_blank=True,
            default="",
            validators=[reject_control_characters],
            help_text="Outcall rates only (ignored for incall): address or hotel.",
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                description="Up to 64 characters; retries with it are safe.",
            )
        ],
        responses={
            201: BookingDetailSerializer,
            200: BookingDetailSerializer,
            404: OpenApiResponse(description="No live profile with this id."),
            409: OpenApiResponse(description="slot_unavailable: the time is taken."),
        },
        operation_id="booking_create",
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip() or None
        if key is not None and len(key) > 64:
            raise ValidationFailed(
                fields={IDEMPOTENCY_HEADER: ["At most 64 characters."]}
            )
        booking, created = booking_request(
            client=request.user,
            data=BookingInput(
                profile_id=data.validated_data["profile"],
                rate_id=data.validated_data["rate"],
                start=data.validated_data["start"],
                note=data.validated_data["note"],
                meeting_place=data.validated_data["meeting_place"],
                idempotency_key=key,
            ),
        )
        booking = booking_get_for(user=request.user, booking_id=booking.pk)
        return Response(
            BookingDetailSerializer(booking).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class BookingListApi(APIView):
    """The signed-in user's bookings: as client, and as provider of their own or
    their agency's profiles. Soonest first."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    class FilterSerializer(PageQuerySerializer):
        class Meta:
            ref_name = "BookingFilter"

        role = serializers.ChoiceField(choices=["client", "provider"], required=False)
        status = serializers.MultipleChoiceField(
            choices=Booking.Status.values, required=False
        )
        upcoming = serializers.BooleanField(default=None, allow_null=True)
        assigned = serializers.ChoiceField(
            choices=["me"],
            required=False,
            help_text="me: only the bookings assigned to you (an agency's queue).",
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={
            200: BookingSerializer(many=True),
            400: OpenApiResponse(description="An unknown filter value."),
        },
        operation_id="booking_list",
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data
        bookings = booking_list_for(
            user=request.user,
            role=query.get("role"),
            statuses=sorted(query.get("status") or []),
            upcoming=query["upcoming"],
            assigned_to_me=query.get("assigned") == "me",
        )
        return paginated(
            request=request,
            view=self,
            queryset=bookings,
            serializer=BookingSerializer,
            ordering=("start", "id"),
        )


class BookingDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingDetailSerializer, operation_id="booking_detail")
    def get(self, request: Request, booking_id: int) -> Response:
        booking = booking_get_for(user=request.user, booking_id=booking_id)
        return Response(BookingDetailSerializer(booking).data)


class BookingActionApi(APIView):
    """accept, decline, cancel, complete, no-show. A move the booking's status
    does not allow answers 409; one the actor's side may not make, 403."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingAction"

        reason = serializers.CharField(
            max_length=500, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: BookingDetailSerializer,
            409: OpenApiResponse(description="The booking's status forbids the move."),
        },
        operation_id="booking_action",
        parameters=[
            OpenApiParameter(
                "action",
                str,
                OpenApiParameter.PATH,
                enum=[a for a in ACTIONS if a != "reschedule"],
            )
        ],
    )
    def post(self, request: Request, booking_id: int, action: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking_act(
            booking_id=booking_id,
            actor=request.user,
            action=action,
            reason=data.validated_data["reason"],
        )
        booking = booking_get_for(user=request.user, booking_id=booking_id)
        return Response(BookingDetailSerializer(booking).data)


class BookingRescheduleApi(APIView):
    """Move the booking once, within the provider's availability and before the
    free-cancellation window closes."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingReschedule"

        start = AwareDateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={
            200: BookingDetailSerializer,
            409: OpenApiResponse(
                description="Taken, too late, or already rescheduled once."
            ),
        },
        operation_id="booking_reschedule",
    )
    def post(self, request: Request, booking_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking_reschedule(
            booking_id=booking_id,
            actor=request.user,
            start=data.validated_data["start"],
        )
        booking = booking_get_for(user=request.user, booking_id=booking_id)
        return Response(BookingDetailSerializer(booking).data)


class BookingCollectionApi(BookingCreateApi, BookingListApi):
    """GET lists, POST requests: one URL, the booking throttle on POST only."""

    def get_throttles(self) -> list:
        if self.request.method == "POST":
            return super().get_throttles()
        return [throttle() for throttle in self.settings.DEFAULT_THROTTLE_CLASSES]


class BookingAssignApi(APIView):
    """Assign an agency booking to a member of the agency's staff, or to nobody
    (``assignee`` null). The assignee is notified (not when assigning
    yourself); the change is audited (docs/agency-tools.md)."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "bookings"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BookingAssign"

        assignee = serializers.IntegerField(
            min_value=1, max_value=MAX_ID, allow_null=True
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: BookingDetailSerializer,
            400: OpenApiResponse(
                description="Not an agency booking, or the assignee is not on "
                "the agency's staff (field error on assignee)."
            ),
            403: OpenApiResponse(description="Only the agency's staff assign."),
            404: OpenApiResponse(description="Not a booking on your side."),
        },
        operation_id="booking_assign",
    )
    def post(self, request: Request, booking_id: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = booking_get_for(user=request.user, booking_id=booking_id)
        assignee_id = data.validated_data["assignee"]
        assignee = None
        if assignee_id is not None:
            assignee = User.objects.filter(pk=assignee_id).first()
            if assignee is None:
                raise ValidationFailed(
                    fields={"assignee": ["Choose a member of this agency's staff."]}
                )
        booking_assign(actor=request.user, booking=booking, assignee=assignee)
        booking = booking_get_for(user=request.user, booking_id=booking_id)
        return Response(BookingDetailSerializer(booking).data)
