"""Read scale-out (core/db_routing.py): a visitor's search and listing reads go
to the replica when one is configured; signed-in users, writes, transactions and
the apps that guard money, bookings and access stay on the primary.

The test settings configure "replica" as a mirror of the test database (a second
connection to the same data), inert until a test names it in
DATABASE_REPLICA_ALIAS. Transactional tests: the replica connection sees only
committed rows, as a real replica would."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from core.db_routing import PRIMARY, ReadReplicaRouter, replica_reads
from directory.models import EscortProfilePage
from tests.factories import UserFactory
from tests.factories.pages import make_city, make_profile

# Requests: committed rows, so the replica's connection sees them.
served = pytest.mark.django_db(
    transaction=True, serialized_rollback=True, databases=["default", "replica"]
)

PROFILE_TABLE = "directory_escortprofilepage"


@pytest.fixture
def replica(settings) -> str:  # noqa: ANN001
    settings.DATABASE_REPLICA_ALIAS = "replica"
    return "replica"


@pytest.fixture
def listed() -> EscortProfilePage:
    return make_profile("Liv", city=make_city("Oslo", country="Norway"))


def _selects(table: str, captured: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in captured.captured_queries
        if table in query["sql"] and query["sql"].lstrip().upper().startswith("SELECT")
    )


def _get(client, url: str) -> tuple:  # noqa: ANN001
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections[PRIMARY]) as on_primary,
    ):
        response = client.get(url)
    return response, on_replica, on_primary


@served
def test_a_visitors_profile_list_reads_from_the_replica(client, replica, listed):
    response, on_replica, on_primary = _get(client, "/api/v1/escorts")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [listed.pk]
    assert _selects(PROFILE_TABLE, on_replica) >= 1
    assert _selects(PROFILE_TABLE, on_primary) == 0
    # The choice ended with the response: the test's own reads are not routed.
    assert ReadReplicaRouter().db_for_read(EscortProfilePage) is None


@served
def test_a_visitors_city_page_listing_reads_from_the_replica(client, replica, listed):
    response, on_replica, _ = _get(client, listed.home_city.url)

    assert response.status_code == 200
    assert "Liv" in response.content.decode()
    assert _selects(PROFILE_TABLE, on_replica) >= 1


@served
def test_a_signed_in_user_reads_their_listing_from_the_primary(client, replica, listed):
    client.force_login(UserFactory())
    response, on_replica, on_primary = _get(client, "/api/v1/escorts")

    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert _selects(PROFILE_TABLE, on_primary) >= 1


@served
def test_without_a_replica_every_read_is_on_the_primary(client, listed):
    response, on_replica, on_primary = _get(client, "/api/v1/escorts")

    assert response.status_code == 200
    assert on_replica.captured_queries == []
    assert _selects(PROFILE_TABLE, on_primary) >= 1


@served  # outside the test's own transaction, as a request is
def test_money_bookings_and_transactions_stay_on_the_primary(replica):
    router = ReadReplicaRouter()
    with replica_reads():
        assert router.db_for_read(EscortProfilePage) == replica
        assert router.db_for_read(Booking) == PRIMARY  # bookings: primary only
        with transaction.atomic():  # a write earlier in the block must be seen
            assert router.db_for_read(EscortProfilePage) == PRIMARY
    assert router.db_for_read(EscortProfilePage) is None


def test_writes_and_migrations_go_to_the_primary_only(replica):
    router = ReadReplicaRouter()
    with replica_reads():
        assert router.db_for_write(EscortProfilePage) == PRIMARY
    assert router.allow_migrate(PRIMARY, "directory") is True
    assert router.allow_migrate(replica, "directory") is False
