"""Wagtail API v2 (read-only CMS content for headless frontends) at /api/v2/."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page

from accounts.models import Role
from accounts.selectors import may_have_live_profile_q
from core.errors import error_body

# Named, not imported: cms_pages sits below directory (as in FeaturedCollectionItem).
PROFILE_PAGE_TYPE = ("directory", "escortprofilepage")


class ErrorShapeMixin:
    """Wagtail answers its own 400/404 as ``{"message": ...}``; this API speaks the
    project's one error shape (docs/architecture.md, invariant 10) like every other."""

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(response.data, dict) and set(response.data) == {"message"}:
            code = _CODES.get(response.status_code, "error")
            response.data = error_body(code, str(response.data["message"]))
        return response


_CODES = {400: "bad_request", 404: "not_found"}


class PublicPagesAPIViewSet(ErrorShapeMixin, PagesAPIViewSet):
    """Live pages, minus paused profiles and profiles whose owner may not have a
    live profile: a page
    stays live for a moment if an owner is suspended or loses verification outside
    the suspension service, and this API must not show it meanwhile."""

    def get_base_queryset(self) -> QuerySet:
        # Wagtail's base is live and public; the owner half of
        # EscortProfilePage.objects.showable() comes from its home in accounts
        # (cms_pages may not import directory).
        profile_type = ContentType.objects.get_by_natural_key(*PROFILE_PAGE_TYPE)
        # One primary-key filter, not the owner join itself: ``?search=`` runs the
        # filters through Wagtail's search backend, which filters only on indexed
        # fields of the page (``id`` is one; the owner's ``is_active`` is not, so
        # every page search answered 400).
        # A profile its provider paused is hidden too (docs/pausing.md): the
        # column is reached through the page's child row, without importing it.
        hidden = (
            Page.objects.filter(content_type=profile_type)
            .filter(
                ~may_have_live_profile_q(prefix="owner__")
                | Q(escortprofilepage__paused_at__isnull=False)
            )
            .values("pk")
        )
        return super().get_base_queryset().exclude(pk__in=hidden)

    def get_queryset(self) -> QuerySet:
        # A page type lists its joins (``api_select_related``/``api_prefetch_related``)
        # so a listing of that type runs a constant number of queries; every page
        # shows its locale in ``meta``. A type may also annotate its rows
        # (``api_annotations()``: a profile's public rating).
        queryset = super().get_queryset()
        model = queryset.model
        queryset = queryset.select_related(
            "locale", *getattr(model, "api_select_related", ())
        ).prefetch_related(*getattr(model, "api_prefetch_related", ()))
        annotations = getattr(model, "api_annotations", None)
        return queryset.annotate(**annotations()) if annotations else queryset


class PublicImagesAPIViewSet(ErrorShapeMixin, ImagesAPIViewSet):
    """Editorial images only. A provider's upload belongs to a profile revision that
    may never be approved; its public renditions come with the live profile page."""

    def get_queryset(self) -> QuerySet:
        editorial = Q(uploaded_by_user__isnull=True) | Q(
            uploaded_by_user__role=Role.STAFF
        )
        return super().get_queryset().filter(editorial)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PublicPagesAPIViewSet)
api_router.register_endpoint("images", PublicImagesAPIViewSet)
