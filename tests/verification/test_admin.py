"""The moderators' queue in the Wagtail admin: who sees it, the listing with its
figures in a constant number of queries, the files (decrypted, never cached),
decisions and re-requests through the forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import EDITORS_GROUP, Role
from audit.models import AuditEntry
from tests.factories import UserFactory
from tests.verification.conftest import image_bytes, stored_files
from verification.models import VerificationRequest
from verification.services import verification_decide

pytestmark = pytest.mark.django_db

QUEUE = "/cms/verification/"


def _detail(request) -> str:  # noqa: ANN001
    return f"{QUEUE}{request.pk}/"


def test_moderators_see_the_menu_and_the_queue_oldest_first(
    client, admin_login, moderator, submit
):
    people = [UserFactory(role=Role.ESCORT) for _ in range(3)]
    requests = [submit(person) for person in people]
    admin_login(client, moderator)
    assert QUEUE in client.get("/cms/").content.decode()
    html = client.get(QUEUE).content.decode()
    positions = [html.index(f'data-request="{r.pk}"') for r in requests]
    assert positions == sorted(positions)
    assert 'data-figure="pending">3<' in html


def test_the_queue_costs_the_same_queries_for_more_requests(
    client, admin_login, moderator, submit, django_assert_max_num_queries
):
    admin_login(client, moderator)
    submit(UserFactory(role=Role.ESCORT))
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as one:
        assert client.get(QUEUE).status_code == 200
    for _ in range(5):
        submit(UserFactory(role=Role.ESCORT))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(QUEUE).status_code == 200


def test_the_files_are_served_decrypted_to_moderators_only(
    client, admin_login, moderator, pending
):
    admin_login(client, moderator)
    html = client.get(_detail(pending)).content.decode()
    assert pending.code in html
    response = client.get(f"{_detail(pending)}selfie/")
    assert response.status_code == 200
    assert response.content == image_bytes("PNG")
    assert response["Content-Type"] == "image/png"
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert client.get(f"{_detail(pending)}passport/").status_code == 404
    viewed = AuditEntry.objects.filter(action="verification.file_viewed")
    assert [(e.actor, e.target_id, e.data["file"]) for e in viewed] == [
        (moderator, pending.pk, "selfie")
    ]


@pytest.mark.parametrize("who", ["editor", "agency", "escort", "plain_staff"])
def test_nobody_else_reaches_the_queue_or_the_files(client, admin_login, pending, who):
    if who == "editor":
        user = UserFactory(role=Role.STAFF)
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        admin_login(client, user)
    elif who == "plain_staff":
        admin_login(client, UserFactory(role=Role.STAFF, is_staff=True))
    else:
        client.force_login(
            UserFactory(role=Role.AGENCY if who == "agency" else "escort")
        )
    for url in (
        QUEUE,
        _detail(pending),
        f"{_detail(pending)}document/",
        f"{_detail(pending)}selfie/",
        f"{QUEUE}people/{pending.user_id}/",
    ):
        response = client.get(url)
        if who == "editor":  # admin access: Wagtail sends them back home
            assert (response.status_code, response["Location"]) == (302, "/cms/")
        else:  # no admin access at all
            assert response.status_code == 403, url
        assert image_bytes("PNG") != response.content
    response = client.post(
        _detail(pending), {"decision": "approve", "date_of_birth": "1990-01-01"}
    )
    assert response.status_code in (302, 403)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_approving_through_the_form(
    client,
    admin_login,
    moderator,
    pending,
    private_dir,
    django_capture_on_commit_callbacks,
):
    admin_login(client, moderator)
    names = [pending.document.name, pending.selfie.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _detail(pending), {"decision": "approve", "date_of_birth": "1990-01-01"}
        )
    assert response.status_code == 302 and response["Location"] == QUEUE
    pending.refresh_from_db()
    assert pending.status == "approved"
    assert not any(storages["private"].exists(name) for name in names)
    assert stored_files(private_dir) == []
    assert client.get(f"{_detail(pending)}selfie/").status_code == 404


def test_refusing_other_without_a_note_is_refused(
    client, admin_login, moderator, pending
):
    admin_login(client, moderator)
    response = client.post(_detail(pending), {"decision": "refuse", "reason": "other"})
    assert response.status_code == 400
    assert "the person reads this note" in response.content.decode()
    response = client.post(_detail(pending), {"decision": "approve"})
    assert response.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_an_under_18_approval_answers_400_and_refuses(
    client, admin_login, moderator, pending, provider
):
    admin_login(client, moderator)
    today = timezone.localdate()
    response = client.post(
        _detail(pending),
        {"decision": "approve", "date_of_birth": today.replace(year=today.year - 16)},
    )
    assert response.status_code == 400
    assert "under 18" in response.content.decode()
    pending.refresh_from_db()
    provider.refresh_from_db()
    assert pending.status == "refused" and pending.reason == "under_18"
    assert not provider.is_age_verified


def test_the_history_page_rerequests_verification(
    client, admin_login, moderator, pending
):
    verification_decide(
        request=pending,
        actor=moderator,
        approve=True,
        date_of_birth=dt.date(1990, 1, 1),
    )
    admin_login(client, moderator)
    url = f"{QUEUE}people/{pending.user_id}/"
    html = client.get(url).content.decode()
    assert "Approved" in html and "Ask to verify again" in html
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Your passport expired."})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="verification.rerequested")
    assert entry.actor == moderator and entry.reason == "Your passport expired."
    assert VerificationRequest.objects.count() == 1
