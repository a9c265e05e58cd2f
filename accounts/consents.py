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

# A new version of these sends every account through /accounts/consents/ at its
# next request (accounts.consent_renewal); age is asked once, marketing stays
# optional and is never a gate.
RENEWAL_REQUIRED = (Document.TERMS, Document.PRIVACY)

# Where the texts are published: the seeded standard pages (cms_pages/demo.py).
DOCUMENT_URLS: dict[str, str] = {
    Document.TERMS: "/terms/",
    Document.PRIVACY: "/privacy/",
}


def current_version(document: str) -> str:
    return CURRENT_VERSIONS[document]


def renewal_signature() -> str:
    """The current versions of the documents that gate access, as one string: a
    session that stored it has accepted them, and any new version changes it."""
    return ";".join(f"{doc}={CURRENT_VERSIONS[doc]}" for doc in RENEWAL_REQUIRED)
