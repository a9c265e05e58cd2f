"""The Finance group: admin access, the payments listings (view) and the
payments actions (refund, record an offline payment, resolve a reconciliation
issue). Superusers have all of it anyway."""

from django.db import migrations

from core.migration_grants import grant_to_group

GROUP = "Finance"
VIEWS = [
    ("payment", "view_payment", "Can view payment"),
    ("refund", "view_refund", "Can view refund"),
    ("webhookevent", "view_webhookevent", "Can view webhook event"),
    ("ledgertransaction", "view_ledgertransaction", "Can view ledger transaction"),
    (
        "reconciliationissue",
        "view_reconciliationissue",
        "Can view reconciliation issue",
    ),
]


def create_group(apps, schema_editor) -> None:  # noqa: ANN001
    Group = apps.get_model("auth.Group")  # noqa: N806
    Permission = apps.get_model("auth.Permission")  # noqa: N806
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_reconciliation"),
        ("accounts", "0002_staff_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(create_group, migrations.RunPython.noop),
        *(
            grant_to_group(GROUP, "payments", model, codename, name)
            for model, codename, name in VIEWS
        ),
        grant_to_group(
            GROUP,
            "payments",
            "payment",
            "manage_payments",
            "Can refund, record offline payments and resolve reconciliation",
        ),
    ]
