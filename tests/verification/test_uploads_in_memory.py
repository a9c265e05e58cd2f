from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
)

from core.middleware import BodySizeLimitMiddleware


def test_no_accepted_upload_is_spooled_to_a_plain_temporary_file() -> None:
    # Django writes a file to /tmp once it passes FILE_UPLOAD_MAX_MEMORY_SIZE; an
    # identity document must not sit there unencrypted. Every body the size
    # limit lets through fits in memory instead.
    largest_body = settings.MAX_UPLOAD_SIZE + BodySizeLimitMiddleware.MULTIPART_OVERHEAD
    assert largest_body <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    handlers = [path.rsplit(".", 1)[1] for path in settings.FILE_UPLOAD_HANDLERS]
    assert handlers[0] == MemoryFileUploadHandler.__name__
