"""Automated text checks, flagged for humans (docs/automated-checks.md).

``text_flags(text, context=..., where=...)`` answers every ``Flag`` in a text:
what matched, why, where (the field and the position), and whether it blocks
in that context. It combines

- the built-in contact detection of ``core.text_checks`` (emails, web
  addresses, @handles, messenger requests, phone numbers, street addresses),
  plus phone numbers spelt out in words ("zero seven seven ..."),
- the built-in explicit-words list of ``core.text_checks``,
- the lists moderators edit in the admin (``TextRule``: banned terms,
  explicit terms, contact patterns, terms to watch).

What blocks depends on where the text goes (``POLICY``): a bio or tagline
must carry no contact details and nothing banned or explicit; a client's
first message to a provider is refused for banned or explicit words, while
contact details in it are let through and flagged for the moderators.
"Watch" terms never block anywhere: they file an automated report.

The admin lists are read once and cached (Django's cache, then per process
by their content); saving or deleting a rule drops the cache
(``rules_cache_clear``, connected in moderation.automated_signals)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core import text_checks
from moderation.automated_models import TextRule, TextRuleKind
from moderation.models import Report, ReportCategory
from moderation.services import report_create

# Contexts: where the text is going.
PROFILE = "profile"  # a provider's display name, tagline, bio
FIRST_MESSAGE = "first_message"  # a client's message before the provider replied

# Categories of flags (one per kind of problem).
BANNED = "banned"
EXPLICIT = "explicit"
CONTACT = "contact"
WATCH = "watch"

BLOCK = "block"  # refused, with the reason
REVIEW = "review"  # let through, and an automated report goes to moderators

POLICY: dict[str, dict[str, str]] = {
    PROFILE: {BANNED: BLOCK, EXPLICIT: BLOCK, CONTACT: BLOCK, WATCH: REVIEW},
    FIRST_MESSAGE: {BANNED: BLOCK, EXPLICIT: BLOCK, CONTACT: REVIEW, WATCH: REVIEW},
}

CACHE_KEY = "moderation:text-rules:v1"
CACHE_SECONDS = 60 * 60

SPELLED_PHONE = "spelled_phone"
SPELLED_MIN_DIGITS = 7
SPELLED_MIN_WORDS = 3  # fewer number words: an ordinary phone rule's business


@dataclass(frozen=True)
class Flag:
    category: str  # BANNED / EXPLICIT / CONTACT / WATCH
    kind: str  # finer: "email", "phone", "spelled_phone", "banned_term", ...
    match: str  # the words that matched, as written
    why: str  # what to change, for the writer
    where: str  # the field ("bio", "tagline", "body")
    start: int  # position in the (normalised) text
    action: str  # BLOCK or REVIEW in this context
    source: str = "built-in"  # or "list:<rule id>"

    @property
    def blocks(self) -> bool:
        return self.action == BLOCK

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "kind": self.kind,
            "match": self.match,
            "why": self.why,
            "where": self.where,
            "start": self.start,
            "action": self.action,
            "source": self.source,
        }


@dataclass(frozen=True)
class _Rule:
    category: str
    kind: str
    pattern: re.Pattern[str]
    why: str
    accept: Any = None
    source: str = "built-in"

    def find(self, text: str) -> list[re.Match[str]]:
        return [
            m
            for m in self.pattern.finditer(text)
            if self.accept is None or self.accept(m.group(0))
        ]


# --- Spelled-out phone numbers ---------------------------------------------------

NUMBER_WORDS = (
    "zero",
    "oh",
    "nought",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
REPEATS = {"double": 2, "triple": 3}  # "double seven": the seven counts twice
_NUMBER_TOKEN = r"(?:" + "|".join([*NUMBER_WORDS, *REPEATS]) + r"|\d{1,4})"
# A run of number words and short digit groups, separated by spaces, commas,
# dots or hyphens. Possessive: linear in the text's length.
SPELLED_RUN = re.compile(
    r"(?<!\w)" + _NUMBER_TOKEN + r"(?:[\s,.\-]++" + _NUMBER_TOKEN + r")++(?!\w)",
    re.IGNORECASE,
)
_TOKENS = re.compile(r"[a-z]+|\d+", re.IGNORECASE)


def _spelled_phone(candidate: str) -> bool:
    """Seven digits or more, at least three of them written as words."""
    digits = words = 0
    repeat = 1
    for token in _TOKENS.findall(candidate.lower()):
        if token.isdigit():
            digits += len(token) * repeat
            repeat = 1
        elif token in REPEATS:
            repeat = REPEATS[token]
        else:
            digits += repeat
            words += 1
            repeat = 1
    return digits >= SPELLED_MIN_DIGITS and words >= SPELLED_MIN_WORDS


# --- Rules -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _builtin_rules() -> tuple[_Rule, ...]:
    contact_why = _(
        "contact details are not allowed here: people reach you on the site."
    )
    rules = []
    for rule in text_checks.review_rules(where="profiles"):
        if rule.kind == text_checks.PRICE:
            continue  # rates belong in the rates table, but a price is no risk
        if rule.kind == text_checks.EXPLICIT:
            rules.append(
                _Rule(EXPLICIT, "explicit", rule.pattern, _explicit_why(), rule.accept)
            )
            continue
        accept = rule.accept
        if rule.kind == text_checks.PHONE:
            accept = _phone_not_dates(rule.accept)
        rules.append(
            _Rule(
                CONTACT,
                rule.kind,
                rule.pattern,
                _contact_why(rule.kind, contact_why),
                accept,
            )
        )
    rules.insert(
        # Before the digit phone rule, which would see only the digit groups.
        next(i for i, r in enumerate(rules) if r.kind == text_checks.PHONE),
        _Rule(
            CONTACT,
            SPELLED_PHONE,
            SPELLED_RUN,
            _("Remove the phone number written out in words: %(why)s")
            % {"why": contact_why},
            _spelled_phone,
        ),
    )
    return tuple(rules)


_DATE = r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
_DATE_RANGE = re.compile(r"^" + _DATE + r"\s*[-/–]\s*" + _DATE + r"$")


def _phone_not_dates(accept: Any) -> Any:
    """Bios name tour dates ("12.05.2026 - 18.05.2026"): not a phone number."""

    def check(candidate: str) -> bool:
        if _DATE_RANGE.match(candidate.strip()):
            return False
        return accept is None or accept(candidate)

    return check


def _contact_why(kind: str, why: str) -> str:
    what = {
        text_checks.EMAIL: _("the email address"),
        text_checks.URL: _("the web address"),
        text_checks.HANDLE: _("the @handle"),
        text_checks.MESSENGER: _("the messenger request (WhatsApp, Telegram, Signal…)"),
        text_checks.PHONE: _("the phone number"),
        text_checks.ADDRESS: _("the address or room number"),
    }.get(kind, _("the contact details"))
    return _("Remove %(what)s: %(why)s") % {"what": what, "why": why}


def _explicit_why() -> str:
    return _(
        "Remove the explicit wording: describe yourself and the company you "
        "offer, not sexual acts or bodies."
    )


_LIST_CATEGORY = {
    TextRuleKind.BANNED: BANNED,
    TextRuleKind.EXPLICIT: EXPLICIT,
    TextRuleKind.CONTACT: CONTACT,
    TextRuleKind.WATCH: WATCH,
}


def _list_why(kind: str) -> str:
    if kind == TextRuleKind.BANNED:
        return _(
            "Remove “%(term)s”: this wording is not allowed on the site "
            "(terms of service)."
        )
    if kind == TextRuleKind.EXPLICIT:
        return _explicit_why() + " (“%(term)s”)"
    if kind == TextRuleKind.CONTACT:
        return _("Remove “%(term)s”: contact details are not allowed here.")
    return _("“%(term)s” will be looked at by a moderator.")


def term_pattern(term: str) -> str:
    """A term as a whole-word pattern: words separated by any spaces, ``*`` any
    letters or digits (possessive), ``#`` one digit; everything else literal."""
    parts = []
    for chunk in re.split(r"(\s+|\*|#)", " ".join(term.split()).lower()):
        if not chunk:
            continue
        if chunk.isspace():
            parts.append(r"\s+")
        elif chunk == "*":
            parts.append(r"\w*+")
        elif chunk == "#":
            parts.append(r"\d")
        else:
            parts.append(re.escape(chunk))
    return r"(?<!\w)" + "".join(parts) + r"(?!\w)"


