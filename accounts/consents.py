"""The one home of the current version of every document a person consents to
(docs/joining.md, "Consent ledger"). A changed text gets a new version here; the
ledger (``accounts.models.Consent``) keeps which version each person answered.

Versions are the date the text took effect (terms, privacy) or a counter (the
age statement); marketing has none of its own text and is versioned with the
privacy policy that describes it."""

from __future__ import annotations

from accounts.models import Consent

Document = Consent.Document

CURRENT_VERSIONS: dict[str, str] = {
    Document.TERMS: "2026-11-01",
    Document.PRIVACY: "2026-11-01",
    Document.AGE_18: "1",
    Document.MARKETING: "2026-11-01",
}

# Sign-up refuses without these; marketing is asked but optional.
SIGNUP_REQUIRED = (Document.AGE_18, Document.TERMS, Document.PRIVACY)

# Where the texts are published: the seeded standard pages (cms_pages/demo.py).
DOCUMENT_URLS: dict[str, str] = {
    Document.TERMS: "/terms/",
    Document.PRIVACY: "/privacy/",
}


def current_version(document: str) -> str:
    return CURRENT_VERSIONS[document]
