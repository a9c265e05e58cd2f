"""The "Verifications" queue in the Wagtail admin, shown to those who may decide
(``verification.decide_verification``: Moderators, superusers)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from verification import admin_views


class VerificationsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return admin_views.user_may_decide(request.user)


@hooks.register("register_admin_urls")
def register_verification_urls() -> list:
    urls = [
        path("", admin_views.queue, name="queue"),
        path("<int:request_id>/", admin_views.detail, name="detail"),
        path(
            "<int:request_id>/<str:which>/",
            admin_views.request_file,
            name="file",
        ),
        path("people/<int:user_id>/", admin_views.history, name="history"),
    ]
    return [
        path(
            "verification/",
            include((urls, "verification_admin"), namespace="verification_admin"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_verification_menu_item() -> MenuItem:
    return VerificationsMenuItem(
        _("Verifications"),
        reverse("verification_admin:queue"),
        name="verifications",
        icon_name="user",
        order=160,
    )
