"""Owner endpoints: a provider (or their agency's manager) reads the latest draft of
a profile and submits a new version for review (never publishes), and pauses or
resumes a profile (docs/pausing.md)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.pagination import CursorPagination, paginated
from core.validators import reject_control_characters
from directory.models import (
    MAX_PHOTOS,
    MAX_RATE_MINOR,
    Currency,
    EscortProfilePage,
    ProfileRate,
)
from directory.pausing import profile_pause, profile_resume
from directory.selectors import (
    profile_editable_get,
    profile_review_state,
    profiles_editable_by,
)
from directory.services import (
    PhotoInput,
    ProfileEdit,
    RateInput,
    TourInput,
    profile_save_and_submit,
)


class RateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfileRate"

    duration_minutes = serializers.IntegerField(min_value=30, max_value=1440)
    kind = serializers.ChoiceField(choices=ProfileRate.Kind.choices)
    amount_minor = serializers.IntegerField(min_value=1, max_value=MAX_RATE_MINOR)
    currency = serializers.ChoiceField(choices=Currency.choices)


class TourSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfileTourEdit"

    city = serializers.IntegerField(min_value=1)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    is_private = serializers.BooleanField(default=False)

    def validate(self, data: dict) -> dict:
        if data["ends_on"] < data["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": "A tour cannot end before it starts."}
            )
        return data


class PhotoSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfilePhotoEdit"

    image = serializers.IntegerField(min_value=1)
    caption = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        validators=[reject_control_characters],
    )
    is_primary = serializers.BooleanField(default=False)


class ProfileEditInputSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfileEdit"

    display_name = serializers.CharField(
        min_length=2, max_length=60, validators=[reject_control_characters]
    )
    age = serializers.IntegerField(min_value=18, max_value=99)
    home_city = serializers.IntegerField(min_value=1)
    tagline = serializers.CharField(
        max_length=140,
        allow_blank=True,
        default="",
        validators=[reject_control_characters],
    )
    bio = serializers.CharField(max_length=8000, allow_blank=True, default="")
    contact_preference = serializers.ChoiceField(
        choices=EscortProfilePage.ContactPreference.choices,
        default=EscortProfilePage.ContactPreference.MESSAGES_AND_BOOKINGS,
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=8), max_length=20, default=list
    )
    services = serializers.ListField(
        child=serializers.SlugField(max_length=60), max_length=40, default=list
    )
    rates = RateSerializer(many=True, max_length=12, default=list)
    tours = TourSerializer(many=True, max_length=20, default=list)
    photos = PhotoSerializer(many=True, max_length=MAX_PHOTOS, default=list)

    def to_edit(self) -> ProfileEdit:
        data = self.validated_data
        return ProfileEdit(
            display_name=data["display_name"],
            age=data["age"],
            home_city_id=data["home_city"],
            tagline=data["tagline"],
            bio=data["bio"],
            contact_preference=data["contact_preference"],
            language_codes=data["languages"],
            service_slugs=data["services"],
            rates=[RateInput(**rate) for rate in data["rates"]],
            tours=[
                TourInput(
                    city_id=t["city"],
                    starts_on=t["starts_on"],
                    ends_on=t["ends_on"],
                    is_private=t["is_private"],
                )
                for t in data["tours"]
            ],
            photos=[
                PhotoInput(
                    image_id=p["image"],
                    caption=p["caption"],
                    is_primary=p["is_primary"],
                )
                for p in data["photos"]
            ],
        )


class ReviewStateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfileReviewState"

    status = serializers.ChoiceField(
        choices=["draft", "in_review", "changes_requested", "live"]
    )
    is_live = serializers.BooleanField()
    comment = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)


class ProfileDraftOutputSerializer(serializers.Serializer):
    """The latest version (draft or live) as its owner sees it, private tours
    included, plus where its review stands."""

    class Meta:
        ref_name = "ProfileDraft"

    id = serializers.IntegerField()
    display_name = serializers.CharField(source="title")
    age = serializers.IntegerField()
    home_city = serializers.IntegerField(source="home_city_id")
    tagline = serializers.CharField()
    bio = serializers.CharField()
    contact_preference = serializers.CharField()
    languages = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    rates = RateSerializer(many=True, source="rates.all")
    tours = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    # Of this version's photos (directory.photo_badges).
    is_verified = serializers.BooleanField()
    photos_verified_at = serializers.DateTimeField(allow_null=True)
    is_vip = serializers.BooleanField()
    agency = serializers.CharField(source="agency_name", allow_null=True)
    review = serializers.SerializerMethodField()

    def get_languages(self, draft: EscortProfilePage) -> list[str]:
        return [language.code for language in draft.languages.all()]

    def get_services(self, draft: EscortProfilePage) -> list[str]:
        return [service.slug for service in draft.services.all()]

    def get_tours(self, draft: EscortProfilePage) -> list[dict]:
        return [
            {
                "city": t.city_id,
                "starts_on": t.starts_on.isoformat(),
                "ends_on": t.ends_on.isoformat(),
                "is_private": t.is_private,
            }
            for t in draft.tours.all()
        ]

    def get_photos(self, draft: EscortProfilePage) -> list[dict]:
        return [
            {"image": p.image_id, "caption": p.caption, "is_primary": p.is_primary}
            for p in draft.photos.all()
        ]

    def get_review(self, draft: EscortProfilePage) -> dict:
        return ReviewStateSerializer(vars(self.context["review"])).data


def _draft_response(profile: EscortProfilePage, *, status_code: int = 200) -> Response:
    profile.refresh_from_db()
    draft = profile.get_latest_revision_as_object()
    review = profile_review_state(profile=profile)
    data = ProfileDraftOutputSerializer(draft, context={"review": review}).data
    return Response(data, status=status_code)


class MyProfileApi(APIView):
    """The signed-in provider's own profile (``/me/profile``) or, for agency owners
    and managers, one of their agency's profiles (``/me/profiles/{id}``)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: ProfileDraftOutputSerializer,
            404: OpenApiResponse(description="No profile yet (or not one I edit)."),
        },
        operation_id="my_profile_retrieve",
    )
    def get(self, request: Request, profile_id: int | None = None) -> Response:
        profile = profile_editable_get(user=request.user, profile_id=profile_id)
        return _draft_response(profile)

    @extend_schema(
        request=ProfileEditInputSerializer,
        responses={
            200: ProfileDraftOutputSerializer,
            201: ProfileDraftOutputSerializer,
        },
        operation_id="my_profile_submit",
        description=(
            "Save a new version and submit it for moderator review. The live profile "
            "changes only when a moderator approves. Without a profile yet, a provider "
            "account creates one (201)."
        ),
    )
    def put(self, request: Request, profile_id: int | None = None) -> Response:
        data = ProfileEditInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existing = _existing_or_none(request, profile_id)
        revision = profile_save_and_submit(
            actor=request.user, edit=data.to_edit(), profile=existing
        )
        code = status.HTTP_200_OK if existing else status.HTTP_201_CREATED
        return _draft_response(revision.content_object.specific, status_code=code)


