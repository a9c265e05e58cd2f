"""Provider and agency dashboard (HTML). Writes go through the same services as the
API; a profile you may not edit is a 404."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from accounts.second_factor import second_factor_setup_url
from accounts.selectors import user_has_second_factor
from cms_pages.services import image_create
from core.exceptions import ApplicationError, NotFound
from core.formatting import to_major_units
from directory.dashboard import PROVIDER, audience_of, panels_for
from directory.forms import (
    ProfileEditForm,
    RateFormSet,
    TourFormSet,
    bio_to_text,
    filled,
)
from directory.models import EscortProfilePage
from directory.onboarding import onboarding_for
from directory.selectors import (
    profile_editable_get,
    profile_review_state,
    profiles_editable_by,
)
from directory.services import profile_preview, profile_save_and_submit

PROFILES_SHOWN = 50


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard home, by role: a client's bookings, history and messages; a
    provider's profiles and their review state, requests, next bookings,
    messages and search exposure. Panels from the apps above directory come
    through ``directory.dashboard.dashboard_panels``."""
    user = request.user
    audience = audience_of(user)
    panels = panels_for(request=request, user=user)
    context = {
        "audience": audience,
        "panels": [(panel.name, panel.render(request)) for panel in panels],
    }
    if audience == PROVIDER:
        context |= _provider_profiles(user)
    if user.role == Role.ESCORT:
        # The checklist heads the dashboard until the profile is live.
        onboarding = onboarding_for(user=user)
        context["onboarding"] = None if onboarding.is_live else onboarding
    return render(request, "directory/dashboard/index.html", context)


def _provider_profiles(user: User) -> dict:
    profiles = list(
        profiles_editable_by(user=user)
        .select_related("owner")
        .order_by("title")[:PROFILES_SHOWN]
    )
    return {
        "rows": [(p, profile_review_state(profile=p)) for p in profiles],
        "can_create": user.role == Role.ESCORT
        and not any(p.owner_id == user.pk for p in profiles),
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, profile_id: int | None = None) -> HttpResponse:
    profile = _editable_or_none(request, profile_id)
    if profile is None and request.user.role != Role.ESCORT:
        raise Http404("No profile to edit.")
    draft = profile.get_latest_revision_as_object() if profile else None
    photos = list(draft.photos.all()) if draft else []
    form, rates, tours = _bound_forms(request, draft, photos)
    if request.method == "POST" and _all_valid(form, rates, tours):
        try:
            # One transaction: a refused edit leaves no orphan image row behind.
            with transaction.atomic():
                new_image = _upload(request, form)
                edit = form.to_edit(
                    rates=filled(rates),
                    tours=filled(tours),
                    new_image_id=new_image.pk if new_image else None,
                )
                profile_save_and_submit(actor=request.user, edit=edit, profile=profile)
        except ApplicationError as error:
            _attach_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Saved and submitted for review. Your live profile is "
                    "unchanged until a moderator approves."
                ),
            )
            return redirect("directory:dashboard")
    # A refused POST (invalid fields, or text the automated checks refuse)
    # answers 400 with the reasons on the fields; nothing was submitted.
    return render(
        request,
        "directory/dashboard/profile_edit.html",
        _editor_context(
            form, rates, tours, profile, second_factor=_second_factor(request, profile)
        ),
        status=400 if request.method == "POST" else 200,
    )


def _second_factor(
    request: HttpRequest, profile: EscortProfilePage | None
) -> dict | None:
    """A first profile needs a second factor (directory.services): say so before
    the form is filled in, with the way to set one up and come back."""
    if profile is not None or user_has_second_factor(user=request.user):
        return None
    here = request.get_full_path()
    return {
        "totp_url": second_factor_setup_url(kind="totp", next_url=here),
        "passkey_url": second_factor_setup_url(kind="webauthn", next_url=here),
    }


def _editor_context(
    form: ProfileEditForm,
    rates: RateFormSet,
    tours: TourFormSet,
    profile: EscortProfilePage | None,
    **extra: object,
) -> dict:
    return {
        "form": form,
        "rates": rates,
        "tours": tours,
        "profile": profile,
        "review": profile_review_state(profile=profile) if profile else None,
        **extra,
    }


def _editable_or_none(
    request: HttpRequest, profile_id: int | None
) -> EscortProfilePage | None:
    try:
        return profile_editable_get(user=request.user, profile_id=profile_id)
    except NotFound:
        if profile_id is not None:
            raise Http404("Profile not found.") from None
        return None


