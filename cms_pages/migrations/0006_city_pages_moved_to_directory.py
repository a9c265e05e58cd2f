"""The city, city index and featured collection pages and the home page's featured
inlines now live in directory (directory 0004, which kept their tables and renamed
their content types). This removes them from cms_pages' state only, after every
app that points a foreign key at them points it at directory's models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cms_pages", "0005_image_storage_routes_pending"),
        ("directory", "0004_city_pages_move_from_cms_pages"),
        ("search", "0008_city_pages_moved_to_directory"),
        ("bookings", "0003_city_pages_moved_to_directory"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="HomeFeaturedCity"),
                migrations.DeleteModel(name="HomeFeaturedCollection"),
                migrations.DeleteModel(name="FeaturedCollectionItem"),
                migrations.DeleteModel(name="FeaturedCollectionPage"),
                migrations.DeleteModel(name="CityPage"),
                migrations.DeleteModel(name="CityIndexPage"),
            ],
            database_operations=[],
        ),
    ]
