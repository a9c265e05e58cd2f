"""Data built once for a whole test module instead of once per test.

``shared_data(django_db_blocker)`` opens a transaction around the module's data
and rolls it back after the module's last test. Each test still runs in its own
savepoint inside it (pytest-django's ``django_db``), so what a test changes is
undone before the next one starts. Only for modules whose tests use plain
``django_db``: a ``transaction=True`` test or a live server (another thread,
another connection) would not see the uncommitted data.

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        with shared_data(django_db_blocker):
            yield build_world()
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def shared_data(django_db_blocker) -> Iterator[None]:  # noqa: ANN001 - pytest-django's blocker
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)
