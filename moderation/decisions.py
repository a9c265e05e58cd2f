"""What moderators decide, and what it does (docs/moderation.md).

The one home of the decisions: the Wagtail admin, the API and the beat task all
call these. Each decision is a ``Decision`` row, never edited; its effects run in
the same transaction; adverse ones give their user a statement of reasons
(moderation.statements); the reporter hears the outcome without details about
the other party; every one is audited (moderation.events).

``User.is_suspended`` is set and cleared only here (docs/architecture.md, "One
home per rule"): every public surface, messaging and bookings read it."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from accounts.models import User
from accounts.selectors import user_is_moderator
from accounts.sessions import user_sessions_end
from audit.models import AuditEntry
from core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.realtime import user_send
from core.validators import has_control_characters
from directory.models import EscortProfilePage, ProfilePhoto
from moderation import events
from moderation.models import (
    ADVERSE_ACTIONS,
    DETAILS_MAX_LENGTH,
    Appeal,
    AppealStatus,
    Decision,
    DecisionAction,
    Report,
    ReportStatus,
    Sanction,
    SanctionKind,
    Statement,
)
from moderation.reasons import ReasonCode
from moderation.signals import content_removal_requested, content_restore_requested
from moderation.statements import statement_issue
from notifications.models import Kind
from notifications.services import Email, notify

logger = logging.getLogger(__name__)

A = DecisionAction
# What a moderator may decide on a report (lift and the appeal outcomes have
# their own services).
REPORT_ACTIONS = (A.DISMISS, A.REMOVE_CONTENT, A.UNPUBLISH_PROFILE, A.SUSPEND, A.BAN)
APPEAL_DUE_WITHIN = dt.timedelta(days=7)
# The socket event that closes every socket of a suspended user
# (core.consumers.UserGroupConsumer.account_closed).
SOCKET_CLOSE_EVENT = {"type": "account.closed"}
REMOVED_BODY = "removed by moderators"

REPORTER_TOLD = {
    True: "We reviewed your report and took action. Thank you for telling us.",
    False: "We reviewed your report and found no breach of our terms.",
}


# --- Reports --------------------------------------------------------------------


@transaction.atomic
def report_assign(*, report: Report, moderator: User) -> Report:
    """ "Assign to me": the report is the moderator's to decide. An open report
    only; a moderator may not take a report about themselves."""
    _require_moderator(moderator)
    report = _locked_report(report)
    if report.status != ReportStatus.OPEN:
        raise Conflict("This report is already closed.")
    if report.subject_user_id == moderator.pk:
        raise PermissionDenied("A report about you goes to another moderator.")
    if report.assigned_to_id != moderator.pk:
        report.assigned_to = moderator
        report.save(update_fields=["assigned_to", "updated_at"])
        events.report_assigned_event(report=report, moderator=moderator)
    return report


@transaction.atomic
def decision_take(
    *,
    actor: User,
    report: Report | None,
    action: str,
    reason_code: str,
    note: str = "",
    target: models.Model | None = None,
    affected_user: User | None = None,
    suspend_until: dt.datetime | None = None,
) -> Decision:
    """Decide on ``report`` (or, without one, on ``target``/``affected_user``
    directly): dismiss, remove the content, unpublish the profile, suspend the
    user until ``suspend_until``, or ban them. Closes the report and every other
    open report on the same target, issues the statement for an adverse action,
    tells the reporters the outcome and audits."""
    _require_moderator(actor)
    if action not in REPORT_ACTIONS:
        raise ValidationFailed(fields={"action": ["Choose a listed action."]})
    reason_code = _clean_reason(reason_code, action=action)
    note = _clean_note(note)
    now = timezone.now()
    if report is not None:
        report = _locked_report(report)
        if report.status != ReportStatus.OPEN:
            raise Conflict("This report is already closed.")
        if target is None:
            target = report.target
            if target is None and action in (A.REMOVE_CONTENT, A.UNPUBLISH_PROFILE):
                raise NotFound("The reported content no longer exists.")
    elif target is None and affected_user is None:
        raise ValidationFailed("Name what the decision is about.")
    if affected_user is None:
        affected_user = _owner_of(_specific(target), report=report)
    target = _target_for(action, target=target, affected_user=affected_user)
    if action in (A.SUSPEND, A.BAN) and affected_user is None:
        raise ValidationFailed("Name the user to suspend or ban.")
    if actor.pk is not None and actor.pk in {
        getattr(affected_user, "pk", None),
        getattr(report, "subject_user_id", None),
    }:
        raise PermissionDenied(
            "You cannot decide about yourself or your own content; another "
            "moderator will."
        )
    if action == A.SUSPEND:
        if suspend_until is None or suspend_until <= now:
            raise ValidationFailed(
                fields={"suspend_until": ["Choose an end in the future."]}
            )
    elif suspend_until is not None:
        raise ValidationFailed(
            fields={"suspend_until": ["Only a suspension has an end."]}
        )

    decision = Decision.objects.create(
        report=report,
        action=action,
        reason_code=reason_code,
        note=note,
        actor=actor,
        affected_user=affected_user,
        **_target_fields(target),
    )
    audit_data = EFFECTS[action](
        decision=decision, target=target, actor=actor, until=suspend_until
    )
    events.decision_taken_event(decision=decision, data=audit_data)
    if action in ADVERSE_ACTIONS and affected_user is not None:
        statement_issue(decision=decision, until=suspend_until)
    if report is not None:
        _close_reports(report=report, decision=decision, now=now)
    return decision


# --- Effects --------------------------------------------------------------------


def _dismiss(**kwargs: Any) -> dict[str, Any]:  # noqa: ANN401
    return {}


def _remove_content(
    *, decision: Decision, target: models.Model, actor: User, **kwargs: Any
) -> dict[str, Any]:
    if isinstance(target, ProfilePhoto):
        return _photo_remove(photo=target, actor=actor)
    if isinstance(target, EscortProfilePage):
        return _profile_unpublish(page=target, actor=actor)
    handled = [
        result
        for _receiver, result in content_removal_requested.send(
            sender=type(target), target=target, decision=decision
        )
        if result
    ]
    if not handled:
        raise ValidationFailed(
            "This kind of content cannot be removed; choose another action."
        )
    return {}


def _unpublish_profile(
    *, target: models.Model, actor: User, **kwargs: Any
) -> dict[str, Any]:
    return _profile_unpublish(page=target, actor=actor)


def _suspend(
    *,
    decision: Decision,
    actor: User,
    until: dt.datetime | None,
    **kwargs: Any,  # noqa: ANN401
) -> dict[str, Any]:
    kind = SanctionKind.BAN if decision.action == A.BAN else SanctionKind.SUSPENSION
    sanction = _sanction_impose(decision=decision, kind=kind, until=until, actor=actor)
    return {
        "sanction_id": sanction.pk,
        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
        "unpublished_page_ids": sanction.unpublished_page_ids,
    }


EFFECTS = {
    A.DISMISS: _dismiss,
    A.REMOVE_CONTENT: _remove_content,
    A.UNPUBLISH_PROFILE: _unpublish_profile,
    A.SUSPEND: _suspend,
    A.BAN: _suspend,
}


def _profile_unpublish(*, page: EscortProfilePage, actor: User) -> dict[str, Any]:
    page = EscortProfilePage.objects.select_for_update().get(pk=page.pk)
    if page.live:
        # Wagtail's unpublish sends page_unpublished: search drops the row.
        page.unpublish(user=actor, log_action=True)
    return {"page_id": page.pk}


def _photo_remove(*, photo: ProfilePhoto, actor: User) -> dict[str, Any]:
    """A new revision of the live profile without the photo, published at once
    (so the page's history shows it, like every other change of a profile).
    The owner's pending draft loses the photo too (_publish_photos)."""
    page = EscortProfilePage.objects.select_for_update().get(pk=photo.page_id)
    snapshot = {
        "page_id": page.pk,
        "image_id": photo.image_id,
        "caption": photo.caption,
        "is_primary": photo.is_primary,
        "sort_order": photo.sort_order,
    }

    def without(photos: list[ProfilePhoto]) -> list[ProfilePhoto]:
        return [p for p in photos if p.image_id != photo.image_id]

    _publish_photos(page=page, actor=actor, change=without)
    return {"photo": snapshot}


def _photo_restore(*, snapshot: dict[str, Any], actor: User | None) -> None:
    page = (
        EscortProfilePage.objects.select_for_update()
        .filter(pk=snapshot["page_id"])
        .first()
    )
    if page is None:
        return

    def restored(photos: list[ProfilePhoto]) -> list[ProfilePhoto]:
        if any(p.image_id == snapshot["image_id"] for p in photos):
            return photos
        photos = [
            *photos,
            ProfilePhoto(
                image_id=snapshot["image_id"],
                caption=snapshot["caption"],
                is_primary=snapshot["is_primary"]
                and not any(p.is_primary for p in photos),
                sort_order=snapshot["sort_order"],
            ),
        ]
        return sorted(photos, key=lambda p: p.sort_order or 0)

    if any(p.image_id == snapshot["image_id"] for p in page.photos.all()):
        return
    _publish_photos(page=page, actor=actor, change=restored)


def _publish_photos(
    *,
    page: EscortProfilePage,
    actor: User | None,
    change: Callable[[list[ProfilePhoto]], list[ProfilePhoto]],
) -> None:
    """Change the live profile's photos in a new revision, published at once,
    and make the same change to the owner's newer draft, if any, so that
    approving the draft cannot undo it (docs/moderation.md).

    Publishing outside the review cancels a review in progress (Wagtail's
    WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH); the changed draft is then put back in
    review for whoever had submitted it. A review in progress on a page that is
    not live is not cancelled: it now reviews the changed draft."""
    draft = None
    if page.has_unpublished_changes:
        draft = page.get_latest_revision_as_object()
    review = page.current_workflow_state
    submitter = (
        review.requested_by
        if review is not None and review.status == WorkflowState.STATUS_IN_PROGRESS
        else None
    )
    page.photos = change(list(page.photos.all()))
    revision = page.save_revision(user=actor, log_action=True)
    if page.live:
        revision.publish(user=actor)
    if draft is None:
        return
    draft.photos = change(list(draft.photos.all()))
    draft_revision = draft.save_revision(user=actor, log_action=True)
    if submitter is None:
        return
    page = EscortProfilePage.objects.get(pk=page.pk)
    review = page.current_workflow_state
    if review is None:
        page.get_workflow().start(page, submitter)
    elif review.status == WorkflowState.STATUS_IN_PROGRESS:
        task_state = review.current_task_state
        task_state.revision = draft_revision
        task_state.save(update_fields=["revision"])


def _close_reports(*, report: Report, decision: Decision, now: dt.datetime) -> None:
    """The decided report and every other open report on the same target close
    with the decision; each reporter is told the outcome."""
    closing = list(
        Report.objects.select_for_update(of=("self",))
        .filter(
            status=ReportStatus.OPEN,
            target_content_type_id=report.target_content_type_id,
            target_id=report.target_id,
        )
        .select_related("reporter")
    )
    Report.objects.filter(pk__in=[r.pk for r in closing]).update(
        status=ReportStatus.CLOSED, closed_at=now, updated_at=now
    )
    acted = decision.action != A.DISMISS
    for closed in closing:
        if closed.reporter is not None and closed.reporter_id != decision.actor_id:
            notify(
                recipient=closed.reporter,
                kind=Kind.MODERATION,
                title=REPORTER_TOLD[acted],
                url=reverse("moderation_statements:list"),
                dedupe_key=f"report-outcome:{closed.pk}",
            )
    report.status = ReportStatus.CLOSED
    report.closed_at = now


# --- Sanctions ------------------------------------------------------------------


def _sanction_impose(
    *,
    decision: Decision,
    kind: str,
    until: dt.datetime | None,
    actor: User,
) -> Sanction:
    user = User.objects.select_for_update().get(pk=decision.affected_user_id)
    now = timezone.now()
    carried: list[int] = []
    active = Sanction.objects.select_for_update().filter(
        user=user, lifted_at__isnull=True
    )
    current = active.first()
    if current is not None:
        if kind != SanctionKind.BAN:
            raise Conflict(
                "This user is already suspended or banned; lift that first or ban."
            )
        # A ban replaces a running suspension, and gives back what the
        # suspension took only when the ban is lifted.
        carried = list(current.unpublished_page_ids)
        current.lifted_at = now
        current.lifted_by = decision
        current.save(update_fields=["lifted_at", "lifted_by"])
    unpublished = carried + _unpublish_all_of(user=user, actor=actor)
    try:
        with transaction.atomic():
            sanction = Sanction.objects.create(
                user=user,
                kind=kind,
                decision=decision,
                starts_at=now,
                ends_at=until if kind == SanctionKind.SUSPENSION else None,
                unpublished_page_ids=unpublished,
            )
    except IntegrityError as error:  # a concurrent sanction won
        raise Conflict("This user was sanctioned meanwhile.") from error
    if not user.is_suspended:
        user.is_suspended = True
        # save(), not update(): search re-indexes the owner's profiles on it.
        user.save(update_fields=["is_suspended"])
    # Browser sessions and app tokens: the next request is signed out.
    user_sessions_end(user=user)
    transaction.on_commit(lambda: user_send(user.pk, SOCKET_CLOSE_EVENT))
    return sanction


def _unpublish_all_of(*, user: User, actor: User | None) -> list[int]:
    ids = []
    for page in EscortProfilePage.objects.select_for_update().filter(
        owner=user, live=True
    ):
        page.unpublish(user=actor, log_action=True)
        ids.append(page.pk)
    return ids


@transaction.atomic
def sanction_lift(
    *, actor: User | None, sanction: Sanction, reason_code: str, note: str = ""
) -> Decision:
    """End a suspension or ban: a ``lift`` decision (automated without an
    actor: an expired suspension), the flag cleared, the profiles it took
    offline published again (those still publishable), the user told."""
    if actor is not None:
        _require_moderator(actor)
    reason_code = _clean_reason(reason_code, action=A.LIFT)
    note = _clean_note(note)
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.lifted_at is not None:
        raise Conflict("This sanction was already lifted.")
    if actor is not None and actor.pk == sanction.user_id:
        raise PermissionDenied("You cannot lift your own sanction.")
    decision = Decision.objects.create(
        action=A.LIFT,
        reason_code=reason_code,
        note=note,
        actor=actor,
        automated=actor is None,
        affected_user_id=sanction.user_id,
        **_target_fields(sanction.user),
    )
    republished = _lift(sanction=sanction, by=decision)
    events.decision_taken_event(
        decision=decision,
        data={"sanction_id": sanction.pk, "republished_page_ids": republished},
    )
    return decision


def _lift(*, sanction: Sanction, by: Decision) -> list[int]:
    user = User.objects.select_for_update().get(pk=sanction.user_id)
    sanction.lifted_at = timezone.now()
    sanction.lifted_by = by
    sanction.save(update_fields=["lifted_at", "lifted_by"])
    user.is_suspended = False
    user.save(update_fields=["is_suspended"])
    republished = [
        page_id
        for page_id in sanction.unpublished_page_ids
        if _republish(page_id=page_id, actor=by.actor)
    ]
    url = reverse("moderation_statements:list")
    notify(
        recipient=user,
        kind=Kind.MODERATION,
        title="Your account is open again",
        url=url,
        email=Email(
            subject="Your account is open again",
            body=(
                "The restriction on your account has ended. Profiles it took "
                "off the directory are back where they can be published.\n"
            ),
        ),
        dedupe_key=f"sanction-lifted:{sanction.pk}",
    )
    return republished


def _republish(*, page_id: int, actor: User | None) -> bool:
    """Publish again the last published revision of a profile a sanction or
    decision took offline, when it is still otherwise publishable (the owner
    verified and active: the page's own publication gate decides)."""
    page = EscortProfilePage.objects.select_for_update().filter(pk=page_id).first()
    if page is None or page.live:
        return False
    last = (
        PageLogEntry.objects.filter(page_id=page_id, action="wagtail.publish")
        .exclude(revision=None)
        .select_related("revision")
        .order_by("-timestamp", "-id")
        .first()
    )
    if last is None:
        return False
    try:
        with transaction.atomic():
            last.revision.publish(user=actor)
    except ValidationError:
        logger.info("profile %s is not publishable any more", page_id)
        return False
    return True


def sanctions_expire(*, now: dt.datetime | None = None) -> int:
    """The beat task's body: lift every suspension whose end has passed, each in
    its own transaction (one failure does not hold back the others)."""
    now = now or timezone.now()
    lifted = 0
    for sanction in Sanction.objects.filter(
        kind=SanctionKind.SUSPENSION, lifted_at__isnull=True, ends_at__lte=now
    ).order_by("ends_at", "id"):
        try:
            sanction_lift(
                actor=None,
                sanction=sanction,
                reason_code=sanction.decision.reason_code,
                note="The suspension ended.",
            )
        except Conflict:  # lifted meanwhile by a moderator
            continue
        lifted += 1
    return lifted


# --- Undo (appeal reversals) ---------------------------------------------------


def decision_undo(*, decision: Decision, by: Decision) -> None:
    """Give back what ``decision`` took: lift its sanction, republish its
    profile, restore its content. Runs in the caller's transaction."""
    if decision.action in (A.SUSPEND, A.BAN):
        sanction = Sanction.objects.filter(decision=decision).first()
        if sanction is not None and sanction.lifted_at is None:
            _lift(sanction=sanction, by=by)
        elif sanction is not None:
            # Replaced by a ban, or already lifted: nothing more to give back
            # here; a ban that replaced it is its own decision.
            pass
    elif decision.action == A.UNPUBLISH_PROFILE:
        if decision.target_id is not None:
            _republish(page_id=decision.target_id, actor=by.actor)
    elif decision.action == A.REMOVE_CONTENT:
        _restore_content(decision=decision, by=by)


def _restore_content(*, decision: Decision, by: Decision) -> None:
    model = (
        decision.target_content_type.model_class()
        if decision.target_content_type_id
        else None
    )
    if model is ProfilePhoto:
        entry = (
            AuditEntry.objects.filter(
                action="moderation.decision.remove_content",
                target_type=Decision._meta.label_lower,
                target_id=decision.pk,
            )
            .order_by("id")
            .first()
        )
        if entry is not None and "photo" in entry.data:
            _photo_restore(snapshot=entry.data["photo"], actor=by.actor)
        return
    if model is EscortProfilePage:
        _republish(page_id=decision.target_id, actor=by.actor)
        return
    target = decision.target
    if target is not None:
        content_restore_requested.send(
            sender=type(target), target=target, decision=decision, by=by
        )


# --- Appeals --------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, user: User, statement: Statement, text: str) -> Appeal:
    """The affected user's complaint against a decision: theirs only (others
    get 404), within ``appeal_until``, once (a second is a Conflict naming the
    first). Due within 7 days; the moderators' queue shows it."""
    statement = (
        Statement.objects.select_for_update()
        .select_related("decision")
        .filter(pk=statement.pk, user=user)
        .first()
    )
    if statement is None:
        raise NotFound("Statement not found.")
    existing = Appeal.objects.filter(statement=statement).first()
    if existing is not None:
        raise Conflict(
            f"You already appealed this decision (appeal {existing.pk}).",
            fields={"appeal": [existing.pk]},
        )
    now = timezone.now()
    if statement.appeal_until < now:
        raise Conflict("The time to appeal this decision has passed.")
    text = _clean_text(text, field="text", required=True)
    appeal = Appeal.objects.create(
        statement=statement,
        appellant=user,
        text=text,
        original_actor_id=statement.decision.actor_id,
        due_at=now + APPEAL_DUE_WITHIN,
    )
    events.appeal_filed_event(appeal=appeal)
    notify(
        recipient=user,
        kind=Kind.MODERATION,
        title="We received your appeal; a different moderator will review it",
        url=reverse("moderation_statements:detail", args=[statement.pk]),
        dedupe_key=f"appeal-filed:{appeal.pk}",
    )
    return appeal


@transaction.atomic
def appeal_assign(*, appeal: Appeal, moderator: User) -> Appeal:
    """An appeal goes to a moderator other than the one who decided first
    (the database checks it too) and other than the appellant."""
    _require_moderator(moderator)
    appeal = _locked_appeal(appeal)
    _may_decide_appeal(appeal, moderator)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict("This appeal is already decided.")
    if appeal.assigned_to_id != moderator.pk:
        appeal.assigned_to = moderator
        appeal.save(update_fields=["assigned_to", "updated_at"])
        events.appeal_assigned_event(appeal=appeal, moderator=moderator)
    return appeal


@transaction.atomic
def appeal_decide(
    *, actor: User, appeal: Appeal, reverse: bool, response: str
) -> Decision:
    """Confirm or reverse the appealed decision (a reversal gives back what it
    took: decision_undo). The appellant and the original moderator are told;
    audited."""
    _require_moderator(actor)
    appeal = _locked_appeal(appeal)
    _may_decide_appeal(appeal, actor)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict("This appeal is already decided.")
    response = _clean_text(response, field="response", required=True)
    original = appeal.statement.decision
    outcome = A.REVERSE if reverse else A.CONFIRM
    decision = Decision.objects.create(
        appeal=appeal,
        action=outcome,
        reason_code=ReasonCode.NO_VIOLATION if reverse else original.reason_code,
        note=response,
        actor=actor,
        affected_user_id=appeal.appellant_id,
        target_content_type_id=original.target_content_type_id,
        target_id=original.target_id,
    )
    if reverse:
        decision_undo(decision=original, by=decision)
    appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.CONFIRMED
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.response = response
    if appeal.assigned_to_id is None:
        appeal.assigned_to = actor
    appeal.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "response",
            "assigned_to",
            "updated_at",
        ]
    )
    events.decision_taken_event(
        decision=decision,
        data={"original_decision_id": original.pk, "statement_id": appeal.statement_id},
    )
    _tell_appeal_outcome(appeal=appeal, original=original, reverse=reverse)
    return decision


