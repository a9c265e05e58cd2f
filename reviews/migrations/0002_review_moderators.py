from django.db import migrations

# Moderators read the review queue in the Wagtail admin ("view review"); their
# decisions go through reviews.services.review_moderate (audited), never an
# edit form. Superusers pass every permission check anyway.
GROUP = "Moderators"


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="reviews", model="review"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_review",
        defaults={"name": "Can view review"},
    )
    Group.objects.get(name=GROUP).permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_reviews"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
