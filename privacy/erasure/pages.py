"""The person's profile pages at the erasure. A page goes out of view first
(unpublished: Wagtail's signal, the sitemap and the search document follow),
then it is deleted with its revisions, photos and log. A page that bookings
point at cannot go (``Booking.profile`` is PROTECT, and the bookings are kept
for accounting): it stays as an empty stub, unpublished, named "Closed
profile", owned by nobody, with no revisions, photos, rates or text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, PageLogEntry, Revision, WorkflowState

from accounts.models import User
from bookings.models import Booking
from directory.models import EscortProfilePage, Favourite
from privacy.erasure.plan import ACCOUNTING
from reviews.models import Review
from search.indexer import search_documents_refresh

if TYPE_CHECKING:
    from privacy.erasure.erase import Tally

STUB_TITLE = "Closed profile"


def profiles_erase(*, user: User, tally: Tally) -> None:
    for profile in EscortProfilePage.objects.filter(owner=user).order_by("pk"):
        if profile.live:
            profile.unpublish(log_action=False)
        _log_delete(profile.pk, tally=tally)
        if Booking.objects.filter(profile=profile).exists():
            _stub(profile, tally=tally)
        else:
            tally.add({EscortProfilePage._meta.label: 1})
            profile.delete()
    search_documents_refresh(profile_ids=tally.stub_ids)


def _log_delete(page_id: int, *, tally: Tally) -> None:
    # Wagtail's log rows carry the page's title (the person's name) as label.
    tally.add(PageLogEntry.objects.filter(page_id=page_id).delete()[1])


def _stub(profile: EscortProfilePage, *, tally: Tally) -> None:
    tally.stub_ids.append(profile.pk)
    Booking.objects.filter(profile=profile).update(note="", meeting_place="")
    for related in (
        Favourite.objects.filter(profile=profile),
        Review.objects.filter(profile=profile),
        profile.photos.all(),
        profile.rates.all(),
        profile.tours.all(),
        EscortProfilePage.services.through.objects.filter(
            escortprofilepage_id=profile.pk
        ),
        EscortProfilePage.languages.through.objects.filter(
            escortprofilepage_id=profile.pk
        ),
    ):
        tally.add(related.delete()[1])
    _revisions_delete(profile, tally=tally)
    _stub_fields(profile)


def _revisions_delete(profile: EscortProfilePage, *, tally: Tally) -> None:
    # A revision holds the whole profile as JSON; workflow states point at them.
    base = {
        "base_content_type": ContentType.objects.get_for_model(Page),
        "object_id": str(profile.pk),
    }
    tally.add(WorkflowState.objects.filter(**base).delete()[1])
    tally.add(Revision.objects.filter(**base).delete()[1])


def _stub_fields(profile: EscortProfilePage) -> None:
    slug = f"closed-profile-{profile.pk}"
    EscortProfilePage.objects.filter(pk=profile.pk).update(
        title=STUB_TITLE,
        draft_title=STUB_TITLE,
        slug=slug,
        url_path=f"{profile.get_parent().url_path}{slug}/",
        seo_title="",
        search_description="",
        tagline="",
        bio="",
        owner=None,
        locked_by=None,
        agency=None,
        og_image=None,
        is_vip=False,
        live=False,
        has_unpublished_changes=False,
        latest_revision=None,
        live_revision=None,
        paused_at=profile.paused_at or timezone.now(),
    )


def stubs_kept(stub_ids: list[int]) -> list[dict]:
    count = Booking.objects.filter(profile_id__in=stub_ids).count()
    if not count:
        return []
    return [
        {
            "class": _("Bookings of your closed profiles"),
            "count": count,
            "why": str(ACCOUNTING.why),
            "until": str(ACCOUNTING.until),
        }
    ]
