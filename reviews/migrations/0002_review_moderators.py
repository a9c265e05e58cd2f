from django.db import migrations

from core.migration_grants import grant_to_group

# Moderators read the review queue in the Wagtail admin ("view review"); their
# decisions go through reviews.services.review_moderate (audited), never an
# edit form. Superusers pass every permission check anyway.
GROUP = "Moderators"


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_reviews"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [grant_to_group(GROUP, "reviews", "review", "view_review", "Can view review")]
