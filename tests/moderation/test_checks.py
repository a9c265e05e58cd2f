"""moderation.checks.text_flags: the listed cases are flagged (banned term,
explicit term, phone, spelled-out phone, email, URL, an admin-added term),
clean text passes (including words that contain a listed term), what blocks
depends on where the text goes, and the admin lists are cached and refreshed
when a moderator changes them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.models import Role
from audit.models import AuditEntry
from moderation.automated_models import TextRule, validate_term
from moderation.checks import (
    BANNED,
    BLOCK,
    CONTACT,
    EXPLICIT,
    FIRST_MESSAGE,
    PROFILE,
    REVIEW,
    WATCH,
    active_list_entries,
    blocking_errors,
    term_pattern,
    text_flags,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def kinds(text: str, context: str = PROFILE) -> list[tuple[str, str, str]]:
    return [(f.category, f.kind, f.match) for f in text_flags(text, context=context)]


@pytest.mark.parametrize(
    ("text", "category", "kind", "match"),
    [
        ("Sweet teen looking for fun", BANNED, "banned_term", "teen"),
        ("Barely   legal and new here", BANNED, "banned_term", "Barely   legal"),
        ("No sex talk please", EXPLICIT, "explicit", "sex"),
        ("I offer erotic massage", EXPLICIT, "explicit_term", "erotic massage"),
        ("Call 0176 1234 5678 tonight", CONTACT, "phone", "0176 1234 5678"),
        ("Ring +44 20 7946 0958", CONTACT, "phone", "+44 20 7946 0958"),
        ("Write to anna.k@example.com", CONTACT, "email", "anna.k@example.com"),
        ("anna at mail dot com", CONTACT, "email", "anna at mail dot com"),
        ("See www.anna-escort.com", CONTACT, "url", "www.anna-escort.com"),
        ("See https://example.org/me", CONTACT, "url", "https://example.org/me"),
        ("Find me on onlyfans", CONTACT, "contact_pattern", "onlyfans"),
        ("t.me/annaberlin for more", CONTACT, "contact_pattern", "t.me/annaberlin"),
        ("Message me on WhatsApp", CONTACT, "messenger", "on WhatsApp"),
    ],
)
def test_the_listed_cases_are_flagged(text, category, kind, match):
    assert (category, kind, match) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "zero seven seven one two three four five six seven eight",
        "Call oh seven seven double one, two three four five six",
        "0 seven 7 one 2 three 4 five",
        "ZERO-SEVEN-SEVEN-NINE-EIGHT-SEVEN-SIX",
    ],
)
def test_spelled_out_phone_numbers_are_flagged(text):
    flags = text_flags(text, context=PROFILE)
    assert [(f.category, f.kind) for f in flags] == [(CONTACT, "spelled_phone")]
    assert flags[0].blocks


@pytest.mark.parametrize(
    "text",
    [
        # Words that contain a listed term: whole words only.
        "Born in Essex, I love the canteen at the Sussex museum.",
        "I am nineteen years old... no, twenty-six, and sixteen is my lucky number.",
        "A steen of wine, a lolitas-style dress? No: my name is Teena.",
        "Fullservice restaurant critic; full-time student of middlesex history.",
        # Numbers that are not phone numbers.
        "I speak two languages, stand one metre seventy and love the 1920s.",
        "Available from one to three, five days a week, for two or three hours.",
        "Tours 12.05.2026 - 18.05.2026, room for 2 guests.",
        # Ordinary bios.
        "Warm, well travelled and discreet. Opera, long dinners and good wine.",
        "Elegant company for dinners and events in Berlin and Vienna.",
    ],
)
def test_clean_text_passes(text):
    assert text_flags(text, context=PROFILE) == []


def test_each_match_is_one_flag_with_where_and_why():
    text = "Mail anna@example.com or call 0176 1234 5678"
    flags = text_flags(text, context=PROFILE, where="bio")
    assert [f.kind for f in flags] == ["email", "phone"]
    assert {f.where for f in flags} == {"bio"}
    assert flags[0].start == text.index("anna@")
    assert "email address" in flags[0].why
    assert "phone number" in flags[1].why


def test_what_blocks_depends_on_the_context():
    text = "Sweet teen, call 0176 1234 5678, no limits"
    profile = {f.category: f.action for f in text_flags(text, context=PROFILE)}
    message = {f.category: f.action for f in text_flags(text, context=FIRST_MESSAGE)}
    assert profile == {BANNED: BLOCK, CONTACT: BLOCK, WATCH: REVIEW}
    assert message == {BANNED: BLOCK, CONTACT: REVIEW, WATCH: REVIEW}


def test_blocking_errors_are_field_errors_one_per_reason():
    flags = text_flags("teen teen, call 0176 1234 5678", context=PROFILE, where="bio")
    errors = blocking_errors(flags)
    assert list(errors) == ["bio"]
    assert len(errors["bio"]) == 2  # the banned term once, the phone number once
    assert "teen" in errors["bio"][0]


def test_an_admin_added_term_is_flagged_and_the_cache_follows_changes(
    django_capture_on_commit_callbacks,
):
    assert text_flags("Ask about the velvet menu", context=PROFILE) == []
    with django_capture_on_commit_callbacks(execute=True):
        rule = TextRule.objects.create(kind=TextRule.Kind.BANNED, term="velvet menu")
    flags = text_flags("Ask about the VELVET  MENU", context=PROFILE)
    assert [(f.kind, f.match, f.source) for f in flags] == [
        ("banned_term", "VELVET  MENU", f"list:{rule.pk}")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        rule.is_active = False
        rule.save()
    assert text_flags("Ask about the velvet menu", context=PROFILE) == []
    with django_capture_on_commit_callbacks(execute=True):
        TextRule.objects.create(kind=TextRule.Kind.WATCH, term="velvet*")
    (flag,) = text_flags("the velvety menu", context=PROFILE)
    assert (flag.category, flag.action) == (WATCH, REVIEW)


def test_the_lists_are_read_once_then_cached(django_assert_num_queries):
    active_list_entries()
    with django_assert_num_queries(0):
        text_flags("Call me on telegram, teen", context=PROFILE)


def test_terms_are_literal_words_with_two_wildcards():
    assert term_pattern("a.b (c)") == r"(?<!\w)a\.b\s+\(c\)(?!\w)"
    assert term_pattern("only fan*") == r"(?<!\w)only\s+fan\w*+(?!\w)"
    assert term_pattern("room ###") == r"(?<!\w)room\s+\d\d\d(?!\w)"
    for bad in ["(a+)+$", "[abc]", "a|b", "  ", "**"]:
        with pytest.raises(ValidationError):
            validate_term(bad)
    validate_term("t.me/*")


# --- The lists in the admin ---------------------------------------------------

RULES_ADMIN = "/cms/moderation/text-rules/"


def staff_in(group_name: str):  # noqa: ANN201
    user = UserFactory(role=Role.STAFF)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_moderators_edit_the_lists_in_the_admin_audited(
    client, admin_login, django_capture_on_commit_callbacks
):
    moderator = admin_login(client, staff_in("Moderators"))
    listing = client.get(RULES_ADMIN)
    assert listing.status_code == 200
    assert "barely legal" in listing.content.decode()  # seeded by the migration
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{RULES_ADMIN}new/",
            {"kind": "banned_term", "term": "  Velvet   Rope ", "is_active": "on"},
        )
    assert response.status_code == 302
    rule = TextRule.objects.get(term="velvet rope")  # normalised
    entry = AuditEntry.objects.get(action="text_rule.added")
    assert entry.actor == moderator and entry.target_id == rule.pk
    assert [f.kind for f in text_flags("the velvet rope", context=PROFILE)] == [
        "banned_term"
    ]
    bad = client.post(f"{RULES_ADMIN}new/", {"kind": "banned_term", "term": "a|b"})
    assert bad.status_code == 200 and not TextRule.objects.filter(term="a|b").exists()


def test_other_staff_cannot_edit_the_lists(client, admin_login):
    admin_login(client, staff_in("Editors"))
    assert client.get(RULES_ADMIN).status_code in (302, 403)
    assert client.get(f"{RULES_ADMIN}new/").status_code in (302, 403)
