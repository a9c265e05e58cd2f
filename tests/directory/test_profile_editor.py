"""The profile editor in sections: the bio as plain text (stored as sanitised
paragraphs), services and languages as chips, photos reordered with a primary
one, amounts in major units stored as minor units, and a preview that only the
people who may edit the profile see. Saving still makes a revision in review."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from accounts.models import Role
from directory.forms import bio_from_text, bio_to_text
from directory.models import Agency, AgencyMembership, EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import (
    EscortOwnerFactory,
    add_photo,
    add_rate,
    language,
    service,
)

pytestmark = pytest.mark.django_db

STORED_BIO = (
    "<p>Warm &amp; well travelled.</p><p>Line one<br>line two</p>"
    "<ul><li>Jazz</li><li>Modern art</li></ul>"
)
BIO_TEXT = "Warm & well travelled.\n\nLine one\nline two\n\n- Jazz\n- Modern art"


@pytest.fixture
def languages():
    return [language("en", "English"), language("fr", "French")]


@pytest.fixture
def services():
    return [service("Dinner dates"), service("Travel companion")]


@pytest.fixture
def photo_profile(profile, languages, services):
    """The live profile with three photos (the first primary) and a rate."""
    for n in range(3):
        add_photo(profile, caption=f"Photo {'ABC'[n]}", is_primary=n == 0)
    add_rate(profile, amount_minor=30000, currency="EUR")
    EscortProfilePage.objects.filter(pk=profile.pk).update(bio=STORED_BIO)
    page = EscortProfilePage.objects.get(pk=profile.pk)
    page.languages = [languages[0]]
    page.save_revision(user=page.owner).publish()
    return EscortProfilePage.objects.get(pk=profile.pk)


def photo_ids(profile) -> list[int]:  # noqa: ANN001
    return [p.image_id for p in profile.photos.order_by("sort_order")]


def post_data(profile, **overrides) -> dict:  # noqa: ANN001
    """The editor as a person leaves it after changing ``overrides``."""
    ids = photo_ids(profile)
    data = {
        "display_name": profile.title,
        "age": str(profile.age),
        "home_city": str(profile.home_city_id),
        "tagline": profile.tagline,
        "bio": BIO_TEXT,
        "contact_preference": "messages_bookings",
        "languages": ["en"],
        "keep_photos": [str(i) for i in ids],
        "primary_photo": str(ids[0]) if ids else "",
        "rates-TOTAL_FORMS": "1",
        "rates-INITIAL_FORMS": "1",
        "rates-0-duration_minutes": "60",
        "rates-0-kind": "incall",
        "rates-0-amount": "300.00",
        "rates-0-currency": "EUR",
        "tours-TOTAL_FORMS": "0",
        "tours-INITIAL_FORMS": "0",
    }
    for position, image_id in enumerate(ids, start=1):
        data[f"position_{image_id}"] = str(position)
    data.update(overrides)
    return data


def draft_of(profile) -> EscortProfilePage:  # noqa: ANN001
    return EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()


def textarea(html_page: str, name: str) -> str:
    match = re.search(
        rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html_page, re.S
    )
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip("\n")


# --- Bio as text ----------------------------------------------------------------


def test_bio_text_round_trip():
    assert bio_to_text(STORED_BIO) == BIO_TEXT
    assert bio_from_text(BIO_TEXT) == STORED_BIO
    assert bio_from_text(bio_to_text(STORED_BIO)) == STORED_BIO
    # Typed tags are text, never markup; Windows line ends are line ends.
    assert bio_from_text("<b>Bold</b> <script>x()</script>\r\nNext") == (
        "<p>&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;x()&lt;/script&gt;<br>Next</p>"
    )
    # Formatting from older edits keeps its words.
    assert bio_to_text("<p>I <strong>love</strong> <em>opera</em></p>") == (
        "I love opera"
    )
    assert bio_from_text("  \n\n ") == ""


def test_the_editor_shows_the_bio_as_text_without_tags(client, photo_profile):
    client.force_login(photo_profile.owner)
    page = client.get("/dashboard/profile/").content.decode()
    assert textarea(page, "bio") == BIO_TEXT
    assert "&lt;p&gt;" not in page


def test_saving_the_bio_text_stores_paragraphs_in_a_revision(client, photo_profile):
    client.force_login(photo_profile.owner)
    text = "Hello <there>.\n\nSecond paragraph\nwith a break."
    response = client.post("/dashboard/profile/", post_data(photo_profile, bio=text))
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = draft_of(photo_profile)
    assert draft.bio == (
        "<p>Hello &lt;there&gt;.</p><p>Second paragraph<br>with a break.</p>"
    )
    photo_profile.refresh_from_db()
    assert photo_profile.bio == STORED_BIO  # live unchanged: invariant 1
    assert photo_profile.current_workflow_state.status == "in_progress"
    # Back in the editor it is the same text again.
    assert textarea(client.get("/dashboard/profile/").content.decode(), "bio") == text


# --- Sections and chips -----------------------------------------------------------


def test_the_editor_has_sections_and_chips(client, photo_profile, languages):
    client.force_login(photo_profile.owner)
    page = client.get("/dashboard/profile/").content.decode()
    for anchor in ("about", "rates", "services-languages", "photos", "tours"):
        assert f'href="#{anchor}"' in page and f'id="{anchor}"' in page
    chip = re.search(r'<label class="chip" for="([^"]+)">(.*?)</label>', page, re.S)
    assert chip is not None
    chips = re.findall(
        r'<label class="chip" for="[^"]+"><input type="checkbox" name="(\w+)" '
        r'value="([\w-]+)"[^>]*?( checked)?>',
        page,
    )
    assert ("languages", "en", " checked") in chips
    assert ("languages", "fr", "") in chips
    assert ("services", "dinner-dates", "") in chips


def test_ticking_chips_saves_languages_and_services(client, photo_profile, services):
    client.force_login(photo_profile.owner)
    response = client.post(
        "/dashboard/profile/",
        post_data(
            photo_profile,
            languages=["en", "fr"],
            services=["dinner-dates", "travel-companion"],
        ),
    )
    assert response.status_code == 302
    draft = draft_of(photo_profile)
    assert sorted(lang.code for lang in draft.languages.all()) == ["en", "fr"]
    assert sorted(s.slug for s in draft.services.all()) == [
        "dinner-dates",
        "travel-companion",
    ]


# --- Photos -------------------------------------------------------------------------


def test_reorder_and_primary_are_saved_in_the_revision(client, photo_profile):
    client.force_login(photo_profile.owner)
    a, b, c = photo_ids(photo_profile)
    response = client.post(
        "/dashboard/profile/",
        post_data(
            photo_profile,
            **{
                f"position_{a}": "3",
                f"position_{b}": "1",
                f"position_{c}": "2",
                "primary_photo": str(c),
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft = draft_of(photo_profile)
    saved = [(p.image_id, p.is_primary) for p in draft.photos.all()]
    assert saved == [(b, False), (c, True), (a, False)]
    # Live photos unchanged until approval.
    assert photo_ids(photo_profile) == [a, b, c]
    # The editor shows the new order next time.
    page = client.get("/dashboard/profile/").content.decode()
    tiles = re.findall(r'data-photo-id="(\d+)"', page)
    assert tiles == [str(b), str(c), str(a)]
    assert re.search(
        rf'id="primary-{c}" name="primary_photo" value="{c}" checked', page
    )


def test_untick_keep_removes_a_photo_and_the_first_becomes_primary(
    client, photo_profile
):
    client.force_login(photo_profile.owner)
    a, b, c = photo_ids(photo_profile)
    response = client.post(
        "/dashboard/profile/",
        post_data(photo_profile, keep_photos=[str(b), str(c)], primary_photo=str(a)),
    )
    assert response.status_code == 302
    saved = [(p.image_id, p.is_primary) for p in draft_of(photo_profile).photos.all()]
    assert saved == [(b, True), (c, False)]


def test_a_photo_of_someone_else_cannot_be_made_primary(client, photo_profile):
    client.force_login(photo_profile.owner)
    response = client.post(
        "/dashboard/profile/", post_data(photo_profile, primary_photo="999999")
    )
    assert response.status_code == 400
    assert "Choose one of your photos." in response.content.decode()


# --- Money ----------------------------------------------------------------------------


def test_amounts_are_shown_in_major_units_and_stored_in_minor(client, photo_profile):
    client.force_login(photo_profile.owner)
    page = client.get("/dashboard/profile/").content.decode()
    assert 'name="rates-0-amount" value="300.00"' in page
    assert re.search(r'<option value="EUR" selected>EUR</option>', page)
    response = client.post(
        "/dashboard/profile/",
        post_data(
            photo_profile,
            **{"rates-0-amount": "249.50", "rates-0-currency": "GBP"},
        ),
    )
    assert response.status_code == 302
    rate = draft_of(photo_profile).rates.get()
    assert (rate.amount_minor, rate.currency) == (24950, "GBP")


def test_a_bad_amount_says_so(client, photo_profile):
    client.force_login(photo_profile.owner)
    revisions = photo_profile.revisions.count()
    response = client.post(
        "/dashboard/profile/", post_data(photo_profile, **{"rates-0-amount": "0"})
    )
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0.01" in (
        response.content.decode()
    )
    assert photo_profile.revisions.count() == revisions


# --- Preview --------------------------------------------------------------------------


def test_preview_shows_unsaved_changes_to_the_owner_only(
    client, photo_profile, monkeypatch
):
    recorded = []
    monkeypatch.setattr(
        "search.signals.impressions_record", lambda **kw: recorded.append(kw)
    )
    client.force_login(photo_profile.owner)
    revisions = photo_profile.revisions.count()
    response = client.post(
        "/dashboard/profile/preview/",
        post_data(photo_profile, tagline="A brand new tagline", bio="Fresh bio."),
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    page = response.content.decode()
    assert "Preview — not live" in page
    assert "A brand new tagline" in page and "<p>Fresh bio.</p>" in page
    assert 'content="noindex, nofollow"' in page
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    assert response.wsgi_request.is_preview is True
    # Nothing saved, nothing in review, nothing counted.
    assert photo_profile.revisions.count() == revisions
    assert (
        EscortProfilePage.objects.get(pk=photo_profile.pk).current_workflow_state
        is None
    )
    assert recorded == []
    # The public page still shows the live version.
    public = Client().get(photo_profile.url).content.decode()
    assert "A brand new tagline" not in public and "Preview — not live" not in public


def test_preview_without_changes_shows_the_latest_saved_version(client, photo_profile):
    client.force_login(photo_profile.owner)
    client.post("/dashboard/profile/", post_data(photo_profile, tagline="Saved draft"))
    page = client.get("/dashboard/profile/preview/").content.decode()
    assert "Preview — not live" in page and "Saved draft" in page


def test_preview_is_404_for_others_and_sign_in_for_visitors(client, photo_profile):
    anonymous = Client()
    response = anonymous.get(f"/dashboard/profiles/{photo_profile.pk}/preview/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    stranger = EscortOwnerFactory()
    client.force_login(stranger)
    url = f"/dashboard/profiles/{photo_profile.pk}/preview/"
    assert client.get(url).status_code == 404
    assert client.post(url, post_data(photo_profile)).status_code == 404
    # The stranger's own preview is of nothing: they have no profile.
    assert client.get("/dashboard/profile/preview/").status_code == 404


def test_an_agency_manager_previews_a_managed_profile(client, photo_profile):
    agency = Agency.objects.create(name="Velvet", slug="velvet-preview")
    manager = UserFactory(role=Role.AGENCY)
    AgencyMembership.objects.create(agency=agency, user=manager, role="manager")
    EscortProfilePage.objects.filter(pk=photo_profile.pk).update(agency=agency)
    client.force_login(manager)
    page = client.get(f"/dashboard/profiles/{photo_profile.pk}/").content.decode()
    assert f'formaction="/dashboard/profiles/{photo_profile.pk}/preview/"' in page
    response = client.post(
        f"/dashboard/profiles/{photo_profile.pk}/preview/",
        post_data(photo_profile, tagline="Agency preview"),
    )
    assert response.status_code == 200
    assert "Agency preview" in response.content.decode()


def test_an_invalid_preview_shows_the_editor_with_errors(client, photo_profile):
    client.force_login(photo_profile.owner)
    response = client.post(
        "/dashboard/profile/preview/", post_data(photo_profile, age="17")
    )
    assert response.status_code == 400
    assert "Nothing to preview yet" in response.content.decode()


def test_saving_needs_the_csrf_token(photo_profile):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(photo_profile.owner)
    assert (
        browser.post("/dashboard/profile/", post_data(photo_profile)).status_code == 403
    )
    assert (
        browser.post(
            "/dashboard/profile/preview/", post_data(photo_profile)
        ).status_code
        == 403
    )
