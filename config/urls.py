from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from accounts import headless_urls, mfa_urls
from bookings import deposit_views
from cms_pages import age_gate
from cms_pages import routing as page_routing
from cms_pages import views as cms_views
from cms_pages.api_v2 import api_router
from core import metrics as core_metrics
from core import views as core_views
from core.media import media_file
from directory.agency_urls import invitation_urlpatterns as agency_invitation_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_metrics.metrics_view, name="metrics"),
    path(settings.CMS_URL_PREFIX.lstrip("/"), include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before allauth's own: passkey removal keeps the second-factor rule.
    path("accounts/", include(mfa_urls.urlpatterns())),
    # Account security and the sessions page (docs/account-security.md); allauth's
    # own sessions page (it ends only all others) leads to ours.
    path("accounts/security/", include("accounts.security_urls")),
    path(
        "accounts/sessions/",
        RedirectView.as_view(pattern_name="accounts_security:sessions"),
        name="usersessions_list",
    ),
    path("accounts/consents/", include("accounts.urls")),
    # The close page (/accounts/privacy/close/) and the public deletion
    # receipt (/privacy/receipt/<token>/), before allauth's and Wagtail's routes.
    path("", include("privacy.erasure.urls")),
    path("accounts/privacy/export/", include("privacy.exporting.urls")),
    path("accounts/", include("allauth.urls")),
    path("dashboard/bookings/", include("bookings.urls")),
    path("bookings/", include("bookings.deposit_urls")),
    path(
        "dashboard/payments/",
        deposit_views.payments_history,
        name="payments-history",
    ),
    path("dashboard/subscription/", include("subscriptions.urls")),
    path("dashboard/reviews/", include("reviews.urls")),
    path("dashboard/verification/", include("verification.urls")),
    path("dashboard/reputation/", include("reviews.reputation_urls")),
    path("dashboard/agency/activity/", include("analytics.staff_urls")),
    path("dashboard/agency/", include("directory.agency_urls")),
    path("dashboard/safety/", include("moderation.urls")),
    path("dashboard/moderation/", include("moderation.statement_urls")),
    path("report/", include("moderation.report_urls")),
    path(
        "agency/invitations/",
        include((agency_invitation_urls, "directory_agency_invitation")),
    ),
    path("dashboard/", include("analytics.urls")),  # before directory's dashboard
    path("dashboard/", include("directory.urls")),
    path("messages/", include("messaging.urls")),
    path("payments/", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    # Before allauth's own: routes for features that are off, guarded views.
    path("_allauth/", include(headless_urls.urlpatterns())),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/v1/", include("api.urls")),
    path("api/v2/", api_router.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from a URL of its own
    # instead of inline (the CSP allows no inline script); our template drops the
    # inline <style> block.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("sitemap.xml", sitemap),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    # Photos in review: outside MEDIA_URL, answered by a view that checks who asks.
    path("pending-media/<path:name>", cms_views.image_pending, name="image_pending"),
]

if settings.SERVE_MEDIA or settings.DEBUG:
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            media_file,
            name="media",
        )
    )

urlpatterns += [
    # Unknown API routes answer 404 at once instead of a slash-appending redirect
    # to Wagtail's page tree.
    # No CSRF check: it ran before the 404 and answered a POST there with 403.
    re_path(r"^(?:api|_allauth)/", csrf_exempt(core_views.page_not_found)),
    path("age-check/", age_gate.age_confirm, name="age_confirm"),
    path("age-check/leave/", age_gate.age_leave, name="age_leave"),
    path("search/", include("search.urls")),
    path("styleguide/", core_views.styleguide, name="styleguide"),
    # Wagtail's serve view, routed by URL path in one query (cms_pages/routing.py);
    # before wagtail_urls, whose own pattern it shadows.
    re_path(wagtail_urls.serve_pattern, page_routing.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
