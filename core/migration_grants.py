"""Data migrations that give a staff group one model permission (the Moderators
read the report queue, the audit log, reviews; decide verifications). One
function instead of a copy per app; migrations call it as

    operations = [grant_to_group("Moderators", "audit", "auditentry",
                                 "view_auditentry", "Can view audit entry")]
"""

from __future__ import annotations

from django.db import migrations


def grant_to_group(
    group: str, app_label: str, model: str, codename: str, name: str
) -> migrations.RunPython:
    def grant(apps, schema_editor) -> None:  # noqa: ANN001
        ContentType = apps.get_model("contenttypes.ContentType")  # noqa: N806
        Permission = apps.get_model("auth.Permission")  # noqa: N806
        Group = apps.get_model("auth.Group")  # noqa: N806
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model
        )
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        Group.objects.get(name=group).permissions.add(permission)

    return migrations.RunPython(grant, migrations.RunPython.noop)
