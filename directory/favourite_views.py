"""Favourites in HTML: the heart on cards and profile pages posts here (a plain
form with CSRF, so it works without JavaScript), and the shortlist page. Writes
go through the same services as /api/v1/me/favourites."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.exceptions import NotFound, ValidationFailed
from directory.selectors import favourites_of
from directory.services import favourite_add, favourite_remove

FAVOURITES_PER_PAGE = 24


class FavouriteActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("save", "save"), ("remove", "remove")])
    next = forms.CharField(required=False, max_length=2000)


@login_required
@require_GET
def favourite_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(favourites_of(user=request.user), FAVOURITES_PER_PAGE)
    # get_page: a malformed or out-of-range ?page= never answers 500.
    favourites = paginator.get_page(request.GET.get("page"))
    return render(request, "directory/favourites.html", {"favourites": favourites})


@login_required
@require_http_methods(["GET", "POST"])
def favourite_action(request: HttpRequest, profile_id: int) -> HttpResponse:
    """POST save or remove. Both are idempotent: a double click, or a second tab
    with the old state, ends where the person meant. A GET (a sign-in that
    expired between page and click lands here) goes to the shortlist."""
    if request.method == "GET":
        return redirect("directory:favourites")
    form = FavouriteActionForm(request.POST)
    if not form.is_valid():
        saved, message = None, _("That did not work. Please try again.")
    elif form.cleaned_data["action"] == "save":
        saved, message = _save(request, profile_id)
    else:
        saved, message = _remove(request, profile_id)
    if _wants_json(request):
        # favourites.js: the button shows the new state, no reload.
        if saved is None:
            return JsonResponse({"message": message}, status=400)
        return JsonResponse({"saved": saved, "message": message})
    if message:
        (messages.error if saved is None else messages.success)(request, message)
    return redirect(_next_url(request, form, profile_id))


def _wants_json(request: HttpRequest) -> bool:
    # A form post from a browser accepts */* too: only an explicit JSON-first
    # Accept (the script's fetch) gets JSON.
    return request.headers.get("Accept", "").startswith("application/json")


def _save(request: HttpRequest, profile_id: int) -> tuple[bool | None, str]:
    try:
        favourite, _created = favourite_add(client=request.user, profile_id=profile_id)
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return None, " ".join(error.fields.get("profile", [error.message]))
    return True, _("Saved %(name)s.") % {"name": favourite.saved_name}


def _remove(request: HttpRequest, profile_id: int) -> tuple[bool, str]:
    try:
        favourite = favourite_remove(client=request.user, profile_id=profile_id)
    except NotFound:
        return False, ""  # removed already (another tab, a double click)
    text = _("Removed %(name)s from your saved profiles.")
    return False, text % {"name": favourite.saved_name}


def _next_url(request: HttpRequest, form: FavouriteActionForm, profile_id: int) -> str:
    target = form.cleaned_data.get("next") if form.is_valid() else ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Back to the same heart, not the top of a long listing.
        return f"{target.split('#', 1)[0]}#favourite-{profile_id}"
    return reverse("directory:favourites")
