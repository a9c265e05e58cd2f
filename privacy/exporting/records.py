"""The export's record classes (money, notices, security, verification,
moderation, directory, statistics, privacy): the rest of ``collectors.py``,
split to keep each module short. Same contract: plain rows per class."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from privacy.exporting.collectors import Rows, _rows, owned_profiles


def payments(user: User) -> dict:
    from bookings.models import ProviderPayout
    from payments.models import Payment, Refund
    from subscriptions.models import Invoice

    paid = Payment.objects.filter(payer=user)
    return {
        "payments": _rows(
            paid.order_by("pk"), "id", "purpose", "reference_type", "reference_id",
            "amount_minor", "currency", "gateway", "status",
            "amount_refunded_minor", "failure_code", "succeeded_at", "created_at",
        ),
        "refunds": _rows(
            Refund.objects.filter(Q(payment__in=paid) | Q(actor=user)).order_by("pk"),
            "id", "payment_id", "amount_minor", "currency", "reason", "status",
            "created_at",
        ),
        "invoices": _rows(
            Invoice.objects.filter(user=user).order_by("pk"),
            "id", "number", "kind", "plan__name", "period_start", "period_end",
            "lines", "amount_minor", "currency", "status", "paid_at", "created_at",
        ),
        "payouts": _rows(
            ProviderPayout.objects.filter(provider=user).order_by("pk"),
            "id", "amount_minor", "currency", "reason", "created_at",
        ),
    }  # fmt: skip


def subscriptions(user: User) -> Rows:
    from subscriptions.models import Subscription

    return _rows(
        Subscription.objects.filter(user=user).order_by("pk"),
        "id", "plan__name", "status", "current_period_start", "current_period_end",
        "cancel_at_period_end", "pending_plan__name", "grace_until", "canceled_at",
        "created_at",
    )  # fmt: skip


def notifications(user: User) -> dict:
    from notifications.models import EmailDelivery, Notification, NotificationPreference

    return {
        "notifications": _rows(
            Notification.objects.filter(recipient=user).order_by("pk"),
            "id", "kind", "title", "url", "count", "created_at", "read_at",
        ),
        "preferences": _rows(
            NotificationPreference.objects.filter(user=user).order_by("pk"),
            "kind", "in_app", "email",
        ),
        "emails": _rows(
            EmailDelivery.objects.filter(recipient=user).order_by("pk"),
            "id", "kind", "subject", "body", "status", "created_at", "sent_at",
        ),
    }  # fmt: skip


def sessions(user: User) -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    return {
        "sessions": _rows(
            UserSession.objects.filter(user=user).order_by("pk"),
            "id", "created_at", "last_seen_at", "ip", "user_agent",
        ),
        # Type and dates only: the secrets (TOTP seed, recovery codes, passkey
        # keys) never leave the database.
        "authenticators": _rows(
            Authenticator.objects.filter(user=user).order_by("pk"),
            "id", "type", "created_at", "last_used_at",
        ),
    }  # fmt: skip


def verification(user: User) -> dict:
    from verification import models as v

    return {
        # Status and dates: the document and selfie are deleted at the decision.
        "requests": _rows(
            v.VerificationRequest.objects.filter(user=user).order_by("pk"),
            "id", "status", "created_at", "decided_at", "reason",
        ),
        "attestations": _rows(
            v.VerificationAttestation.objects.filter(user=user).order_by("pk"),
            "id", "outcome", "method", "over_18_checked", "reason", "submitted_at",
            "decided_at",
        ),
        "codes": _rows(
            v.VerificationChallenge.objects.filter(user=user).order_by("pk"),
            "id", "issued_at", "expires_at", "used_at",
        ),
        "re_requests": _rows(
            v.VerificationRerequest.objects.filter(user=user).order_by("pk"),
            "id", "reason", "created_at", "closed_at",
        ),
        "photo_badges": _rows(
            v.PhotoVerification.objects.filter(user=user).order_by("pk"),
            "id", "image_id", "verified_at",
        ),
    }  # fmt: skip


def moderation(user: User) -> dict:
    from moderation import models as m

    return {
        "reports_made": _rows(
            m.Report.objects.filter(reporter=user).order_by("pk"),
            "id", "category", "details", "status", "created_at", "closed_at",
        ),
        "decisions_about_you": _rows(
            m.Decision.objects.filter(affected_user=user).order_by("pk"),
            "id", "action", "reason_code", "automated", "created_at",
        ),
        "sanctions": _rows(
            m.Sanction.objects.filter(user=user).order_by("pk"),
            "id", "kind", "starts_at", "ends_at", "lifted_at",
        ),
        "statements": _rows(
            m.Statement.objects.filter(user=user).order_by("pk"),
            "id", "summary", "ground_title", "ground_text", "appeal_until",
            "created_at", "read_at",
        ),
        "appeals": _rows(
            m.Appeal.objects.filter(appellant=user).order_by("pk"),
            "id", "statement_id", "text", "status", "response", "created_at",
            "decided_at",
        ),
        "safety_messages": _rows(
            m.SafetyMessage.objects.filter(author=user).order_by("pk"),
            "id", "created_at",
        ),
        "trust_score": _rows(
            m.TrustScore.objects.filter(user=user), "score", "computed_at"
        ),
    }  # fmt: skip


def favourites(user: User) -> Rows:
    from directory.models import Favourite

    return _rows(
        Favourite.objects.filter(client=user).order_by("pk"),
        "id", "profile_id", "saved_name", "created_at",
    )  # fmt: skip


def agencies(user: User) -> dict:
    from directory.models import AgencyEscort, AgencyInvitation, AgencyMembership

    return {
        "memberships": _rows(
            AgencyMembership.objects.filter(user=user).order_by("pk"),
            "id", "agency_id", "agency__name", "role", "created_at",
        ),
        "listed_by": _rows(
            AgencyEscort.objects.filter(escort=user).order_by("pk"),
            "id", "agency_id", "agency__name", "status", "consented_at",
            "consent_version", "left_at", "end_reason",
        ),
        "invitations": _rows(
            AgencyInvitation.objects.filter(
                Q(invited_by=user) | Q(decided_by=user)
            ).order_by("pk"),
            "id", "agency_id", "email", "role", "status", "created_at", "decided_at",
        ),
    }  # fmt: skip


def analytics(user: User) -> dict:
    from analytics.models import ProfileDay, UserActiveDay

    return {
        "profile_days": _rows(
            ProfileDay.objects.filter(profile__in=owned_profiles(user)).order_by(
                "profile_id", "day"
            ),
            "profile_id", "day", "views", "gallery_opens", "contact_clicks",
            "conversations", "booking_requests", "bookings_confirmed",
            "bookings_completed", "earnings_minor", "currency",
        ),
        "active_days": list(
            UserActiveDay.objects.filter(user=user)
            .order_by("day")
            .values_list("day", flat=True)
        ),
    }  # fmt: skip


def saved_reports(user: User) -> dict:
    from analytics.models import ReportSubscription, SavedReport

    return {
        "reports": _rows(
            SavedReport.objects.filter(owner=user).order_by("pk"),
            "id", "name", "metric", "breakdown", "range_days", "start_date",
            "end_date", "created_at",
        ),
        "subscriptions": _rows(
            ReportSubscription.objects.filter(subscriber=user).order_by("pk"),
            "id", "report_id", "frequency", "last_sent_at", "created_at",
        ),
    }  # fmt: skip


def privacy(user: User) -> dict:
    from privacy.models import AccountClosure, DataExport

    return {
        "exports": _rows(
            DataExport.objects.filter(user=user).order_by("pk"),
            "id", "status", "requested_at", "finished_at", "expires_at",
            "downloaded_at",
        ),
        "account_closures": _rows(
            AccountClosure.objects.filter(user=user).order_by("pk"),
            "id", "status", "requested_at", "erase_after", "cancelled_at",
            "completed_at",
        ),
    }  # fmt: skip