def _tell_appeal_outcome(*, appeal: Appeal, original: Decision, reverse: bool) -> None:
    url = reverse_url("moderation_statements:detail", appeal.statement_id)
    title = (
        "Your appeal was upheld: we reversed our decision"
        if reverse
        else "Your appeal was reviewed: the decision stands"
    )
    notify(
        recipient=appeal.appellant,
        kind=Kind.MODERATION,
        title=title,
        url=url,
        email=Email(
            subject=title,
            body=f"{title}.\n\nThe moderator's answer is on this page: {url}\n",
        ),
        dedupe_key=f"appeal-decided:{appeal.pk}",
    )
    if original.actor is not None:
        notify(
            recipient=original.actor,
            kind=Kind.MODERATION,
            title=(
                f"An appeal against your decision {original.pk} was "
                + ("upheld: the decision was reversed" if reverse else "rejected")
            ),
            url="/cms/",
            dedupe_key=f"appeal-decided-moderator:{appeal.pk}",
        )


def reverse_url(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


def _may_decide_appeal(appeal: Appeal, moderator: User) -> None:
    original = appeal.original_actor_id
    if original is not None and moderator.pk == original:
        raise PermissionDenied(
            "An appeal goes to a different moderator than the one who decided."
        )
    if moderator.pk == appeal.appellant_id:
        raise PermissionDenied("You cannot decide your own appeal.")


# --- Helpers --------------------------------------------------------------------


def _require_moderator(user: User) -> None:
    if user is None or not user_is_moderator(user=user):
        raise PermissionDenied("Only moderators can do this.")


def _locked_report(report: Report) -> Report:
    locked = Report.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None:
        raise NotFound("Report not found.")
    return locked


def _locked_appeal(appeal: Appeal) -> Appeal:
    locked = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("statement__decision__actor", "appellant")
        .filter(pk=appeal.pk)
        .first()
    )
    if locked is None:
        raise NotFound("Appeal not found.")
    return locked


