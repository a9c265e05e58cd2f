"""The export's registry: each class of data, its file in the zip, the user
columns (``privacy.inventory`` keys) it covers, and how to read it; and
``EXCLUDED``, every other user column with the reason it is not exported.
tests/privacy/test_export_coverage.py fails, naming the column, on a user
column in neither (docs/privacy.md, "Export")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from privacy.exporting import collectors, records


@dataclass(frozen=True)
class ExportClass:
    key: str  # the file: <key>.json
    label: str  # what the file is, for manifest.json
    covers: tuple[str, ...]
    collect: Callable


REGISTRY: tuple[ExportClass, ...] = (
    ExportClass(
        "account",
        "Your account, email addresses and the consents you gave",
        ("account.EmailAddress.user", "accounts.Consent.user"),
        collectors.account,
    ),
    ExportClass(
        "profiles",
        "Profiles you own and every revision of them (full content)",
        ("wagtailcore.Page.owner", "wagtailcore.Revision.user"),
        collectors.profiles,
    ),
    ExportClass(
        "photos",
        "Your photos; the original files are in photos/",
        ("cms_pages.CustomImage.uploaded_by_user",),
        collectors.photos,
    ),
    ExportClass(
        "bookings",
        "Bookings as a client and on your profiles' side, with their history",
        (
            "bookings.Booking.client",
            "bookings.Booking.assigned_to",
            "bookings.BookingEvent.actor",
        ),
        collectors.bookings,
    ),
    ExportClass(
        "messages",
        "Conversations you can still see, their messages, blocks, templates "
        "and away replies",
        (
            "messaging.Thread.client",
            "messaging.Message.sender",
            "messaging.Block.blocker",
            "messaging.MessageTemplate.owner",
            "messaging.AwayReply.set_by",
        ),
        collectors.messages,
    ),
    ExportClass(
        "reviews",
        "Reviews you wrote and received (with replies), assessments you wrote",
        (
            "reviews.Review.author",
            "reviews.Review.replied_by",
            "reviews.ClientAssessment.assessor",
        ),
        collectors.reviews,
    ),
    ExportClass(
        "payments",
        "Payments, refunds, invoices and payouts",
        (
            "payments.Payment.payer",
            "payments.Refund.actor",
            "subscriptions.Invoice.user",
            "bookings.ProviderPayout.provider",
        ),
        records.payments,
    ),
    ExportClass(
        "subscriptions",
        "Your plan subscriptions",
        ("subscriptions.Subscription.user",),
        records.subscriptions,
    ),
    ExportClass(
        "notifications",
        "Notifications, emails sent to you and your notification preferences",
        (
            "notifications.Notification.recipient",
            "notifications.NotificationPreference.user",
            "notifications.EmailDelivery.recipient",
        ),
        records.notifications,
    ),
    ExportClass(
        "sessions",
        "Signed-in devices and two-step sign-in methods (type and dates only)",
        ("usersessions.UserSession.user", "mfa.Authenticator.user"),
        records.sessions,
    ),
    ExportClass(
        "verification",
        "Identity and age verification: status and dates (documents are never kept)",
        (
            "verification.VerificationRequest.user",
            "verification.VerificationAttestation.user",
            "verification.VerificationChallenge.user",
            "verification.VerificationRerequest.user",
            "verification.PhotoVerification.user",
        ),
        records.verification,
    ),
    ExportClass(
        "moderation",
        "Reports you made, decisions, sanctions, statements and appeals about "
        "you, your safety messages and trust score",
        (
            "moderation.Report.reporter",
            "moderation.Decision.affected_user",
            "moderation.Sanction.user",
            "moderation.Statement.user",
            "moderation.Appeal.appellant",
            "moderation.SafetyMessage.author",
            "moderation.TrustScore.user",
        ),
        records.moderation,
    ),
    ExportClass(
        "favourites",
        "Profiles you saved",
        ("directory.Favourite.client",),
        records.favourites,
    ),
    ExportClass(
        "agencies",
        "Agency memberships, agencies listing you, invitations",
        (
            "directory.AgencyMembership.user",
            "directory.AgencyEscort.escort",
            "directory.AgencyInvitation.invited_by",
            "directory.AgencyInvitation.decided_by",
        ),
        records.agencies,
    ),
    ExportClass(
        "analytics",
        "Statistics of your profiles per day, and the days you used the site",
        ("analytics.UserActiveDay.user",),
        records.analytics,
    ),
    ExportClass(
        "saved_reports",
        "Saved statistics reports and their email subscriptions",
        ("analytics.SavedReport.owner", "analytics.ReportSubscription.subscriber"),
        records.saved_reports,
    ),
    ExportClass(
        "privacy",
        "Your data exports and account closure requests",
        ("privacy.DataExport.user", "privacy.AccountClosure.user"),
        records.privacy,
    ),
)

_STAFF = "A moderator's or admin's own work record, not data about this person."
_EDITOR = "Wagtail editor tooling used by staff only."
_ACCESS = "Staff permissions; no personal content."

EXCLUDED: dict[str, str] = {
    "accounts.User_groups.user": _ACCESS,
    "accounts.User_user_permissions.user": _ACCESS,
    "admin.LogEntry.user": _STAFF,
    "audit.AuditEntry.actor": (
        "Append-only accountability log of moderator and admin actions."
    ),
    "directory.Agency.verified_by": _STAFF,
    "bookings.ProviderPayout.actor": _STAFF,
    "messaging.Block.blocked": (
        "Who blocked you is the blocker's data; the block shows as a closed "
        "conversation."
    ),
    "moderation.Appeal.assigned_to": _STAFF,
    "moderation.Appeal.decided_by": _STAFF,
    "moderation.Appeal.original_actor": _STAFF,
    "moderation.Decision.actor": _STAFF,
    "moderation.PhotoFingerprint.owner": (
        "A perceptual hash derived from your photos, which are exported."
    ),
    "moderation.Report.assigned_to": _STAFF,
    "moderation.Report.subject_user": (
        "Reports about you name the reporter; their outcome reaches you as "
        "decisions and statements of reasons, which are exported."
    ),
    "payments.ReconciliationIssue.resolved_by": _STAFF,
    "reviews.ClientAssessment.client": (
        "Providers' private assessments, never shown one by one "
        "(docs/reputation.md); exporting them would expose their authors."
    ),
    "reviews.Review.moderated_by": _STAFF,
    "verification.PhotoVerification.verified_by": _STAFF,
    "verification.VerificationAttestation.decided_by": _STAFF,
    "verification.VerificationRequest.decided_by": _STAFF,
    "verification.VerificationRerequest.requested_by": _STAFF,
    "wagtailadmin.EditingSession.user": "Editor presence, minutes.",
    "wagtailadmin.FormState.user": _EDITOR,
    "wagtailcore.Comment.resolved_by": _EDITOR,
    "wagtailcore.Comment.user": _EDITOR,
    "wagtailcore.CommentReply.user": _EDITOR,
    "wagtailcore.ModelLogEntry.user": _STAFF,
    "wagtailcore.Page.locked_by": _EDITOR,
    "wagtailcore.PageLogEntry.user": (
        "Page history log; the profiles' revisions are exported in profiles.json."
    ),
    "wagtailcore.PageSubscription.user": _EDITOR,
    "wagtailcore.TaskState.finished_by": _STAFF,
    "wagtailcore.UploadedFile.uploaded_by_user": (
        "A temporary upload, deleted once it becomes an image."
    ),
    "wagtailcore.WorkflowState.requested_by": (
        "The review workflow of a revision; the revisions are in profiles.json."
    ),
    "wagtaildocs.Document.uploaded_by_user": _EDITOR,
    "wagtailimages.Image.uploaded_by_user": (
        "Wagtail's stock image table, unused: images are cms_pages.CustomImage."
    ),
    "wagtailusers.UserProfile.user": _EDITOR,
}


def coverage_gaps(reference_keys: list[str]) -> dict[str, list[str]]:
    """Against ``privacy.inventory`` keys: columns neither exported nor
    excluded, columns in both, and names here that match no column."""
    covered = {key for export_class in REGISTRY for key in export_class.covers}
    known = set(reference_keys)
    return {
        "missing": sorted(known - covered - set(EXCLUDED)),
        "both": sorted(covered & set(EXCLUDED)),
        "stale": sorted((covered | set(EXCLUDED)) - known),
    }
