from django.db import migrations

from core.migration_grants import grant_to_group

# Moderators read the report queue (with the decrypted evidence); nobody edits
# a report in the admin: its status changes with the audited moderation actions
# of a later issue. Superusers pass every permission check anyway.
GROUP = "Moderators"


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_report"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [grant_to_group(GROUP, "moderation", "report", "view_report", "Can view report")]
