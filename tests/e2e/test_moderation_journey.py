"""Issue 14's journey: a visitor reports a profile; moderator A suspends its
owner for 7 days with a reason; the owner reads the statement of reasons and
appeals; moderator B reverses; the owner reads "Decision reversed" and the
profile is public again. The visitor's and the owner's pages are checked
(tests/e2e/checks.py); the moderators' are Wagtail's admin, outside the public
site's checks (``new_page(journey=False)``).

With ``MODERATION_SCREENSHOTS=<dir>`` it saves the queue, the inspect page, the
statement page and the appeal's admin page at this run's width."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group

from accounts.models import MODERATORS_GROUP, Role
from directory.models import EscortProfilePage
from moderation.models import Appeal, Report, Sanction
from tests.e2e.checks import check_page
from tests.e2e.signin import sign_in, sign_in_checked
from tests.factories import UserFactory
from tests.factories.pages import EscortOwnerFactory, make_city, make_profile
from tests.mfa import totp_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPEAL_TEXT = "These are my own photos; I can show the originals."


def moderator(email: str):  # noqa: ANN201
    user = UserFactory(email=email, role=Role.STAFF)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    totp_for(user)  # the admin needs a second factor
    return user


def shoot(page, name: str, viewport: dict, part: str = "") -> None:  # noqa: ANN001
    """The page (or, as Wagtail's admin scrolls inside its own frame, one
    ``part`` of it scrolled into view)."""
    folder = os.environ.get("MODERATION_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        path = f"{folder}/{name}-{viewport['width']}.png"
        if part:
            page.locator(part).screenshot(path=path)
        else:
            page.screenshot(path=path, full_page=True)


def test_report_suspend_appeal_reverse(live_server, new_page, viewport):
    city = make_city("Lisbon", country="Portugal", time_zone="Europe/Lisbon")
    owner = EscortOwnerFactory(email="ines@example.test")
    profile = make_profile("Ines", city=city, owner=owner)
    first_mod = moderator("mod-a@example.test")
    second_mod = moderator("mod-b@example.test")
    base = live_server.url

    # A visitor, not signed in, reports the profile.
    visitor = new_page()
    visitor.goto(f"{base}{profile.url}")
    check_page(visitor)
    visitor.get_by_role("link", name="Report this profile").click()
    visitor.wait_for_load_state()
    check_page(visitor)
    # Sent without a reason: the form says what is missing and files nothing.
    visitor.get_by_role("button", name="Send report").click()
    visitor.wait_for_load_state()
    check_page(visitor)
    assert "Choose a reason." in visitor.locator("main").inner_text()
    assert not Report.objects.exists()
    visitor.get_by_label("Scam or fraud").check()
    visitor.get_by_role("button", name="Send report").click()
    visitor.wait_for_load_state()
    check_page(visitor)
    assert "Thank you for your report" in visitor.locator("main").inner_text()
    report = Report.objects.get()
    assert report.subject_user == owner and report.reporter is None

    # Moderator A finds it in the queue and suspends the owner for 7 days.
    desk = new_page(journey=False)
    sign_in(desk, base, first_mod.email, "/cms/moderation/reports/", mfa_user=first_mod)
    row = desk.locator("table tbody tr").first
    assert "Due in" in row.inner_text()
    shoot(desk, "queue", viewport)
    desk.get_by_role("link", name=str(report.pk), exact=True).first.click()
    desk.wait_for_url(f"**/cms/moderation/reports/inspect/{report.pk}/")
    desk.get_by_role("button", name="Assign to me").click()
    desk.wait_for_load_state()
    assert "Assigned to you." in desk.locator("main").inner_text()
    shoot(desk, "inspect", viewport)
    shoot(desk, "inspect-history", viewport, '[data-section="history"]')
    shoot(desk, "inspect-actions", viewport, '[data-section="actions"]')
    suspend = desk.locator('[data-moderation-action="suspend"]')
    # Without a reason the suspension is refused and nothing changes.
    suspend.get_by_label("7 days").check()
    suspend.get_by_role("button", name="Suspend the user").click()
    desk.wait_for_load_state()
    assert "Choose the reason for this decision." in desk.locator("main").inner_text()
    owner.refresh_from_db()
    assert not owner.is_suspended
    suspend = desk.locator('[data-moderation-action="suspend"]')
    suspend.get_by_label("7 days").check()
    suspend.get_by_label("Reason (required)").select_option(label="Scam or fraud")
    suspend.get_by_label("Note to the user (optional)").fill(
        "Visitors were asked for payment outside the platform."
    )
    suspend.get_by_role("button", name="Suspend the user").click()
    desk.wait_for_url("**/cms/moderation/reports/")
    assert "The report is closed." in desk.locator("main").inner_text()
    owner.refresh_from_db()
    assert owner.is_suspended
    assert not EscortProfilePage.objects.get(pk=profile.pk).live

    # The owner signs in, reads the statement and appeals.
    mine = new_page()
    sign_in_checked(mine, base, owner.email, "/dashboard/moderation/")
    mine.get_by_role("link", name="We suspended your account").click()
    mine.wait_for_load_state()
    check_page(mine)
    statement_text = mine.locator("main").inner_text()
    assert "clause 3.2" in statement_text and "Honest dealing" in statement_text
    assert "payment outside the platform" in statement_text
    assert "If you disagree" in statement_text
    shoot(mine, "statement", viewport)
    # An empty appeal is refused with the reason, and none is filed.
    mine.get_by_role("button", name="Send appeal").click()
    mine.wait_for_load_state()
    check_page(mine)
    assert "Tell us why you disagree." in mine.locator("main").inner_text()
    assert not Appeal.objects.exists()
    mine.get_by_label("Why do you disagree?").fill(APPEAL_TEXT)
    mine.get_by_role("button", name="Send appeal").click()
    mine.wait_for_load_state()
    check_page(mine)
    assert "Waiting for a moderator" in mine.locator("main").inner_text()
    appeal = Appeal.objects.get()

    # Moderator B opens the appeal and reverses the decision.
    second = new_page(journey=False)
    sign_in(
        second, base, second_mod.email, "/cms/moderation/appeals/", mfa_user=second_mod
    )
    second.get_by_role("link", name=f"Appeal {appeal.pk}").click()
    second.wait_for_url(f"**/cms/moderation/appeals/{appeal.pk}/")
    assert APPEAL_TEXT in second.locator("main").inner_text()
    shoot(second, "appeal", viewport)
    second.get_by_label("Response to the user (required)").fill(
        "The originals show these are your photos; we reversed the suspension."
    )
    second.get_by_role("button", name="Reverse the decision").click()
    second.wait_for_url("**/cms/moderation/appeals/")
    appeal.refresh_from_db()
    assert appeal.status == "reversed" and appeal.decided_by == second_mod

    # The owner reads the outcome; the profile is public again.
    mine.reload()
    check_page(mine)
    outcome = mine.locator("main").inner_text()
    assert "Decision reversed" in outcome and "we reversed the suspension" in outcome
    owner.refresh_from_db()
    assert not owner.is_suspended
    assert Sanction.objects.get().lifted_at is not None
    visitor.goto(f"{base}{profile.url}")
    check_page(visitor)
    assert visitor.get_by_role("heading", name="Ines", level=1).is_visible()
