"""core.text_checks: what the review text check refuses (each kind, in the
forms people write it) and what it lets through (times, durations, stars,
dates, ordinary words that contain a listed one), quickly on hostile input."""

from __future__ import annotations

import time

import pytest

from core.text_checks import (
    ADDRESS,
    EMAIL,
    EXPLICIT,
    HANDLE,
    MESSENGER,
    PHONE,
    PRICE,
    URL,
    check_text,
    finding_messages,
    review_rules,
)

RULES = review_rules()


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in check_text(text, rules=RULES)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It was €200 well spent", PRICE),
        ("€ 1.200 for the night", PRICE),
        ("200 eur for an hour", PRICE),
        ("paid 200EUR", PRICE),
        ("300/h is fair", PRICE),
        ("300 / hour", PRICE),
        ("$150 only", PRICE),
        ("150 pounds", PRICE),
        ("£90 and worth it", PRICE),
        ("EUR 250", PRICE),
        ("250 per hour", PRICE),
        ("400 a night", PRICE),
        ("1k for the weekend", PRICE),
        ("500 roses", PRICE),
        ("300 CHF", PRICE),
        ("50 bucks tip", PRICE),
        ("call +49 176 1234 5678", PHONE),
        ("0176-12345678", PHONE),
        ("(030) 123 4567", PHONE),
        ("0044 20 7946 0958", PHONE),
        ("555 1234", PHONE),
        ("+1.212.555.0199", PHONE),
        ("clara@example.com", EMAIL),
        ("Clara.B+dates@mail.example.co.uk", EMAIL),
        ("clara (at) mail dot com", EMAIL),
        ("clara [at] mail [dot] de", EMAIL),
        ("clara at mail dot com", EMAIL),
        ("see https://example.org/clara", URL),
        ("www.clara-berlin.de", URL),
        ("clara-berlin.com", URL),
        ("Book me at clara.com", URL),
        ("follow @clara_b", HANDLE),
        ("Insta: @clara.berlin", HANDLE),
        ("WhatsApp me", MESSENGER),
        ("whats app her", MESSENGER),
        ("Signal me anytime", MESSENGER),
        ("add me on Telegram", MESSENGER),
        ("we talked on Telegram first", MESSENGER),
        ("dm on insta", MESSENGER),
        ("room 512 at the Adlon", ADDRESS),
        ("apt. 4", ADDRESS),
        ("12 Baker Street", ADDRESS),
        ("Friedrichstrasse 12, second floor", ADDRESS),
        ("great sex", EXPLICIT),
        ("she was naked", EXPLICIT),
        ("the happy ending", EXPLICIT),
        ("full GFE", EXPLICIT),
        ("ORAL", EXPLICIT),
    ],
)
def test_refused(text: str, kind: str):
    assert kind in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "We met at 21:00 and talked for 2 hours.",
        "From 20.30 to 23.00, then a taxi.",
        "5 stars, 10/10, would book again",
        "Rated 4.5 out of 5",
        "1.5 hours felt like ten minutes",
        "2-3 hours is the right length",
        "Dinner on 12.03.2025 and again on 14/03/2025",
        "Regulars since 2023-2024",
        "She is sexy, elegant and funny",
        "Essex, Sussex and Middlesex",
        "e.g. dinner, i.e. wine, etc.",
        "She was on time; the signal was bad in the restaurant.",
        "We met at the hotel bar at 8 pm.",
        "I paid the deposit through the site.",
        "The dot com era of dating is over.",
        "3 glasses of wine and 2 desserts",
        "She speaks 4 languages and studied art.",
        "Her email reply came quickly.",
        "a 20 minute walk",
        "in room service we trust",
    ],
)
def test_allowed(text: str):
    assert check_text(text, rules=RULES) == []


def test_reported_once_per_match():
    # The email is not reported again as a link or a @handle.
    assert kinds("clara@example.com") == [EMAIL]


def test_every_finding_with_what_to_change():
    text = "Call 0176 1234567 or clara@example.com, €200, great sex"
    findings = check_text(text, rules=RULES)
    assert [f.kind for f in findings] == [EMAIL, PRICE, PHONE, EXPLICIT]
    assert [f.match for f in findings] == [
        "clara@example.com",
        "€200",
        "0176 1234567",
        "sex",
    ]
    assert findings[2].message == (
        "Remove the phone number: contact details are not allowed in reviews."
    )


def test_messages_name_the_place_and_fold_by_kind():
    rules = review_rules(where="replies")
    findings = check_text("0176 1234567 and 0176 7654321", rules=rules)
    assert finding_messages(findings) == [
        "Remove the phone number: contact details are not allowed in replies."
    ]


def test_full_width_digits_are_digits():
    assert kinds("＋４９ １７６ １２３４ ５６７８") == [PHONE]


@pytest.mark.parametrize(
    "text",
    ["a." * 750, "1.1." * 375, "a@" + "b." * 740, "x" * 1500, "a dot " * 300],
)
def test_linear_on_hostile_input(text: str):
    started = time.perf_counter()
    check_text(text, rules=RULES)
    assert time.perf_counter() - started < 0.5
