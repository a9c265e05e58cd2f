"""Facets as links on the HTML search page: each value adds its filter to the
current query, or, when chosen, removes it. URLs are built from the query as
searched (blank fields dropped, the cursor dropped: a new filter starts at the
first page), so a facet never loses the visitor's other filters."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from search.params import LIST_PARAMS, SearchParams
from search.prices import COMPARISON_CURRENCY


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int | None
    url: str
    selected: bool


@dataclass(frozen=True)
class FacetGroup:
    key: str
    title: str
    links: list[FacetLink]


def _url(query: dict[str, list[str]]) -> str:
    pairs = [(key, value) for key, values in query.items() for value in values]
    return f"?{urlencode(pairs)}" if pairs else "?"


def _base(present: dict[str, str]) -> dict[str, list[str]]:
    """The searched query as lists, without the cursor (a new filter is page 1)."""
    query = {}
    for key, value in present.items():
        if key != "cursor":
            query[key] = value.split(",") if key in LIST_PARAMS else [value]
    return query


def _with(query: dict, **changes: list[str] | None) -> str:
    changed = {**query}
    for key, values in changes.items():
        if values:
            changed[key] = values
        else:
            changed.pop(key, None)
    return _url(changed)


def _toggle_in_list(query: dict, key: str, value: str) -> tuple[str, bool]:
    chosen = query.get(key, [])
    if value in chosen:
        return _with(query, **{key: [v for v in chosen if v != value]}), True
    return _with(query, **{key: [*chosen, value]}), False


def _cities(query: dict, counts: dict, cities: dict) -> list[FacetLink]:
    links = []
    for key, n in sorted(counts.items(), key=lambda item: -item[1]):
        selected = query.get("city") == [key]
        url = _with(query, city=None if selected else [key])
        links.append(FacetLink(cities.get(key, key), n, url, selected))
    return links


def _listed(query: dict, key: str, counts: dict, names: dict) -> list[FacetLink]:
    """Services (by id in the counts, by slug in the query) and languages."""
    links = []
    for facet_key, n in sorted(counts.items(), key=lambda item: -item[1]):
        if facet_key not in names:
            continue
        value, label = names[facet_key]
        url, selected = _toggle_in_list(query, key, value)
        links.append(FacetLink(label, n, url, selected))
    return links


def _price_label(low: int, high: int | None) -> str:
    if not low:
        return _("Under %(high)s") % {"high": high}
    if high is None:
        return _("%(low)s and more") % {"low": low}
    return f"{low}–{high}"


def _prices(query: dict, buckets: list[dict]) -> list[FacetLink]:
    links = []
    for bucket in buckets:
        low, high = bucket["min_eur"], bucket["max_eur"]
        wanted = ([str(low)] if low else None, [str(high)] if high else None)
        selected = (query.get("price_min"), query.get("price_max")) == wanted
        url = _with(
            query,
            price_min=None if selected else wanted[0],
            price_max=None if selected else wanted[1],
        )
        if bucket["count"] or selected:  # a link to no results helps nobody
            label = _price_label(low, high)
            links.append(FacetLink(label, bucket["count"], url, selected))
    return links


def facet_groups(
    *,
    present: dict[str, str],
    params: SearchParams,
    facets: dict,
    cities: dict[str, str],
    services: dict[str, tuple[str, str]],
    languages: dict[str, tuple[str, str]],
) -> list[FacetGroup]:
    """``cities``: id -> title; ``services``: id -> (slug, name); ``languages``:
    code -> (code, name). Empty groups are left out."""
    query = _base(present)
    verified = FacetLink(
        _("Verified photos only"),
        facets["verified"],
        _with(query, verified=None if params.verified_only else ["true"]),
        params.verified_only,
    )
    groups = [
        FacetGroup("city", _("City"), _cities(query, facets["cities"], cities)),
        FacetGroup(
            "services",
            _("Services"),
            _listed(query, "services", facets["services"], services),
        ),
        FacetGroup(
            "languages",
            _("Languages"),
            _listed(query, "languages", facets["languages"], languages),
        ),
        FacetGroup(
            "price",
            _("Price per hour (%(currency)s)") % {"currency": COMPARISON_CURRENCY},
            _prices(query, facets["price_buckets"]),
        ),
        FacetGroup("verified", _("Photos"), [verified] if facets["verified"] else []),
    ]
    return [group for group in groups if group.links]


def chosen_links(
    groups: list[FacetGroup], *, present: dict[str, str]
) -> list[FacetLink]:
    """What narrows the results now, each with its remove link, shown above the
    results: the chosen facets, then the form's other filters."""
    links = [link for group in groups for link in group.links if link.selected]
    query = _base(present)
    if "q" in query:
        links.insert(0, _remove(query, f"“{present['q']}”", "q"))
    price_facets = [link for g in groups if g.key == "price" for link in g.links]
    if not any(link.selected for link in price_facets):
        price = _price_range(present)
        if price:
            links.append(_remove(query, price, "price_min", "price_max"))
    for key, label in (("vip", _("VIP")), ("touring_now", _("Touring now"))):
        if key in query:
            links.append(_remove(query, label, key))
    if "day" in query:
        window = " ".join(filter(None, [present.get("day"), _span(present)]))
        links.append(_remove(query, window, "day", "time_from", "time_to"))
    return links


def _remove(query: dict, label: str, *keys: str) -> FacetLink:
    return FacetLink(label, None, _with(query, **dict.fromkeys(keys)), True)


def _price_range(present: dict[str, str]) -> str:
    low, high = present.get("price_min"), present.get("price_max")
    unit = COMPARISON_CURRENCY
    if low and high:
        return _("%(low)s–%(high)s %(unit)s") % {"low": low, "high": high, "unit": unit}
    if high:
        return _("Up to %(high)s %(unit)s") % {"high": high, "unit": unit}
    if low:
        return _("From %(low)s %(unit)s") % {"low": low, "unit": unit}
    return ""


def _span(present: dict[str, str]) -> str:
    start, end = present.get("time_from", ""), present.get("time_to", "")
    return f"{start}–{end}" if start or end else ""
