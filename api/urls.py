"""/api/v1/: composes each app's endpoints. Apps own their views in apis.py."""

from django.urls import include, path

from accounts.apis import MeApi, SocketTicketApi
from bookings.apis.availability import AvailabilityApi
from bookings.apis.bookings import (
    BookingActionApi,
    BookingAssignApi,
    BookingCollectionApi,
    BookingDetailApi,
    BookingRescheduleApi,
)
from bookings.apis.deposits import DepositStartApi, MyPaymentsApi
from bookings.apis.owner import MyAvailabilityApi
from bookings.apis.screening import MyScreeningApi
from cms_pages.apis import ImageCreateApi
from directory.apis.agencies import (
    MyAgencyApi,
    MyAgencyInvitationCollectionApi,
    MyAgencyInvitationDetailApi,
    MyAgencyLeaveApi,
)
from directory.apis.favourites import FavouriteCollectionApi, FavouriteDetailApi
from directory.apis.onboarding import MyOnboardingApi
from directory.apis.owner import (
    ManagedProfileApi,
    MyProfileApi,
    MyProfileListApi,
    ProfilePauseApi,
    ProfileResumeApi,
)
from directory.apis.public import (
    AgencyDetailApi,
    AgencyListApi,
    CityListApi,
    EscortDetailApi,
    EscortListApi,
)
from messaging.apis.gate import MessagingGateApi
from messaging.apis.messages import MessageAttachmentApi, MessageCollectionApi
from messaging.apis.reports import ThreadReportApi
from messaging.apis.templates import (
    MessageTemplateCollectionApi,
    MessageTemplateDetailApi,
)
from messaging.apis.threads import (
    MessageSearchApi,
    ThreadBlockApi,
    ThreadCollectionApi,
    ThreadDetailApi,
    ThreadReadApi,
)
from notifications.apis import (
    NotificationListApi,
    NotificationPreferencesApi,
    NotificationReadApi,
    NotificationUnreadApi,
)
from reviews.reputation_apis import BookingAssessmentApi, ClientReputationApi
from search.apis import SearchApi, SuggestApi
from search.apis_exposure import ExposureApi
from subscriptions.apis import (
    MySubscriptionApi,
    MySubscriptionCancelApi,
    MySubscriptionPayApi,
    PlanListApi,
)
from verification.apis import MyVerificationApi, MyVerificationChallengeApi

app_name = "api"

