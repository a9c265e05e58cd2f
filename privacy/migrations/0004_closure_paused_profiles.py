from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_export_and_closure"),
    ]

    operations = [
        migrations.AddField(
            model_name="accountclosure",
            name="paused_profile_ids",
            field=models.JSONField(
                blank=True,
                default=list,
                verbose_name="profiles paused by the closure",
            ),
        ),
    ]
