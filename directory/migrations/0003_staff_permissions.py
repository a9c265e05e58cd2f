from django.db import migrations

MODEL_PERMISSIONS = {
    # Editors curate the vocabularies; moderators run agencies and their members.
    "Editors": {
        "service": ("add", "change", "delete", "view"),
        "language": ("add", "change", "delete", "view"),
    },
    "Moderators": {
        "agency": ("add", "change", "delete", "view"),
        "agencymembership": ("add", "change", "delete", "view"),
        "service": ("view",),
        "language": ("view",),
    },
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")

    for group_name, models in MODEL_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for model, actions in models.items():
            content_type, _ = ContentType.objects.get_or_create(
                app_label="directory", model=model
            )
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {model}"},
                )
                group.permissions.add(permission)

    # Editors publish cities without a review step; everything else they edit
    # (home, collections, standard pages) goes through moderation as before.
    cities = Page.objects.filter(depth=3, slug="cities").first()
    if cities is not None:
        publish = Permission.objects.get(
            content_type__app_label="wagtailcore", codename="publish_page"
        )
        GroupPagePermission.objects.get_or_create(
            group=Group.objects.get(name="Editors"), page=cities, permission=publish
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_profile_index_and_review_workflow"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
