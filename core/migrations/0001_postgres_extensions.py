from django.contrib.postgres.operations import (
    BtreeGistExtension,
    TrigramExtension,
    UnaccentExtension,
)
from django.db import migrations


class Migration(migrations.Migration):
    """Extensions later apps rely on: btree_gist (booking exclusion constraints),
    pg_trgm (typo-tolerant name search), unaccent (accent-insensitive search)."""

    initial = True
    dependencies = []

    operations = [BtreeGistExtension(), TrigramExtension(), UnaccentExtension()]
