"""The erasure of one account whose grace period is over (docs/privacy.md,
"Erasure"): one transaction per account, which carries out the plan
(``privacy.erasure.plan.PLAN``) after the content that needs its owning app's
care (files, pages, the search index) is gone, leaves the user row as a
pseudonymised tombstone, writes the receipt and, after commit, emails it to
the address the account had."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from accounts.models import User
from accounts.sessions import user_sessions_end
from audit.services import audit_labels_pseudonymise
from directory.models import Agency, AgencyMembership, EscortProfilePage, ProfilePhoto
from messaging.models import Message, MessageAttachment, Thread
from privacy.erasure import pages
from privacy.erasure.events import closure_completed_event
from privacy.erasure.plan import PLAN, Action, Hold
from privacy.erasure.receipt import receipt_send_later
from privacy.erasure.selectors import closure_blockers
from privacy.inventory import UserReference, user_references
from privacy.models import AccountClosure, DataExport
from subscriptions.models import Subscription
from verification.files import files_delete
from verification.models import VerificationRequest

logger = logging.getLogger(__name__)

TOMBSTONE_NAME = "Closed account"


class Tally:
    """What the erasure removed, by model label, for the receipt."""

    def __init__(self) -> None:
        self.deleted: Counter[str] = Counter()
        # Profiles that stay as empty stubs (bookings, kept for accounting,
        # point at them): their bookings are listed as kept.
        self.stub_ids: list[int] = []

    def add(self, counts: dict[str, int]) -> None:
        self.deleted.update({label: n for label, n in counts.items() if n})


@transaction.atomic
def account_erase(
    *, closure_id: int, now: dt.datetime | None = None
) -> AccountClosure | None:
    """Erase the account of a due closure. Idempotent: a closure that is
    cancelled, completed or not yet due is left alone (None). One whose
    account gained a blocker during the grace period (a new booking) waits
    for the next run, when it may be settled."""
    closure = (
        AccountClosure.objects.select_for_update()
        .select_related("user")
        .filter(
            pk=closure_id,
            status=AccountClosure.Status.SCHEDULED,
            erase_after__lte=now or timezone.now(),
        )
        .first()
    )
    if closure is None:
        return None
    if blockers := closure_blockers(user=closure.user):
        logger.warning("closure %s postponed: %s", closure.pk, sorted(blockers))
        return None
    return _erase(closure=closure)


def _erase(*, closure: AccountClosure) -> AccountClosure:
    user, address = closure.user, closure.user.email
    profile_ids = list(
        EscortProfilePage.objects.filter(owner=user).values_list("pk", flat=True)
    )
    tally = Tally()
    _content_erase(user=user, tally=tally)
    _plan_apply(user=user, tally=tally)
    _tombstone(user=user)
    audit_labels_pseudonymise(
        user=user,
        address=address,
        label=_tombstone_email(user),
        targets={EscortProfilePage._meta.label_lower: (profile_ids, pages.STUB_TITLE)},
    )
    closure.status = AccountClosure.Status.COMPLETED
    closure.completed_at = timezone.now()
    closure.receipt = {
        "deleted": _deleted_by_class(tally),
        "kept": _kept(user) + pages.stubs_kept(tally.stub_ids),
    }
    closure.save(update_fields=["status", "completed_at", "receipt"])
    closure_completed_event(closure=closure)
    receipt_send_later(closure=closure, address=address)
    return closure


def _content_erase(*, user: User, tally: Tally) -> None:
    """What plain row deletion would get wrong: files left in storage, pages
    outside Wagtail's tree operations, sessions in the session store."""
    _messages_erase(user=user, tally=tally)
    _images_keep_shared(user=user)
    pages.profiles_erase(user=user, tally=tally)
    _agencies_erase(user=user, tally=tally)
    _exports_erase(user=user, tally=tally)
    _verification_files_erase(user=user)
    _subscription_close(user=user, tally=tally)
    tally.add({"sessions.Session": user_sessions_end(user=user)})


def _messages_erase(*, user: User, tally: Tally) -> None:
    """Conversations the person was a side of go for both sides (docs: why),
    and what they wrote in conversations of profiles that stay (an agency's)."""
    from messaging.services import messages_delete

    threads = Thread.objects.filter(Q(client=user) | Q(profile__owner=user))
    messages = Message.objects.filter(Q(thread__in=threads) | Q(sender=user))
    tally.add(
        {
            MessageAttachment._meta.label: MessageAttachment.objects.filter(
                message__in=messages
            ).count()
        }
    )
    tally.add({Message._meta.label: messages_delete(messages=messages)})
    tally.add(threads.delete()[1])


