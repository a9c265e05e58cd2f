"""Demo editorial content: the home intro, the information pages, and the city data
and placeholder images that directory.demo makes the twelve city pages from.

Idempotent: pages are looked up by slug under their parent and left alone when they
exist, so an editor's changes to demo pages survive a re-seed."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from wagtail.models import Page, Site

from accounts.models import User
from cms_pages.models import CustomImage, HomePage, SiteSettings, StandardPage

HOME_INTRO = (
    "Verified, adult companions for dinners, culture and travel in the world's "
    "great cities. Discreet, respectful, and safety first."
)


class City(NamedTuple):
    title: str
    slug: str
    country: str
    country_code: str
    time_zone: str
    latitude: str
    longitude: str
    intro: str


CITIES = [
    City("London", "london", "United Kingdom", "GB", "Europe/London",
         "51.50735", "-0.12776",
         "From Mayfair dining rooms to West End premieres, London rewards good "
         "company."),
    City("Paris", "paris", "France", "FR", "Europe/Paris", "48.85661", "2.35222",
         "Gallery openings, long lunches on the Left Bank and evenings at the "
         "opera."),
    City("Berlin", "berlin", "Germany", "DE", "Europe/Berlin", "52.52000",
         "13.40495",
         "Museum Island by day, concert halls and late conversation by night."),
    City("Madrid", "madrid", "Spain", "ES", "Europe/Madrid", "40.41678",
         "-3.70379",
         "Late dinners, the Prado and the easy rhythm of a Spanish evening."),
    City("Rome", "rome", "Italy", "IT", "Europe/Rome", "41.90278", "12.49637",
         "Trattorie, terraces and two thousand years of history around every "
         "corner."),
    City("Amsterdam", "amsterdam", "Netherlands", "NL", "Europe/Amsterdam",
         "52.36757", "4.90414",
         "Canal-side dinners, the Rijksmuseum and relaxed company."),
    City("Zurich", "zurich", "Switzerland", "CH", "Europe/Zurich", "47.37689",
         "8.54169",
         "Lakeside evenings, fine dining and discreet business events."),
    City("Vienna", "vienna", "Austria", "AT", "Europe/Vienna", "48.20817",
         "16.37382",
         "Ball season, coffee houses and an evening at the Staatsoper."),
    City("Prague", "prague", "Czechia", "CZ", "Europe/Prague", "50.07554",
         "14.43780",
         "Old Town walks, classical concerts and candlelit dinners."),
    City("Dubai", "dubai", "United Arab Emirates", "AE", "Asia/Dubai",
         "25.20485", "55.27078",
         "Rooftop dining, gala evenings and elegant company for business trips."),
    City("New York", "new-york", "United States", "US", "America/New_York",
         "40.71278", "-74.00597",
         "Broadway, galleries and tables at the city's most talked-about "
         "restaurants."),
    City("Miami", "miami", "United States", "US", "America/New_York", "25.76168",
         "-80.19179",
         "Art Deco evenings, ocean views and a relaxed weekend pace."),
]  # fmt: skip


# Soft pastel pairs (top, bottom) for placeholder images.
PALETTES = [
    ((244, 214, 204), (170, 120, 150)), ((214, 220, 245), (120, 130, 190)),
    ((220, 236, 220), (120, 160, 140)), ((246, 232, 200), (190, 150, 100)),
    ((235, 215, 240), (140, 110, 170)), ((250, 224, 224), (200, 120, 130)),
    ((210, 232, 240), (90, 140, 160)), ((240, 228, 215), (150, 120, 110)),
]  # fmt: skip
HERO_SIZE = (1200, 500)


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _callout(title: str, html: str) -> dict:
    return {"type": "callout", "value": {"title": title, "text": html}}


STANDARD_PAGES = [
    (
        "About us",
        "about",
        "A premium directory for adult companionship, where that is lawful.",
        [
            _paragraph(
                "<p>We list independent companions and agencies who offer social "
                "time: dinners, cultural events, travel and conversation. Every "
                "profile belongs to a verified adult, and every change to it is "
                "reviewed by our moderators before it goes live.</p>"
            ),
            _heading("What we stand for"),
            _paragraph(
                "<ul><li>Adults only: every advertiser's age and identity are "
                "verified.</li><li>Tasteful, non-explicit content.</li><li>Privacy "
                "and safety for companions and clients alike.</li></ul>"
            ),
        ],
    ),
    (
        "Safety",
        "safety",
        "How we keep the directory safe, and how you can help.",
        [
            _heading("Verification"),
            _paragraph(
                "<p>A profile goes live only after a moderator has checked its "
                "owner's age and identity. Identity documents are never shown "
                "publicly and are deleted once the decision is made. Photo "
                "verification is shown with a badge.</p>"
            ),
            _heading("Meeting safely"),
            _paragraph(
                "<ul><li>Keep conversations on the platform until you are "
                "comfortable.</li><li>Meet first in a public place, such as a "
                "restaurant or hotel lobby.</li><li>Tell a friend where you are "
                "going.</li><li>Never send money outside the platform's deposit "
                "system.</li></ul>"
            ),
            _callout(
                "Report a concern",
                "<p>Use the <b>Report this profile</b> link on any profile, or "
                "the <b>Report</b> link beside a photo, a review or a message "
                "you received. Reports about a possible minor or about "
                "trafficking go to the top of our moderators' queue and are "
                "looked at within hours; every other report within 7 days. "
                "Anyone can report a profile; sign in to report anything else "
                "and to be told the outcome.</p>",
            ),
        ],
    ),
    (
        "Terms of use",
        "terms",
        "The rules for using the directory.",
        [
            _paragraph(
                "<p>You must be 18 or older (or the age of majority where you "
                "live) to use this site. Advertisers offer their time and "
                "companionship only; any arrangement between adults is their own "
                "lawful, consensual choice.</p>"
            ),
            _heading("Content"),
            _paragraph(
                "<p>Profiles must be truthful, non-explicit and about the "
                "advertiser themselves. We may refuse, edit or remove content, "
                "and suspend accounts, that break these terms or the law.</p>"
            ),
            _heading("Payments"),
            _paragraph(
                "<p>Deposits are processed by our payment provider; we never see "
                "or store card numbers. Cancellation terms are shown before you "
                "pay.</p>"
            ),
        ],
    ),
    (
        "Privacy policy",
        "privacy",
        "What we collect, why, and your rights.",
        [
            _paragraph(
                "<p>We collect what we need to run the service: your email "
                "address, your profile if you advertise, your messages and "
                "bookings, and identity documents during verification only.</p>"
            ),
            _heading("Your rights"),
            _paragraph(
                "<p>You may correct your email address and your profile at any "
                "time from your account and dashboard. You can download a copy "
                "of your personal data yourself, as a zip file of readable JSON "
                "with your original photos, from Account security: "
                '<a href="/accounts/privacy/export/">Download your data</a>. To '
                "object to its processing, write to the contact address below. "
                "You can close and erase your account yourself, under Account "
                'security (<a href="/accounts/privacy/close/">Close and erase my '
                "account</a>): your profiles leave the site at once, you have 7 "
                "days to change your mind, and then you receive a receipt of what "
                "was deleted and what the law makes us keep, why and until when. "
                "How long we keep each kind of data, and why, is in the table "
                "below.</p>"
            ),
            _heading("Photos"),
            _paragraph(
                "<p>Location and camera metadata are removed from every uploaded "
                "photo before it is stored.</p>"
            ),
        ],
    ),
    (
        "Cookies",
        "cookies",
        "We use only the cookies the site needs to work.",
        [
            _paragraph(
                "<p>We set two cookies, both strictly necessary: a <b>session</b> "
                "cookie that keeps you signed in and remembers your age "
                "confirmation for the visit, and a <b>CSRF</b> cookie that "
                "protects forms against cross-site request forgery. Because "
                "both are strictly necessary, no consent banner is needed. We "
                "use no analytics, advertising or third-party tracking cookies, "
                "and load nothing from other sites.</p>"
            ),
            _heading("If this ever changes"),
            _paragraph(
                "<p>Before any other cookie is set, we will ask for your "
                "consent first and list it here.</p>"
            ),
        ],
    ),
]


def seed(*, log: Callable[[str], None]) -> None:
    home = HomePage.objects.first()
    if home is None:
        log("no home page: run migrations first")
        return
    editor = User.objects.filter(email="editor@demo.test").first()
    _seed_site_address(log=log)
    _seed_home_intro(home=home, editor=editor, log=log)
    _seed_standard_pages(home=home, editor=editor, log=log)
    _seed_contact_page(home=home, editor=editor, log=log)


def _seed_site_address(*, log: Callable[[str], None]) -> None:
    """Canonical and Open Graph URLs come from the Site record: point it at the
    address the demo serves (SITE_URL), not Wagtail's default localhost:80."""
    address = urlsplit(settings.SITE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    updated = Site.objects.filter(is_default_site=True).update(
        hostname=address.hostname, port=port
    )
    log(f"site address {address.hostname}:{port} ({updated} site)")


def publish_new_child(*, parent: Page, page: Page, user: User | None) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision(user=user).publish()
    return page


def _seed_home_intro(*, home: HomePage, editor: User | None, log: Callable) -> None:
    if home.intro:
        return
    home.intro = HOME_INTRO
    home.save_revision(user=editor).publish()
    log("home page intro set")


def _seed_standard_pages(*, home: HomePage, editor: User | None, log: Callable) -> None:
    existing = set(home.get_children().values_list("slug", flat=True))
    new = [spec for spec in STANDARD_PAGES if spec[1] not in existing]
    for title, slug, intro, body in new:
        page = StandardPage(title=title, slug=slug, intro=intro, body=body)
        publish_new_child(parent=home, page=page, user=editor)
    already = len(STANDARD_PAGES) - len(new)
    log(f"information pages: {len(new)} new, {already} already there")


def _seed_contact_page(*, home: HomePage, editor: User | None, log: Callable) -> None:
    """The contact page every footer links to, with the Site settings addresses
    (migration 0007 fills them in)."""
    if home.get_children().filter(slug="contact").exists():
        return
    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    page = StandardPage(
        title="Contact",
        slug="contact",
        intro="How to reach us, and whom to write to about what.",
        body=_contact_body(site_settings),
    )
    publish_new_child(parent=home, page=page, user=editor)
    log("contact page created")


def _contact_body(site_settings: SiteSettings) -> list[dict]:
    def mail(address: str) -> str:
        return f'<a href="mailto:{address}">{address}</a>'

    body = []
    if site_settings.contact_email:
        body.append(
            _paragraph(
                "<p>General questions and account help: "
                f"{mail(site_settings.contact_email)}.</p>"
            )
        )
    safety = site_settings.safety_email
    body.append(
        _callout(
            "Safety concerns",
            (f"<p>Write to {mail(safety)}, or use" if safety else "<p>Use")
            + " the <b>Report</b> link on any profile: reports about a possible "
            "minor or trafficking are looked at first.</p>",
        )
    )
    if site_settings.press_email:
        body.append(_paragraph(f"<p>Press: {mail(site_settings.press_email)}.</p>"))
    if site_settings.postal_address:
        body.append(_paragraph(f"<p>Post: {site_settings.postal_address}</p>"))
    return body


def city_hero_image(*, city: City, number: int, editor: User | None) -> CustomImage:
    data = placeholder_jpeg(
        text=city.title,
        palette=PALETTES[number % len(PALETTES)],
        variant=number,
        size=HERO_SIZE,
    )
    image = CustomImage(
        title=f"{city.title} · placeholder",
        file=ContentFile(data, name=f"city-{city.slug}.jpg"),
        uploaded_by_user=editor,
    )
    image.check_duplicates = False  # placeholders share one design
    image.save()
    return image


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def placeholder_jpeg(
    *,
    text: str,
    palette: tuple,
    variant: int = 0,
    size: tuple[int, int] = (600, 750),
    caption: str = "demo placeholder",
) -> bytes:
    """A soft gradient with a blurred glow and a short text: no faces, no bodies.
    Drawn at a quarter of the size and scaled up, which is faster and softer."""
    top, bottom = palette if variant % 2 == 0 else palette[::-1]
    middle = tuple((a + b) // 2 for a, b in zip(top, bottom, strict=True))
    corners = Image.new("RGB", (2, 2))
    corners.putdata([top, middle, middle, bottom])
    small_size = (size[0] // 4, size[1] // 4)
    small = corners.resize(small_size, Image.Resampling.BILINEAR)
    glow = Image.new("L", small_size, 0)
    fx, fy = [(0.27, 0.27), (0.7, 0.32), (0.5, 0.7), (0.3, 0.64)][variant % 4]
    x, y, r = fx * small_size[0], fy * small_size[1], min(small_size) * 0.23
    ImageDraw.Draw(glow).ellipse((x - r, y - r, x + r, y + r), fill=110)
    glow = glow.filter(ImageFilter.GaussianBlur(r / 2))
    small = Image.composite(Image.new("RGB", small_size, "white"), small, glow)
    image = small.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    white = (255, 255, 255)
    centre = (size[0] // 2, size[1] // 2)
    draw.text(centre, text, font=_font(size[1] * 6 // 25), fill=white, anchor="mm")
    bottom_line = (centre[0], size[1] - 40)
    draw.text(bottom_line, caption, font=_font(22), fill=white, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()
