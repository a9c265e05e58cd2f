from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's path alphabet


def _child_path(parent, position: int) -> str:
    digits = ""
    for _ in range(4):
        position, rest = divmod(position, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return parent.path + digits


def create_city_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Locale = apps.get_model("wagtailcore.Locale")
    CityIndexPage = apps.get_model("cms_pages.CityIndexPage")
    home = Page.objects.filter(depth=2, slug="home").first()
    if home is None or CityIndexPage.objects.exists():
        return
    last = Page.objects.filter(path__startswith=home.path, depth=3).order_by("-path").first()
    position = (int(last.path[-4:], 36) + 1) if last else 1
    page_type, _ = ContentType.objects.get_or_create(app_label="cms_pages", model="cityindexpage")
    CityIndexPage.objects.create(
        title="Cities",
        draft_title="Cities",
        slug="cities",
        content_type=page_type,
        path=_child_path(home, position),
        depth=3,
        numchild=0,
        url_path=f"{home.url_path}cities/",
        live=True,
        locale=Locale.objects.get(pk=home.locale_id),
        intro="<p>Every city we list, with verified companions based there or visiting.</p>",
        seo_title="Cities",
        search_description="Browse verified companions by city.",
    )
    home.numchild = Page.objects.filter(path__startswith=home.path, depth=3).count()
    home.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [("cms_pages", "0003_city_and_collection_pages")]

    operations = [migrations.RunPython(create_city_index, migrations.RunPython.noop)]