def _images_keep_shared(*, user: User) -> None:
    # A photo they uploaded to a profile they do not own (an agency's) is that
    # profile's content: it stays, no longer naming them. The rest of their
    # uploads are deleted by the plan (Wagtail deletes the files on commit).
    from cms_pages.models import CustomImage

    shared = ProfilePhoto.objects.exclude(page__owner=user).values("image_id")
    CustomImage.objects.filter(uploaded_by_user=user, pk__in=shared).update(
        uploaded_by_user=None
    )


def _agencies_erase(*, user: User, tally: Tally) -> None:
    # An agency whose only member they were, and that never listed an escort
    # (those links are the escorts' history, PROTECT), goes with them.
    mine = AgencyMembership.objects.filter(user=user).values("agency_id")
    others = AgencyMembership.objects.exclude(user=user).values("agency_id")
    agencies = (
        Agency.objects.filter(pk__in=mine)
        .exclude(pk__in=others)
        .filter(escort_links__isnull=True)
    )
    tally.add(agencies.delete()[1])


def _exports_erase(*, user: User, tally: Tally) -> None:
    exports = DataExport.objects.filter(user=user)
    names = [name for name in exports.values_list("file", flat=True) if name]
    tally.add(exports.delete()[1])
    storage = DataExport._meta.get_field("file").storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _verification_files_erase(*, user: User) -> None:
    # Files exist only while a request awaits its decision (docs/verification.md).
    names = [
        name
        for pair in VerificationRequest.objects.filter(user=user).values_list(
            "document", "selfie"
        )
        for name in pair
        if name
    ]
    transaction.on_commit(lambda: files_delete(names))


def _subscription_close(*, user: User, tally: Tally) -> None:
    """No renewal charges a closed account. A subscription without invoices is
    no accounting record and goes; one with invoices stays under the hold."""
    subscriptions = Subscription.objects.filter(user=user)
    tally.add(subscriptions.filter(invoices__isnull=True).delete()[1])
    subscriptions.exclude(status=Subscription.Status.CANCELED).update(
        status=Subscription.Status.CANCELED,
        canceled_at=timezone.now(),
        cancel_at_period_end=False,
        pending_plan=None,
    )


def _plan_apply(*, user: User, tally: Tally) -> None:
    references = {reference.key: reference for reference in user_references()}
    for key, step in PLAN.items():
        rows = references[key].rows_for(user.pk)
        if step.action == Action.DELETE:
            tally.add(rows.delete()[1])
        elif step.action == Action.SET_NULL:
            rows.update(**{references[key].field: None})
        elif step.minimise:
            rows.update(**step.minimise)


def _tombstone(*, user: User) -> None:
    """The row stays (payments, consents and audit entries point at it) but
    names nobody: no address, no name, no way to sign in."""
    User.objects.filter(pk=user.pk).update(
        email=_tombstone_email(user),
        display_name=TOMBSTONE_NAME,
        password=make_password(None),
        is_active=False,
        is_staff=False,
        is_superuser=False,
        is_age_verified=False,
        age_verified_at=None,
        last_login=None,
    )


def _tombstone_email(user: User) -> str:
    return f"erased-{user.pk}@invalid.example"


def _class_name(model: type[Model]) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def _deleted_by_class(tally: Tally) -> dict[str, int]:
    named: Counter[str] = Counter()
    for label, count in tally.deleted.items():
        named[_class_name(apps.get_model(label))] += count
    return dict(sorted(named.items()))


def _kept(user: User) -> list[dict]:
    """Each model with held rows once: the rows are counted across all of
    its columns that name the person (an attestation's subject and decider)."""
    by_model: dict[type[Model], tuple[Hold, list[UserReference]]] = {}
    for reference in user_references():
        hold = PLAN[reference.key].hold
        if hold is not None:
            by_model.setdefault(reference.model, (hold, []))[1].append(reference)
    kept = []
    for model, (hold, references) in by_model.items():
        naming = Q()
        for reference in references:
            naming |= Q(**{f"{reference.field}_id": user.pk})
        count = model._base_manager.filter(naming).count()
        if count:
            kept.append(_kept_entry(model=model, hold=hold, count=count))
    return kept


def _kept_entry(*, model: type[Model], hold: Hold, count: int) -> dict:
    return {
        "class": _class_name(model),
        "count": count,
        "why": str(hold.why),
        "until": str(hold.until),
    }