def _clean_reason(reason_code: str, *, action: str) -> str:
    if not reason_code or reason_code not in ReasonCode.values:
        raise ValidationFailed(
            fields={"reason_code": ["Choose the ground of the decision."]}
        )
    if action in ADVERSE_ACTIONS and reason_code == ReasonCode.NO_VIOLATION:
        raise ValidationFailed(
            fields={"reason_code": ["An action needs the rule that was broken."]}
        )
    if action == A.DISMISS and reason_code != ReasonCode.NO_VIOLATION:
        # A dismissal says no rule was broken, whatever was alleged.
        return ReasonCode.NO_VIOLATION
    return reason_code


def _clean_note(note: str) -> str:
    return _clean_text(note, field="note", required=False)


def _clean_text(text: str, *, field: str, required: bool) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise ValidationFailed(fields={field: ["This field is required."]})
    if len(text) > DETAILS_MAX_LENGTH:
        raise ValidationFailed(
            fields={field: [f"At most {DETAILS_MAX_LENGTH} characters."]}
        )
    if has_control_characters(text):
        raise ValidationFailed(fields={field: ["Control characters are not allowed."]})
    return text


def _target_for(
    action: str, *, target: models.Model | None, affected_user: User | None
) -> models.Model | None:
    target = _specific(target)
    if action == A.UNPUBLISH_PROFILE:
        if isinstance(target, ProfilePhoto):
            target = target.page
        if not isinstance(target, EscortProfilePage):
            raise ValidationFailed(
                fields={"action": ["Only a profile can be unpublished."]}
            )
    elif action in (A.SUSPEND, A.BAN):
        return affected_user or _owner_of(target, report=None)
    elif action == A.REMOVE_CONTENT and (target is None or isinstance(target, User)):
        raise ValidationFailed(
            fields={"action": ["A user is not content: suspend or ban instead."]}
        )
    return target


def _specific(target: models.Model | None) -> models.Model | None:
    """A page reported as a plain ``Page`` is decided as its specific type."""
    if (
        target is not None
        and hasattr(target, "specific")
        and not isinstance(target, EscortProfilePage)
    ):
        return target.specific
    return target


def _owner_of(target: models.Model | None, *, report: Report | None) -> User | None:
    if isinstance(target, User):
        return target
    if isinstance(target, EscortProfilePage):
        return target.owner
    if isinstance(target, ProfilePhoto):
        return target.page.owner
    if report is not None and report.subject_user_id is not None:
        return report.subject_user
    return None


def _target_fields(target: models.Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    return {
        "target_content_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
    }
