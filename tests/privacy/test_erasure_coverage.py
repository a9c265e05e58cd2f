"""Done when (issue 18): the erasure leaves nothing outside the legal hold,
queried across every column that references the person
(``privacy.inventory.user_references()``), the rows it keeps hold no personal
text, and a neighbour's data is untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.utils import timezone

from audit.models import AuditEntry
from bookings.models import Booking
from directory.models import EscortProfilePage
from messaging.models import Message, Thread
from privacy.erasure.erase import account_erase
from privacy.erasure.plan import PLAN, Action
from privacy.erasure.services import account_closure_request
from privacy.inventory import user_references
from privacy.models import AccountClosure
from search.models import ProfileSearchDocument
from tests.privacy.erasure_seed import EMAIL, NAME, PRIVATE, seed_rich_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"  # noqa: S105 - a test account's


@pytest.fixture
def erased(django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    seeded = seed_rich_user(PASSWORD)
    closure = account_closure_request(user=seeded.user, password=PASSWORD)
    before = _neighbour_state(seeded)
    later = timezone.now() + dt.timedelta(days=8)
    with django_capture_on_commit_callbacks(execute=True):
        done = account_erase(closure_id=closure.pk, now=later)
    assert done is not None
    seeded.user.refresh_from_db()
    return seeded, done, before


def _neighbour_state(seeded) -> dict:  # noqa: ANN001
    other = seeded.neighbour_profile
    return {
        "bookings": Booking.objects.filter(profile=other).count(),
        "threads": Thread.objects.filter(profile=other).count(),
        "messages": Message.objects.filter(thread__profile=other).count(),
        "live": EscortProfilePage.objects.live().filter(pk=other.pk).exists(),
    }


def test_only_legal_hold_columns_still_name_the_person(erased) -> None:  # noqa: ANN001
    seeded, _, _ = erased
    left = {
        reference.key: reference.rows_for(seeded.user.pk).count()
        for reference in user_references()
    }
    outside_hold = {
        key: count
        for key, count in left.items()
        if count and PLAN[key].action != Action.HOLD
    }
    assert outside_hold == {}
    # The holds the seeded person had: each still there, for its reason.
    for key in (
        "accounts.Consent.user",
        "audit.AuditEntry.actor",
        "bookings.Booking.client",
        "payments.Payment.payer",
        "privacy.AccountClosure.user",
        "subscriptions.Subscription.user",
        "verification.VerificationAttestation.user",
    ):
        assert left[key] >= 1, key


def test_kept_rows_hold_no_personal_text(erased) -> None:  # noqa: ANN001
    seeded, _, _ = erased
    for reference in user_references():
        if PLAN[reference.key].action != Action.HOLD:
            continue
        for row in reference.rows_for(seeded.user.pk):
            text = repr(model_to_dict(row)).lower()
            for needle in (EMAIL, NAME.lower(), PRIVATE):
                assert needle not in text, (reference.key, row.pk, needle)


def test_audit_entries_name_a_closed_account_not_the_person(erased) -> None:  # noqa: ANN001
    seeded, _, _ = erased
    pseudonym = f"erased-{seeded.user.pk}@invalid.example"
    for entry in AuditEntry.objects.all():
        labels = f"{entry.actor_label} {entry.target_label}".lower()
        assert EMAIL not in labels and NAME.lower() not in labels, entry.action
    about = {
        entry.action: (entry.actor_label, entry.target_label)
        for entry in AuditEntry.objects.filter(action__startswith="test.")
    }
    assert about["test.acted"] == (pseudonym, pseudonym)
    assert about["test.verified"] == ("moderator.kept@example.com", pseudonym)
    assert about["test.approved"][1] == "Closed profile"
    assert about["test.invited"][1] == f"Invitation for {pseudonym}"
    # The neighbour's entry and the moderator's own label are untouched.
    assert about["test.other"] == (
        "moderator.kept@example.com",
        seeded.neighbour.email,
    )
    done = AuditEntry.objects.get(action="audit.labels_pseudonymised")
    assert (done.actor_id, done.target_id) == (None, seeded.user.pk)
    # acted (both labels), verified, approved, invited, and her closure request
    assert done.data["labels"] >= 5
    assert done.target_label == pseudonym


def test_the_user_row_is_a_tombstone(erased) -> None:  # noqa: ANN001
    seeded, _, _ = erased
    user = seeded.user
    assert user.email == f"erased-{user.pk}@invalid.example"
    assert user.display_name == "Closed account"
    assert not user.has_usable_password()
    assert not user.is_active
    assert not user.is_age_verified


def test_profiles_with_bookings_stay_as_empty_stubs(erased) -> None:  # noqa: ANN001
    seeded, _, _ = erased
    stub = EscortProfilePage.objects.get(pk=seeded.profile.pk)
    assert (stub.title, stub.owner_id, stub.live, stub.bio, stub.tagline) == (
        "Closed profile",
        None,
        False,
        "",
        "",
    )
    assert not stub.photos.exists()
    assert not stub.revisions.exists()
    assert not ProfileSearchDocument.objects.filter(profile_id=stub.pk).exists()
    kept = Booking.objects.filter(profile=stub)
    assert kept.count() == 1
    assert set(kept.values_list("note", "meeting_place")) == {("", "")}


def test_the_neighbour_is_untouched(erased) -> None:  # noqa: ANN001
    seeded, _, before = erased
    state = _neighbour_state(seeded)
    # Only the conversation with the erased person went (for both sides).
    assert state["threads"] == before["threads"] - 1
    assert state["messages"] == before["messages"] - 2
    assert state["bookings"] == before["bookings"]
    assert state["live"] is True
    assert seeded.neighbour.is_active


def test_the_receipt_counts_and_is_mailed_to_the_old_address(erased) -> None:  # noqa: ANN001
    seeded, closure, _ = erased
    closure.refresh_from_db()
    assert closure.status == AccountClosure.Status.COMPLETED
    receipt = closure.receipt
    # Both conversations she was a side of, with both sides' messages.
    assert receipt["deleted"]["Messages"] == 4
    assert receipt["deleted"]["Favourites"] >= 1
    kept = {entry["class"]: entry for entry in receipt["kept"]}
    assert kept["Payments"]["count"] == 1
    assert "10 years" in kept["Payments"]["until"]
    assert kept["Bookings of your closed profiles"]["count"] == 1
    (sent,) = [m for m in mail.outbox if m.to == [EMAIL]]
    assert f"/privacy/receipt/{closure.receipt_token}/" in sent.body
    assert "Payments: 1" in sent.body
