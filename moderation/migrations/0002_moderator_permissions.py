from django.db import migrations

# Moderators read the report queue (with the decrypted evidence); nobody edits
# a report in the admin: its status changes with the audited moderation actions
# of a later issue. Superusers pass every permission check anyway.
GROUP = "Moderators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="moderation", model="report"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_report",
        defaults={"name": "Can view report"},
    )
    Group.objects.get(name=GROUP).permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_report"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
