"""Sessions signed in before allauth.usersessions was installed get their
UserSession row once, here, so ending a user's sessions (accounts.sessions)
never needs to decode the whole session table again. Every later sign-in
records its own row."""

from importlib import import_module

from django.conf import settings
from django.db import migrations
from django.utils import timezone

UNKNOWN_IP = "0.0.0.0"  # noqa: S104


def backfill(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("usersessions", "UserSession")
    User = apps.get_model("accounts", "User")
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    known = set(UserSession.objects.values_list("session_key", flat=True))
    users = set(User.objects.values_list("pk", flat=True))
    rows = []
    for key, data in (
        Session.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
    ):
        if key in known:
            continue
        user_id = store.decode(data).get("_auth_user_id")
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            continue
        if user_id in users:
            rows.append(
                UserSession(
                    session_key=key, user_id=user_id, ip=UNKNOWN_IP, user_agent=""
                )
            )
    UserSession.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_consent_ledger"),
        ("sessions", "0001_initial"),
        ("usersessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
