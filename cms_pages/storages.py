"""Where Wagtail image files live: public media, or the private store while a
provider's photo waits for review.

One storage for the image and rendition file fields, routing by name: a name under
``pending/`` lives in ``STORAGES["private"]`` (no public URL; a view checks who
asks), every other name in ``STORAGES["default"]`` (public media, S3 + CDN in
production). Wagtail's rendition machinery keeps working unchanged: it reads the
original through the field's storage and saves each rendition beside it, and a
rendition of a pending original is itself pending (``CustomRendition``). Approval
moves the original to the public name and drops the pending renditions
(``cms_pages.services.image_publish``)."""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

from django.core.files.storage import Storage, storages
from django.urls import reverse
from django.utils.deconstruct import deconstructible

PENDING_PREFIX = "pending/"


def is_pending_name(name: str | None) -> bool:
    return bool(name) and name.startswith(PENDING_PREFIX)


@deconstructible
class ImageStorage(Storage):
    """Public media for approved and editorial images, the private store for
    photos in review. Resolves the aliases on each call, so tests and deployments
    may swap either backend."""

    def _backend(self, name: str | None) -> Storage:
        return storages["private"] if is_pending_name(name) else storages["default"]

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self._backend(name).open(name, mode)

    def save(
        self, name: str | None, content: IO[Any], max_length: int | None = None
    ) -> str:
        return self._backend(name).save(name, content, max_length=max_length)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self._backend(name).get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        self._backend(name).delete(name)

    def exists(self, name: str) -> bool:
        return self._backend(name).exists(name)

    def size(self, name: str) -> int:
        return self._backend(name).size(name)

    def path(self, name: str) -> str:
        return self._backend(name).path(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self._backend(path).listdir(path)

    def get_modified_time(self, name: str) -> datetime:
        return self._backend(name).get_modified_time(name)

    def get_created_time(self, name: str) -> datetime:
        return self._backend(name).get_created_time(name)

    def get_accessed_time(self, name: str) -> datetime:
        return self._backend(name).get_accessed_time(name)

    def url(self, name: str | None) -> str:
        if is_pending_name(name):
            # Not MEDIA_URL: the app answers only the uploader and moderators.
            return reverse(
                "image_pending", kwargs={"name": name.removeprefix(PENDING_PREFIX)}
            )
        return self._backend(name).url(name)


_image_storage = ImageStorage()


def image_storage() -> Storage:
    # A callable, so migrations record a reference rather than a backend.
    return _image_storage
