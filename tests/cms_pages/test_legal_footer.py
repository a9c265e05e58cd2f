"""Terms, privacy, cookies, safety and contact are linked from every page's footer
and each answers (cms_pages.legal, docs/consents-and-cookies.md)."""

from __future__ import annotations

import logging
import re

import pytest
from wagtail.models import Site

from cms_pages import demo
from cms_pages.legal import LEGAL_PAGE_SLUGS
from cms_pages.models import SiteSettings, StandardPage
from tests.factories import UserFactory
from tests.factories.pages import make_city, make_profile

pytestmark = pytest.mark.django_db

LINKS = [f"/{slug}/" for slug in LEGAL_PAGE_SLUGS]


@pytest.fixture
def site(db) -> dict[str, str]:
    demo.seed(log=logging.getLogger(__name__).info)
    city = make_city("Berlin")
    return {"city": city.url, "profile": make_profile("Amelie", city=city).url}


def footer_links(html: str) -> list[str]:
    footer = html[html.index('<footer class="site-footer"') :]
    legal = footer[footer.index('aria-label="Legal"') :].split("</nav>")[0]
    return re.findall(r'href="([^"]+)"', legal)


def test_every_public_page_links_the_five_and_each_answers(client, site):
    pages = ["/", "/cities/", site["city"], site["profile"], "/search/?q=Berlin"]
    pages += ["/accounts/login/", "/accounts/signup/", "/no-such-page/", *LINKS]
    for path in pages:
        html = client.get(path).content.decode()
        assert footer_links(html) == LINKS, path
    for link in LINKS:
        assert client.get(link).status_code == 200, link


def test_members_pages_have_them_too(client, site):
    client.force_login(UserFactory())
    html = client.get("/notifications/").content.decode()
    assert footer_links(html) == LINKS


def test_the_contact_page_shows_the_site_addresses(client, site):
    addresses = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    main = client.get("/contact/").content.decode().split("<footer")[0]
    assert f"mailto:{addresses.contact_email}" in main
    assert f"mailto:{addresses.safety_email}" in main


def test_seeding_twice_keeps_one_contact_page(site):
    demo.seed(log=logging.getLogger(__name__).info)
    assert StandardPage.objects.filter(slug="contact").count() == 1
