"""Wagtail workflow events -> the owner's email, an outbox entry written with the
decision and run by Celery after commit; a publish makes the profile's photos
public; and the signals directory emits for the apps above it
(docs/architecture.md)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from wagtail.signals import page_published, task_rejected, workflow_approved

from accounts.signals import second_factor_needed
from cms_pages.services import image_publish
from core.outbox import outbox_enqueue
from directory.models import EscortProfilePage, Language, Service
from directory.selectors import forget_filter_options, profiles_editable_by
from directory.tasks import send_review_decision_email

# Sent when a city page lists a page of its profiles, so that search can count
# impressions without directory importing it. Keyword arguments: ``city_id``,
# ``profile_ids`` (in the order shown) and ``offset`` (profiles on earlier pages).
city_profiles_listed = Signal()

# Sent inside the transaction when a moderator changes a profile's badge (VIP),
# which is written on the row without a publish, so that search re-indexes it.
# Keyword argument: ``profile_id``.
profile_badges_changed = Signal()

# Sent inside the transaction when the provider pauses or resumes a profile
# (directory.pausing), a column written without a publish, so that search drops
# or restores its document in that same transaction. Keyword argument:
# ``profile_id``.
profile_visibility_changed = Signal()


def _profile_of(workflow_state) -> EscortProfilePage | None:  # noqa: ANN001
    content = workflow_state.content_object
    specific = getattr(content, "specific", content)
    return specific if isinstance(specific, EscortProfilePage) else None


@receiver(workflow_approved, dispatch_uid="directory.review_approved")
def review_approved(sender, instance, user=None, **kwargs) -> None:  # noqa: ANN001
    profile = _profile_of(instance)
    if profile is not None:
        outbox_enqueue(send_review_decision_email, profile.pk, "approved")


@receiver(page_published, sender=EscortProfilePage, dispatch_uid="directory.photos")
def profile_photos_published(sender, instance, **kwargs) -> None:  # noqa: ANN001
    # Approval is what makes a provider's photo public: the live profile now shows
    # it, so it moves out of the private store within the publish transaction
    # (before search re-indexes the profile after commit).
    for photo in instance.photos.select_related("image"):
        image_publish(image=photo.image)


@receiver(task_rejected, dispatch_uid="directory.review_changes_requested")
def review_changes_requested(sender, instance, user=None, **kwargs) -> None:  # noqa: ANN001
    profile = _profile_of(instance.workflow_state)
    if profile is not None:
        comment = instance.comment or ""
        outbox_enqueue(
            send_review_decision_email, profile.pk, "changes_requested", comment
        )


@receiver(second_factor_needed, dispatch_uid="directory.second_factor_needed")
def provider_side_keeps_second_factor(sender, user, **kwargs) -> bool:  # noqa: ANN001
    """Answers accounts.second_factor: whoever is on the provider side of a
    profile keeps a second factor."""
    return profiles_editable_by(user=user).exists()


@receiver(post_save, sender=Service)
@receiver(post_delete, sender=Service)
@receiver(post_save, sender=Language)
@receiver(post_delete, sender=Language)
def _filter_options_changed(**kwargs: object) -> None:
    # The city pages' filter form lists them from the cache (city_filter_options).
    forget_filter_options()
