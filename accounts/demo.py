"""Demo accounts, one per role. Fictional people; documented in the README."""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import EDITORS_GROUP, MODERATORS_GROUP, Role, User

DEMO_PASSWORD = "premium-demo-2026"  # noqa: S105 - documented demo login, dev data only

DEMO_USERS = [
    # email, display name, role, superuser, groups
    ("admin@demo.test", "Ada Admin", Role.STAFF, True, ()),
    ("moderator@demo.test", "Mira Moderator", Role.STAFF, False, (MODERATORS_GROUP,)),
    ("editor@demo.test", "Eli Editor", Role.STAFF, False, (EDITORS_GROUP,)),
    ("client@demo.test", "Chris Client", Role.CLIENT, False, ()),
    ("escort@demo.test", "Sofia Laurent", Role.ESCORT, False, ()),
    ("agency@demo.test", "Velvet Agency", Role.AGENCY, False, ()),
]


def seed(*, log: Callable[[str], None]) -> None:
    for email, name, role, is_superuser, groups in DEMO_USERS:
        user, created = User.objects.update_or_create(
            email=email,
            defaults={
                "display_name": name,
                "role": role,
                "is_superuser": is_superuser,
                "is_staff": is_superuser,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=groups))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        log(f"{'created' if created else 'updated'} {role.label.lower():7} {email}")


def logins() -> list[tuple[str, str, str]]:
    return [(role.label, email, DEMO_PASSWORD) for email, _, role, _, _ in DEMO_USERS]
