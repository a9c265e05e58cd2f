"""Message templates (docs/agency-tools.md): a provider's own reusable answers
and the ones an agency shares with its staff and listed escorts. Services
(``message_template_create/update/delete``, keyword-only, ``actor`` first) and
the one selector of who sees which (``message_templates_for``). Agency templates
are written by the agency's staff only; a template one may not see is 404."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.exceptions import NotFound, PermissionDenied, ValidationFailed
from core.validators import has_control_characters
from directory.models import AgencyEscort, AgencyMembership
from messaging.models import TEMPLATE_BODY_MAX, TEMPLATE_TITLE_MAX, MessageTemplate

# --- reads -----------------------------------------------------------------------


def _staff_agency_ids(user: User) -> QuerySet:
    return AgencyMembership.objects.filter(user=user).values("agency_id")


def message_templates_for(*, user: User) -> QuerySet[MessageTemplate]:
    """What ``user`` may insert: their own templates, those of the agencies on
    whose staff they are, and those of the agency listing them as an escort."""
    if not user.is_authenticated:
        return MessageTemplate.objects.none()
    listing = AgencyEscort.objects.filter(
        escort=user, status=AgencyEscort.Status.ACTIVE
    ).values("agency_id")
    return MessageTemplate.objects.filter(
        Q(owner=user)
        | Q(agency_id__in=_staff_agency_ids(user))
        | Q(agency_id__in=listing)
    ).select_related("agency")


def message_templates_editable_by(*, user: User) -> QuerySet[MessageTemplate]:
    """What ``user`` may change: their own, and their agency's as its staff
    (a listed escort uses the agency's templates but does not edit them)."""
    if not user.is_authenticated:
        return MessageTemplate.objects.none()
    return MessageTemplate.objects.filter(
        Q(owner=user) | Q(agency_id__in=_staff_agency_ids(user))
    ).select_related("agency")


def message_template_get(*, user: User, template_id: int) -> MessageTemplate:
    template = message_templates_editable_by(user=user).filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("Template not found."))
    return template


def template_staff_agency(*, user: User) -> int | None:
    """The agency whose shared templates ``user`` writes, if they are staff."""
    return (
        AgencyMembership.objects.filter(user=user)
        .order_by("pk")
        .values_list("agency_id", flat=True)
        .first()
    )


# --- writes ----------------------------------------------------------------------


def _clean(title: str, body: str) -> tuple[str, str]:
    """The messages' own cleaning (messaging.store.message_body_clean): line ends
    normalised, outer space trimmed, no control characters; the title is one
    line."""
    title = " ".join(title.split())
    body = body.replace("\r\n", "\n").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the template a title.")]
    elif len(title) > TEMPLATE_TITLE_MAX:
        errors["title"] = [
            _("At most %(max)d characters.") % {"max": TEMPLATE_TITLE_MAX}
        ]
    if not body:
        errors["body"] = [_("Write the template's text.")]
    elif len(body) > TEMPLATE_BODY_MAX:
        errors["body"] = [_("At most %(max)d characters.") % {"max": TEMPLATE_BODY_MAX}]
    elif has_control_characters(body):
        errors["body"] = [_("Control characters are not allowed.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return title, body


def _check_may_write(actor: User, *, shared: bool) -> int | None:
    if not actor.is_provider:
        raise PermissionDenied(_("Only providers and agencies keep message templates."))
    if not shared:
        return None
    agency_id = template_staff_agency(user=actor)
    if agency_id is None:
        raise PermissionDenied(_("Only an agency's staff write its shared templates."))
    return agency_id


def _saved(template: MessageTemplate) -> MessageTemplate:
    # The unique title (ignoring case) is the database's: two tabs saving the
    # same title at once get one row and one clear 400.
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as error:
        raise ValidationFailed(
            fields={"title": [_("You already have a template with this title.")]}
        ) from error
    return template


def message_template_create(
    *, actor: User, title: str, body: str, shared: bool = False
) -> MessageTemplate:
    """``shared``: the template belongs to the actor's agency (staff only)."""
    agency_id = _check_may_write(actor, shared=shared)
    title, body = _clean(title, body)
    template = MessageTemplate(
        owner=None if shared else actor, agency_id=agency_id, title=title, body=body
    )
    return _saved(template)


def message_template_update(
    *, actor: User, template_id: int, title: str, body: str
) -> MessageTemplate:
    template = message_template_get(user=actor, template_id=template_id)
    template.title, template.body = _clean(title, body)
    return _saved(template)


def message_template_delete(*, actor: User, template_id: int) -> None:
    message_template_get(user=actor, template_id=template_id).delete()
