"""core.compiled: a queryset compiled once, run for other ids, as values
(RowsById) or model objects (InstancesById)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import DecimalField, F, Prefetch, QuerySet
from django.db.models.functions import Cast, Length, Upper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from core.compiled import InstancesById, RowsById
from directory.models import ProfilePhoto
from search.models import SearchRollupTerm
from tests.factories import UserFactory
from tests.factories.pages import add_photo, make_city, make_profile

pytestmark = pytest.mark.django_db


def _values() -> QuerySet[User]:
    return User.objects.annotate(
        shout=Upper("email"),
        letters=Length("email"),
        # A converter runs (numeric to a Decimal of two places).
        ratio=Cast(F("id") * 1.0 / 4, DecimalField(max_digits=8, decimal_places=2)),
    ).values("id", "email", "shout", "letters", "ratio")


def test_rows_are_the_querysets_values_in_the_order_asked():
    first, second, third = UserFactory.create_batch(3)
    rows = RowsById(_values)

    ids = [third.pk, 987654, first.pk]
    got = rows.rows(ids)

    expected = {row["id"]: row for row in _values().filter(pk__in=ids)}
    assert got == [expected[third.pk], expected[first.pk]]  # no row for 987654
    assert got[0]["shout"] == third.email.upper()
    assert isinstance(got[0]["ratio"], Decimal)
    assert rows.rows([second.pk]) == [_values().get(pk=second.pk)]
    assert rows.rows([]) == []


def test_the_queryset_is_built_and_compiled_once():
    users = UserFactory.create_batch(3)
    builds = []

    def build() -> QuerySet[User]:
        builds.append(1)
        return _values()

    rows = RowsById(build)
    rows.rows([users[0].pk])
    built = len(builds)
    statements = []

    def sent(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(sent):
        assert [r["id"] for r in rows.rows([users[1].pk, users[2].pk])] == [
            users[1].pk,
            users[2].pk,
        ]
        assert [r["id"] for r in rows.rows([users[2].pk])] == [users[2].pk]

    assert len(builds) == built  # nothing built again
    first, second = statements
    assert first == second  # one statement, whatever the ids
    assert "ANY(%s::bigint[])" in first  # User has a 64-bit key


def test_a_queryset_with_a_clock_in_it_is_refused():
    rows = RowsById(
        lambda: User.objects.filter(date_joined__lte=timezone.now()).values("id")
    )
    with pytest.raises(ValueError, match="only varying parameter"):
        rows.rows([1])


def test_rows_must_start_with_the_primary_key():
    with pytest.raises(ValueError, match="first is the pk"):
        RowsById(lambda: User.objects.values("email", "id")).rows([1])
    with pytest.raises(ValueError, match="first is the pk"):
        RowsById(lambda: User.objects.all()).rows([1])


def _photos() -> QuerySet[ProfilePhoto]:
    return (
        ProfilePhoto.objects.select_related("image")
        .only("caption", "page", "image__title", "image__file")
        .annotate(shout=Upper("caption"))
    )


def test_instances_are_the_querysets_objects_in_the_order_asked():
    city = make_city("Lyon", slug="lyon-compiled")
    profile = make_profile("Clea", city=city)
    first, second = add_photo(profile, caption="one"), add_photo(profile, caption="two")
    instances = InstancesById(_photos, prefetch=lambda: [Prefetch("page__photos")])

    got = instances.instances([second.pk, 987654, first.pk])

    expected = {
        photo.pk: photo for photo in _photos().filter(pk__in=[1, first.pk, second.pk])
    }
    assert [photo.pk for photo in got] == [second.pk, first.pk]
    for photo in got:
        reference = expected[photo.pk]
        assert photo.caption == reference.caption and photo.shout == reference.shout
        assert photo.get_deferred_fields() == reference.get_deferred_fields()
        assert {"is_primary", "sort_order"} <= photo.get_deferred_fields()
    with CaptureQueriesContext(connection) as queries:
        # select_related and the prefetch were read with the rows: no query.
        assert got[0].image.title == expected[second.pk].image.title
        assert {p.pk for p in got[0].page.photos.all()} == {first.pk, second.pk}
    assert len(queries) == 0


def test_instances_refuse_a_queryset_that_prefetches_itself():
    rows = InstancesById(lambda: ProfilePhoto.objects.prefetch_related("page"))
    with pytest.raises(ValueError, match="prefetching apart"):
        rows.instances([1])


def test_only_integer_keys_are_compiled():
    # The ids travel as one integer[] or bigint[]; a text key is refused.
    with pytest.raises(ValueError, match="integer keys"):
        RowsById(lambda: SearchRollupTerm.objects.values("pk")).rows(["dinner"])
