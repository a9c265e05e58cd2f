from django.db import migrations

# Moderators read the audit log (read-only in the admin; the table refuses
# changes anyway). Superusers pass every permission check.
GROUP = "Moderators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="audit", model="auditentry"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_auditentry",
        defaults={"name": "Can view audit entry"},
    )
    Group.objects.get(name=GROUP).permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
