"""/search/: the HTML search page. A plain GET form, so it works without
JavaScript; the same validation and selectors as the JSON API."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from rest_framework.exceptions import ValidationError

from core.exceptions import ValidationFailed
from directory.models import Language, Service
from directory.selectors import city_list, profile_card_list, rotation_seed
from search.apis import search_log
from search.impressions import impressions_record_search
from search.params import SORTS, params_from_query
from search.selectors import search_facets, search_profiles


def _form_context(request: HttpRequest) -> dict:
    return {
        "cities": list(city_list()),
        "services": list(Service.objects.order_by("name")),
        "languages": list(Language.objects.order_by("name")),
        "sorts": [s for s in SORTS if s != "distance"],
        "chosen_services": request.GET.getlist("services"),
        "chosen_languages": request.GET.getlist("languages"),
        "values": request.GET,
    }


def _error_messages(detail: object) -> list[str]:
    if isinstance(detail, dict):
        return [f"{key}: {' '.join(map(str, v))}" for key, v in detail.items()]
    return [str(detail)]


def _with_window(query: QueryDict) -> QueryDict:
    """The form asks for a day and two wall-clock times, in the chosen city's
    time zone (else the site's): turned into the API's available_from/_to. A
    "to" at or before "from" runs past midnight."""
    day = query.get("day", "").strip()
    if not day:
        return query
    try:
        date = dt.date.fromisoformat(day)
        start = dt.time.fromisoformat(query.get("time_from") or "00:00")
        end = dt.time.fromisoformat(query.get("time_to") or "23:59")
    except ValueError:
        raise ValidationFailed(
            "Choose a day and times (HH:MM).",
            fields={"day": ["Not a valid day or time."]},
        ) from None
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
    if not (city_id or "").isdigit():
        return None
    return (
        city_list().filter(pk=int(city_id)).values_list("time_zone", flat=True).first()
    )


def search_page(request: HttpRequest) -> HttpResponse:
    started = time.monotonic()
    context = _form_context(request)
    try:
        params = params_from_query(_with_window(request.GET))
        seed = rotation_seed(session_key=request.session.session_key)
        facets = search_facets(params=params)
        result = search_profiles(params=params, seed=seed, total=facets["total"])
    except ValidationError as error:
        context["errors"] = _error_messages(error.detail)
        return render(request, "search/search.html", context, status=400)
    except ValidationFailed as error:
        context["errors"] = _error_messages(error.fields or error.message)
        return render(request, "search/search.html", context, status=400)
    pages = profile_card_list().in_bulk([d.profile_id for d in result.documents])
    context.update(
        profiles=[pages[d.pk] for d in result.documents if d.pk in pages],
        facets=_named_facets(facets, context),
        total=result.total,
        next_url=_next_url(request, result.next_cursor),
        searched=bool(request.GET),
    )
    search_log(params=params, result_count=result.total, started=started)
    impressions_record_search(city_id=params.city_id, result=result)
    return render(request, "search/search.html", context)


def _named_facets(facets: dict, context: dict) -> dict:
    cities = {str(c.pk): c.title for c in context["cities"]}
    services = {str(s.pk): s.name for s in context["services"]}
    languages = {lang.code: lang.name for lang in context["languages"]}
    return {
        **facets,
        "cities": _label(facets["cities"], cities),
        "services": _label(facets["services"], services),
        "languages": _label(facets["languages"], languages),
    }


def _label(counts: dict, names: dict) -> list[tuple[str, int]]:
    return sorted(
        ((names.get(key, key), n) for key, n in counts.items()), key=lambda x: -x[1]
    )


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if not cursor:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"?{query.urlencode()}"
