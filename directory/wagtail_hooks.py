"""Directory admin: services and languages (editors), agencies and their members
(moderators), and the queue of profiles awaiting review (moderators).

Access follows Django model permissions (add/change/delete/view per model) given
to groups; nothing here names a group, so permissions stay configurable in
Wagtail's group settings."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import User
from accounts.selectors import user_is_moderator
from cms_pages.renditions import PROFILE_THUMBNAIL
from directory.admin_views import (
    ProfilesAwaitingReviewView,
    profile_vip_edit,
    user_may_review_profiles,
)
from directory.agency_admin_views import AgencyDecisionView
from directory.models import (
    Agency,
    AgencyMembership,
    EscortProfilePage,
    Language,
    Service,
)


class ServiceViewSet(SnippetViewSet):
    model = Service
    icon = "tag"
    menu_label = _("Services")
    list_display = ["name", "category", "slug"]
    list_filter = ["category"]
    search_fields = ["name", "slug"]
    ordering = ["category", "name"]
    copy_view_enabled = False


class LanguageViewSet(SnippetViewSet):
    model = Language
    icon = "globe"
    menu_label = _("Languages")
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]
    copy_view_enabled = False
    panels = [FieldPanel("code"), FieldPanel("name")]


class AgencyViewSet(ModelViewSet):
    model = Agency
    name = "agencies"
    url_prefix = "directory/agencies"
    icon = "group"
    menu_label = _("Agencies")
    list_display = ["name", "slug", "status", "country", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    copy_view_enabled = False
    inspect_view_enabled = True
    # The status changes only through the audited decision (AgencyDecisionView).
    form_fields = ["name", "slug", "description", "registration_number", "country"]


class MemberEmailField(forms.ModelChoiceField):
    """The member is typed by email: a select of every user would not scale."""

    widget = forms.EmailInput

    def to_python(self, value: str | None) -> User | None:
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(email__iexact=str(value).strip())
        except User.DoesNotExist as exc:
            raise ValidationError(
                _("No user has this email address."), code="invalid_choice"
            ) from exc


class AgencyMembershipForm(WagtailAdminModelForm):
    user = MemberEmailField(queryset=User.objects.all(), label=_("User email"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.user_id:
            self.initial["user"] = self.instance.user.email


class AgencyMembershipViewSet(ModelViewSet):
    model = AgencyMembership
    name = "agency-memberships"
    url_prefix = "directory/agency-memberships"
    icon = "user"
    menu_label = _("Agency members")
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["agency", "role"]
    search_fields = ["user__email", "agency__name"]
    ordering = ["agency__name", "user__email"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("agency"), FieldPanel("user"), FieldPanel("role")],
        base_form_class=AgencyMembershipForm,
    )

    def get_index_view_kwargs(self, **kwargs) -> dict:
        # Each row shows its user and agency: join them once for the page.
        queryset = AgencyMembership.objects.select_related("user", "agency")
        return super().get_index_view_kwargs(queryset=queryset, **kwargs)


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (ServiceViewSet, LanguageViewSet, AgencyViewSet, AgencyMembershipViewSet)


register_snippet(DirectoryViewSetGroup)


class ProfilesAwaitingReviewMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return user_may_review_profiles(request.user)


@hooks.register("register_admin_urls")
def register_review_urls() -> list:
    urls = [
        path("", ProfilesAwaitingReviewView.as_view(), name="index"),
        path(
            "results/",
            ProfilesAwaitingReviewView.as_view(results_only=True),
            name="results",
        ),
    ]
    vip = [path("<int:profile_id>/", profile_vip_edit, name="edit")]
    return [
        path(
            "directory/review/",
            include((urls, "directory_review"), namespace="directory_review"),
        ),
        path(
            "directory/vip/",
            include((vip, "directory_vip"), namespace="directory_vip"),
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_review_menu_item() -> MenuItem:
    return ProfilesAwaitingReviewMenuItem(
        _("Profiles awaiting review"),
        reverse("directory_review:index"),
        name="profiles-awaiting-review",
        icon_name="tasks",
        order=150,
    )


class AgencyDecisionMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        # The profile reviewers are the moderators; this answer is remembered
        # for the request, so the menu costs no query of its own. The view and
        # the service check user_is_moderator themselves.
        return user_may_review_profiles(request.user)


@hooks.register("register_admin_urls")
def register_agency_decision_urls() -> list:
    urls = [
        path("", AgencyDecisionView.as_view(), name="index"),
        path("<int:agency_id>/", AgencyDecisionView.as_view(), name="decide"),
    ]
    return [
        path(
            "directory/agency-decisions/",
            include((urls, "directory_agency_decisions")),
        )
    ]


@hooks.register("register_page_header_buttons")
def profile_vip_button(
    page,
    user,
    view_name: str,
    next_url: str | None = None,  # noqa: ANN001
) -> list[PageMenuItem]:
    """ "VIP badge" in a profile's header menu, for moderators."""
    if page.specific_class is not EscortProfilePage or not user_is_moderator(user=user):
        return []
    return [
        PageMenuItem(
            _("VIP badge"),
            reverse("directory_vip:edit", args=[page.pk]),
            icon_name="pick",
            priority=62,
            page=page,
        )
    ]


@hooks.register("register_admin_menu_item")
def register_agency_decision_menu_item() -> MenuItem:
    return AgencyDecisionMenuItem(
        _("Agencies to verify"),
        reverse("directory_agency_decisions:index"),
        name="agencies-to-verify",
        icon_name="group",
        order=160,
    )


# The verification app's moderators' queue asks for the photos it may verify
# (docs/onboarding.md): ``hooks.get_hooks(VERIFICATION_PHOTOS_HOOK)`` with ``user=``.
VERIFICATION_PHOTOS_HOOK = "verification_profile_photos"


@hooks.register(VERIFICATION_PHOTOS_HOOK)
def verification_profile_photos(*, user: User) -> list[dict]:
    """The photos of the profiles ``user`` owns, as their latest revision has
    them (drafts included: moderators verify before publication), each with its
    image id, current file hash, a thumbnail URL and the caption."""
    from directory.selectors import profile_photos_to_verify

    return [
        {
            "image_id": photo.image_id,
            "file_hash": photo.image.file_hash,
            "thumbnail_url": photo.image.get_rendition(PROFILE_THUMBNAIL).url,
            "caption": photo.caption,
        }
        for photo in profile_photos_to_verify(user=user)
    ]
