"""Builders for search tests: live cities and profiles, indexed."""

from __future__ import annotations

from search.indexer import search_documents_refresh
from tests.factories.pages import add_rate, make_city, make_profile


def live_city(title: str, **fields):  # noqa: ANN003, ANN201
    city = make_city(title, live=False, **fields)
    city.save_revision().publish()
    return city


def live_profile(name: str, *, city, eur_per_hour: int | None = None, **fields):  # noqa: ANN001, ANN003, ANN201
    """Published through a revision (as approval does) and indexed at once."""
    page = make_profile(name, city=city, live=False, **fields)
    if eur_per_hour is not None:
        add_rate(
            page, duration_minutes=60, amount_minor=eur_per_hour * 100, currency="EUR"
        )
    page = type(page).objects.get(pk=page.pk)
    page.save_revision().publish()
    search_documents_refresh(profile_ids=[page.pk])
    return page
