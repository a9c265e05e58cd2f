"""Plan limits in the Wagtail page editor (/cms/): a moderator editing a
profile cannot add photos or tours past the owner's plan; the message is the
dashboard's. Only growth is refused: other edits still save."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role
from directory.models import EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import (
    CustomImageFactory,
    EscortOwnerFactory,
    add_photo,
    add_rate,
    make_city,
    make_profile,
)
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db


class _EditForm(HTMLParser):
    """What a browser would post from the editor's form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == "page-edit-form":
            self._in_form = True
        if not self._in_form or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value") or "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.setdefault(a["name"], []).append("")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@pytest.fixture
def setup(admin_login, client):  # noqa: ANN001, ANN201
    city = make_city("Vienna", slug="vienna-editor-limits")
    profile = make_profile(
        "Helena", city=city, owner=EscortOwnerFactory(second_factor=True)
    )
    for n in range(5):
        add_photo(profile, caption=f"P{n}", is_primary=n == 0)
    add_rate(profile)
    EscortProfilePage.objects.get(pk=profile.pk).save_revision(
        user=profile.owner
    ).publish()
    moderator = UserFactory(role=Role.STAFF, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    admin_login(client, moderator)
    return profile, city


def _form(client, profile) -> dict[str, list[str]]:  # noqa: ANN001
    page = client.get(f"/cms/pages/{profile.pk}/edit/")
    assert page.status_code == 200
    parser = _EditForm()
    parser.feed(page.content.decode())
    assert "photos-TOTAL_FORMS" in parser.data
    return parser.data


def _add_row(data: dict, prefix: str, values: dict[str, str]) -> None:
    n = int(data[f"{prefix}-TOTAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(n + 1)]
    data |= {f"{prefix}-{n}-{k}": [v] for k, v in values.items()}
    data |= {f"{prefix}-{n}-ORDER": [str(n + 1)], f"{prefix}-{n}-id": [""]}


def _draft(profile) -> EscortProfilePage:  # noqa: ANN001
    return EscortProfilePage.objects.get(pk=profile.pk).get_latest_revision_as_object()


def test_editor_refuses_a_photo_past_the_plan_with_the_dashboard_message(client, setup):  # noqa: ANN001
    profile, _ = setup
    url = f"/cms/pages/{profile.pk}/edit/"
    data = _form(client, profile)
    image = CustomImageFactory()
    _add_row(data, "photos", {"image": str(image.pk), "caption": "Sixth"})

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert (
        "Your Free plan allows 5 photos. The Premium plan allows 6."
        in refused.content.decode()
    )
    assert len(_draft(profile).photos.all()) == 5

    # Not growth: a changed tagline saves (a profile past its limit after a
    # downgrade stays editable).
    data = _form(client, profile)
    data["tagline"] = ["Opera and long walks"]
    assert client.post(url, data).status_code == 302
    assert _draft(profile).tagline == "Opera and long walks"

    give_plan(profile.owner, "premium")
    data = _form(client, profile)
    _add_row(data, "photos", {"image": str(image.pk), "caption": "Sixth"})
    assert client.post(url, data).status_code == 302
    assert len(_draft(profile).photos.all()) == 6


def test_editor_refuses_active_tours_past_the_plan(client, setup):  # noqa: ANN001
    profile, city = setup
    url = f"/cms/pages/{profile.pk}/edit/"
    today = timezone.localdate()
    data = _form(client, profile)
    for start in (10, 30):
        _add_row(
            data,
            "tours",
            {
                "city": str(city.pk),
                "starts_on": str(today + dt.timedelta(days=start)),
                "ends_on": str(today + dt.timedelta(days=start + 3)),
            },
        )

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Your Free plan allows 1 active tours." in refused.content.decode()
    assert len(_draft(profile).tours.all()) == 0
