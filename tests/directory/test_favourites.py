"""Favourites: the model's one-row rule, the services, /api/v1/me/favourites, the
heart on cards and profile pages, and the shortlist page. A user only ever sees
their own favourites; a profile that goes offline shows only the name it was
saved under."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import User
from core.exceptions import NotFound
from directory.models import Favourite
from directory.services import favourite_add, favourite_remove
from tests.assertions import assert_error_shape
from tests.factories import UserFactory
from tests.factories.bookings import client_account
from tests.factories.pages import (
    CustomImageFactory,
    add_photo,
    make_city,
    make_profile,
    publish,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/favourites"
SHORTLIST = "/dashboard/favourites/"
# A page of favourites: session, user, count, page, photos, renditions, saved ids.
SHORTLIST_QUERIES = 14
LIST_QUERIES = 10


@pytest.fixture
def berlin():
    return make_city("Berlin")


@pytest.fixture
def sofia(berlin):
    profile = make_profile("Sofia", city=berlin)
    add_photo(profile, is_primary=True, caption="Sofia in Berlin")
    return profile


@pytest.fixture
def customer():
    return client_account(email="max@example.test", display_name="Max")


@pytest.fixture
def api(customer) -> APIClient:
    client = APIClient()
    client.force_authenticate(customer)
    return client


@pytest.fixture
def browser(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


def hidden_profiles(city) -> dict:  # noqa: ANN001
    """One profile per reason a profile may not be shown."""
    draft = make_profile("Draft Dana", city=city, live=False)
    suspended = make_profile("Suspended Sara", city=city)
    unverified = make_profile("Unverified Una", city=city)
    unpublished = make_profile("Gone Gina", city=city)
    User.objects.filter(pk=suspended.owner_id).update(is_suspended=True)
    User.objects.filter(pk=unverified.owner_id).update(is_age_verified=False)
    unpublished.unpublish()
    return {
        "draft": draft,
        "suspended": suspended,
        "unverified": unverified,
        "unpublished": unpublished,
    }


# --- Model and services ---------------------------------------------------------


def test_the_database_holds_one_row_per_client_and_profile(customer, sofia):
    Favourite.objects.create(client=customer, profile=sofia, saved_name="Sofia")

    with pytest.raises(IntegrityError), transaction.atomic():
        Favourite.objects.create(client=customer, profile=sofia, saved_name="Sofia")


def test_adding_twice_is_idempotent(customer, sofia):
    first, created = favourite_add(client=customer, profile_id=sofia.pk)
    again, created_again = favourite_add(client=customer, profile_id=sofia.pk)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert first.saved_name == "Sofia"
    assert Favourite.objects.count() == 1


@pytest.mark.parametrize("reason", ["draft", "suspended", "unverified", "unpublished"])
def test_a_profile_that_may_not_be_shown_cannot_be_saved(customer, berlin, reason):
    profile = hidden_profiles(berlin)[reason]

    with pytest.raises(NotFound):
        favourite_add(client=customer, profile_id=profile.pk)
    assert not Favourite.objects.exists()


def test_removing_someone_elses_favourite_is_not_found(customer, sofia):
    other = client_account()
    favourite_add(client=other, profile_id=sofia.pk)

    with pytest.raises(NotFound):
        favourite_remove(client=customer, profile_id=sofia.pk)
    assert Favourite.objects.filter(client=other).count() == 1


# --- API --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", URL), ("post", URL), ("delete", f"{URL}/1")],
)
def test_the_api_is_for_signed_in_users_only(method, path):
    response = getattr(APIClient(), method)(path, {"profile": 1}, format="json")

    assert_error_shape(response, 401, "not_authenticated")


def test_post_saves_201_then_answers_200(api, sofia):
    created = api.post(URL, {"profile": sofia.pk}, format="json")
    again = api.post(URL, {"profile": sofia.pk}, format="json")

    assert created.status_code == 201, created.content
    assert again.status_code == 200
    body = created.json()
    assert body["id"] == sofia.pk
    assert body["name"] == "Sofia"
    assert body["is_live"] is True
    assert body["url"] == "http://testserver/escorts/sofia/"
    assert body["city"] == {"id": sofia.home_city_id, "name": "Berlin"}
    assert body["photo"].endswith(".webp")
    assert again.json()["id"] == sofia.pk
    assert Favourite.objects.count() == 1


def test_post_refuses_what_may_not_be_shown_like_what_does_not_exist(api, berlin):
    hidden = hidden_profiles(berlin)
    missing = api.post(URL, {"profile": 2_000_000}, format="json")
    expected = assert_error_shape(missing, 404, "not_found")

    for profile in hidden.values():
        response = api.post(URL, {"profile": profile.pk}, format="json")
        # The same answer, word for word: nothing tells a draft from nothing.
        assert assert_error_shape(response, 404, "not_found") == expected
    assert not Favourite.objects.exists()


@pytest.mark.parametrize("body", [{}, {"profile": "x"}, {"profile": 0}])
def test_post_validates_its_body(api, body):
    assert_error_shape(api.post(URL, body, format="json"), 400, "validation_error")


def test_the_list_shows_only_my_own_favourites(api, customer, berlin, sofia):
    mine = make_profile("Lena", city=berlin)
    favourite_add(client=customer, profile_id=mine.pk)
    favourite_add(client=customer, profile_id=sofia.pk)
    favourite_add(
        client=client_account(), profile_id=make_profile("Ava", city=berlin).pk
    )

    response = api.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert [f["name"] for f in body["results"]] == ["Sofia", "Lena"]  # newest first
    assert set(body) == {"next", "previous", "results"}


def test_the_list_pages_with_a_cursor(api, customer, berlin):
    for n in range(3):
        favourite_add(client=customer, profile_id=make_profile(f"P{n}", city=berlin).pk)

    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert [f["name"] for f in first["results"]] == ["P2", "P1"]
    assert [f["name"] for f in second["results"]] == ["P0"]
    assert second["next"] is None


def test_delete_removes_204_then_404(api, customer, sofia):
    favourite_add(client=customer, profile_id=sofia.pk)

    assert api.delete(f"{URL}/{sofia.pk}").status_code == 204
    assert not Favourite.objects.exists()
    assert_error_shape(api.delete(f"{URL}/{sofia.pk}"), 404, "not_found")
    assert_error_shape(api.delete(f"{URL}/{2**40}"), 404, "not_found")


def test_another_user_cannot_delete_my_favourite(customer, sofia):
    favourite_add(client=customer, profile_id=sofia.pk)
    stranger = APIClient()
    stranger.force_authenticate(client_account())

    assert_error_shape(stranger.delete(f"{URL}/{sofia.pk}"), 404, "not_found")
    assert stranger.get(URL).json()["results"] == []
    assert Favourite.objects.filter(client=customer).count() == 1


@pytest.mark.parametrize("reason", ["suspended", "unverified", "unpublished"])
def test_an_offline_profile_shows_only_its_saved_name(api, customer, berlin, reason):
    profile = make_profile("Nora", city=berlin)
    add_photo(profile, is_primary=True)
    favourite_add(client=customer, profile_id=profile.pk)
    # Renamed after the client saved it, then gone offline.
    profile.title = "Nora Private"
    publish(profile)
    if reason == "suspended":
        User.objects.filter(pk=profile.owner_id).update(is_suspended=True)
    elif reason == "unverified":
        User.objects.filter(pk=profile.owner_id).update(is_age_verified=False)
    else:
        profile.unpublish()

    (item,) = api.get(URL).json()["results"]

    assert item == {
        "id": profile.pk,
        "name": "Nora",
        "is_live": False,
        "url": None,
        "city": None,
        "photo": None,
        "saved_at": item["saved_at"],
    }
    # Still the client's own row: they can remove it.
    assert api.delete(f"{URL}/{profile.pk}").status_code == 204


def test_a_live_profile_shows_its_current_name(api, customer, sofia):
    favourite_add(client=customer, profile_id=sofia.pk)
    sofia.title = "Sofia Rose"
    publish(sofia)

    (item,) = api.get(URL).json()["results"]

    assert (item["name"], item["is_live"]) == ("Sofia Rose", True)


def test_the_list_runs_a_constant_number_of_queries(
    api, customer, berlin, django_assert_max_num_queries
):
    def save(count: int, prefix: str) -> None:
        for n in range(count):
            profile = make_profile(f"{prefix} {n}", city=berlin)
            add_photo(profile, is_primary=True)
            favourite_add(client=customer, profile_id=profile.pk)

    counts = []
    for count, prefix in ((1, "Small"), (6, "Large")):
        save(count, prefix)
        api.get(URL)  # renditions are generated on the first read
        with django_assert_max_num_queries(LIST_QUERIES) as captured:
            assert api.get(URL).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_writes_are_throttled(api, berlin, monkeypatch):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "favourites": "3/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    profiles = [make_profile(f"T{n}", city=berlin) for n in range(4)]

    answers = [api.post(URL, {"profile": p.pk}, format="json") for p in profiles]

    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    assert_error_shape(answers[3], 429, "throttled")
    assert api.get(URL).status_code == 200  # reads are not counted


# --- Pages --------------------------------------------------------------------------


def heart(html: str, name: str) -> str:
    """The heart button (or sign-in link) whose accessible name mentions ``name``."""
    match = re.search(rf'<(button|a) [^>]*aria-label="[^"]*{name}[^"]*"[^>]*>', html)
    assert match, f"no heart for {name}"
    return match.group(0)


def test_anonymous_visitors_get_a_sign_in_link(client, sofia):
    html = client.get("/cities/berlin/").content.decode()

    link = heart(html, "Sofia")
    assert 'aria-label="Sign in to save Sofia"' in link
    assert 'href="/accounts/login/?next=/cities/berlin/"' in link


def test_a_provider_gets_no_heart_on_their_own_profile(sofia):
    own = Client()
    own.force_login(sofia.owner)

    html = own.get(sofia.url).content.decode()

    assert "Save Sofia" not in html
    assert 'class="favourite' not in html


def test_the_heart_shows_and_changes_the_saved_state(browser, customer, sofia):
    city_page = browser.get("/cities/berlin/").content.decode()
    button = heart(city_page, "Sofia")
    assert 'aria-label="Save Sofia"' in button and 'aria-pressed="false"' in button

    response = browser.post(
        f"{SHORTLIST}{sofia.pk}/", {"action": "save", "next": "/cities/berlin/"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cities/berlin/#favourite-{sofia.pk}"
    assert Favourite.objects.filter(client=customer, profile=sofia).exists()
    for url in ("/cities/berlin/", sofia.url):
        button = heart(browser.get(url).content.decode(), "Sofia")
        assert 'aria-label="Remove Sofia from saved"' in button
        assert 'aria-pressed="true"' in button

    browser.post(f"{SHORTLIST}{sofia.pk}/", {"action": "remove"})
    assert not Favourite.objects.exists()


def test_the_heart_answers_the_script_in_json(browser, customer, sofia):
    """favourites.js posts the same form asking for JSON and shows the state it
    gets back; the labels it switches between are on the button."""
    url = f"{SHORTLIST}{sofia.pk}/"
    json_first = {"HTTP_ACCEPT": "application/json"}

    saved = browser.post(url, {"action": "save"}, **json_first)
    removed = browser.post(url, {"action": "remove"}, **json_first)
    again = browser.post(url, {"action": "remove"}, **json_first)
    invalid = browser.post(url, {"action": "like"}, **json_first)

    assert saved.json() == {"saved": True, "message": "Saved Sofia."}
    assert removed.json() == {
        "saved": False,
        "message": "Removed Sofia from your saved profiles.",
    }
    assert again.json() == {"saved": False, "message": ""}
    assert invalid.status_code == 400
    button = heart(browser.get(sofia.url).content.decode(), "Sofia")
    assert 'data-label-save="Save Sofia"' in button
    assert 'data-label-remove="Remove Sofia from saved"' in button


def test_the_heart_form_needs_its_csrf_token(customer, sofia):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(customer)

    response = strict.post(f"{SHORTLIST}{sofia.pk}/", {"action": "save"})

    assert response.status_code == 403
    assert not Favourite.objects.exists()
    html = strict.get(sofia.url).content.decode()
    form = html[html.index(f'id="favourite-{sofia.pk}"') :]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]


def test_the_heart_refuses_a_hidden_profile_and_a_foreign_next(browser, berlin, sofia):
    draft = hidden_profiles(berlin)["draft"]

    assert (
        browser.post(f"{SHORTLIST}{draft.pk}/", {"action": "save"}).status_code == 404
    )
    response = browser.post(
        f"{SHORTLIST}{sofia.pk}/", {"action": "save", "next": "https://evil.test/"}
    )
    assert response["Location"] == SHORTLIST
    assert list(Favourite.objects.values_list("profile_id", flat=True)) == [sofia.pk]


def test_the_city_page_reads_saved_state_once_for_all_cards(
    browser, customer, berlin, django_assert_max_num_queries
):
    def add(count: int, prefix: str) -> None:
        for n in range(count):
            profile = make_profile(f"{prefix} {n}", city=berlin)
            add_photo(profile, is_primary=True)
            favourite_add(client=customer, profile_id=profile.pk)

    counts = []
    for count, prefix in ((2, "Two"), (6, "Eight")):  # 2 cards, then 8
        add(count, prefix)
        browser.get("/cities/berlin/")  # renditions are generated on first render
        with django_assert_max_num_queries(30) as captured:
            html = browser.get("/cities/berlin/").content.decode()
        counts.append(len(captured))
        assert html.count('aria-pressed="true"') == Favourite.objects.count()
    assert Favourite.objects.count() == 8
    assert counts[0] == counts[1]


def test_the_shortlist_shows_live_cards_and_offline_names(
    browser, customer, berlin, sofia
):
    gone = make_profile("Nora", city=berlin)
    add_photo(gone, is_primary=True, image=CustomImageFactory(title="nora.jpg"))
    for profile in (gone, sofia):
        favourite_add(client=customer, profile_id=profile.pk)
    gone.title = "Nora Private"
    publish(gone)
    gone.unpublish()
    favourite_add(
        client=client_account(), profile_id=make_profile("Ava", city=berlin).pk
    )

    html = browser.get(SHORTLIST).content.decode()

    assert f'href="{sofia.url}"' in html
    assert 'aria-label="Remove Sofia from saved"' in html
    offline = html[html.index("data-offline") :]
    offline = offline[: offline.index("</article>")]
    assert "Nora" in offline and "No longer available" in offline
    assert "<img" not in offline and "<a " not in offline
    assert 'aria-label="Remove Nora from saved"' in offline
    assert "Nora Private" not in html
    assert gone.url not in html
    assert "Ava" not in html  # someone else's favourite


def test_removing_from_the_shortlist(browser, customer, sofia):
    favourite_add(client=customer, profile_id=sofia.pk)

    response = browser.post(
        f"{SHORTLIST}{sofia.pk}/",
        {"action": "remove", "next": SHORTLIST},
        follow=True,
    )

    html = response.content.decode()
    assert "Removed Sofia from your saved profiles." in html
    assert "You have not saved anyone yet" in html
    assert 'href="/cities/"' in html
    assert not Favourite.objects.exists()


def test_the_shortlist_needs_a_sign_in(client):
    response = client.get(SHORTLIST)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_shortlist_runs_a_constant_number_of_queries(
    browser, customer, berlin, django_assert_max_num_queries
):
    counts = []
    for count, prefix in ((1, "Small"), (6, "Large")):
        for n in range(count):
            profile = make_profile(f"{prefix} {n}", city=berlin)
            add_photo(profile, is_primary=True)
            favourite_add(client=customer, profile_id=profile.pk)
        browser.get(SHORTLIST)
        with django_assert_max_num_queries(SHORTLIST_QUERIES) as captured:
            assert browser.get(SHORTLIST).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- The race -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_saves_make_one_row():
    city = make_city("Racetown")
    profile = make_profile("Rita", city=city)
    user = UserFactory()
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def save() -> None:
        try:
            api = APIClient(raise_request_exception=False)
            api.force_authenticate(user)
            barrier.wait(timeout=30)
            answer = api.post(URL, {"profile": profile.pk}, format="json")
            statuses.append(answer.status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(statuses) == [200, 201]
    assert Favourite.objects.filter(client=user, profile=profile).count() == 1