@extend_schema_view(
    get=extend_schema(operation_id="managed_profile_retrieve"),
    put=extend_schema(operation_id="managed_profile_submit"),
)
class ManagedProfileApi(MyProfileApi):
    """The same operations on a profile by id: one's own, or an agency's."""


def _existing_or_none(
    request: Request, profile_id: int | None
) -> EscortProfilePage | None:
    if profile_id is not None:
        return profile_editable_get(user=request.user, profile_id=profile_id)
    return profiles_editable_by(user=request.user).filter(owner=request.user).first()


class MyProfileListApi(APIView):
    """Profiles the signed-in user may edit: their own and their agency's."""

    permission_classes = [IsAuthenticated]
    pagination_class = CursorPagination  # documents the list as a page

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "EditableProfile"

        id = serializers.IntegerField()
        display_name = serializers.CharField(source="title")
        live = serializers.BooleanField()
        # Paused by its provider (docs/pausing.md): live, but shown nowhere.
        paused = serializers.BooleanField(source="is_paused")
        url = serializers.SerializerMethodField()

        def get_url(self, profile: EscortProfilePage) -> str | None:
            return profile.get_url(self.context.get("request"))

    @extend_schema(
        responses={200: OutputSerializer(many=True)}, operation_id="my_profiles_list"
    )
    def get(self, request: Request) -> Response:
        # paginated(): a bad cursor or page_size is 400 here too, not 404.
        return paginated(
            request=request,
            view=self,
            queryset=profiles_editable_by(user=request.user),
            serializer=self.OutputSerializer,
            ordering=("-id",),
        )


class ProfilePauseStateSerializer(serializers.Serializer):
    class Meta:
        ref_name = "ProfilePauseState"

    id = serializers.IntegerField()
    paused = serializers.BooleanField(source="is_paused")
    paused_at = serializers.DateTimeField(allow_null=True)


_PAUSE_ERRORS = {
    401: OpenApiResponse(description="Not signed in."),
    404: OpenApiResponse(description="No such profile, or not one I edit."),
}


class ProfilePauseApi(APIView):
    """Take a profile off every public surface at once; idempotent."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={200: ProfilePauseStateSerializer, **_PAUSE_ERRORS},
        operation_id="my_profile_pause",
        description=(
            "Pause the profile: it leaves the city pages, search, both APIs and "
            "the sitemap at once, and its URL answers 404. No review is needed to "
            "come back. Pausing a paused profile changes nothing (200)."
        ),
    )
    def post(self, request: Request, profile_id: int) -> Response:
        profile = profile_pause(actor=request.user, profile_id=profile_id)
        return Response(ProfilePauseStateSerializer(profile).data)


class ProfileResumeApi(APIView):
    """Show a paused profile again, when nothing else keeps it hidden."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            200: ProfilePauseStateSerializer,
            **_PAUSE_ERRORS,
            409: OpenApiResponse(
                description=(
                    "The profile would still not be shown (not published, or the "
                    "account is unverified or suspended); it stays paused."
                )
            ),
        },
        operation_id="my_profile_resume",
    )
    def post(self, request: Request, profile_id: int) -> Response:
        profile = profile_resume(actor=request.user, profile_id=profile_id)
        return Response(ProfilePauseStateSerializer(profile).data)
