"""Every column in the database that points at a person: the one list that the
export's coverage and the erasure's plan are both checked against
(docs/privacy.md). It is read off the models, so a new model with a user
foreign key shows up here, and the tests fail until the export and the
erasure each say what they do with it."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class UserReference:
    """One concrete column referencing the user table."""

    model: type[models.Model]
    field: str

    @property
    def key(self) -> str:
        """``app_label.Model.field``: how the export and erasure plans name it."""
        return f"{self.model._meta.label}.{self.field}"

    def rows_for(self, user_pk: int) -> models.QuerySet:
        return self.model._base_manager.filter(**{f"{self.field}_id": user_pk})


def user_references() -> list[UserReference]:
    """Each column once: a multi-table child (a page type) inherits its
    parent's ``owner``, which lives in the parent's table, so it is listed
    under the model that defines it. Many-to-many tables are included
    (``include_auto_created``); foreign keys without a database constraint
    (audit, consents, attestations) too, since they still name a person."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found: list[UserReference] = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.local_concrete_fields:
            if field.is_relation and field.related_model is user_model:
                found.append(UserReference(model=model, field=field.name))
    return sorted(found, key=lambda reference: reference.key)