@lru_cache(maxsize=8)
def _compiled(entries: tuple[tuple[int, str, str], ...]) -> tuple[_Rule, ...]:
    rules = []
    for pk, kind, term in entries:
        rules.append(
            _Rule(
                _LIST_CATEGORY[kind],
                kind,
                re.compile(term_pattern(term), re.IGNORECASE),
                _list_why(kind) % {"term": term},
                source=f"list:{pk}",
            )
        )
    return tuple(rules)


def active_list_entries() -> tuple[tuple[int, str, str], ...]:
    """The admin lists as ``(id, kind, term)``, from the cache when it has them."""
    entries = cache.get(CACHE_KEY)
    if entries is None:
        entries = [
            list(row)
            for row in TextRule.objects.filter(is_active=True)
            .order_by("kind", "term")
            .values_list("pk", "kind", "term")
        ]
        cache.set(CACHE_KEY, entries, CACHE_SECONDS)
    return tuple(tuple(entry) for entry in entries)


def rules_cache_clear() -> None:
    """Called when a rule changes: now, and again after commit so that no
    request re-caches the old lists from before the change was committed."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def _rules() -> tuple[_Rule, ...]:
    # Admin lists first: a listed contact pattern or banned term is reported
    # as itself, not again by a broader built-in rule (matches are blanked).
    listed = _compiled(active_list_entries())
    first = tuple(r for r in listed if r.category in (BANNED, CONTACT))
    later = tuple(r for r in listed if r.category not in (BANNED, CONTACT))
    return first + _builtin_rules() + later


# --- The check -------------------------------------------------------------------


def text_flags(text: str, *, context: str, where: str = "text") -> list[Flag]:
    """Every flag in ``text`` for ``context`` (PROFILE, FIRST_MESSAGE), in rule
    order then by position. Each match is blanked before the next rule runs,
    so an email address is one flag, not also a web address."""
    policy = POLICY[context]
    remaining = unicodedata.normalize("NFKC", text or "")
    flags = []
    for rule in _rules():
        for match in rule.find(remaining):
            start, end = match.span()
            flags.append(
                Flag(
                    category=rule.category,
                    kind=rule.kind,
                    match=match.group(0).strip().rstrip(".,;:"),
                    why=rule.why,
                    where=where,
                    start=start,
                    action=policy[rule.category],
                    source=rule.source,
                )
            )
            remaining = remaining[:start] + " " * (end - start) + remaining[end:]
    return flags


def fields_flags(fields: dict[str, str], *, context: str) -> list[Flag]:
    """``text_flags`` of several fields (name → text)."""
    return [
        flag
        for name, text in fields.items()
        for flag in text_flags(text, context=context, where=name)
    ]


def blocking_errors(flags: Iterable[Flag]) -> dict[str, list[str]]:
    """The blocking flags as field errors (one message per reason, in order):
    what ValidationFailed carries to the form or the API's 400."""
    errors: dict[str, list[str]] = {}
    for flag in flags:
        if flag.blocks and flag.why not in errors.setdefault(flag.where, []):
            errors[flag.where].append(flag.why)
    return {name: problems for name, problems in errors.items() if problems}


