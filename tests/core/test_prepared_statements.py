"""Queries are sent with server-side binding and prepared from their second run
on a connection (config/settings/base.py ``use_prepared_statements``): PostgreSQL
plans a page's repeated queries once per connection, not on every request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Value
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def _prepared_site_queries() -> int:
    # Protocol-level statements (psycopg's), not SQL PREPAREs.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE NOT from_sql AND statement LIKE '%%prepared_probe%%'"
        )
        return cursor.fetchone()[0]


def test_the_database_settings_ask_for_prepared_statements():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2


def test_a_repeated_query_is_prepared_once_on_its_connection():
    def query() -> list[Site]:
        # An alias no other query has: its statement is this test's alone.
        probe = Site.objects.annotate(prepared_probe=Value(1))
        return list(probe.filter(hostname="prepared.example"))

    query()
    assert _prepared_site_queries() == 0
    query()  # the second run prepares it
    query()  # and the third uses it
    assert _prepared_site_queries() == 1
