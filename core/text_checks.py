"""Checks of free text written by users for others to read (reviews and replies
now; moderation will add admin-edited term lists later). ``check_text(text,
rules=...)`` answers a list of ``Finding``: what kind of thing was found, the
words that matched, and a message that says what to change. Callers decide
what to do with findings (reviews refuse the text; docs/reviews.md, "Text
check").

The rules are regular expressions over the text after NFKC normalisation (so
full-width digits and ligatures match like their plain forms). They run in
order and each one blanks what it matched before the next runs, so an email
address is reported once, as an email, not again as a web address and a
@handle. The explicit-detail list is deliberately short and mild: it names
acts and body parts in plain words and the industry's service acronyms; it is
not a dictionary of slang (moderators see every review before it shows)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Kinds of finding: stable names callers and tests can rely on.
EXPLICIT = "explicit"
PRICE = "price"
EMAIL = "email"
PHONE = "phone"
URL = "url"
HANDLE = "handle"
MESSENGER = "messenger"
ADDRESS = "address"

CONTACT_KINDS = frozenset({EMAIL, PHONE, URL, HANDLE, MESSENGER, ADDRESS})

PHONE_MIN_DIGITS = 7


@dataclass(frozen=True)
class Finding:
    kind: str
    match: str  # the words that matched, as written
    message: str  # what to change, for the writer


@dataclass(frozen=True)
class TextRule:
    kind: str
    pattern: re.Pattern[str]
    message: str
    # A second look at each match, where a regular expression alone would be
    # slow (backtracking) or too broad; None accepts every match.
    accept: Callable[[str], bool] | None = None

    def find(self, text: str) -> list[re.Match[str]]:
        matches = self.pattern.finditer(text)
        return [m for m in matches if self.accept is None or self.accept(m.group(0))]


def _words(*terms: str) -> str:
    return r"\b(?:" + "|".join(terms) + r")\b"


# Mild words only (see the module docstring and docs/reviews.md).
EXPLICIT_TERMS = (
    r"sex",
    r"sexual(?:ly)?",
    r"intercourse",
    r"oral",
    r"orgasms?",
    r"climax(?:ed)?",
    r"naked",
    r"nude",
    r"genitals?",
    r"breasts?",
    r"nipples?",
    r"penetrat\w*",
    r"condoms?",
    r"bareback",
    r"fetish\w*",
    r"bdsm",
    r"kinky",
    r"threesomes?",
    r"foreplay",
    r"aroused",
    r"erections?",
    r"ejaculat\w*",
    r"porn\w*",
    r"gfe",
    r"pse",
    r"happy\s+ending",
)
CURRENCY_WORDS = (
    r"eur",
    r"euros?",
    r"usd",
    r"dollars?",
    r"bucks",
    r"gbp",
    r"pounds?",
    r"quid",
    r"chf",
    r"francs?",
    r"roses",  # the trade's euphemism for money
)
DOMAIN_ENDINGS = (
    "com|net|org|info|biz|io|co|me|app|xyz|site|online|club|link|ly|gg|tv|"
    "eu|uk|de|fr|es|it|nl|be|ch|at|pl|pt|se|dk|no|fi|cz|gr|ie|ru|us|ca|au"
)
MESSENGERS = (
    r"whats\s?app",
    r"telegram",
    r"snap(?:chat)?",
    r"kik",
    r"wickr",
    r"viber",
    r"threema",
    r"we\s?chat",
    r"insta(?:gram)?",
    r"only\s?fans",
    r"tik\s?tok",
    r"twitter",
)
TIME_UNITS = r"(?:h|hr|hrs|hour|hours|night|nights|min|mins|minutes|session)"

_FLAGS = re.IGNORECASE


def _rule(
    kind: str,
    pattern: str,
    message: str,
    accept: Callable[[str], bool] | None = None,
) -> TextRule:
    return TextRule(kind, re.compile(pattern, _FLAGS), message, accept)


# Possessive quantifiers (++, *+) and a lookbehind that starts a match only at
# the start of a token keep every rule linear in the length of the text: the
# domain ending is checked on the whole match afterwards (_ends_in_domain)
# instead of by backtracking.
_DOT = r"(?:\.|\(dot\)|\[dot\]|\bdot\b)"
_LOCAL = r"(?<![\w.+-])[\w.+-]++"
_HOST = r"[\w-]++(?:\s*+" + _DOT + r"\s*+[\w-]++)++"


def review_rules(*, where: str = "reviews") -> tuple[TextRule, ...]:
    """The rules for text shown to the public on a provider's page. ``where``
    names the place in the messages ("reviews", "replies")."""
    contact = _("contact details are not allowed in %(where)s.") % {"where": where}
    return (
        _rule(
            EMAIL,
            _LOCAL
            + r"\s*+(?:@|\(at\)|\[at\])\s*+"
            + _HOST
            # "anna at mail dot com": with a plain "at", only spelt-out dots, or
            # "dinner at the Adlon.de" would read as an address (it is a link).
            + r"|"
            + _LOCAL
            + r"\s+at\s+[\w-]++(?:\s+dot\s+[\w-]++)++",
            _("Remove the email address: %(why)s") % {"why": contact},
            accept=_ends_in_domain,
        ),
        _rule(
            URL,
            r"\b(?:https?://|www\.)\S+"
            r"|(?<![\w.-])[a-z0-9][a-z0-9-]*+(?:\.[a-z0-9-]++)++(?:/\S*)?",
            _("Remove the web address: links and %(why)s") % {"why": contact},
            accept=_is_link,
        ),
        _rule(
            HANDLE,
            r"(?<![\w@])@[a-z0-9_.]{2,}",
            _("Remove the @handle: %(why)s") % {"why": contact},
        ),
        _rule(
            MESSENGER,
            _words(*MESSENGERS, "signal") + r"\s+(?:me|her|him|them|us)\b"
            r"|\b(?:on|via|through|over|add|text|dm)\s+(?:me\s+on\s+)?"
            + _words(*MESSENGERS, "signal"),
            _("Remove the messenger request (WhatsApp, Telegram, Signal…): %(why)s")
            % {"why": contact},
        ),
        _rule(
            PRICE,
            r"[€$£]\s?\d[\d.,]*+"
            r"|(?<![\w.,])\d[\d.,]*+\s?(?:[€$£]|k\b|(?:"
            + "|".join(CURRENCY_WORDS)
            + r")\b)"
            r"|\b(?:eur|usd|gbp|chf)\s?\d[\d.,]*+"
            r"|(?<![\w.,])\d[\d.,]*+\s*(?:/\s*|per\s+|an?\s+)" + TIME_UNITS + r"\b",
            _(
                "Remove the price: amounts paid for services are not allowed in "
                "%(where)s."
            )
            % {"where": where},
        ),
        _rule(
            PHONE,
            r"(?<![\w.])(?:\+|00)?\d[\d\s().\-/]{5,}\d(?![\w.])",
            _("Remove the phone number: %(why)s") % {"why": contact},
            accept=_looks_like_phone,
        ),
        _rule(
            ADDRESS,
            r"\b(?:room|apartment|apt|flat|suite)\.?\s*(?:no\.?|number|#)?\s*\d+\b"
            r"|\b[a-zäöüß-]+(?:strasse|straße|str\.)\s*\d+\b"
            r"|\b\d+[a-z]?\s+(?:[a-zäöüß-]+\s+){0,2}"
            r"(?:street|st|road|rd|avenue|ave|lane|strasse|straße|str)\b",
            _("Remove the address or room number: %(why)s") % {"why": contact},
        ),
        _rule(
            EXPLICIT,
            _words(*EXPLICIT_TERMS),
            _(
                "Remove the explicit detail: describe the company and the "
                "experience, not sexual acts or bodies."
            ),
        ),
    )


def check_text(text: str, *, rules: Iterable[TextRule]) -> list[Finding]:
    """Every finding of ``rules`` in ``text``, in rule order then by position."""
    remaining = unicodedata.normalize("NFKC", text)
    findings = []
    for rule in rules:
        for match in rule.find(remaining):
            words = match.group(0).strip().rstrip(".,;:")
            findings.append(Finding(rule.kind, words, rule.message))
            start, end = match.span()
            # Blank what matched so a later rule does not report it again.
            remaining = remaining[:start] + " " * (end - start) + remaining[end:]
    return findings


def finding_messages(findings: Iterable[Finding]) -> list[str]:
    """One message per kind of finding, in order: what a field error lists."""
    return list(dict.fromkeys(str(finding.message) for finding in findings))


_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-](?:\d{2}|\d{4})$")
_YEARS = re.compile(r"^\d{4}\s?[-/]\s?\d{4}$")


_ENDINGS = frozenset(DOMAIN_ENDINGS.split("|"))
_SPLIT_DOTS = re.compile(_DOT, _FLAGS)


def _ends_in_domain(candidate: str) -> bool:
    """The last label (after the last dot, written or spelt) is a known ending."""
    host = candidate.split("/", 1)[0]
    return _SPLIT_DOTS.split(host)[-1].strip().lower() in _ENDINGS


def _is_link(candidate: str) -> bool:
    return candidate.lower().startswith(("http", "www.")) or _ends_in_domain(candidate)


def _looks_like_phone(candidate: str) -> bool:
    """Seven digits or more, and not a date written with separators."""
    digits = sum(ch.isdigit() for ch in candidate)
    candidate = candidate.strip()
    return digits >= PHONE_MIN_DIGITS and not (
        _DATE.match(candidate) or _YEARS.match(candidate)
    )
