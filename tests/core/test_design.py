"""The design system: fonts and icons served from static/, the branded error pages
(also under the demo's settings), the style guide, and the profile card's data
(docs/design.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import override_settings

from directory.models import EscortProfilePage
from directory.selectors import with_from_price
from tests.core.test_rundemo import _manage
from tests.factories.pages import add_rate, make_city, make_profile

pytestmark = pytest.mark.django_db

FONTS = (
    "fonts/cormorant-garamond-latin-500-normal.woff2",
    "fonts/cormorant-garamond-latin-600-normal.woff2",
    "fonts/inter-latin-400-normal.woff2",
    "fonts/inter-latin-600-normal.woff2",
)
COMPONENTS = (
    "colours",
    "typography",
    "spacing",
    "layout",
    "buttons",
    "badges",
    "chips",
    "cards",
    "forms",
    "tables",
    "flash",
    "empty-states",
    "pagination",
    "breadcrumbs",
    "callout",
    "header",
)
TECHNICAL_404 = (
    b"Page not found <span>(404)</span>",
    b"Django tried these URL patterns",
)


def _css() -> str:
    return Path(finders.find("css/site.css")).read_text()


def test_every_page_preloads_the_fonts_and_links_the_icons(client):
    html = client.get("/styleguide/").content.decode()

    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', html)
    assert preloads == [
        "/static/fonts/inter-latin-400-normal.woff2",
        "/static/fonts/cormorant-garamond-latin-500-normal.woff2",
    ]
    assert 'type="font/woff2" crossorigin>' in html
    assert (
        '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    )
    assert (
        '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    )
    assert '<link rel="manifest" href="/static/img/site.webmanifest">' in html


def test_fonts_icons_and_licences_are_served_from_static():
    for path in (
        *FONTS,
        "fonts/LICENSE-Inter-OFL.txt",
        "fonts/LICENSE-CormorantGaramond-OFL.txt",
        "img/favicon.svg",
        "img/apple-touch-icon.png",
        "img/icon-192.png",
        "img/icon-512.png",
        "img/site.webmanifest",
    ):
        found = finders.find(path)
        assert found, path
        assert Path(found).stat().st_size > 0, path
    for font in FONTS:
        assert Path(finders.find(font)).read_bytes()[:4] == b"wOF2", font
        assert f'url("../{font}") format("woff2")' in _css()
    assert (
        "SIL Open Font License"
        in Path(finders.find(FONTS[0]))
        .parent.joinpath("LICENSE-Inter-OFL.txt")
        .read_text()
    )


def test_stylesheet_has_the_shared_tokens_and_swaps_fonts():
    css = _css()
    for token in (
        "--font-display",
        "--font-text",
        "--ink",
        "--muted",
        "--paper",
        "--surface",
        "--line",
        "--accent",
        "--accent-ink",
        "--gold",
        "--danger",
        "--success",
        *(f"--space-{n}" for n in range(1, 8)),
        "--radius",
        "--radius-sm",
        "--shadow",
        *(f"--step-{n}" for n in ("-1", "0", "1", "2", "3", "4", "5")),
    ):
        assert re.search(rf"{re.escape(token)}:\s", css), token
    assert css.count("font-display: swap") == len(FONTS)
    # No third-party requests: every url() is relative to the stylesheet.
    assert "@import" not in css
    assert all(
        not u.startswith(("http", "//")) for u in re.findall(r'url\("?([^")]+)', css)
    )


def test_checkboxes_and_radios_are_never_full_width():
    """The old global ``input { width: 100% }`` threw every checkbox away from its
    label: the full-width rule must exclude them, and they get their own size."""
    css = _css()
    full_width = [
        rule
        for rule in re.findall(r"([^{}]+)\{[^}]*(?<![-\w])width:\s*100%", css)
        if re.search(r"(^|[\s,(])input(?!\[)\b", rule)
    ]
    assert full_width, "text inputs are full width"
    for selector in full_width:
        assert '[type="checkbox"]' in selector and '[type="radio"]' in selector
    own = re.search(r'input\[type="checkbox"\], input\[type="radio"\] \{([^}]*)\}', css)
    assert own and "width: 1.15rem" in own.group(1)


def test_unknown_url_answers_the_branded_404(client):
    for path in ("/no-such-page/", "/wp-login.php"):
        response = client.get(path)
        assert response.status_code == 404
        html = response.content
        assert b'<h1 id="error-heading">Page not found</h1>' in html
        assert b'class="error-page"' in html and b'class="site-header"' in html
        assert b"/static/css/site.css" in html
        assert not any(text in html for text in TECHNICAL_404)


def test_under_the_demo_settings_unknown_urls_answer_the_branded_404(
    client, monkeypatch
):
    """`make demo` runs config.settings.dev: with DEBUG on there, an unknown URL
    answered Django's technical 404 page (which also lists every URL pattern).
    The demo's DEBUG is read from those settings in a process of their own, then
    applied to this request."""
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    shown = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SERVE_MEDIA)",
        env={"DJANGO_SETTINGS_MODULE": "config.settings.dev"},
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    debug, serve_media = shown.stdout.split()[-2:]
    assert serve_media == "True"  # photos still show without DEBUG

    with override_settings(DEBUG=debug == "True"):
        response = client.get("/no-such-page/")
        resolver_miss = client.get("/wp-login.php")
    for answer in (response, resolver_miss):
        assert answer.status_code == 404
        assert b'<h1 id="error-heading">Page not found</h1>' in answer.content
        assert not any(text in answer.content for text in TECHNICAL_404)


def test_the_500_page_needs_no_database_or_context(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "<h1" in html and "Something went wrong" in html
    assert 'class="site-header"' in html and "/static/css/site.css" in html
    assert "/static/img/favicon.svg" in html


def test_styleguide_lists_every_component(client):
    response = client.get("/styleguide/")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for component in COMPONENTS:
        assert f'<section class="sg-section" id="{component}"' in html, component
        assert f'href="#{component}"' in html, component
    for example in (
        'class="button button--secondary"',
        'class="button button--ghost"',
        "button--small",
        'class="badge badge--vip"',
        'class="badge badge--verified"',
        'class="badge badge--available"',
        'class="chip"',
        '<article class="profile-card',
        'class="city-card"',
        'class="field"',
        'type="checkbox"',
        'type="radio"',
        'class="form-errors"',
        'class="table"',
        'class="flash flash--success"',
        'class="empty-state"',
        'class="pagination"',
        'class="stack',
        'class="cluster',
    ):
        assert example in html, example


def test_profile_card_shows_price_from_and_available_today_without_queries(
    django_assert_num_queries,
):
    city = make_city("Vienna", country="Austria", country_code="AT")
    sofia = make_profile("Sofia", city=city, is_vip=True, is_verified=True)
    add_rate(sofia, amount_minor=50000)
    add_rate(sofia, duration_minutes=120, amount_minor=30000)
    profile = (
        with_from_price(EscortProfilePage.objects.with_photo_badges())  # as listings
        .select_related("home_city")
        .prefetch_related("photos")
        .get(pk=sofia.pk)
    )
    profile.available_today = True
    # {% pageurl %} reads the site's root paths once (cached): a listing pays
    # that once, not per card.
    render_to_string("includes/profile_card.html", {"profile": profile})

    with django_assert_num_queries(0):
        card = render_to_string("includes/profile_card.html", {"profile": profile})

    assert 'class="profile-card__name"><a href="/escorts/sofia/">Sofia</a>' in card
    assert "27 · Vienna" in card
    assert "from <strong>300 EUR</strong>" in card
    assert 'class="badge badge--vip">VIP<' in card
    assert 'class="badge badge--verified">Photos verified<' in card
    assert 'class="badge badge--available">Available today<' in card


def test_profile_card_never_loads_rates_itself(django_assert_num_queries):
    city = make_city("Vienna", country="Austria", country_code="AT")
    make_profile("Ines", city=city)
    profile = (
        EscortProfilePage.objects.select_related("home_city")
        .prefetch_related("photos")
        .get(slug="ines")
    )
    add_rate(profile, amount_minor=20000)
    render_to_string("includes/profile_card.html", {"profile": profile})

    with django_assert_num_queries(0):
        card = render_to_string("includes/profile_card.html", {"profile": profile})

    assert "profile-card__price" not in card
    assert "Available today" not in card and "badge--vip" not in card

    profile.from_price_display = "180 EUR"
    card = render_to_string("includes/profile_card.html", {"profile": profile})
    assert "from <strong>180 EUR</strong>" in card
