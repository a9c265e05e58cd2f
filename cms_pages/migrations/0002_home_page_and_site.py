from django.db import migrations

IMAGE_PERMISSIONS = {
    "Editors": ("add_customimage", "change_customimage", "choose_customimage"),
    "Moderators": ("change_customimage", "choose_customimage"),
}


def create_home_page(apps, schema_editor):
    """Replace Wagtail's placeholder welcome page with our HomePage as the site root."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms_pages.HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms_pages")
    Locale = apps.get_model("wagtailcore.Locale")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Premium Escorts Directory",
        draft_title="Premium Escorts Directory",
        slug="home",
        content_type=home_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        locale=Locale.objects.get(language_code="en"),
        intro="Verified adult companions, honest profiles, private messaging.",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


def grant_image_permissions(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    image_type, _ = ContentType.objects.get_or_create(
        app_label="cms_pages", model="customimage"
    )
    root_collection = Collection.objects.get(depth=1)
    for group_name, codenames in IMAGE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=image_type,
                codename=codename,
                defaults={"name": codename.replace("_", " ").capitalize()},
            )
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=permission
            )


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0001_initial"),
        ("accounts", "0002_staff_groups"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [
        migrations.RunPython(create_home_page, migrations.RunPython.noop),
        migrations.RunPython(grant_image_permissions, migrations.RunPython.noop),
    ]
