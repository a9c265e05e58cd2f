"""Shared builders for the moderation admin tests (test_admin_*.py,
test_statement_appeal.py): moderators, a live profile and a report on it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MODERATORS_GROUP, Role, User
from directory.models import EscortProfilePage
from moderation.models import Report
from moderation.services import report_create
from tests.factories import UserFactory
from tests.factories.pages import make_city, make_profile

REPORTS = "/cms/moderation/reports/"
APPEALS = "/cms/moderation/appeals/"
SANCTIONS = "/cms/moderation/sanctions/"


def staff_in(group_name: str, **fields) -> User:  # noqa: ANN003
    user = UserFactory(role=Role.STAFF, **fields)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def moderator(**fields) -> User:  # noqa: ANN003
    return staff_in(MODERATORS_GROUP, **fields)


def live_profile(title: str = "Amelie") -> EscortProfilePage:
    return make_profile(title, city=make_city(f"City of {title}"))


def file_report(
    target: object,
    *,
    subject: User | None,
    category: str = "scam",
    reporter: User | None = None,
    due_in: dt.timedelta | None = None,
    automated: bool = False,
    details: str = "",
) -> Report:
    report, created = report_create(
        reporter=reporter if reporter is not None or automated else UserFactory(),
        category=category,
        details=details,
        target=target,
        evidence={"title": str(target)},
        subject_user=subject,
        dedupe_key="check:test" if automated and reporter is None else "",
        automated=automated,
    )
    assert created
    if due_in is not None:
        Report.objects.filter(pk=report.pk).update(due_at=timezone.now() + due_in)
        report.refresh_from_db()
    return report
