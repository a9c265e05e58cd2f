"""Builds one export's zip: ``manifest.json``, one JSON file per class of the
registry, and the original photo files under ``photos/``. Progress moves after
each class with one UPDATE, so the page can show it while the zip grows."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.models import User
from privacy.exporting import collectors
from privacy.exporting.registry import REGISTRY
from privacy.models import DataExport

PHOTOS_STEP = "photo files"


def export_build_file(*, export: DataExport) -> None:
    """Write the zip to a temporary file, then into the private store as
    ``export.file`` (a rerun replaces it: the task is idempotent)."""
    user = export.user
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            _write_json(zf, "manifest.json", _manifest(export=export, user=user))
            steps = len(REGISTRY) + 1
            for done, export_class in enumerate(REGISTRY, start=1):
                _write_json(zf, f"{export_class.key}.json", export_class.collect(user))
                _progress(export, done * 100 // steps, export_class.label)
            _copy_photos(zf, user)
        if export.file:
            export.file.delete(save=False)
        export.file.save(f"export-{export.pk}-{export.token[:8]}.zip", File(spool))
        export.size_bytes = export.file.size


def _manifest(*, export: DataExport, user: User) -> dict:
    files: dict[str, str] = {f"{c.key}.json": c.label for c in REGISTRY} | {
        "photos/": "The original files of your photos, named <image id>-<name>"
    }
    return {
        "user_id": user.pk,
        "email": user.email,
        "export_id": export.pk,
        "exported_at": timezone.now(),
        "format": "JSON (UTF-8); times in UTC (ISO 8601); money in minor units",
        "files": files,
    }


def _write_json(zf: zipfile.ZipFile, name: str, data: object) -> None:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    zf.writestr(name, text)


def _copy_photos(zf: zipfile.ZipFile, user: User) -> None:
    for image in _images(user):
        # Streamed file to file: a large original never sits whole in memory.
        with (
            image.file.open("rb") as source,
            zf.open(collectors.photo_path(image), "w") as target,
        ):
            shutil.copyfileobj(source, target)


def _images(user: User) -> Iterable:
    from cms_pages.models import CustomImage

    on_profiles = collectors.photo_rows(user).values("image_id")
    return CustomImage.objects.filter(pk__in=on_profiles) | CustomImage.objects.filter(
        uploaded_by_user=user
    )


def _progress(export: DataExport, percent: int, step: str) -> None:
    DataExport.objects.filter(pk=export.pk).update(progress=percent, step=step[:80])
