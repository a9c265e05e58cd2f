"""The grounds a moderation decision can rest on: each reason code names the
clause of the Terms of use it applies (docs/moderation.md). A statement of
reasons quotes the clause, so the affected person knows which rule, not only
which button a moderator pressed. The one home of the list: the admin's
reason pickers, the API and the terms page's "Conduct rules" read it here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReasonCode(models.TextChoices):
    UNDERAGE = "underage", _("Possible minor")
    TRAFFICKING = "trafficking", _("Trafficking or coercion")
    IMPERSONATION = "impersonation", _("Impersonation or photos of someone else")
    SCAM = "scam", _("Scam or fraud")
    EXPLICIT = "explicit", _("Explicit content")
    CONTACT_DETAILS = "contact_details", _("Contact details outside the platform")
    HARASSMENT = "harassment", _("Harassment or abuse")
    SPAM = "spam", _("Spam or advertising")
    ILLEGAL_SERVICES = "illegal_services", _("Offering unlawful services")
    NO_VIOLATION = "no_violation", _("No breach of the terms found")


@dataclass(frozen=True)
class Ground:
    clause: str  # the Terms of use clause, e.g. "4.2"
    title: str
    text: str


GROUNDS: dict[str, Ground] = {
    ReasonCode.UNDERAGE: Ground(
        "2.1",
        "Adults only",
        "Everyone on the platform, and everyone shown in a profile, is 18 or older.",
    ),
    ReasonCode.TRAFFICKING: Ground(
        "2.2",
        "Free choice",
        "Advertisers act for themselves, freely; nobody may be advertised under "
        "pressure, by force or by someone who takes their earnings.",
    ),
    ReasonCode.IMPERSONATION: Ground(
        "3.1",
        "Truthful profiles",
        "A profile shows its advertiser, in photos they have the right to use.",
    ),
    ReasonCode.SCAM: Ground(
        "3.2",
        "Honest dealing",
        "No deception about identity, prices or payments, and no payment "
        "requested outside the platform's deposit system.",
    ),
    ReasonCode.EXPLICIT: Ground(
        "3.3",
        "Non-explicit content",
        "Photos and text are tasteful and non-explicit.",
    ),
    ReasonCode.CONTACT_DETAILS: Ground(
        "3.4",
        "Contact through the platform",
        "Profiles, reviews and first messages carry no phone numbers, emails or "
        "links to other sites.",
    ),
    ReasonCode.HARASSMENT: Ground(
        "4.1",
        "Respect",
        "No harassment, threats, abuse or discrimination of anyone.",
    ),
    ReasonCode.SPAM: Ground(
        "4.2",
        "No spam",
        "No repeated, automated or unrelated advertising.",
    ),
    ReasonCode.ILLEGAL_SERVICES: Ground(
        "4.3",
        "Lawful companionship only",
        "Advertisers offer their time and companionship; nothing unlawful may be "
        "offered or requested.",
    ),
    ReasonCode.NO_VIOLATION: Ground(
        "—",
        "No breach found",
        "The content was checked against the Terms of use and no rule was broken.",
    ),
}


def ground_for(code: str) -> Ground:
    return GROUNDS[ReasonCode(code)]


# How long the affected person has to appeal a decision (DSA Art. 20 asks for
# at least six months).
APPEAL_WINDOW_DAYS = 180
