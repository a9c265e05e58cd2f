"""An index on Wagtail's ``wagtailcore_page.url_path``: pages are served by their
URL path in one query (cms_pages/routing.py), which without it reads every page
row (a million profile pages in the search bench). Wagtail's table, so plain SQL;
IF NOT EXISTS because a later Wagtail may add one of its own under this name."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0008_site_settings_age_gate"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS cms_pages_page_url_path "
            "ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS cms_pages_page_url_path",
        )
    ]
