"""The erasure plan: for every column of ``privacy.inventory.user_references()``
what the erasure does with the rows that name the person (docs/privacy.md,
"Erasure"). ``tests/privacy/test_erasure_plan.py`` fails, naming the column, on
a reference without an entry, so a new model with a user foreign key cannot
slip past the erasure. The close page lists the same plan to the person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacy import retention


class Action(StrEnum):
    DELETE = "delete"  # the rows go (with what cascades from them)
    SET_NULL = "set_null"  # the rows stay for others, no longer naming the person
    HOLD = "hold"  # kept under a legal hold, personal free text emptied


@dataclass(frozen=True)
class Hold:
    """Why rows are kept and until when: shown on the close page and written
    into the receipt."""

    label: str
    why: str
    until: str


@dataclass(frozen=True)
class Step:
    action: Action
    hold: Hold | None = None
    # HOLD rows: their personal free text, emptied at the erasure.
    minimise: dict | None = None


def _period_label(period: dt.timedelta) -> str:
    if period.days % 365 == 0:
        years = period.days // 365
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    return ngettext("%(n)s day", "%(n)s days", period.days) % {"n": period.days}


def _scheduled_until(key: str) -> str:
    """The "until" of a class kept under the retention schedule, read from the
    schedule itself so the receipt and the privacy page say the same."""
    data_class = next(c for c in retention.SCHEDULE if c.key == key)
    if data_class.kept_label:
        return str(data_class.kept_label)
    return _("%(period)s after it was closed; kept with a decision") % {
        "period": _period_label(data_class.period)
    }


def _scheduled_basis(key: str) -> str:
    return str(next(c for c in retention.SCHEDULE if c.key == key).legal_basis)


# Commercial and tax law keep accounting records (invoices, payments and the
# bookings they pay for) for ten years after the end of the financial year
# (e.g. §147 AO, §257 HGB). The retention schedule keeps them "while the
# account exists"; after an erasure this is the period that applies.
ACCOUNTING_YEARS = 10


def _accounting_until() -> str:
    return _("%(years)s years after the end of the financial year") % {
        "years": ACCOUNTING_YEARS
    }


_basis = lazy(_scheduled_basis, str)
_until = lazy(_scheduled_until, str)

ACCOUNTING = Hold(
    label=_("Payments, invoices, bookings and payouts"),
    why=_(
        "Legal obligation (Art. 6(1)(c)): accounting records. Kept without "
        "your name, email, notes or meeting places, pointing at a closed account."
    ),
    until=lazy(_accounting_until, str)(),
)
AUDIT = Hold(
    label=_("Audit log entries"),
    why=_basis("audit_entries"),
    until=_until("audit_entries"),
)
ATTESTATION = Hold(
    label=_("Age and identity verification outcome"),
    why=_basis("verification_attestations"),
    until=_until("verification_attestations"),
)
CONSENTS = Hold(
    label=_("Consent records"),
    why=_(
        "Legal obligation (Art. 7(1)): proof of what you agreed to and when. "
        "The ledger is append-only."
    ),
    until=_("No fixed end: the record outlives the account"),
)
CASES = Hold(
    label=_("Moderation decisions, statements of reasons and appeals about you"),
    why=_basis("reports"),
    until=_until("reports"),
)
RECEIPT = Hold(
    label=_("This closure and its receipt"),
    why=_(
        "Legal obligation (Art. 5(2), accountability): proof that the erasure "
        "was carried out, and the receipt you are reading."
    ),
    until=_("No fixed end: the record outlives the account"),
)

D = Step(Action.DELETE)
N = Step(Action.SET_NULL)


def _hold(hold: Hold, **minimise: str) -> Step:
    return Step(Action.HOLD, hold=hold, minimise=minimise or None)


PLAN: dict[str, Step] = {
    "account.EmailAddress.user": D,
    "accounts.Consent.user": _hold(CONSENTS),
    "accounts.User_groups.user": D,
    "accounts.User_user_permissions.user": D,
    "admin.LogEntry.user": D,
    "analytics.ReportSubscription.subscriber": D,
    "analytics.SavedReport.owner": D,
    "analytics.UserActiveDay.user": D,
    "audit.AuditEntry.actor": _hold(AUDIT),
    "bookings.Booking.assigned_to": N,
    "bookings.Booking.client": _hold(ACCOUNTING, note="", meeting_place=""),
    "bookings.BookingEvent.actor": N,
    "bookings.ProviderPayout.actor": _hold(ACCOUNTING),
    "bookings.ProviderPayout.provider": _hold(ACCOUNTING),
    "cms_pages.CustomImage.uploaded_by_user": D,
    "directory.Agency.verified_by": N,
    "directory.AgencyEscort.escort": D,
    "directory.AgencyInvitation.decided_by": N,
    "directory.AgencyInvitation.invited_by": N,
    "directory.AgencyMembership.user": D,
    "directory.Favourite.client": D,
    "messaging.AwayReply.set_by": N,
    "messaging.Block.blocked": D,
    "messaging.Block.blocker": D,
    "messaging.Message.sender": D,
    "messaging.MessageTemplate.owner": D,
    "messaging.Thread.client": D,
    "mfa.Authenticator.user": D,
    "moderation.Appeal.appellant": _hold(CASES),
    "moderation.Appeal.assigned_to": N,
    "moderation.Appeal.decided_by": N,
    "moderation.Appeal.original_actor": N,
    "moderation.Decision.actor": N,
    "moderation.Decision.affected_user": _hold(CASES),
    "moderation.PhotoFingerprint.owner": D,
    "moderation.Report.assigned_to": N,
    "moderation.Report.reporter": N,
    "moderation.Report.subject_user": _hold(CASES),
    "moderation.SafetyMessage.author": N,
    "moderation.Sanction.user": _hold(CASES),
    "moderation.Statement.user": _hold(CASES),
    "moderation.TrustScore.user": D,
    "notifications.EmailDelivery.recipient": D,
    "notifications.Notification.recipient": D,
    "notifications.NotificationPreference.user": D,
    "payments.Payment.payer": _hold(ACCOUNTING),
    "payments.ReconciliationIssue.resolved_by": _hold(ACCOUNTING),
    "payments.Refund.actor": _hold(ACCOUNTING),
    "privacy.AccountClosure.user": _hold(RECEIPT),
    "privacy.DataExport.user": D,
    "reviews.ClientAssessment.assessor": N,
    "reviews.ClientAssessment.client": D,
    "reviews.Review.author": D,
    "reviews.Review.moderated_by": N,
    "reviews.Review.replied_by": N,
    "subscriptions.Invoice.user": _hold(ACCOUNTING),
    "subscriptions.Subscription.user": _hold(ACCOUNTING, gateway_payment_method=""),
    "usersessions.UserSession.user": D,
    "verification.PhotoVerification.user": D,
    "verification.PhotoVerification.verified_by": N,
    "verification.VerificationAttestation.decided_by": _hold(ATTESTATION),
    "verification.VerificationAttestation.user": _hold(ATTESTATION),
    "verification.VerificationChallenge.user": D,
    "verification.VerificationRequest.decided_by": N,
    "verification.VerificationRequest.user": D,
    "verification.VerificationRerequest.requested_by": N,
    "verification.VerificationRerequest.user": D,
    "wagtailadmin.EditingSession.user": D,
    "wagtailadmin.FormState.user": D,
    "wagtailcore.Comment.resolved_by": N,
    "wagtailcore.Comment.user": D,
    "wagtailcore.CommentReply.user": D,
    "wagtailcore.ModelLogEntry.user": N,
    "wagtailcore.Page.locked_by": N,
    "wagtailcore.Page.owner": N,
    "wagtailcore.PageLogEntry.user": N,
    "wagtailcore.PageSubscription.user": D,
    "wagtailcore.Revision.user": N,
    "wagtailcore.TaskState.finished_by": N,
    "wagtailcore.UploadedFile.uploaded_by_user": D,
    "wagtailcore.WorkflowState.requested_by": N,
    "wagtaildocs.Document.uploaded_by_user": D,
    "wagtailimages.Image.uploaded_by_user": D,
    "wagtailusers.UserProfile.user": D,
}


def holds() -> list[Hold]:
    """Each legal hold once, in plan order: the close page's "kept" list."""
    seen: list[Hold] = []
    for step in PLAN.values():
        if step.hold is not None and all(step.hold is not h for h in seen):
            seen.append(step.hold)
    return seen


def plan_gaps(keys: list[str]) -> list[str]:
    """Columns naming a person that the plan does not cover: each one fails
    the coverage test by name until someone decides what erasure does to it."""
    return sorted(set(keys) - set(PLAN))