def _bound_forms(request: HttpRequest, draft: EscortProfilePage | None, photos: list):
    if request.method == "POST":
        data, files = request.POST, request.FILES
        return (
            ProfileEditForm(data, files, photos=photos),
            RateFormSet(data, prefix="rates"),
            TourFormSet(data, prefix="tours"),
        )
    return (
        ProfileEditForm(initial=_initial(draft, photos), photos=photos),
        RateFormSet(prefix="rates", initial=_rate_rows(draft)),
        TourFormSet(prefix="tours", initial=_tour_rows(draft)),
    )


def _initial(draft: EscortProfilePage | None, photos: list) -> dict:
    if draft is None:
        return {"age": 25}
    primary = next((p.image_id for p in photos if p.is_primary), "")
    return {
        "display_name": draft.title,
        "age": draft.age,
        "home_city": draft.home_city_id,
        "tagline": draft.tagline,
        "bio": bio_to_text(draft.bio),
        "contact_preference": draft.contact_preference,
        "languages": [language.code for language in draft.languages.all()],
        "services": [service.slug for service in draft.services.all()],
        "keep_photos": [photo.image_id for photo in photos],
        "primary_photo": str(primary),
    }


CENT = Decimal("0.01")


def _rate_rows(draft: EscortProfilePage | None) -> list[dict]:
    if draft is None:
        return []
    return [
        {
            "duration_minutes": rate.duration_minutes,
            "kind": rate.kind,
            "amount": to_major_units(rate.amount_minor).quantize(CENT),
            "currency": rate.currency,
        }
        for rate in draft.rates.all()
    ]


def _tour_rows(draft: EscortProfilePage | None) -> list[dict]:
    if draft is None:
        return []
    return [
        {
            "city_id": tour.city_id,
            "starts_on": tour.starts_on,
            "ends_on": tour.ends_on,
            "is_private": tour.is_private,
        }
        for tour in draft.tours.all()
    ]


def _all_valid(*forms) -> bool:  # noqa: ANN002
    # Validate every form (not all() on a generator, which would stop at the first
    # invalid one) so the page shows all errors at once.
    results = [form.is_valid() for form in forms]
    return all(results)


def _upload(request: HttpRequest, form: ProfileEditForm):  # noqa: ANN202
    upload = form.cleaned_data.get("new_photo")
    if not upload:
        return None
    return image_create(
        file=upload, title=form.cleaned_data["new_photo_caption"], actor=request.user
    )


def _attach_errors(form: ProfileEditForm, error: ApplicationError) -> None:
    names = {"file": "new_photo", "photos": "new_photo", "rates": None, "tours": None}
    if not error.fields:
        form.add_error(None, error.message)
    for name, problems in error.fields.items():
        target = names.get(name, name if name in form.fields else None)
        for problem in problems:
            form.add_error(target, problem)


@login_required
@require_http_methods(["GET", "POST"])
def profile_preview_page(
    request: HttpRequest, profile_id: int | None = None
) -> HttpResponse:
    """The public profile page as it would look, for the people who may edit it
    and nobody else: GET shows the latest saved version, POST (the editor's
    "Preview" button) the form as filled in, unsaved. Never public, never cached,
    never indexed, and the page is served as a preview (no impressions)."""
    profile = _editable_or_none(request, profile_id)
    if profile is None:
        raise Http404("Save your profile once before previewing it.")
    draft = profile.get_latest_revision_as_object()
    unsaved = request.method == "POST"
    if unsaved:
        photos = list(draft.photos.all())
        form, rates, tours = _bound_forms(request, draft, photos)
        if not _all_valid(form, rates, tours):
            return _preview_refused(request, form, rates, tours, profile)
        edit = form.to_edit(rates=filled(rates), tours=filled(tours), new_image_id=None)
        try:
            draft = profile_preview(actor=request.user, edit=edit, profile=profile)
        except ApplicationError as error:
            _attach_errors(form, error)
            return _preview_refused(request, form, rates, tours, profile)
    # Wagtail's preview flags: templates and tags that count or cache skip
    # previews (Page.serve_preview sets the same).
    request.is_preview = True
    request.preview_mode = draft.default_preview_mode
    context = draft.get_context(request)
    context |= {
        "preview_unsaved": unsaved,
        "preview_new_photo": bool(unsaved and request.FILES.get("new_photo")),
        "edit_url": request.path.rsplit("preview/", 1)[0],
    }
    response = TemplateResponse(
        request, "directory/dashboard/profile_preview.html", context
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _preview_refused(
    request: HttpRequest,
    form: ProfileEditForm,
    rates: RateFormSet,
    tours: TourFormSet,
    profile: EscortProfilePage,
) -> HttpResponse:
    """The editor again with the errors: nothing to preview yet."""
    context = _editor_context(form, rates, tours, profile, preview_failed=True)
    return render(request, "directory/dashboard/profile_edit.html", context, status=400)
