from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from cms_pages.models import CustomImage
from cms_pages.storages import PENDING_PREFIX
from cms_pages.uploads import image_upload_check
from core.exceptions import PermissionDenied, ValidationFailed

UPLOAD_ROLES = {User.Role.ESCORT, User.Role.AGENCY, User.Role.STAFF}
# Providers' photos wait in the private store until a moderator approves a revision
# that uses them; staff publish directly anyway.
REVIEWED_ROLES = {User.Role.ESCORT, User.Role.AGENCY}


@transaction.atomic
def image_create(*, file: UploadedFile, title: str, actor: User) -> CustomImage:
    """Validate an uploaded image (type by content, size, pixel count, full decode)
    and store it without metadata, under a random name; a provider's upload in
    the private store until approved (``image_publish``)."""
    if actor.role not in UPLOAD_ROLES and not actor.is_staff:
        raise PermissionDenied("Only providers, agencies and staff can upload images.")
    try:
        checked = image_upload_check(file)
        image = CustomImage(title=title.strip() or checked.name, uploaded_by_user=actor)
        image.store_pending = actor.role in REVIEWED_ROLES and not actor.is_staff
        image.file = checked
        image.save()
    except ValidationError as exc:
        raise ValidationFailed(
            "The file is not an acceptable image.", fields={"file": exc.messages}
        ) from exc
    return image


def image_publish(*, image: CustomImage) -> CustomImage:
    """Make a reviewed photo public: the original moves to public media under the
    same random name, the private renditions go (Wagtail regenerates them from
    the public original on the next render). Idempotent. Runs inside the publish
    transaction; the private files are deleted only after it commits."""
    if not image.is_pending:
        return image
    storage = image.file.storage
    pending_name = image.file.name
    with storage.open(pending_name) as original:
        public_name = storage.save(
            pending_name.removeprefix(PENDING_PREFIX), ContentFile(original.read())
        )
    # Wagtail's post_delete handlers drop their files after commit and purge the
    # rendition cache, so no pending URL is served from cache afterwards.
    image.renditions.all().delete()
    CustomImage.objects.filter(pk=image.pk).update(file=public_name)
    image.file.name = public_name
    transaction.on_commit(lambda: storage.delete(pending_name))
    return image
