"""``/accounts/privacy/export/``: ask for a copy of one's data, watch it being
prepared, download it (docs/privacy.md, "Export"). Works without JavaScript;
``static/js/data-export.js`` only refreshes the status while one runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import NotFound
from privacy.exporting.selectors import (
    export_current_for,
    export_downloadable_get,
    exports_for,
)
from privacy.exporting.services import (
    ExportInProgress,
    data_export_mark_downloaded,
    data_export_request,
)
from privacy.models import DataExport

HISTORY = 10


@login_required
@require_GET
def export_page(request: HttpRequest) -> HttpResponse:
    history = list(exports_for(user=request.user)[:HISTORY])
    current = history[0] if history else None
    context = {
        "current": current,
        "history": history[1:],
        "active": current is not None and current.status in DataExport.ACTIVE_STATUSES,
        "ttl_days": settings.PRIVACY_EXPORT_TTL_DAYS,
        # Past its date but not yet swept by the nightly retention job.
        "link_expired": bool(
            current and current.expires_at and current.expires_at <= timezone.now()
        ),
    }
    return render(request, "privacy/export.html", context)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    try:
        data_export_request(user=request.user)
    except ExportInProgress as error:
        messages.warning(request, error.message)
        return redirect("privacy_export:page")
    messages.success(
        request,
        _("We are preparing your data. We will also tell you when it is ready."),
    )
    return redirect("privacy_export:page")


@login_required
@require_GET
def export_status(request: HttpRequest) -> JsonResponse:
    """For the page's script: the newest export's state."""
    current = export_current_for(user=request.user)
    if current is None:
        return JsonResponse({"status": None})
    return JsonResponse(
        {
            "id": current.pk,
            "status": current.status,
            "progress": current.progress,
            "step": current.step,
        }
    )


@login_required
@require_GET
def export_download(request: HttpRequest, token: str) -> FileResponse:
    try:
        export = export_downloadable_get(user=request.user, token=token)
    except NotFound as error:
        raise Http404(error.message) from error
    data_export_mark_downloaded(export=export)
    name = f"my-data-{export.finished_at:%Y-%m-%d}.zip"
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/zip",
    )
