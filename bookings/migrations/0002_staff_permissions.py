from django.db import migrations

# Moderators look into bookings (disputes, reports, no-shows) but never change
# them: bookings move only through the booking services.
MODEL_PERMISSIONS = {
    "Moderators": {
        "booking": ("view",),
        "bookingevent": ("view",),
    },
}
# As Django would name them (verbose_name), should this run before post_migrate.
VERBOSE = {"booking": "booking", "bookingevent": "booking event"}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")

    for group_name, models in MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for model, actions in models.items():
            content_type, _ = ContentType.objects.get_or_create(
                app_label="bookings", model=model
            )
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {VERBOSE[model]}"},
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
