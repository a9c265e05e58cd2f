"""The recommended order read from indexes: each row keeps its day's shuffle key
per lane (search.ranking), and each lane gets a btree index in page order, so a
results page is an index walk of about page_size rows instead of hashing and
sorting every matching row."""

import django.contrib.postgres.fields
from django.db import migrations, models

LANES = 8  # search.ranking.LANES when this migration was written


def _index(lane: int) -> str:
    return (
        f"CREATE INDEX search_doc_lane_{lane} ON search_profilesearchdocument "
        f"((NOT is_vip), (rotation_keys[{lane}]), profile_id);"
    )


def key_existing_rows(apps, schema_editor):
    from search.ranking import rotation_refresh

    documents = apps.get_model("search", "ProfileSearchDocument")
    ids = list(documents.objects.values_list("profile_id", flat=True))
    for start in range(0, len(ids), 2000):
        rotation_refresh(profile_ids=ids[start : start + 2000])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_name_prefix_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="profilesearchdocument",
            name="rotation_day",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="profilesearchdocument",
            name="rotation_keys",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(), default=list, size=None
            ),
        ),
        migrations.RunPython(key_existing_rows, migrations.RunPython.noop),
        *[
            migrations.RunSQL(
                _index(lane), f"DROP INDEX IF EXISTS search_doc_lane_{lane};"
            )
            for lane in range(1, LANES + 1)
        ],
    ]
