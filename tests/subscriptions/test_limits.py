"""Plan limits on every path a provider (or a moderator for them) can exceed
them: the owner API, the dashboard editor, the admin VIP action, and the
featured band of city pages. The refusal names the plan that allows more."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from directory.models import EscortProfilePage
from directory.plan_limits import PlanLimitExceeded
from directory.services import (
    PhotoInput,
    ProfileEdit,
    RateInput,
    TourInput,
    profile_save_and_submit,
)
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    EscortOwnerFactory,
    add_photo,
    add_rate,
    add_tour,
    jpeg_bytes,
    make_city,
    make_profile,
)
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_city("Vienna", slug="vienna-plans")


@pytest.fixture
def profile(city):
    return make_profile(
        "Helena", city=city, owner=EscortOwnerFactory(second_factor=True)
    )


@pytest.fixture
def moderator():
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def payload(city, *, photos=(), tours=()) -> dict:
    return {
        "display_name": "Helena",
        "age": 30,
        "home_city": city.pk,
        "tagline": "Museums and dinners",
        "bio": "<p>Calm company.</p>",
        "languages": [],
        "services": [],
        "rates": [
            {
                "duration_minutes": 60,
                "kind": "incall",
                "amount_minor": 30000,
                "currency": "EUR",
            }
        ],
        "tours": list(tours),
        "photos": [
            {"image": i, "caption": "", "is_primary": n == 0}
            for n, i in enumerate(photos)
        ],
    }


def tour(city, days_from_now: int, length: int = 3) -> dict:
    start = timezone.localdate() + dt.timedelta(days=days_from_now)
    return {
        "city": city.pk,
        "starts_on": start.isoformat(),
        "ends_on": (start + dt.timedelta(days=length)).isoformat(),
        "is_private": False,
    }


def test_api_refuses_more_photos_than_the_plan_and_names_the_plan_that_allows_them(
    api_client, city, profile
):
    owner = profile.owner
    images = [CustomImageFactory(uploaded_by_user=owner).pk for _ in range(6)]
    api_client.force_authenticate(owner)

    response = api_client.put(
        "/api/v1/me/profile", payload(city, photos=images), format="json"
    )

    error = assert_error_shape(response, 400, "plan_limit")
    assert error["fields"]["photos"] == [
        "Your Free plan allows 5 photos. The Premium plan allows 6."
    ]
    draft = EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()
    assert draft.photos.count() == 0  # nothing saved

    give_plan(owner, "premium")
    ok = api_client.put(
        "/api/v1/me/profile", payload(city, photos=images), format="json"
    )
    assert ok.status_code == 200, ok.content[:300]
    assert len(ok.json()["photos"]) == 6


def test_api_refuses_active_tours_over_the_plan_finished_ones_do_not_count(
    api_client, city, profile
):
    other = make_city("Prague", slug="prague-plans")
    api_client.force_authenticate(profile.owner)
    two = [tour(other, 5), tour(other, 20)]

    response = api_client.put(
        "/api/v1/me/profile", payload(city, tours=two), format="json"
    )

    error = assert_error_shape(response, 400, "plan_limit")
    assert error["fields"]["tours"] == [
        "Your Free plan allows 1 active tours. The Premium plan allows 2."
    ]
    # One coming tour and one that has ended: within Free.
    ended = tour(other, -10, length=2)
    ok = api_client.put(
        "/api/v1/me/profile",
        payload(city, tours=[tour(other, 5), ended]),
        format="json",
    )
    assert ok.status_code == 200, ok.content[:300]


def test_a_downgraded_profile_keeps_what_it_has_but_cannot_grow(city, profile):
    other = make_city("Prague", slug="prague-keep")
    for n in range(7):
        add_photo(profile, is_primary=n == 0)
    add_tour(
        profile,
        city=other,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=3),
    )
    add_tour(
        profile,
        city=other,
        starts_on=timezone.localdate() + dt.timedelta(days=9),
        ends_on=timezone.localdate() + dt.timedelta(days=12),
    )

    page = EscortProfilePage.objects.get(pk=profile.pk)
    page.save_revision(user=profile.owner).publish()
    page = EscortProfilePage.objects.get(pk=profile.pk)
    photos = [
        PhotoInput(image_id=p.image_id, is_primary=n == 0)
        for n, p in enumerate(page.photos.all())
    ]
    tours = [
        TourInput(city_id=t.city_id, starts_on=t.starts_on, ends_on=t.ends_on)
        for t in page.tours.all()
    ]
    edit = ProfileEdit(
        display_name="Helena",
        age=30,
        home_city_id=city.pk,
        tagline="New",
        bio="",
        rates=[
            RateInput(
                duration_minutes=60, kind="incall", amount_minor=30000, currency="EUR"
            )
        ],
        tours=tours,
        photos=photos,
    )
    profile_save_and_submit(
        actor=profile.owner, edit=edit, profile=page
    )  # same counts: fine

    extra = PhotoInput(image_id=CustomImageFactory(uploaded_by_user=profile.owner).pk)
    with pytest.raises(PlanLimitExceeded):
        profile_save_and_submit(
            actor=profile.owner,
            edit=replace(edit, photos=[*photos, extra]),
            profile=page,
        )
    with pytest.raises(PlanLimitExceeded):
        profile_save_and_submit(
            actor=profile.owner,
            edit=replace(
                edit,
                tours=[
                    *tours,
                    TourInput(
                        city_id=other.pk,
                        starts_on=timezone.localdate(),
                        ends_on=timezone.localdate(),
                    ),
                ],
            ),
            profile=page,
        )


def test_dashboard_editor_shows_the_limit_as_a_form_error(client, city, profile):
    for n in range(5):
        add_photo(profile, caption=f"P{n}", is_primary=n == 0)
    add_rate(profile)
    page = EscortProfilePage.objects.get(pk=profile.pk)
    page.save_revision(user=profile.owner).publish()
    ids = [
        p.image_id
        for p in EscortProfilePage.objects.get(pk=profile.pk).photos.order_by(
            "sort_order"
        )
    ]
    client.force_login(profile.owner)
    data = {
        "display_name": "Helena",
        "age": "30",
        "home_city": str(city.pk),
        "tagline": "Museums",
        "bio": "Calm company.",
        "contact_preference": "messages_bookings",
        "keep_photos": [str(i) for i in ids],
        "primary_photo": str(ids[0]),
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "1",
        "rates-0-duration_minutes": "60",
        "rates-0-kind": "incall",
        "rates-0-amount": "300.00",
        "rates-0-currency": "EUR",
        "tours-TOTAL_FORMS": "0",
        "tours-INITIAL_FORMS": "0",
        "new_photo": SimpleUploadedFile("six.jpg", jpeg_bytes(), "image/jpeg"),
        "new_photo_caption": "Sixth",
    }
    for position, image_id in enumerate(ids, start=1):
        data[f"position_{image_id}"] = str(position)

    response = client.post("/dashboard/profile/", data)

    assert response.status_code == 400  # a refused form is a 400 (views.py)
    assert (
        "Your Free plan allows 5 photos. The Premium plan allows 6."
        in response.content.decode()
    )
    draft = EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()
    assert draft.photos.count() == 5


def test_admin_vip_action_refuses_an_owner_without_the_badge(
    client, profile, moderator, admin_login
):
    admin_login(client, moderator)
    url = f"/cms/directory/vip/{profile.pk}/"

    refused = client.post(url, {"is_vip": "on", "reason": "Outstanding reviews"})

    assert refused.status_code == 200
    assert (
        "plan has no VIP badge. The Premium plan allows it." in refused.content.decode()
    )
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_vip
    give_plan(profile.owner, "premium")
    saved = client.post(url, {"is_vip": "on", "reason": "Outstanding reviews"})
    assert saved.status_code == 302
    assert EscortProfilePage.objects.get(pk=profile.pk).is_vip


def test_only_owners_with_featured_placement_are_in_the_city_band(client, city):
    free_vip = make_profile("Freya", city=city, is_vip=True)
    elite_vip = make_profile("Elise", city=city, is_vip=True)
    premium_vip = make_profile("Petra", city=city, is_vip=True)
    give_plan(elite_vip.owner, "elite")
    give_plan(premium_vip.owner, "premium")

    html = client.get(city.url).content.decode()

    band = html[
        html.index('id="vip-heading"') : html.index(
            "</section>", html.index('id="vip-heading"')
        )
    ]
    assert "Elise" in band
    assert "Freya" not in band and "Petra" not in band
    assert html.index("Elise") < html.index("Freya")
    assert free_vip.pk and premium_vip.pk


@pytest.fixture
def badge_signals():
    """Profile ids whose badges changed (search re-indexes each)."""
    from directory.signals import profile_badges_changed

    sent: list[int] = []

    def receiver(sender, profile_id, **kwargs):  # noqa: ANN001, ANN202
        sent.append(profile_id)

    profile_badges_changed.connect(receiver, weak=False)
    yield sent
    profile_badges_changed.disconnect(receiver)


def test_vip_badge_follows_the_plan_down_and_not_back_up(
    city, profile, moderator, badge_signals
):
    """Grace running out (to Free) clears the owner's VIP badges, audited
    without an actor and re-indexed; a later upgrade does not restore it."""
    from audit.models import AuditEntry
    from subscriptions.models import Subscription
    from subscriptions.services import subscription_grace_expire

    other = make_profile("Hanna", city=city, owner=profile.owner, is_vip=True)
    someone_else = make_profile("Ines", city=city, is_vip=True)
    sub = give_plan(profile.owner, "premium")
    EscortProfilePage.objects.filter(pk=profile.pk).update(is_vip=True)
    now = timezone.now()
    Subscription.objects.filter(pk=sub.pk).update(
        status=Subscription.Status.PAST_DUE, grace_until=now - dt.timedelta(hours=1)
    )

    assert subscription_grace_expire(subscription_id=sub.pk, now=now)

    vip = dict(EscortProfilePage.objects.values_list("pk", "is_vip"))
    assert (vip[profile.pk], vip[other.pk], vip[someone_else.pk]) == (
        False,
        False,
        True,
    )
    assert sorted(badge_signals) == sorted([profile.pk, other.pk])
    entries = AuditEntry.objects.filter(action="profile.badge_changed")
    assert sorted(e.target_id for e in entries) == sorted([profile.pk, other.pk])
    assert {(e.actor_id, e.data["value"]) for e in entries} == {(None, False)}
    assert "Free plan has no VIP badge" in entries[0].reason

    give_plan(profile.owner, "elite")  # an upgrade: a moderator grants VIP again
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_vip


def test_a_downgrade_at_the_period_end_to_a_plan_without_vip_clears_it(
    profile, moderator
):
    """The renewal bills the pending cheaper plan (recorded offline here): as
    it takes effect the badge goes; a downgrade still waiting keeps it."""
    from subscriptions.models import Plan, Subscription
    from subscriptions.services import renew_due, subscription_record_manual

    basic = Plan.objects.create(
        name="Basic", slug="basic", price_minor=900, currency="EUR", vip_badge=False
    )
    sub = give_plan(profile.owner, "premium")
    Subscription.objects.filter(pk=sub.pk).update(pending_plan=basic)
    EscortProfilePage.objects.filter(pk=profile.pk).update(is_vip=True)
    end = Subscription.objects.get(pk=sub.pk).current_period_end
    assert EscortProfilePage.objects.get(pk=profile.pk).is_vip  # not yet

    renew_due(now=end)  # no card on file: the renewal waits in grace
    assert EscortProfilePage.objects.get(pk=profile.pk).is_vip
    subscription_record_manual(
        user=profile.owner, plan=basic, actor=moderator, note="Bank transfer"
    )

    sub.refresh_from_db()
    assert (sub.plan.slug, sub.status) == ("basic", "active")
    assert not EscortProfilePage.objects.get(pk=profile.pk).is_vip
