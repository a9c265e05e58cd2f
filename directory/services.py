"""Writes of the directory. Owners never publish: every edit becomes a revision that
is submitted to the "Profile review" workflow (docs/architecture.md, invariant 1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Revision, WorkflowState

from accounts.models import Role, User
from accounts.selectors import user_has_second_factor, user_is_moderator
from cms_pages.models import CustomImage
from core.exceptions import (
    NotFound,
    PermissionDenied,
    SecondFactorRequired,
    ValidationFailed,
)
from core.ids import MAX_PAGE_ID
from directory import plan_limits
from directory.events import badge_changed_event
from directory.models import (
    BIO_TAGS,
    MAX_PHOTOS,
    AgencyEscort,
    CityPage,
    EscortProfilePage,
    Favourite,
    Language,
    ProfileIndexPage,
    ProfilePhoto,
    ProfileRate,
    ProfileTour,
    Service,
)
from directory.profile_checks import plain_text, profile_flagged, profile_text_check
from directory.signals import profile_badges_changed


@dataclass(frozen=True)
class RateInput:
    duration_minutes: int
    kind: str
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class TourInput:
    city_id: int
    starts_on: dt.date
    ends_on: dt.date
    is_private: bool = False


@dataclass(frozen=True)
class PhotoInput:
    image_id: int
    caption: str = ""
    is_primary: bool = False


@dataclass(frozen=True)
class ProfileEdit:
    """Everything an owner may change. Field-level validation (lengths, ranges,
    choices) happened in the serializer or form; here go the cross-object checks."""

    display_name: str
    age: int
    home_city_id: int
    tagline: str = ""
    bio: str = ""
    contact_preference: str = EscortProfilePage.ContactPreference.MESSAGES_AND_BOOKINGS
    language_codes: list[str] = field(default_factory=list)
    service_slugs: list[str] = field(default_factory=list)
    rates: list[RateInput] = field(default_factory=list)
    tours: list[TourInput] = field(default_factory=list)
    photos: list[PhotoInput] = field(default_factory=list)


def sanitize_bio(html: str) -> str:
    """Keep simple formatting only; scripts, styles, attributes and links go."""
    return nh3.clean(html, tags=set(BIO_TAGS), attributes={}, link_rel=None).strip()


@transaction.atomic
def profile_save_and_submit(
    *, actor: User, edit: ProfileEdit, profile: EscortProfilePage | None = None
) -> Revision:
    """Save the owner's edit as a new revision and put it in review. The live page
    is untouched until a moderator approves. A pending review gets the new revision
    (no second workflow); a "changes requested" one resumes.

    The text is checked first (directory.profile_checks): contact details,
    banned or explicit wording refuse the edit with field errors, before
    anything is saved; softer flags go to the moderators as a report."""
    flags = profile_text_check(
        fields={
            "display_name": edit.display_name,
            "tagline": edit.tagline,
            "bio": plain_text(sanitize_bio(edit.bio)),
        }
    )
    if profile is None:
        profile = _profile_create(actor=actor, edit=edit)
    elif profile.owner_id != actor.pk and not user_has_second_factor(user=actor):
        # Agency staff submit for escorts they list: like a provider's first
        # profile, that needs a second factor on their account (docs/joining.md).
        raise SecondFactorRequired()
    # Row lock: two submits of the same profile serialise here instead of racing
    # to start two workflows.
    page = EscortProfilePage.objects.select_for_update().get(pk=profile.pk)
    draft = page.get_latest_revision_as_object()
    _apply(draft=draft, edit=edit, actor=actor)
    revision = draft.save_revision(user=actor, log_action=True)
    _submit(page=page, revision=revision, actor=actor)
    profile_flagged(profile=page, revision=revision, actor=actor, flags=flags)
    return revision


def _profile_create(*, actor: User, edit: ProfileEdit) -> EscortProfilePage:
    if actor.role != Role.ESCORT:
        raise PermissionDenied("Only provider accounts can create a profile.")
    # A first profile needs a second factor on the account (docs/joining.md); from
    # then on the account cannot drop its last one (accounts.second_factor).
    if not user_has_second_factor(user=actor):
        raise SecondFactorRequired()
    # Lock the owner's row: two simultaneous first submissions must not create two
    # profiles (Page.owner cannot carry a unique constraint from this table).
    User.objects.select_for_update().filter(pk=actor.pk).get()
    if EscortProfilePage.objects.filter(owner=actor).exists():
        raise ValidationFailed("You already have a profile.")
    city = _live_city(edit.home_city_id, field_name="home_city")
    index = ProfileIndexPage.objects.get()
    base = slugify(edit.display_name)[:40] or "profile"
    # An escort who consented to an agency's listing is listed with the new
    # profile too (docs/agencies.md); leaving the agency clears it again.
    link = AgencyEscort.objects.filter(
        escort=actor, status=AgencyEscort.Status.ACTIVE
    ).first()
    page = EscortProfilePage(
        title=edit.display_name,
        slug=f"{base}-{actor.pk}",
        age=edit.age,
        home_city=city,
        owner=actor,
        agency_id=link.agency_id if link else None,
        live=False,
    )
    index.add_child(instance=page)
    return page


def _apply(*, draft: EscortProfilePage, edit: ProfileEdit, actor: User) -> None:
    draft.title = edit.display_name.strip()
    draft.draft_title = draft.title
    draft.age = edit.age
    draft.home_city = _live_city(edit.home_city_id, field_name="home_city")
    draft.tagline = edit.tagline.strip()
    draft.bio = sanitize_bio(edit.bio)
    draft.contact_preference = edit.contact_preference
    draft.languages = _languages(edit.language_codes)
    draft.services = _services(edit.service_slugs)
    draft.rates = [ProfileRate(**vars(rate)) for rate in edit.rates]
    tours = [_tour(tour) for tour in edit.tours]
    _check_plan_limits(draft=draft, tours=tours, photo_count=len(edit.photos))
    draft.tours = tours
    draft.photos = _photos(draft=draft, photos=edit.photos, actor=actor)


def _check_plan_limits(
    *, draft: EscortProfilePage, tours: list[ProfileTour], photo_count: int
) -> None:
    """The owner's plan caps photos and active tours (directory.plan_limits).
    Only growth past the cap is refused: after a downgrade, a profile keeps
    what it had and can still be edited, but not extended."""
    if draft.owner_id is None:
        return
    today = timezone.localdate()
    active = plan_limits.active_tour_count(tours, today=today)
    if active > plan_limits.active_tour_count(draft.tours.all(), today=today):
        plan_limits.check_active_tours(owner=draft.owner, count=active)
    if photo_count > draft.photos.count():
        plan_limits.check_photos(owner=draft.owner, count=photo_count)


def _live_city(city_id: int, *, field_name: str) -> CityPage:
    city = CityPage.objects.live().filter(pk=city_id).first()
    if city is None:
        raise ValidationFailed(fields={field_name: ["Unknown city."]})
    return city


def _languages(codes: list[str]) -> list[Language]:
    found = list(Language.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {language.code for language in found})
    if unknown:
        raise ValidationFailed(
            fields={"languages": [f"Unknown: {', '.join(unknown)}."]}
        )
    return found


def _services(slugs: list[str]) -> list[Service]:
    found = list(Service.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {service.slug for service in found})
    if unknown:
        raise ValidationFailed(fields={"services": [f"Unknown: {', '.join(unknown)}."]})
    return found


def _tour(tour: TourInput) -> ProfileTour:
    if tour.ends_on < tour.starts_on:
        raise ValidationFailed(
            fields={"tours": ["A tour cannot end before it starts."]}
        )
    city = _live_city(tour.city_id, field_name="tours")
    return ProfileTour(
        city=city,
        starts_on=tour.starts_on,
        ends_on=tour.ends_on,
        is_private=tour.is_private,
    )


def _photos(
    *, draft: EscortProfilePage, photos: list[PhotoInput], actor: User
) -> list[ProfilePhoto]:
    if len(photos) > MAX_PHOTOS:
        raise ValidationFailed(fields={"photos": [f"At most {MAX_PHOTOS} photos."]})
    if sum(photo.is_primary for photo in photos) > 1:
        raise ValidationFailed(
            fields={"photos": ["Only one photo can be the primary."]}
        )
    # An owner may use images already on the profile, or ones they uploaded
    # themselves: never another user's upload.
    already = {photo.image_id for photo in draft.photos.all()}
    wanted = [photo.image_id for photo in photos]
    allowed = set(
        CustomImage.objects.filter(pk__in=wanted, uploaded_by_user=actor).values_list(
            "pk", flat=True
        )
    ) | (already & set(wanted))
    if missing := sorted(set(wanted) - allowed):
        raise ValidationFailed(fields={"photos": [f"Unknown image ids: {missing}."]})
    images = CustomImage.objects.in_bulk(wanted)
    return [
        ProfilePhoto(
            image=images[photo.image_id],
            caption=photo.caption.strip(),
            is_primary=photo.is_primary,
        )
        for photo in photos
    ]


def _submit(*, page: EscortProfilePage, revision: Revision, actor: User) -> None:
    state = page.current_workflow_state
    if state is None:
        page.get_workflow().start(page, actor)
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(actor)
    else:
        # Already in review: the moderator now reviews (and approving publishes)
        # the newest revision; no second workflow, no duplicate queue entry.
        task_state = state.current_task_state
        task_state.revision = revision
        task_state.save(update_fields=["revision"])


@transaction.atomic
def profile_set_moderation_flags(
    *, profile: EscortProfilePage, actor: User, is_vip: bool, reason: str = ""
) -> EscortProfilePage:
    """Moderator-owned fields are written on the row, never through a revision.
    Only VIP is left here: "Photos verified" follows the photos themselves
    (directory.photo_badges). Audited; search re-indexes the profile."""
    if not user_is_moderator(user=actor):
        raise PermissionDenied()
    locked = EscortProfilePage.objects.select_for_update().get(pk=profile.pk)
    if is_vip and not locked.is_vip:
        plan_limits.check_vip_badge(owner=locked.owner)
    if locked.is_vip != is_vip:
        EscortProfilePage.objects.filter(pk=locked.pk).update(is_vip=is_vip)
        badge_changed_event(
            actor=actor, profile=locked, badge="vip", value=is_vip, reason=reason
        )
        # Inside the transaction: search records its refresh with the change.
        profile_badges_changed.send(sender=EscortProfilePage, profile_id=locked.pk)
    profile.refresh_from_db()
    return profile


def profiles_vip_follow_plan(*, owner: User, reason: str) -> list[int]:
    """The owner's plan changed: when it no longer includes the VIP badge
    (``plan_limits``), the badge is cleared on each of their profiles, on the
    row like a moderator's change, audited without an actor (the platform)
    and re-indexed. An upgrade later does not set it back: a moderator grants
    VIP (``profile_set_moderation_flags``). Returns the cleared profiles' ids.
    Call inside the transaction that changed the plan."""
    answer = plan_limits.plan_answer(user=owner)
    if answer is None or answer.current.vip_badge:
        return []
    with transaction.atomic():
        profiles = list(
            EscortProfilePage.objects.select_for_update()
            .filter(owner=owner, is_vip=True)
            .order_by("pk")
        )
        if not profiles:
            return []
        EscortProfilePage.objects.filter(pk__in=[p.pk for p in profiles]).update(
            is_vip=False
        )
        for profile in profiles:
            badge_changed_event(
                actor=None, profile=profile, badge="vip", value=False, reason=reason
            )
            profile_badges_changed.send(sender=EscortProfilePage, profile_id=profile.pk)
    return [p.pk for p in profiles]


def profile_preview(
    *, actor: User, edit: ProfileEdit, profile: EscortProfilePage
) -> EscortProfilePage:
    """The owner's edit applied to the latest revision in memory, for the
    dashboard's preview: the same checks as a save (cities, languages, services,
    whose photos), and nothing written. ``profile`` comes from
    ``profile_editable_get`` (the caller's authorization)."""
    draft = profile.get_latest_revision_as_object()
    _apply(draft=draft, edit=edit, actor=actor)
    return draft


MAX_FAVOURITES = 500  # a shortlist, not a crawl of the directory


def favourite_add(*, client: User, profile_id: int) -> tuple[Favourite, bool]:
    """Save a showable profile to ``client``'s shortlist; ``created`` is False when
    it was saved already (idempotent). A draft, offline or unknown profile is "not
    found" whether or not it exists, so saving cannot probe for hidden profiles.
    Race-safe: the unique constraint decides, and get_or_create inserts in a
    savepoint and, when a concurrent request committed the same row first,
    reads that row instead of failing."""
    profile = (
        EscortProfilePage.objects.showable().filter(pk=profile_id).first()
        if 0 < profile_id <= MAX_PAGE_ID
        else None
    )
    if profile is None:
        raise NotFound("No live profile with this id.")
    existing = Favourite.objects.filter(client=client, profile=profile).first()
    if existing is not None:
        return existing, False
    if Favourite.objects.filter(client=client).count() >= MAX_FAVOURITES:
        raise ValidationFailed(
            fields={"profile": [f"You can save up to {MAX_FAVOURITES} profiles."]}
        )
    return Favourite.objects.get_or_create(
        client=client, profile=profile, defaults={"saved_name": profile.title}
    )


def favourite_remove(*, client: User, profile_id: int) -> Favourite:
    """Take a profile off ``client``'s shortlist, whether it is still live or
    not. Only one's own favourites: anything else is "not found"."""
    favourite = (
        Favourite.objects.filter(client=client, profile_id=profile_id).first()
        if 0 < profile_id <= MAX_PAGE_ID
        else None
    )
    if favourite is None:
        raise NotFound("This profile is not in your saved profiles.")
    # A concurrent removal may have deleted the row already: deleting by the
    # filter (not the instance) makes the second one a quiet no-op.
    Favourite.objects.filter(pk=favourite.pk).delete()
    return favourite
