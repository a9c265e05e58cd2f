# CityPage moved from cms_pages to directory (directory 0004) with its table: only
# the state of this foreign key changes, the database constraint stays as it is.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_staff_permissions'),
        ('directory', '0004_city_pages_move_from_cms_pages'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='booking',
                    name='city',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='directory.citypage'),
                ),
            ],
            database_operations=[],
        ),
    ]
