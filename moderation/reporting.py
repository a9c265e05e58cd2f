"""Reporting from the site and the API (docs/reporting.md): a profile, one of
its photos, a review or a user, by signed-in users, and a profile by anonymous
visitors too. Each kind resolves its target through the one rule of what the
reporter may see (anything else is 404), builds a minimal evidence snapshot and
names the user it concerns; ``report_create`` does the rest (due time,
duplicates).

Moderation sits below reviews, messaging and bookings and imports none of
them: reviews resolves its own kind through ``REPORT_TARGET_HOOK``, and
messaging and bookings say whether two users have been in contact through
``USER_CONTACT_HOOK``. Messages are reported from the conversation, through
``messaging.services.thread_report``."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import SimpleRateThrottle
from wagtail import hooks

from accounts.models import User
from core.exceptions import ApplicationError, NotFound, ValidationFailed
from core.ids import MAX_ID, MAX_PAGE_ID
from directory.models import EscortProfilePage, ProfilePhoto
from directory.selectors import provider_side_q
from moderation.models import Report, ReportCategory
from moderation.services import report_create

# Apps above moderation answer for kinds of their own: a function
# ``(*, kind: str, user: User, target_id: int) -> ReportTarget | None`` returns
# the target ``user`` may report (None: not my kind), or raises NotFound.
REPORT_TARGET_HOOK = "moderation_report_target"
# ``(*, user: User, other_id: int) -> bool``: have these two been in contact
# (a conversation, a booking)? Only then may one report the other.
USER_CONTACT_HOOK = "moderation_user_contact"


class TargetKind(models.TextChoices):
    PROFILE = "profile", _("profile")
    PHOTO = "photo", _("photo")
    REVIEW = "review", _("review")
    USER = "user", _("user")


C = ReportCategory
# What each kind may be reported for, most serious first.
CATEGORIES: dict[str, tuple[ReportCategory, ...]] = {
    TargetKind.PROFILE: (
        C.UNDERAGE,
        C.TRAFFICKING,
        C.IMPERSONATION,
        C.SCAM,
        C.EXPLICIT,
        C.SPAM,
        C.OTHER,
    ),
    TargetKind.PHOTO: (
        C.UNDERAGE,
        C.TRAFFICKING,
        C.IMPERSONATION,
        C.EXPLICIT,
        C.OTHER,
    ),
    TargetKind.REVIEW: (C.HARASSMENT, C.SCAM, C.SPAM, C.EXPLICIT, C.OTHER),
    TargetKind.USER: (
        C.UNDERAGE,
        C.TRAFFICKING,
        C.HARASSMENT,
        C.SCAM,
        C.IMPERSONATION,
        C.SPAM,
        C.OTHER,
    ),
    # Reported inside the conversation (messaging.views.message_report_page).
    "message": (
        C.UNDERAGE,
        C.TRAFFICKING,
        C.HARASSMENT,
        C.SCAM,
        C.EXPLICIT,
        C.SPAM,
        C.OTHER,
    ),
}
# The kinds a visitor who is not signed in may report.
ANONYMOUS_KINDS = (TargetKind.PROFILE,)

# What /me/reports calls each target, by the model's name.
KIND_OF_MODEL = {
    "escortprofilepage": TargetKind.PROFILE.value,
    "profilephoto": TargetKind.PHOTO.value,
    "review": TargetKind.REVIEW.value,
    "user": TargetKind.USER.value,
    "message": "message",
    "safetymessage": "safety",
}


@dataclass(frozen=True)
class ReportTarget:
    """What a report is about, as the reporter may see it: ``label`` names it
    on the form ("the profile of Clara"), ``url`` leads back to it."""

    kind: str
    obj: models.Model
    subject_user: User | None
    evidence: dict[str, Any] = field(repr=False)
    label: str
    url: str = ""


class SignInToReport(ApplicationError):
    status_code = 401
    code = "not_authenticated"


class AnonymousReportThrottle(SimpleRateThrottle):
    """Anonymous reports per client address (``THROTTLE_REPORTS_ANON``). The
    address is DRF's ``get_ident``: X-Forwarded-For counts only past the
    proxies we run (NUM_PROXIES = TRUSTED_PROXY_COUNT), so rotating the header
    does not escape it. The page uses it too, on the plain Django request."""

    scope = "reports_anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


def categories_for(kind: str) -> tuple[ReportCategory, ...]:
    return CATEGORIES.get(kind, ())


def anonymous_dedupe_key(*, session_key: str, today: str | None = None) -> str:
    """A visitor's repeat is recognised by their session, never stored as is:
    an HMAC under SECRET_KEY of the session key salted with the day, so the
    keys of one session cannot be linked across days."""
    salt = today or timezone.now().date().isoformat()
    message = f"report:{salt}:{session_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


# --- Resolving what may be reported -----------------------------------------------


def report_target_get(*, kind: str, target_id: int, user: Any) -> ReportTarget:
    """The target of ``kind`` and id that ``user`` (maybe anonymous) may
    report; NotFound for anything they cannot see, SignInToReport for a kind
    visitors may not report."""
    if kind not in TargetKind.values:
        raise ValidationFailed(fields={"target_type": ["Choose a listed type."]})
    if not user.is_authenticated and kind not in ANONYMOUS_KINDS:
        raise SignInToReport("Sign in to report this.")
    resolver = _RESOLVERS.get(kind)
    if resolver is not None:
        return resolver(user, target_id)
    for hook in hooks.get_hooks(REPORT_TARGET_HOOK):
        target = hook(kind=kind, user=user, target_id=target_id)
        if target is not None:
            return target
    raise NotFound("Not found.")


def _profile(user: Any, target_id: int) -> ReportTarget:
    profile = _reportable_profiles(user).filter(pk=_page_id(target_id)).first()
    if profile is None:
        raise NotFound("Profile not found.")
    return ReportTarget(
        kind=TargetKind.PROFILE,
        obj=profile,
        subject_user=profile.owner,
        evidence={
            "kind": "profile",
            "profile_id": profile.pk,
            "title": profile.title,
            "url_path": profile.url_path,
            "live_revision_id": profile.live_revision_id,
            "tagline": profile.tagline,
        },
        label=str(_("the profile of %(name)s") % {"name": profile.title}),
        url=profile.url or "",
    )


def _photo(user: Any, target_id: int) -> ReportTarget:
    photo = (
        ProfilePhoto.objects.filter(
            pk=_id(target_id), page__in=_reportable_profiles(user)
        )
        .select_related("image", "page", "page__owner")
        .first()
    )
    if photo is None:
        raise NotFound("Photo not found.")
    return ReportTarget(
        kind=TargetKind.PHOTO,
        obj=photo,
        subject_user=photo.page.owner,
        evidence={
            "kind": "photo",
            "photo_id": photo.pk,
            "profile_id": photo.page_id,
            "image_id": photo.image_id,
            "file_hash": photo.image.file_hash,
            "caption": photo.caption,
        },
        label=str(_("a photo of %(name)s") % {"name": photo.page.title}),
        url=photo.page.url or "",
    )


def _user(user: Any, target_id: int) -> ReportTarget:
    other_id = _id(target_id)
    other = None
    if other_id != user.pk and _in_contact(user, other_id):
        other = User.objects.filter(pk=other_id, is_active=True).first()
    if other is None:
        raise NotFound("User not found.")
    return ReportTarget(
        kind=TargetKind.USER,
        obj=other,
        subject_user=other,
        evidence={"kind": "user", "user_id": other.pk, "role": other.role},
        label=other.get_short_name(),
    )


def _in_contact(user: User, other_id: int) -> bool:
    return any(
        hook(user=user, other_id=other_id)
        for hook in hooks.get_hooks(USER_CONTACT_HOOK)
    )


_RESOLVERS: dict[str, Callable[[Any, int], ReportTarget]] = {
    TargetKind.PROFILE: _profile,
    TargetKind.PHOTO: _photo,
    TargetKind.USER: _user,
}


def _reportable_profiles(user: Any) -> models.QuerySet[EscortProfilePage]:
    """The one rule for profiles (and their photos): shown to the public, or
    the reporter is on its provider side (a member reporting a stolen photo on
    a profile in review)."""
    visible = models.Q(pk__in=EscortProfilePage.objects.showable().values("pk"))
    if user.is_authenticated:
        visible |= provider_side_q(user=user)
    return EscortProfilePage.objects.filter(visible).select_related("owner")


def _page_id(target_id: int) -> int:
    return target_id if 0 < target_id <= MAX_PAGE_ID else 0


def _id(target_id: int) -> int:
    return target_id if 0 < target_id <= MAX_ID else 0


# --- Filing ---------------------------------------------------------------------


def report_file(
    *,
    target: ReportTarget,
    reporter: Any,
    category: str,
    details: str,
    session_key: str = "",
) -> tuple[Report, bool]:
    """File a report about a resolved ``target``. A signed-in reporter's repeat
    answers with their first report; an anonymous visitor's repeat within a
    session (and a day) answers with the first one of that session."""
    if category not in categories_for(target.kind):
        raise ValidationFailed(fields={"category": ["Choose a listed reason."]})
    if reporter.is_authenticated:
        key = {"reporter": reporter}
    else:
        if target.kind not in ANONYMOUS_KINDS:
            raise SignInToReport("Sign in to report this.")
        if not session_key:
            raise ValueError("An anonymous report needs the visitor's session.")
        key = {
            "reporter": None,
            "dedupe_key": anonymous_dedupe_key(session_key=session_key),
        }
    return report_create(
        **key,
        category=category,
        details=details,
        target=target.obj,
        evidence=target.evidence,
        subject_user=target.subject_user,
    )


def report_existing(*, target: ReportTarget, reporter: Any) -> Report | None:
    """A signed-in reporter's earlier report of the same thing, for the form
    ("You already reported this on ...")."""
    if not reporter.is_authenticated:
        return None
    return Report.objects.filter(
        reporter=reporter,
        target_content_type__app_label=target.obj._meta.app_label,
        target_content_type__model=target.obj._meta.model_name,
        target_id=target.obj.pk,
    ).first()
