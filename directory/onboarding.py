"""The provider onboarding checklist: the one home of "where does this provider
stand on the way to a live profile" (docs/onboarding.md, "Provider onboarding").
The dashboard panel, the page /dashboard/onboarding/ and
``GET /api/v1/me/onboarding`` all read ``onboarding_for``.

Six steps, each worked out from the data on its own (so they can be done in any
order): the profile draft, its photos, a second factor, identity and age
verification, submission for review, and the live profile. Each step is
``done``, ``waiting`` (on a moderator), ``refused`` (verification refused: ask
again), or still to do; the first step still to do whose prerequisites are done
is ``current``, the others ``todo``. ``Onboarding.next_step`` is what the page
says comes next: the first ``current`` or ``refused`` step.

Prerequisites: a second factor before the profile is created or submitted (the
submission service refuses a provider without one, docs/joining.md), and a
profile before its photos."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Role, User
from accounts.selectors import user_has_second_factor
from cms_pages.models import CustomImage
from core.exceptions import PermissionDenied
from directory.models import EscortProfilePage
from directory.selectors import ReviewState, draft_photo_rows, profile_review_state
from verification.models import RefusalReason
from verification.selectors import VerificationState, verification_state

DONE = "done"
CURRENT = "current"
TODO = "todo"
WAITING = "waiting"
REFUSED = "refused"
STATES = (DONE, CURRENT, TODO, WAITING, REFUSED)

# One photo completes the step (a card needs one); three or more are
# recommended, and the step says so until there are three.
MIN_PHOTOS = 1
RECOMMENDED_PHOTOS = 3

# The verification app's provider pages (docs/verification.md).
VERIFICATION_URL = "/dashboard/verification/"

PROFILE = "profile"
PHOTOS = "photos"
SECOND_FACTOR = "second_factor"
VERIFICATION = "verification"
SUBMIT = "submit"
LIVE = "live"

_REQUIRES = {
    PROFILE: (SECOND_FACTOR,),
    PHOTOS: (PROFILE,),
    SUBMIT: (SECOND_FACTOR, PROFILE),
}


@dataclass(frozen=True)
class OnboardingStep:
    key: str
    title: str
    state: str
    url: str  # where to resume this step
    detail: str = ""  # one sentence: what is done, what is missing, who acts
    queue_position: int | None = None  # verification waiting: 1 = next in line
    comment: str = ""  # the moderator's words: changes requested, or a refusal
    requires: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Onboarding:
    steps: tuple[OnboardingStep, ...]

    @property
    def next_step(self) -> OnboardingStep | None:
        return next((s for s in self.steps if s.state in (CURRENT, REFUSED)), None)

    @property
    def done_count(self) -> int:
        return sum(step.state == DONE for step in self.steps)

    @property
    def is_live(self) -> bool:
        return self.steps[-1].state == DONE

    def step(self, key: str) -> OnboardingStep:
        return next(step for step in self.steps if step.key == key)


@dataclass(frozen=True)
class _Facts:
    """Everything the steps read, gathered in a constant number of queries."""

    profile: EscortProfilePage | None
    photo_count: int
    has_second_factor: bool
    verification: VerificationState
    is_age_verified: bool
    review: ReviewState | None
    showable: bool


def onboarding_for(*, user: User) -> Onboarding:
    """The checklist of a provider (``Role.ESCORT``); anyone else is refused
    (agencies get their own checklist, clients have none)."""
    if not user.is_authenticated or user.role != Role.ESCORT:
        raise PermissionDenied("The onboarding checklist is for provider accounts.")
    facts = _facts(user)
    raw = [
        _profile_step(facts),
        _photos_step(facts),
        _second_factor_step(facts),
        _verification_step(facts),
        _submit_step(facts),
        _live_step(facts),
    ]
    return Onboarding(steps=_with_current(raw))


def _facts(user: User) -> _Facts:
    profile = (
        EscortProfilePage.objects.filter(owner=user)
        .select_related("latest_revision")
        .order_by("pk")
        .first()
    )
    photo_ids = (
        {row["image"] for row in draft_photo_rows(profile=profile)}
        if profile
        else set()
    )
    # A paused profile has finished the path: pausing is the provider's choice
    # (docs/pausing.md), not a step to go live again.
    eligible = EscortProfilePage.objects.showable_unless_paused()
    showable = bool(profile and eligible.filter(pk=profile.pk).exists())
    return _Facts(
        profile=profile,
        # Photos whose image was deleted since the revision do not count.
        photo_count=CustomImage.objects.filter(pk__in=photo_ids).count()
        if photo_ids
        else 0,
        has_second_factor=user_has_second_factor(user=user),
        verification=verification_state(user=user),
        is_age_verified=user.is_age_verified,
        review=profile_review_state(profile=profile) if profile else None,
        showable=showable,
    )


def _with_current(steps: list[OnboardingStep]) -> tuple[OnboardingStep, ...]:
    done = {step.key for step in steps if step.state == DONE}
    current_given = False
    result = []
    for step in steps:
        ready = all(key in done for key in step.requires)
        if step.state == TODO and ready and not current_given:
            step = _replace(step, state=CURRENT)
            current_given = True
        result.append(step)
    return tuple(result)


def _replace(step: OnboardingStep, **changes: object) -> OnboardingStep:
    return OnboardingStep(**{**vars(step), **changes})


def _edit_url(anchor: str = "") -> str:
    return reverse("directory:profile-edit") + anchor


def _profile_step(facts: _Facts) -> OnboardingStep:
    title = _("Create your profile")
    if facts.profile is not None:
        return OnboardingStep(
            PROFILE, title, DONE, _edit_url(), _("Your profile draft is saved.")
        )
    detail = _("Your name, age, city, rates and a few words about you.")
    if not facts.has_second_factor:
        detail = _("Set up a second factor first: it protects your profile.")
    return OnboardingStep(
        PROFILE, title, TODO, _edit_url(), detail, requires=_REQUIRES[PROFILE]
    )


def _photos_step(facts: _Facts) -> OnboardingStep:
    title = _("Add photos")
    count = facts.photo_count
    url = _edit_url("#photos")
    if count >= MIN_PHOTOS:
        detail = ngettext("%(count)s photo.", "%(count)s photos.", count) % {
            "count": count
        }
        if count < RECOMMENDED_PHOTOS:
            detail += " " + _(
                "We recommend at least %(recommended)s: clients look for them."
            ) % {"recommended": RECOMMENDED_PHOTOS}
        return OnboardingStep(PHOTOS, title, DONE, url, detail)
    detail = _(
        "At least one photo; %(recommended)s or more are recommended. "
        "Keep them non-explicit."
    ) % {"recommended": RECOMMENDED_PHOTOS}
    return OnboardingStep(PHOTOS, title, TODO, url, detail, requires=_REQUIRES[PHOTOS])


def _second_factor_step(facts: _Facts) -> OnboardingStep:
    title = _("Set up a second factor")
    url = reverse("mfa_index")
    if facts.has_second_factor:
        return OnboardingStep(
            SECOND_FACTOR, title, DONE, url, _("Your account asks for a second factor.")
        )
    detail = _(
        "An authenticator app (the link sets one up) or a passkey (under "
        "Account security), asked for when you sign in."
    )
    # Straight to the authenticator app's set-up, and back to the checklist
    # after it (accounts/mfa_views.py follows local ``next`` addresses).
    setup = reverse("mfa_activate_totp")
    back = urlencode({"next": reverse("directory:dashboard")})
    return OnboardingStep(SECOND_FACTOR, title, TODO, f"{setup}?{back}", detail)


def _verification_step(facts: _Facts) -> OnboardingStep:
    title = _("Verify your identity and age")
    state = facts.verification
    if state.status == "pending":
        detail = _(
            "A moderator checks your documents. You are number %(position)s in "
            "the queue."
        ) % {"position": state.queue_position}
        return OnboardingStep(
            VERIFICATION,
            title,
            WAITING,
            VERIFICATION_URL,
            detail,
            queue_position=state.queue_position,
        )
    if state.status == "refused":
        reason = RefusalReason(state.reason).label if state.reason else ""
        detail = _("Refused: %(reason)s. You can ask again.") % {"reason": reason}
        return OnboardingStep(
            VERIFICATION, title, REFUSED, VERIFICATION_URL, detail, comment=state.note
        )
    if state.status == "approved" or facts.is_age_verified:
        detail = _("Verified.")
        if state.verified_at:
            detail = _("Verified on %(date)s.") % {
                "date": date_format(state.verified_at, "j M Y")
            }
        return OnboardingStep(VERIFICATION, title, DONE, VERIFICATION_URL, detail)
    detail = _("A photo of an identity document and a selfie with a code we show.")
    return OnboardingStep(VERIFICATION, title, TODO, VERIFICATION_URL, detail)


def _submit_step(facts: _Facts) -> OnboardingStep:
    title = _("Submit your profile for review")
    review = facts.review
    requires = _REQUIRES[SUBMIT]
    if review is None:
        detail = _("Saving your profile submits it to a moderator.")
        return OnboardingStep(
            SUBMIT, title, TODO, _edit_url(), detail, requires=requires
        )
    if review.status == "in_review":
        detail = _("A moderator is reviewing your profile.")
        return OnboardingStep(SUBMIT, title, WAITING, _edit_url(), detail)
    if review.status == "changes_requested":
        detail = _("A moderator asked for changes: edit and save to resubmit.")
        return OnboardingStep(
            SUBMIT,
            title,
            TODO,
            _edit_url(),
            detail,
            comment=review.comment,
            requires=requires,
        )
    if review.status == "live" or review.is_live:
        return OnboardingStep(SUBMIT, title, DONE, _edit_url(), _("Approved."))
    detail = _("Your latest changes are saved but not submitted: save to submit.")
    return OnboardingStep(SUBMIT, title, TODO, _edit_url(), detail, requires=requires)


def _live_step(facts: _Facts) -> OnboardingStep:
    title = _("Go live")
    profile = facts.profile
    if facts.showable and profile is not None:
        return OnboardingStep(
            LIVE, title, DONE, profile.url or _edit_url(), _("Clients can find you.")
        )
    requires = (PROFILE, PHOTOS, SECOND_FACTOR, VERIFICATION, SUBMIT)
    url = reverse("directory:profile-preview") if profile else _edit_url()
    if facts.review is not None and facts.review.status == "in_review":
        detail = _("Your profile goes live when a moderator approves it.")
        return OnboardingStep(LIVE, title, WAITING, url, detail, requires=requires)
    detail = _("Once your identity is verified and your profile approved.")
    return OnboardingStep(LIVE, title, TODO, url, detail, requires=requires)
