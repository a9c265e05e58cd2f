"""The retention run log in the Wagtail admin: a superuser reads it, read-only,
in a constant number of queries; a non-staff user is turned away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from privacy.models import RetentionRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/cms/retention-runs/"


def _runs(count: int) -> None:
    now = timezone.now()
    RetentionRun.objects.bulk_create(
        RetentionRun(
            class_key=f"class-{i}",
            started_at=now - dt.timedelta(minutes=i),
            finished_at=now,
            affected=i,
            error="boom" if i == 0 else "",
        )
        for i in range(count)
    )


@pytest.fixture
def superuser(client, admin_login):  # noqa: ANN001, ANN201
    return admin_login(client, UserFactory(is_staff=True, is_superuser=True))


def test_the_admin_lists_the_runs_with_their_counts_and_errors(
    client, superuser, django_assert_max_num_queries
) -> None:
    _runs(2)
    client.get(URL)  # warm the per-process caches (site, switches)
    with django_assert_max_num_queries(25) as small:
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "class-1" in html
    assert "boom" in html
    assert "/cms/retention-runs/new/" not in html  # read-only: nothing to add

    _runs(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).status_code == 200


def test_a_member_of_the_public_cannot_read_it(client) -> None:
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code in {302, 403}
    assert "class-" not in response.content.decode()
