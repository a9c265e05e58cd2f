from django.db import migrations

GROUPS = ("Moderators", "Editors")


def create_groups(apps, schema_editor):
    """Wagtail's initial data creates these groups; we guarantee them (and their
    admin access) whatever Wagtail's migrations do in a later release."""
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
