from django.db import migrations

REPORT_GROUPS = ("Editors", "Moderators")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="search", model="searchquerylog"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_searchquerylog",
        defaults={"name": "Can view search query"},
    )
    for group in Group.objects.filter(name__in=REPORT_GROUPS):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
