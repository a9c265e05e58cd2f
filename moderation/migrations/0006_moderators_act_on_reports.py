from django.db import migrations

from core.migration_grants import grant_to_group

# Moderators act on reports in the admin (assign, decide, decide appeals, lift
# sanctions): "change report" is that right. The decisions themselves go
# through the audited services of moderation.decisions, never an edit form.
GROUP = "Moderators"


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_automated_checks_trust"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [
        grant_to_group(
            GROUP, "moderation", "report", "change_report", "Can change report"
        )
    ]