def review_flags(flags: Iterable[Flag]) -> list[Flag]:
    return [flag for flag in flags if not flag.blocks]


# --- Automated reports ------------------------------------------------------------


def flags_report(
    *,
    target: models.Model,
    subject_user: User | None,
    flags: list[Flag],
    what: str,
    context: dict[str, Any] | None = None,
) -> tuple[Report, bool] | None:
    """File one automated report about ``target`` for the soft flags, for a
    moderator to look at, with ``context`` (what the moderator needs to judge
    it, e.g. the whole message) in the encrypted evidence. Deduplicated by the
    target and what was flagged: the same text submitted twice files one
    report."""
    if not flags:
        return None
    seen = "|".join(sorted(f"{f.where}:{f.kind}:{f.match.lower()}" for f in flags))
    key = "textcheck:" + hashlib.sha256(seen.encode()).hexdigest()[:48]
    category = (
        ReportCategory.EXPLICIT
        if any(f.category == EXPLICIT for f in flags)
        else ReportCategory.OTHER
    )
    return report_create(
        reporter=None,
        category=category,
        details=_("Automated text check: %(what)s flagged for review.")
        % {"what": what},
        target=target,
        evidence={
            "kind": "text_check",
            "what": what,
            "flags": [flag.as_dict() for flag in flags],
            **(context or {}),
        },
        subject_user=subject_user,
        dedupe_key=key,
        automated=True,
    )
