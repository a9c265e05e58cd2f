"""One home per rule (issue 10, finding 2): the homes give the answers their
callers relied on, and no module grows its own copy again."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from accounts.models import EDITORS_GROUP, MODERATORS_GROUP, Role
from accounts.selectors import user_is_moderator
from bookings.models import BookingPolicy
from cms_pages import renditions
from core.exceptions import PermissionDenied
from core.formatting import format_duration, format_money
from directory.models import BIO_TAGS, ProfileRate
from directory.services import profile_set_moderation_flags, sanitize_bio
from directory.templatetags.directory_tags import clean_bio
from tests.factories import UserFactory
from tests.factories.pages import make_city, make_profile
from tests.factories.subscriptions import give_plan

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "accounts", "notifications", "cms_pages", "directory", "search")
APPS += ("bookings", "messaging", "moderation", "api", "config")


def _sources() -> list[Path]:
    return [
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]


def _assigned_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize(
    ("pattern", "home"),
    [
        (re.compile(r"^MAX_(PAGE_)?ID$"), "core/ids.py"),
        (re.compile(r"^_?BIO_TAGS$"), "directory/models.py"),
    ],
)
def test_a_rule_constant_is_defined_in_its_home_only(pattern, home) -> None:  # noqa: ANN001
    owners = {
        str(path.relative_to(ROOT))
        for path in _sources()
        if any(pattern.match(name) for name in _assigned_names(path))
    }
    assert owners == {home}


@pytest.mark.parametrize(
    ("needle", "home"),
    [
        (
            re.compile(r"""["'](fill|max|min|width|height)-\d"""),
            "cms_pages/renditions.py",
        ),
        (
            re.compile(r"deposit_percent\s*//|\*\s*\w*\.?deposit_percent"),
            "bookings/models.py",
        ),
        (
            re.compile(r"_minor\s*/\s*100|MINOR\)\s*/\s*100|\]\s*\*\s*100"),
            "core/formatting.py",
        ),
        (re.compile(r"""name=["']Moderators["']"""), None),
    ],
)
def test_a_rule_is_written_in_its_home_only(needle, home) -> None:  # noqa: ANN001
    owners = {
        str(path.relative_to(ROOT))
        for path in _sources()
        if needle.search(path.read_text())
    }
    assert owners == ({home} if home else set())


# --- money, durations, deposits ----------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (30000, "EUR", "300 EUR"),
        (12345, "GBP", "123.45 GBP"),
        (10_000_000, "CHF", "100,000 CHF"),
        (50, "USD", "0.50 USD"),
    ],
)
def test_money_reads_the_same_everywhere(minor: int, currency: str, text: str) -> None:
    rate = ProfileRate(amount_minor=minor, currency=currency, duration_minutes=60)
    assert format_money(minor, currency) == text
    assert rate.amount_display == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(30, "30 minutes"), (60, "1 hour"), (90, "90 minutes"), (120, "2 hours")],
)
def test_durations_read_the_same_everywhere(minutes: int, text: str) -> None:
    from directory.forms import RateForm
    from directory.templatetags.directory_tags import duration

    labels = dict(RateForm().fields["duration_minutes"].choices)
    assert format_duration(minutes) == duration(minutes) == text
    if minutes in labels:
        assert labels[minutes] == text


@pytest.mark.parametrize(
    ("percent", "price", "deposit"),
    [(0, 30000, 0), (20, 30000, 6000), (15, 9999, 1499), (100, 12345, 12345)],
)
def test_the_deposit_formula(percent: int, price: int, deposit: int) -> None:
    assert BookingPolicy(deposit_percent=percent).deposit_for(price) == deposit


# --- renditions, bio tags, moderators ---------------------------------------------


def _template_specs() -> set[str]:
    """Specs the templates ask for, expanded from Wagtail's srcset syntax:
    ``fill-{400x500,800x1000} format-webp``."""
    specs = set()
    tag = re.compile(
        r"{%\s*(?:srcset_image|picture)\s+\S+\s+(\w+)-{([^}]*)}\s+(format-\w+)"
    )
    for path in (ROOT / "templates").rglob("*.html"):
        for method, sizes, fmt in tag.findall(path.read_text()):
            specs |= {f"{method}-{size.strip()}|{fmt}" for size in sizes.split(",")}
    return specs


def test_templates_ask_for_the_sizes_the_listings_prefetch() -> None:
    declared = {
        value
        for name, value in vars(renditions).items()
        if name.isupper() and isinstance(value, str)
    } | {
        spec
        for name, value in vars(renditions).items()
        if name.isupper() and isinstance(value, tuple)
        for spec in value
    }
    used = _template_specs()
    assert used, "the template pattern no longer matches anything"
    assert used <= declared, used - declared


def test_saving_and_showing_a_bio_keep_the_same_tags() -> None:
    every_tag = "".join(f"<{tag}>x</{tag}>" for tag in sorted(BIO_TAGS) if tag != "br")
    html = f'{every_tag}<br><h1>t</h1><a href="/x">l</a><span style="c">s</span>'
    tags = re.compile(r"<(\w+)")

    saved, shown = sanitize_bio(html), clean_bio(html)

    assert set(tags.findall(saved)) == set(tags.findall(shown)) == BIO_TAGS


def test_one_definition_of_a_moderator() -> None:
    moderator, editor = UserFactory(role=Role.STAFF), UserFactory(role=Role.STAFF)
    moderator.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    superuser = UserFactory(role=Role.STAFF, is_superuser=True)
    profile = make_profile("Flagged", city=make_city("Berlin", slug="berlin-mod"))

    assert [
        user_is_moderator(user=u)
        for u in (moderator, superuser, editor, UserFactory(), AnonymousUser())
    ] == [True, True, False, False, False]
    with pytest.raises(PermissionDenied):
        profile_set_moderation_flags(profile=profile, actor=editor, is_vip=True)
    give_plan(profile.owner, "premium")  # a plan with the VIP badge
    profile_set_moderation_flags(profile=profile, actor=moderator, is_vip=True)
    profile.refresh_from_db()
    assert profile.is_vip is True
