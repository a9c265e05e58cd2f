from django.db import migrations

from core.migration_grants import grant_to_group

# Moderators see and decide identity verifications. Nobody else does: not
# editors, never agencies (whose users are not staff). Superusers pass anyway.
GROUP = "Moderators"


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [grant_to_group(GROUP, "verification", "verificationrequest", "decide_verification", "Can see and decide verifications")]
