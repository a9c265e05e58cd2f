"""Site settings (cms_pages.SiteSettings): the migration keeps today's values;
the name, tagline and contact addresses reach titles, og:site_name and the
footer; the default sharing image is og:image of pages without one of their own;
an edit shows at the next request; pages pay one query for them."""

from __future__ import annotations

import re

import pytest
from wagtail.models import Site

from cms_pages.models import SiteSettings, StandardPage
from tests.factories.pages import CustomImageFactory, home_page, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_settings() -> SiteSettings:
    return SiteSettings.for_site(Site.objects.get(is_default_site=True))


@pytest.fixture
def about() -> StandardPage:
    page = StandardPage(title="About us", slug="about", intro="Who we are.")
    home_page().add_child(instance=page)
    return publish(page)


def og(html: str, prop: str) -> str | None:
    match = re.search(rf'<meta property="og:{prop}" content="([^"]*)">', html)
    return match.group(1) if match else None


def footer(html: str) -> str:
    return html[html.index('<footer class="site-footer"') :]


def test_the_migration_keeps_todays_values(site_settings):
    assert site_settings.site_name == "Premium Escorts Directory"
    assert site_settings.tagline == (
        "A discreet directory of independent, verified companions."
    )
    assert site_settings.contact_email == "hello@premium-escorts.test"
    assert site_settings.safety_email == "safety@premium-escorts.test"
    assert site_settings.press_email == "press@premium-escorts.test"
    assert site_settings.default_share_image is None


def test_the_values_are_shown(client, about):
    html = client.get("/about/").content.decode()
    assert "<title>About us · Premium Escorts Directory</title>" in html
    assert og(html, "site_name") == "Premium Escorts Directory"
    bottom = footer(html)
    assert "A discreet directory of independent, verified companions." in bottom
    assert 'href="mailto:hello@premium-escorts.test"' in bottom
    assert 'href="mailto:safety@premium-escorts.test"' in bottom
    assert "&copy; Premium Escorts Directory" in bottom


def test_an_edit_shows_at_the_next_request(client, about, site_settings):
    site_settings.site_name = "Maison Lumière"
    site_settings.tagline = "Companions of distinction."
    site_settings.press_email = ""
    site_settings.save()
    html = client.get("/about/").content.decode()
    assert "<title>About us · Maison Lumière</title>" in html
    assert og(html, "site_name") == "Maison Lumière"
    bottom = footer(html)
    assert "Companions of distinction." in bottom
    assert "&copy; Maison Lumière" in bottom
    assert "press@" not in bottom
    # Pages outside Wagtail's tree use the same name in their default title.
    search = client.get("/accounts/login/").content.decode()
    assert "&copy; Maison Lumière" in footer(search)


def test_the_default_sharing_image_fills_in(client, about, site_settings):
    assert og(client.get("/about/").content.decode(), "image") is None
    site_settings.default_share_image = CustomImageFactory(title="Brand")
    site_settings.save()
    shared = og(client.get("/about/").content.decode(), "image")
    assert shared
    assert "/media/images/" in shared
    assert "fill-1200x630" in shared
    assert "summary_large_image" in client.get("/about/").content.decode()


def test_a_page_image_wins_over_the_default(client, about, site_settings):
    site_settings.default_share_image = CustomImageFactory(title="Brand")
    site_settings.save()
    default = og(client.get("/about/").content.decode(), "image")
    about.og_image = CustomImageFactory(title="About")
    publish(about)
    own = og(client.get("/about/").content.decode(), "image")
    assert own and own != default


def test_pages_read_the_settings_from_the_cache(
    client, about, site_settings, django_assert_max_num_queries
):
    def settings_reads(captured) -> list[str]:  # noqa: ANN001
        return [q["sql"] for q in captured if "cms_pages_sitesettings" in q["sql"]]

    client.get("/about/")  # renditions and caches warmed
    with django_assert_max_num_queries(50) as warm:
        client.get("/about/")
    assert settings_reads(warm) == []
    site_settings.default_share_image = CustomImageFactory(title="Brand")
    site_settings.save()  # forgets the cached settings
    with django_assert_max_num_queries(50) as after_save:
        client.get("/about/")  # the rendition is made once
    # The settings row and its image in one query (select_related), once.
    [read] = settings_reads(after_save)
    assert "cms_pages_customimage" in read
    with django_assert_max_num_queries(50) as with_image:
        client.get("/about/")
    assert settings_reads(with_image) == []
    # The rendition lookup for og:image is the only other query the image adds.
    assert len(with_image) <= len(warm) + 1


def test_a_deleted_sharing_image_is_not_served_from_the_cache(
    client, about, site_settings
):
    site_settings.default_share_image = CustomImageFactory(title="Brand")
    site_settings.save()
    assert og(client.get("/about/").content.decode(), "image")
    # SET_NULL updates the row without a save signal: the image's delete forgets.
    site_settings.default_share_image.delete()
    response = client.get("/about/")
    assert response.status_code == 200
    assert og(response.content.decode(), "image") is None


def test_the_admin_edits_them_and_the_edit_is_audited(
    client, admin_login, about, site_settings
):
    from audit.models import AuditEntry
    from tests.factories import UserFactory

    admin = admin_login(client, UserFactory(is_staff=True, is_superuser=True))
    url = f"/cms/settings/cms_pages/sitesettings/{site_settings.site_id}/"
    assert client.get(url).status_code == 200
    data = {
        "site_name": "Maison Lumière",
        "tagline": "Companions of distinction.",
        "default_share_image": "",
        "contact_email": "hello@maison.test",
        "safety_email": "not an address",
        "press_email": "",
        "postal_address": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form again, with the field's error
    assert "Enter a valid email address." in refused.content.decode()
    assert not AuditEntry.objects.filter(action="setting.changed").exists()
    data["safety_email"] = "safety@maison.test"
    assert client.post(url, data).status_code == 302
    site_settings.refresh_from_db()
    assert site_settings.site_name == "Maison Lumière"
    entry = AuditEntry.objects.get(action="setting.changed")
    assert entry.actor == admin
    assert entry.data["values"]["safety_email"] == "safety@maison.test"
    assert "&copy; Maison Lumière" in client.get("/about/").content.decode()
