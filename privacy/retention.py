"""The retention schedule: the one home of how long each class of personal data
is kept, why, and what happens at the end (docs/privacy.md, "Retention
schedule"). The nightly job (``privacy.tasks.enforce_retention``) and the
privacy page's table (``PrivacyPolicyPage``) both read ``SCHEDULE``, so the
published promise and the deletion cannot drift apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

YEAR = dt.timedelta(days=365)


class EndAction(StrEnum):
    DELETE = "delete"
    MINIMISE = "minimise"  # the row stays, its personal free text is emptied
    KEEP = "keep"  # not deleted by this schedule (append-only, or the account decides)


END_ACTION_LABELS = {
    EndAction.DELETE: _("Deleted"),
    EndAction.MINIMISE: _("Private details removed, the record is kept"),
    EndAction.KEEP: _("Kept"),
}


@dataclass(frozen=True)
class DataClass:
    """One class of data. ``period`` None means "while the account exists"
    (deleted with the account, never aged out). ``hold`` returns the filter of
    rows under legal hold (evidence in an open case) that the job must skip;
    ``minimise`` is the update that an expired MINIMISE row gets."""

    key: str
    label: str
    models: tuple[str, ...]
    aged_by: str
    period: dt.timedelta | None
    legal_basis: str
    end: EndAction
    scope: Callable[[], Q] = field(default=Q)
    hold: Callable[[], Q] | None = None
    minimise: dict | None = None
    # The owning app's deletion or minimisation (files, fan-out) for a batch
    # queryset; plain QuerySet.delete() / update(**minimise) otherwise.
    delete: Callable[[QuerySet], int] | None = None
    # Enforced by another job (named in ``note``): listed here so the page is
    # complete, skipped by enforce_retention.
    enforced_elsewhere: bool = False
    # Shown instead of the period where none applies (append-only records).
    kept_label: str = ""
    note: str = ""

    @property
    def model(self) -> type[Model]:
        from django.apps import apps

        return apps.get_model(self.models[0])

    @property
    def enforced(self) -> bool:
        return (
            self.period is not None
            and self.end != EndAction.KEEP
            and not self.enforced_elsewhere
        )

    def due(self, *, now: dt.datetime) -> QuerySet:
        """Rows whose period has run out, not under legal hold, not yet done."""
        cutoff = now - self.period
        field_ = self.model._meta.get_field(self.aged_by)
        if field_.get_internal_type() == "DateField":
            cutoff = cutoff.date()
        rows = self.model.objects.filter(
            self.scope(), **{f"{self.aged_by}__lt": cutoff}
        )
        if self.hold is not None:
            rows = rows.exclude(self.hold())
        if self.minimise:
            rows = rows.exclude(**self.minimise)
        return rows


def _open_report_on(model_label: str) -> Q:
    """Rows that an open moderation report names as its target: evidence in a
    case a moderator has not closed yet."""
    from moderation.models import Report, ReportStatus

    app_label, model_name = model_label.lower().split(".")
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    return Q(
        Exists(
            Report.objects.filter(
                status=ReportStatus.OPEN,
                target_content_type=content_type,
                target_id=OuterRef("pk"),
            )
        )
    )


def _report_closed() -> Q:
    return Q(status="closed")


def _report_decided() -> Q:
    # A decision (and the statement of reasons sent with it) is kept as the
    # record of the case; it points at the report (PROTECT), so the report stays.
    return Q(decisions__isnull=False)


def _booking_finished() -> Q:
    from bookings.models import Booking

    return ~Q(status__in=Booking.ACTIVE)


def _messages_delete(rows: QuerySet) -> int:
    # messaging's own worker: it also removes the attachments' files on commit.
    from messaging.services import messages_delete

    return messages_delete(messages=rows)


def _export_ready() -> Q:
    return Q(status="ready")


def _export_over() -> Q:
    # Expired or failed: no file left, the row is only the request's history.
    return Q(status__in=["expired", "failed"])


def _exports_expire(rows: QuerySet) -> int:
    # The export's own worker: it deletes the zip files, then marks the rows.
    from privacy.exporting.services import data_exports_expire

    return data_exports_expire(rows)


def _email_finished() -> Q:
    # A pending email is still owed to its recipient: it ages only once sent or failed.
    return ~Q(status="pending")


# The advertiser's own figures (impressions and profile statistics): one basis.
_STATISTICS_BASIS = _(
    "Contract (Art. 6(1)(b)): the advertiser's statistics, two years back."
)


SCHEDULE: tuple[DataClass, ...] = (
    DataClass(
        key="messages",
        label=_("Messages and their images"),
        models=("messaging.Message", "messaging.MessageAttachment"),
        aged_by="created_at",
        period=dt.timedelta(days=settings.MESSAGE_RETENTION_DAYS),
        legal_basis=_(
            "Contract (Art. 6(1)(b)): delivering conversations between you and "
            "the people you contact."
        ),
        end=EndAction.DELETE,
        hold=lambda: _open_report_on("messaging.Message"),
        delete=_messages_delete,
        note=_("A reported message is copied, encrypted, into the report."),
    ),
    DataClass(
        key="notifications",
        label=_("Notifications"),
        models=("notifications.Notification",),
        aged_by="created_at",
        period=dt.timedelta(days=180),
        legal_basis=_("Contract (Art. 6(1)(b)): telling you what happened."),
        end=EndAction.DELETE,
    ),
    DataClass(
        key="email_deliveries",
        label=_("Email delivery log"),
        models=("notifications.EmailDelivery",),
        aged_by="created_at",
        period=dt.timedelta(days=90),
        legal_basis=_(
            "Legitimate interests (Art. 6(1)(f)): showing that an email was "
            "sent and retrying failures."
        ),
        end=EndAction.DELETE,
        scope=_email_finished,
    ),
    DataClass(
        key="search_queries",
        label=_("Search query log (anonymous)"),
        models=("search.SearchQueryLog",),
        aged_by="created_at",
        period=dt.timedelta(days=180),
        legal_basis=_(
            "Legitimate interests (Art. 6(1)(f)): improving search. No account "
            "or address is stored with a query."
        ),
        end=EndAction.DELETE,
    ),
    DataClass(
        key="impressions",
        label=_("Search impressions per profile and day"),
        models=("search.ProfileImpressionDaily",),
        aged_by="day",
        period=2 * YEAR,
        legal_basis=_STATISTICS_BASIS,
        end=EndAction.DELETE,
    ),
    DataClass(
        key="profile_days",
        label=_("Profile statistics per day"),
        models=("analytics.ProfileDay",),
        aged_by="day",
        period=2 * YEAR,
        legal_basis=_STATISTICS_BASIS,
        end=EndAction.DELETE,
    ),
    DataClass(
        key="active_days",
        label=_("Days an account was used"),
        models=("analytics.UserActiveDay",),
        aged_by="day",
        period=YEAR,
        legal_basis=_(
            "Legitimate interests (Art. 6(1)(f)): counting active accounts; one "
            "row per day, nothing about what was done."
        ),
        end=EndAction.DELETE,
    ),
    DataClass(
        key="booking_details",
        label=_("Booking notes and meeting places"),
        models=("bookings.Booking",),
        aged_by="end",
        period=dt.timedelta(days=90),
        legal_basis=_(
            "Contract (Art. 6(1)(b)): arranging the meeting; kept 90 days after "
            "it for questions and disputes."
        ),
        end=EndAction.MINIMISE,
        scope=_booking_finished,
        hold=lambda: _open_report_on("bookings.Booking"),
        minimise={"note": "", "meeting_place": ""},
    ),
    DataClass(
        key="bookings",
        label=_("Bookings (dates, amounts, status)"),
        models=("bookings.Booking", "bookings.BookingEvent"),
        aged_by="end",
        period=None,
        legal_basis=_(
            "Legal obligation (Art. 6(1)(c)): accounting records of deposits "
            "and payments, which the payment ledger (append-only) refers to."
        ),
        end=EndAction.KEEP,
        note=_("Kept while the account exists: the payment records refer to it."),
    ),
    DataClass(
        key="verification_attestations",
        label=_("Age and identity verification outcome"),
        models=("verification.VerificationAttestation",),
        aged_by="decided_at",
        period=None,
        legal_basis=_(
            "Legal obligation (Art. 6(1)(c)): proof that every advertiser was "
            "checked to be 18 or older. The document and selfie are deleted at "
            "the decision; the date of birth is never stored."
        ),
        end=EndAction.KEEP,
        kept_label=_("No fixed end: the record outlives the account"),
        note=_("Append-only: the database refuses deletion."),
    ),
    DataClass(
        key="audit_entries",
        label=_("Audit log of moderator and admin actions"),
        models=("audit.AuditEntry",),
        aged_by="created_at",
        period=None,
        legal_basis=_(
            "Legal obligation and legitimate interests (Art. 6(1)(c) and (f)): "
            "accountability for every moderation and admin action."
        ),
        end=EndAction.KEEP,
        kept_label=_("No fixed end: the record outlives the account"),
        note=_(
            "Append-only: the database refuses deletion; account ids stay as "
            "pseudonymous references."
        ),
    ),
    DataClass(
        key="reports",
        label=_("Closed moderation reports"),
        models=("moderation.Report",),
        aged_by="closed_at",
        period=2 * YEAR,
        legal_basis=_(
            "Legal obligation and legitimate interests (Art. 6(1)(c) and (f)): "
            "handling notices of illegal content and repeat abuse."
        ),
        end=EndAction.DELETE,
        scope=_report_closed,
        hold=_report_decided,
        note=_("A report that led to a decision is kept with the decision."),
    ),
    DataClass(
        key="sessions",
        label=_("Sign-in sessions"),
        models=("sessions.Session",),
        aged_by="expire_date",
        period=dt.timedelta(0),
        legal_basis=_("Contract (Art. 6(1)(b)): keeping you signed in."),
        end=EndAction.DELETE,
        enforced_elsewhere=True,
        note=_("Deleted nightly by the session sweep, not by this job."),
    ),
    DataClass(
        key="session_devices",
        label=_("Session devices and addresses"),
        models=("usersessions.UserSession",),
        aged_by="last_seen_at",
        period=dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
        legal_basis=_(
            "Legitimate interests (Art. 6(1)(f)): showing you where you are "
            "signed in, and security."
        ),
        end=EndAction.DELETE,
    ),
    DataClass(
        key="data_exports",
        label=_("Your data exports (the download)"),
        models=("privacy.DataExport",),
        aged_by="expires_at",
        period=dt.timedelta(0),
        legal_basis=_(
            "Legal obligation (Art. 15 and 20): the copy of your data you asked "
            "for, downloadable until its link expires."
        ),
        end=EndAction.MINIMISE,
        scope=_export_ready,
        minimise={"status": "expired", "file": ""},
        delete=_exports_expire,
        note=_("The file is deleted when the link expires; the request stays."),
    ),
    DataClass(
        key="data_export_requests",
        label=_("Your data export requests"),
        models=("privacy.DataExport",),
        aged_by="requested_at",
        period=dt.timedelta(days=90),
        legal_basis=_(
            "Legal obligation (Art. 5(2)): showing that a request was answered."
        ),
        end=EndAction.DELETE,
        scope=_export_over,
    ),
    DataClass(
        key="outbox",
        label=_("Delivered background tasks"),
        models=("core.OutboxEntry",),
        aged_by="delivered_at",
        period=dt.timedelta(days=7),
        legal_basis=_("Legitimate interests (Art. 6(1)(f)): reliable delivery."),
        end=EndAction.DELETE,
        enforced_elsewhere=True,
        note=_("Deleted by the delivery sweep, not by this job."),
    ),
)

# Models with a timestamp that hold no personal data, or whose lifetime another
# class or the account decides. tests/privacy/test_retention.py fails on any
# model with a timestamp that is in neither list.
_WITH_ACCOUNT = "Kept while the account exists (the account's own data)."
_CONTENT = (
    "Published or configured content: lives until its owner or an editor removes it."
)
_PAGE = "A Wagtail page: " + _CONTENT
_ACCOUNTING = "Accounting record (legal obligation): kept with the payment ledger."
_CASE = "Moderation case record (statement of reasons): kept with the decision."

NOT_SCHEDULED: dict[str, str] = {
    "accounts.User": "The account itself.",
    "accounts.Consent": "Consent ledger: proof of consent (Art. 7(1)); append-only.",
    "verification.VerificationChallenge": _WITH_ACCOUNT,
    "verification.VerificationRequest": (
        "Files deleted at the decision (docs/verification.md); " + _WITH_ACCOUNT
    ),
    "verification.PhotoVerification": "A badge on an image: goes with the image.",
    "verification.VerificationRerequest": _WITH_ACCOUNT,
    "cms_pages.CustomImage": _CONTENT,
    "cms_pages.HomePage": _PAGE,
    "cms_pages.StandardPage": _PAGE,
    "privacy.PrivacyPolicyPage": _PAGE,
    "directory.CityIndexPage": _PAGE,
    "directory.CityPage": _PAGE,
    "directory.FeaturedCollectionPage": _PAGE,
    "directory.ProfileIndexPage": _PAGE,
    "directory.EscortProfilePage": _PAGE,
    "directory.ProfileTour": _CONTENT,
    "directory.Agency": _CONTENT,
    "directory.AgencyMembership": _WITH_ACCOUNT,
    "directory.AgencyInvitation": _WITH_ACCOUNT,
    "directory.AgencyEscort": _WITH_ACCOUNT,
    "directory.Favourite": _WITH_ACCOUNT,
    "search.ProfileSearchDocument": "Derived from live profiles, rebuilt at will.",
    "search.ProfileAvailability": "Derived from availability, recomputed.",
    "search.SearchRollupTerm": "Words chosen for facet rollups; names no one.",
    "payments.GatewayOperation": _ACCOUNTING,
    "payments.Payment": _ACCOUNTING,
    "payments.Refund": _ACCOUNTING,
    "payments.WebhookEvent": _ACCOUNTING,
    "payments.LedgerTransaction": _ACCOUNTING,
    "payments.ReconciliationRun": "Operations log, no personal data.",
    "payments.ReconciliationIssue": _ACCOUNTING,
    "bookings.BookingPolicy": _CONTENT,
    "bookings.AvailabilityException": _CONTENT,
    "bookings.ScreeningRequirements": _CONTENT,
    "bookings.ProviderPayout": _ACCOUNTING,
    "moderation.SafetyMessage": (
        "The provider's safety channel: kept with the account for moderators."
    ),
    "moderation.Decision": _CASE,
    "moderation.Sanction": _CASE,
    "moderation.Statement": _CASE,
    "moderation.Appeal": _CASE,
    "moderation.TextRule": "Admin configuration, no personal data.",
    "moderation.PhotoFingerprint": "A hash of an image: goes with the image.",
    "moderation.TrustScore": "Recomputed from other data; " + _WITH_ACCOUNT,
    "reviews.ProfileReviewSettings": _CONTENT,
    "reviews.Review": _CONTENT,
    "reviews.ClientAssessment": _WITH_ACCOUNT,
    "messaging.Thread": "The conversation's frame: its messages age out.",
    "messaging.Block": _WITH_ACCOUNT,
    "messaging.MessageTemplate": _CONTENT,
    "messaging.AwayReply": _CONTENT,
    "subscriptions.Subscription": _ACCOUNTING,
    "subscriptions.Invoice": _ACCOUNTING,
    "analytics.SavedReport": "Admin configuration.",
    "analytics.ReportSubscription": "Admin configuration.",
    "privacy.RetentionRun": "The run log, no personal data.",
    "privacy.AccountClosure": (
        "Evidence that an erasure was requested and done, and the receipt shown "
        "at its link: kept after the account (accountability, Art. 5(2))."
    ),
}
