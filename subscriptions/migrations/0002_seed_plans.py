"""The three plans every installation starts with; admins edit them in the
Wagtail admin (Subscriptions > Plans) afterwards."""

from django.db import migrations

PLANS = [
    # slug, name, price_minor, photos, tours, vip, featured, order, description
    ("free", "Free", 0, 5, 1, False, False, 0, "A profile with the essentials."),
    ("premium", "Premium", 2900, 10, 5, True, False, 10, "More photos and tours, the VIP badge."),
    ("elite", "Elite", 7900, 12, 20, True, True, 20, "Everything, and featured on city pages."),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    for slug, name, price, photos, tours, vip, featured, order, text in PLANS:
        Plan.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "price_minor": price,
                "currency": "EUR",
                "max_photos": photos,
                "max_active_tours": tours,
                "vip_badge": vip,
                "featured_on_city_pages": featured,
                "sort_order": order,
                "description": text,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_plans_subscriptions_invoices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
