from django.db import migrations

# Moderators see and decide identity verifications. Nobody else does: not
# editors, never agencies (whose users are not staff). Superusers pass anyway.
GROUP = "Moderators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="verification", model="verificationrequest"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="decide_verification",
        defaults={"name": "Can see and decide verifications"},
    )
    Group.objects.get(name=GROUP).permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
