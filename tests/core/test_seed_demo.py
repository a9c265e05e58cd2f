import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from wagtail.models import Site

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import User
from directory.models import EscortProfilePage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def few_profiles(monkeypatch):
    # The demo has 300 profiles; three prove the same code paths in a second.
    monkeypatch.setenv("DEMO_PROFILES", "3")


def test_seed_demo_is_idempotent_and_shows_progress():
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    users, profiles = User.objects.count(), EscortProfilePage.objects.count()
    call_command("seed_demo", stdout=second)
    assert (User.objects.count(), EscortProfilePage.objects.count()) == (
        users,
        profiles,
    )
    # The three asked for, plus the onboarding stages' drafts (directory demo).
    onboarding = EscortProfilePage.objects.filter(
        owner__email__startswith="onboarding."
    )
    assert profiles - onboarding.count() == 3
    assert User.objects.filter(email__in=[u[0] for u in DEMO_USERS]).count() == 6
    assert "[1/" in first.getvalue() and "created" in first.getvalue()
    assert "created" not in second.getvalue()
    assert "Demo data ready." in second.getvalue()


def test_every_demo_login_works_with_its_role():
    call_command("seed_demo", stdout=io.StringIO())
    for email, _name, role, is_superuser, groups in DEMO_USERS:
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert user.role == role
        assert user.is_superuser is is_superuser
        assert set(user.groups.values_list("name", flat=True)) == set(groups)
        assert user.emailaddress_set.get().verified


def test_site_address_follows_site_url(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("seed_demo", stdout=io.StringIO())
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
