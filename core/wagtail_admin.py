"""A read-only Wagtail ModelViewSet for business records (bookings, email
deliveries, reports …): a listing and an inspect page, and no URL through which
a write could even be tried. Such records change only through their services."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db.models import Model, QuerySet
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

READ_ONLY_ACTIONS = frozenset({"view"})
Anyone = AbstractBaseUser | AnonymousUser
# Views a write would go through, and Wagtail's own log and usage pages: no view
# is told their URL names, and get_urlpatterns does not register them.
LEFT_OUT = ("add", "edit", "delete", "copy", "history", "history_results", "usage")


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, minus every write. Superusers pass any
    ``has_perm`` check, so the refusal has to be here, not in group settings."""

    def user_has_permission(self, user: Anyone, action: str) -> bool:
        return action in READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        allowed = [action for action in actions if action in READ_ONLY_ACTIONS]
        if not allowed:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(allowed)


class InspectURLFinder(ModelAdminURLFinder):
    """Links from elsewhere in the admin (audit log, search) go to the inspect
    page: there is no edit page to link to."""

    def construct_edit_url(self, instance: Model) -> str:
        return reverse(self.edit_url_name, args=(instance.pk,))

    def get_edit_url(self, instance: Model) -> str | None:
        if self.user is not None and not self.permission_policy.user_has_permission(
            self.user, "view"
        ):
            return None
        return self.construct_edit_url(instance)


class ReadOnlyModelViewSet(ModelViewSet):
    copy_view_enabled = False
    inspect_view_enabled = True
    # Records, not content: registering them would write reference index rows on
    # every save and count them as "usage" of the pages they point to.
    add_to_reference_index = False

    @cached_property
    def permission_policy(self) -> ReadOnlyPermissionPolicy:
        return ReadOnlyPermissionPolicy(self.model)

    @property
    def url_finder_class(self) -> type[InspectURLFinder]:
        return type(
            f"{self.model.__name__}URLFinder",
            (InspectURLFinder,),
            {
                "permission_policy": self.permission_policy,
                "edit_url_name": self.get_url_name("inspect"),
            },
        )

    def get_common_view_kwargs(self, **kwargs) -> dict:  # noqa: ANN003
        left_out = {f"{name}_url_name": None for name in LEFT_OUT}
        return super().get_common_view_kwargs(**{**left_out, **kwargs})

    def get_urlpatterns(self) -> list:
        # Written out rather than filtered from super(): building the add and
        # edit views would need a form, and no URL means no write can be tried.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        # Offer only "view" in Wagtail's group settings: add/change/delete would
        # be checkboxes that do nothing.
        codename = f"view_{self.model._meta.model_name}"
        return super().get_permissions_to_register().filter(codename=codename)
