from django.db import migrations

from core.migration_grants import grant_to_group

# Moderators read the audit log (read-only in the admin; the table refuses
# changes anyway). Superusers pass every permission check.
GROUP = "Moderators"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [grant_to_group(GROUP, "audit", "auditentry", "view_auditentry", "Can view audit entry")]
