"""The search index follows what may be shown: publish, unpublish, owner changes,
tours; it never holds a draft value or a hidden profile."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from search.indexer import hourly_eur_cents, search_document_refresh
from search.models import ProfileSearchDocument
from search.tasks import refresh_touring
from tests.factories.pages import (
    EscortOwnerFactory,
    add_rate,
    add_tour,
    language,
    make_city,
    make_profile,
    service,
)

pytestmark = pytest.mark.django_db


def live_city(title: str, **fields):  # noqa: ANN003, ANN201
    city = make_city(title, live=False, **fields)
    city.save_revision().publish()
    return city


def publish(profile) -> None:  # noqa: ANN001
    profile.get_latest_revision().publish()
    profile.refresh_from_db()


@pytest.fixture
def zurich():
    return live_city(
        "Zürich", country="Switzerland", country_code="CH", time_zone="Europe/Zurich"
    )


@pytest.fixture
def profile(zurich, django_capture_on_commit_callbacks):
    page = make_profile(
        "Zoë Brunner",
        city=zurich,
        live=False,
        tagline="Opera nights",
        bio="<p>Fluent in <b>Italian</b>.</p>",
        is_vip=True,
    )
    add_rate(page, duration_minutes=120, amount_minor=60000, currency="CHF")
    add_rate(page, duration_minutes=60, amount_minor=40000, currency="CHF")
    page.services = [service("Dinner date")]
    page.languages = [language("it", "Italian")]
    page.save()
    # The revision carries the inlines: publish one made after they were added.
    page = type(page).objects.get(pk=page.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    page.refresh_from_db()
    return page


def matches(profile_id: int, text: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document @@ websearch_to_tsquery('simple', unaccent(%s)) "
            "FROM search_profilesearchdocument WHERE profile_id = %s",
            [text, profile_id],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_publishing_indexes_the_live_values(profile, zurich):
    doc = ProfileSearchDocument.objects.get(profile=profile)
    assert doc.city_id == zurich.pk and doc.is_vip
    # 600 CHF / 2 h = 300 CHF/h; 400 CHF / 1 h: min 300, max 400, in EUR cents.
    assert doc.min_hourly_eur == hourly_eur_cents(30000, "CHF", 60)
    assert doc.max_hourly_eur == hourly_eur_cents(40000, "CHF", 60)
    assert doc.service_ids == [profile.services.get().pk]
    assert doc.language_codes == ["it"]
    assert doc.published_at is not None
    assert matches(profile.pk, "zoe")  # unaccented name
    assert matches(profile.pk, "opera")  # tagline
    assert matches(profile.pk, "italian")  # bio text without markup
    assert matches(profile.pk, "zurich")  # city
    assert not matches(profile.pk, "<b>")


def test_unpublishing_removes_the_row(profile, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile.unpublish()
    assert not ProfileSearchDocument.objects.filter(profile=profile).exists()


@pytest.mark.parametrize(
    "change", [{"is_suspended": True}, {"is_age_verified": False}, {"is_active": False}]
)
def test_owner_losing_eligibility_removes_the_row(
    profile, change, django_capture_on_commit_callbacks
):
    owner = profile.owner
    for field, value in change.items():
        setattr(owner, field, value)
    with django_capture_on_commit_callbacks(execute=True):
        owner.save()
    assert not ProfileSearchDocument.objects.filter(profile=profile).exists()


def test_a_draft_edit_does_not_reach_the_index_until_published(
    profile, django_capture_on_commit_callbacks
):
    profile.tagline = "Secret draft words"
    with django_capture_on_commit_callbacks(execute=True):
        revision = profile.save_revision()
    assert not matches(profile.pk, "secret")
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert matches(profile.pk, "secret")


def test_draft_only_profile_is_never_indexed(zurich):
    page = make_profile("Never Live", city=zurich, live=False)
    assert search_document_refresh(profile_id=page.pk) is None
    assert not ProfileSearchDocument.objects.filter(profile=page).exists()


def test_touring_refresh_moves_profiles_in_and_out(profile, zurich):
    geneva = live_city(
        "Geneva", country="Switzerland", country_code="CH", time_zone="Europe/Zurich"
    )
    today = timezone.localdate()
    add_tour(
        profile, city=geneva, starts_on=today, ends_on=today + dt.timedelta(days=3)
    )
    add_tour(profile, city=zurich, starts_on=today, ends_on=today, is_private=True)
    assert refresh_touring.delay().get() == 1
    assert ProfileSearchDocument.objects.get(profile=profile).touring_city_ids == [
        geneva.pk
    ]


def test_rebuild_command_drops_stale_rows_and_reports(profile, zurich):
    hidden = make_profile("Hidden", city=zurich, owner=EscortOwnerFactory(), live=False)
    ProfileSearchDocument.objects.create(
        profile=hidden,
        city=zurich,
        latitude=0,
        longitude=0,
        display_name="Hidden",
        published_at=timezone.now(),
    )
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert set(ProfileSearchDocument.objects.values_list("profile_id", flat=True)) == {
        profile.pk
    }
    assert "1 profiles searchable" in out.getvalue()
    assert "[##" in out.getvalue()
