"""As-you-type name suggestions: a btree on the unaccented name in the "C"
collation serves both ``LIKE 'prefix%'`` and the alphabetical order, so the first
eight matches are read straight off the index (the trigram index answers typos,
but cannot order)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0003_unaccented_name_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX search_doc_name_prefix ON search_profilesearchdocument "
            '((search_unaccent(display_name) COLLATE "C"), profile_id);',
            "DROP INDEX IF EXISTS search_doc_name_prefix;",
        )
    ]
