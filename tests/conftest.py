from __future__ import annotations

from collections.abc import Callable

import pytest
from celery._state import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache, caches
from django.test import Client
from pytest_django.plugin import blocking_manager_key, validate_django_db
from rest_framework.test import APIClient

from accounts.models import Role, User
from core import cache as fail_open_cache
from core import switches
from tests.factories import UserFactory
from tests.ledger import ledger_balanced  # noqa: F401 - fixture (payments, subscriptions, deposits)
from tests.localstripe import localstripe_server, stripe_local  # noqa: F401 - fixtures
from tests.mfa import login_with_mfa


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):  # noqa: ANN001, ANN201
    """pytest-django's, plus the bench smoke runs' template copied from the
    freshly migrated test database when those tests are selected
    (tests/bench/template.py); dropped at the end of the session."""
    from tests.bench import template

    if not template.smoke_selected(request.session.items):
        yield
        return
    with django_db_blocker.unblock():
        template.template_create()
    yield
    template.drop(template.TEMPLATE)


# --- Data after a transactional test -------------------------------------------
# A transactional test ends with a flush, which also empties what the data
# migrations created (site, home page, city index, groups). pytest-django runs
# every such test after the others, so nothing used to need those rows again;
# but with xdist's worksteal an idle worker takes queued plain tests from the
# busy one after its own transactional ones, and those started on an empty
# database ("CityIndexPage matching query does not exist"). So the first plain
# test after a flush gets the migrated data back first, outside its transaction,
# from the copy Django serialised when it created the test database.
_flushed_by_transactional_test = False


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    if marker is not None:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    return bool(fixtures & {"transactional_db", "live_server"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item):  # noqa: ANN201 - a hook wrapper
    global _flushed_by_transactional_test
    if _flushed_by_transactional_test and not _transactional(item):
        from django.db import connections

        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all(initialized_only=False):
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
        _flushed_by_transactional_test = False
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):  # noqa: ANN201
    global _flushed_by_transactional_test
    yield
    if _transactional(item):
        _flushed_by_transactional_test = True


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate limits (allauth, DRF throttles) live in the cache: no test inherits
    # another's counters. Only this run's keys go: other runs may share the server.
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    # Card fragments are keyed on their content and never stale, but a test's
    # query counts should not depend on which cards an earlier test rendered.
    caches["fragments"].clear()
    # Nor inherit an open breaker: a Redis timeout in an earlier test (a loaded
    # machine) would have every cache call of the next five seconds skipped,
    # and a throttle that counts nothing lets a fourth request through.
    fail_open_cache._paused_until.clear()
    # The feature switches' snapshot, as a running site's cache holds it (a fresh
    # test database has no row: the defaults). Without it the first request of a
    # test would read the row, and query counts would depend on warm-up requests.
    switches.snapshot_seed_defaults()


@pytest.fixture(autouse=True)
def _celery_join_flag() -> None:
    # Eager tasks (test settings) run inside Celery's denied_join_result(), which
    # saves and restores one process-wide flag: eager tasks in several threads at
    # once (the booking race tests) can leave it set, and every later
    # result.get() then refuses to run. Real workers never run tasks eagerly.
    yield
    _set_task_join_will_block(False)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_user(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.CLIENT)


@pytest.fixture
def escort_user(db) -> User:  # noqa: ANN001
    return UserFactory(role=Role.ESCORT)


@pytest.fixture
def admin_login() -> Callable[[Client, User], User]:
    """Sign a staff user in the way the admin demands: with a TOTP authenticator
    and a session that passed it (see tests/mfa.py). ``admin_login(client, user)``."""
    return login_with_mfa
