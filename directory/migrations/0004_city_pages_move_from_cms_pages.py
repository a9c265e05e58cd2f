"""CityIndexPage, CityPage, FeaturedCollectionPage, FeaturedCollectionItem and the
home page's HomeFeaturedCity/HomeFeaturedCollection move from cms_pages to
directory without touching a row: the models keep their tables (``db_table``), so
this migration changes Django's state only, and renames their content types in
place (same ids), so every page, revision, permission and reference that names
them by content type keeps working and every URL stays. cms_pages 0006 drops them
from cms_pages' state once search and bookings point their foreign keys here."""

import cms_pages.models
import django.core.validators
import django.db.models.deletion
import modelcluster.fields
import wagtail.fields
from decimal import Decimal
from django.db import migrations, models

MOVED = (
    "cityindexpage",
    "citypage",
    "featuredcollectionpage",
    "featuredcollectionitem",
    "homefeaturedcity",
    "homefeaturedcollection",
)


def _rename_content_types(apps, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    for model in MOVED:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates it under the new label
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is not None:
            # Only an unused one can be in the way (made by a post_migrate run
            # between partial migrations); one that pages use must not vanish.
            if Page.objects.filter(content_type=new).exists():
                raise RuntimeError(f"{target}.{model} content type is in use")
            new.delete()
        old.app_label = target
        old.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _rename_content_types(apps, "cms_pages", "directory")


def backwards(apps, schema_editor):
    _rename_content_types(apps, "directory", "cms_pages")


class Migration(migrations.Migration):

    dependencies = [
        ('cms_pages', '0005_image_storage_routes_pending'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('directory', '0003_staff_permissions'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CityIndexPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.page')),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='intro')),
                        ('og_image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cms_pages.customimage', verbose_name='social sharing image')),
                    ],
                    options={
                        'verbose_name': 'city index page',
                        'db_table': 'cms_pages_cityindexpage',
                    },
                    bases=('wagtailcore.page', models.Model),
                ),
                migrations.CreateModel(
                    name='CityPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.page')),
                        ('country', models.CharField(max_length=80, verbose_name='country')),
                        ('country_code', models.CharField(max_length=2, verbose_name='ISO country code')),
                        ('time_zone', models.CharField(max_length=64, validators=[cms_pages.models.validate_time_zone], verbose_name='time zone')),
                        ('latitude', models.DecimalField(decimal_places=5, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('-90')), django.core.validators.MaxValueValidator(Decimal('90'))], verbose_name='latitude')),
                        ('longitude', models.DecimalField(decimal_places=5, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('-180')), django.core.validators.MaxValueValidator(Decimal('180'))], verbose_name='longitude')),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='intro')),
                        ('body', wagtail.fields.StreamField([('heading', 2), ('paragraph', 3), ('image', 4), ('callout', 6)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'max_length': 120}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('h2', 'Heading 2'), ('h3', 'Heading 3')]}), 2: ('wagtail.blocks.StructBlock', [[('text', 0), ('level', 1)]], {}), 3: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link', 'ol', 'ul'], 'icon': 'pilcrow', 'template': 'blocks/paragraph_block.html'}), 4: ('wagtail.images.blocks.ImageBlock', [], {'template': 'blocks/image_block.html'}), 5: ('wagtail.blocks.RichTextBlock', (), {'features': ['bold', 'italic', 'link']}), 6: ('wagtail.blocks.StructBlock', [[('title', 0), ('text', 5)]], {})})),
                        ('hero_image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cms_pages.customimage')),
                        ('og_image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cms_pages.customimage', verbose_name='social sharing image')),
                    ],
                    options={
                        'verbose_name': 'city page',
                        'db_table': 'cms_pages_citypage',
                    },
                    bases=('wagtailcore.page', models.Model),
                ),
                migrations.AlterField(
                    model_name='escortprofilepage',
                    name='home_city',
                    field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resident_profiles', to='directory.citypage'),
                ),
                migrations.AlterField(
                    model_name='profiletour',
                    name='city',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tours', to='directory.citypage'),
                ),
                migrations.CreateModel(
                    name='FeaturedCollectionPage',
                    fields=[
                        ('page_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.page')),
                        ('intro', wagtail.fields.RichTextField(blank=True, verbose_name='intro')),
                        ('og_image', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cms_pages.customimage', verbose_name='social sharing image')),
                    ],
                    options={
                        'verbose_name': 'featured collection',
                        'db_table': 'cms_pages_featuredcollectionpage',
                    },
                    bases=('wagtailcore.page', models.Model),
                ),
                migrations.CreateModel(
                    name='FeaturedCollectionItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.page')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='directory.featuredcollectionpage')),
                    ],
                    options={
                        'db_table': 'cms_pages_featuredcollectionitem',
                        'ordering': ['sort_order'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='HomeFeaturedCity',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('city', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.citypage')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='featured_cities', to='cms_pages.homepage')),
                    ],
                    options={
                        'db_table': 'cms_pages_homefeaturedcity',
                        'ordering': ['sort_order'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='HomeFeaturedCollection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                        ('collection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='directory.featuredcollectionpage')),
                        ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='featured_collections', to='cms_pages.homepage')),
                    ],
                    options={
                        'db_table': 'cms_pages_homefeaturedcollection',
                        'ordering': ['sort_order'],
                        'abstract': False,
                    },
                ),
                migrations.AddConstraint(
                    model_name='citypage',
                    constraint=models.CheckConstraint(condition=models.Q(('latitude__gte', -90), ('latitude__lte', 90), ('longitude__gte', -180), ('longitude__lte', 180)), name='cms_pages_city_coordinates_valid'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
