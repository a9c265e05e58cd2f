"""/search/: the HTML search page. A plain GET form, so it works without
JavaScript; the same validation and selectors as the JSON API. Blank fields are
no filter (search.params.present_params); errors are the people's sentences of
search.params.FIELD_MESSAGES."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from cms_pages.models import CustomImage
from cms_pages.renditions import PROFILE_CARD
from core.db_routing import replica_reads_for
from core.exceptions import ValidationFailed
from directory.models import Language, Service
from directory.selectors import city_list, profile_card_list, rotation_seed
from search.apis import search_log
from search.availability import profiles_available_today
from search.facet_links import chosen_links, facet_groups
from search.facets import search_facets
from search.impressions import impressions_record_search
from search.params import (
    SORT_LABELS,
    SORTS,
    SearchParams,
    params_from_query,
    present_params,
)
from search.prices import COMPARISON_CURRENCY, converted_currencies_note
from search.prices import hourly_price_label as price_label
from search.selectors import (
    SearchResult,
    search_converted_currencies,
    search_profiles,
)

# The form asks for a day and times; the API's window errors belong there.
_FORM_FIELD = {"available_from": "day", "available_to": "day"}
SORT_CHOICES = [(sort, SORT_LABELS[sort]) for sort in SORTS if sort != "distance"]


def _form_context(request: HttpRequest) -> dict:
    return {
        "cities": list(city_list()),
        "services": list(Service.objects.order_by("name")),
        "languages": list(Language.objects.order_by("name")),
        "sorts": SORT_CHOICES,
        "chosen_services": _chosen(request.GET, "services"),
        "chosen_languages": _chosen(request.GET, "languages"),
        "values": request.GET,
        "currency": COMPARISON_CURRENCY,
    }


def _chosen(query: QueryDict, key: str) -> list[str]:
    """Checkboxes repeat the key; facet links join values with commas."""
    return [v.strip() for value in query.getlist(key) for v in value.split(",")]


def _with_window(query: QueryDict) -> QueryDict:
    """The form asks for a day and two wall-clock times, in the chosen city's
    time zone (else the site's): turned into the API's available_from/_to. A
    "to" at or before "from" runs past midnight. Times without a day are a
    question the visitor has not finished asking: say so."""
    day = query.get("day", "").strip()
    if not day:
        if query.get("time_from", "").strip() or query.get("time_to", "").strip():
            raise ValidationFailed(
                _("Choose a day and times."),
                fields={"day": [_("Choose a day for these times.")]},
            )
        return query
    try:
        date = dt.date.fromisoformat(day)
        start = dt.time.fromisoformat(query.get("time_from", "").strip() or "00:00")
        end = dt.time.fromisoformat(query.get("time_to", "").strip() or "23:59")
    except ValueError:
        message = _("Choose a day and times.")
        raise ValidationFailed(message, fields={"day": [message]}) from None
    zone = ZoneInfo(_city_zone(query.get("city")) or settings.TIME_ZONE)
    begins = dt.datetime.combine(date, start, tzinfo=zone)
    ends = dt.datetime.combine(date, end, tzinfo=zone)
    if ends <= begins:
        ends += dt.timedelta(days=1)
    query = query.copy()
    query["available_from"], query["available_to"] = (
        begins.isoformat(),
        ends.isoformat(),
    )
    return query


def _city_zone(city_id: str | None) -> str | None:
    if not (city_id or "").strip().isdigit():
        return None
    return (
        city_list()
        .filter(pk=int(city_id.strip()))
        .values_list("time_zone", flat=True)
        .first()
    )


def search_page(request: HttpRequest) -> HttpResponse:
    started = time.monotonic()
    replica_reads_for(request)
    context = _form_context(request)
    try:
        params = params_from_query(_with_window(request.GET))
        seed = rotation_seed(session_key=request.session.session_key)
        facets = search_facets(params=params)
        result = search_profiles(params=params, seed=seed, total=facets["total"])
    except ValidationFailed as error:
        context.update(_error_context(error))
        return render(request, "search/search.html", context, status=400)
    context.update(_results_context(request, params, facets, result, context))
    search_log(params=params, result_count=result.total, started=started)
    impressions_record_search(city_id=params.city_id, result=result)
    return render(request, "search/search.html", context)


def _error_context(error: ValidationFailed) -> dict:
    field_errors: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        field_errors.setdefault(_FORM_FIELD.get(name, name), []).extend(
            str(m) for m in messages
        )
    errors = list(dict.fromkeys(m for ms in field_errors.values() for m in ms))
    return {"errors": errors or [error.message], "field_errors": field_errors}


def _results_context(
    request: HttpRequest,
    params: SearchParams,
    facets: dict,
    result: SearchResult,
    context: dict,
) -> dict:
    ids = [d.profile_id for d in result.documents]
    pages = profile_card_list().in_bulk(ids)
    today = profiles_available_today(profile_ids=ids)
    profiles = []
    for doc in result.documents:
        if (page := pages.get(doc.profile_id)) is not None:
            page.price_from_label = price_label(doc.min_hourly_eur)
            page.available_today = page.pk in today
            profiles.append(page)
    present = present_params(request.GET)
    groups = facet_groups(
        present=present,
        params=params,
        facets=facets,
        cities={str(c.pk): c.title for c in context["cities"]},
        services={str(s.pk): (s.slug, s.name) for s in context["services"]},
        languages={lang.code: (lang.code, lang.name) for lang in context["languages"]},
    )
    _prefetch_card_renditions(profiles)
    converted = search_converted_currencies(profile_ids=[p.pk for p in profiles])
    return {
        "profiles": profiles,
        "facet_groups": groups,
        "chosen": chosen_links(groups, present=present),
        "total": result.total,
        "next_url": _next_url(request, result.next_cursor),
        "price_note": converted_currencies_note(converted),
        "chosen_services": list(params.services),
        "chosen_languages": list(params.languages),
    }


def _prefetch_card_renditions(profiles: list) -> None:
    """The cards' photo renditions in one query, not one per card."""
    images = [p.primary_photo.image for p in profiles if p.primary_photo]
    prefetch_related_objects(
        images,
        Prefetch(
            "renditions",
            queryset=CustomImage.get_rendition_model().objects.filter(
                filter_spec__in=PROFILE_CARD
            ),
        ),
    )


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if not cursor:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"?{query.urlencode()}"