urlpatterns = [
    path("me", MeApi.as_view(), name="me"),
    path("me/socket-ticket", SocketTicketApi.as_view(), name="socket-ticket"),
    path("me/profile", MyProfileApi.as_view(), name="my-profile"),
    path("plans", PlanListApi.as_view(), name="plan-list"),
    path("me/subscription", MySubscriptionApi.as_view(), name="my-subscription"),
    path(
        "me/subscription/cancel",
        MySubscriptionCancelApi.as_view(),
        name="my-subscription-cancel",
    ),
    path(
        "me/subscription/pay",
        MySubscriptionPayApi.as_view(),
        name="my-subscription-pay",
    ),
    path("me/profiles", MyProfileListApi.as_view(), name="my-profiles"),
    path("me/onboarding", MyOnboardingApi.as_view(), name="my-onboarding"),
    path("me/exposure", ExposureApi.as_view(), name="my-exposure"),
    path("me/agency", MyAgencyApi.as_view(), name="my-agency"),
    path(
        "me/agency/invitations",
        MyAgencyInvitationCollectionApi.as_view(),
        name="my-agency-invitations",
    ),
    path(
        "me/agency/invitations/<int:invitation_id>",
        MyAgencyInvitationDetailApi.as_view(),
        name="my-agency-invitation-detail",
    ),
    path("me/agency/leave", MyAgencyLeaveApi.as_view(), name="my-agency-leave"),
    path("me/favourites", FavouriteCollectionApi.as_view(), name="my-favourites"),
    path(
        "me/favourites/<int:profile_id>",
        FavouriteDetailApi.as_view(),
        name="my-favourite-detail",
    ),
    path(
        "me/profiles/<int:profile_id>",
        ManagedProfileApi.as_view(),
        name="my-profile-detail",
    ),
    path(
        "me/profiles/<int:profile_id>/pause",
        ProfilePauseApi.as_view(),
        name="my-profile-pause",
    ),
    path(
        "me/profiles/<int:profile_id>/resume",
        ProfileResumeApi.as_view(),
        name="my-profile-resume",
    ),
    path(
        "me/profiles/<int:profile_id>/availability",
        MyAvailabilityApi.as_view(),
        name="my-availability",
    ),
    path("images", ImageCreateApi.as_view(), name="image-create"),
    path("cities", CityListApi.as_view(), name="city-list"),
    path("escorts", EscortListApi.as_view(), name="escort-list"),
    path("escorts/<int:profile_id>", EscortDetailApi.as_view(), name="escort-detail"),
    path(
        "escorts/<int:profile_id>/availability",
        AvailabilityApi.as_view(),
        name="escort-availability",
    ),
    path("agencies", AgencyListApi.as_view(), name="agency-list"),
    path("search", SearchApi.as_view(), name="search"),
    path("search/suggest", SuggestApi.as_view(), name="search-suggest"),
    path("agencies/<slug:slug>", AgencyDetailApi.as_view(), name="agency-detail"),
    path("bookings", BookingCollectionApi.as_view(), name="booking-list"),
    path(
        "bookings/<int:booking_id>", BookingDetailApi.as_view(), name="booking-detail"
    ),
    path(
        "bookings/<int:booking_id>/reschedule",
        BookingRescheduleApi.as_view(),
        name="booking-reschedule",
    ),
    path(
        "bookings/<int:booking_id>/assessment",
        BookingAssessmentApi.as_view(),
        name="booking-assessment",
    ),
    path(
        "clients/<int:client_id>/reputation",
        ClientReputationApi.as_view(),
        name="client-reputation",
    ),
    path(
        "me/profiles/<int:profile_id>/screening",
        MyScreeningApi.as_view(),
        name="my-screening",
    ),
    path(
        "bookings/<int:booking_id>/deposit",
        DepositStartApi.as_view(),
        name="booking-deposit",
    ),
    path("me/payments", MyPaymentsApi.as_view(), name="my-payments"),
    # agency tools (docs/agency-tools.md); before the catch-all booking action
    path(
        "bookings/<int:booking_id>/assign",
        BookingAssignApi.as_view(),
        name="booking-assign",
    ),
    path(
        "messages/templates",
        MessageTemplateCollectionApi.as_view(),
        name="message-template-list",
    ),
    path(
        "messages/templates/<int:template_id>",
        MessageTemplateDetailApi.as_view(),
        name="message-template-detail",
    ),
    path(
        "bookings/<int:booking_id>/<str:action>",
        BookingActionApi.as_view(),
        name="booking-action",
    ),
    path(
        "me/profiles/<int:profile_id>/messaging-gate",
        MessagingGateApi.as_view(),
        name="messaging-gate",
    ),
    path("threads", ThreadCollectionApi.as_view(), name="thread-list"),
    path("threads/<int:thread_id>", ThreadDetailApi.as_view(), name="thread-detail"),
    path(
        "threads/<int:thread_id>/messages",
        MessageCollectionApi.as_view(),
        name="thread-messages",
    ),
    path(
        "threads/<int:thread_id>/messages/<int:message_id>/attachment",
        MessageAttachmentApi.as_view(),
        name="message-attachment",
    ),
    path("threads/<int:thread_id>/read", ThreadReadApi.as_view(), name="thread-read"),
    path(
        "threads/<int:thread_id>/report",
        ThreadReportApi.as_view(),
        name="thread-report",
    ),
    path(
        "threads/<int:thread_id>/block", ThreadBlockApi.as_view(), name="thread-block"
    ),
    path("messages/search", MessageSearchApi.as_view(), name="message-search"),
    path("notifications", NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/unread",
        NotificationUnreadApi.as_view(),
        name="notification-unread",
    ),
    path("notifications/read", NotificationReadApi.as_view(), name="notification-read"),
    path("me/verification", MyVerificationApi.as_view(), name="my-verification"),
    path(
        "me/verification/challenge",
        MyVerificationChallengeApi.as_view(),
        name="my-verification-challenge",
    ),
    path(
        "me/notification-preferences",
        NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("", include("reviews.apis.urls")),
    path("", include("moderation.apis.urls")),
    path("", include("analytics.api_urls")),
    path("", include("analytics.dashboard_api_urls")),
    path("", include("privacy.erasure.api_urls")),
    path("", include("privacy.exporting.api_urls")),
]
