"""The private file store: files that only a view may hand out, after checking who
asks (message attachments now, identity documents later). Nothing maps a URL
onto it: PRIVATE_MEDIA_ROOT lies outside MEDIA_ROOT, and production points
``STORAGES["private"]`` at a private bucket."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system store without public URLs: asking for one is a bug (the
    file would be served to whoever has the link), so it fails loudly."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files are served by views, not by URL.")


def private_storage() -> Storage:
    # A callable, so FileFields resolve the alias at run time (tests and
    # deployments may swap the backend) and migrations do not record a path.
    return storages["private"]
