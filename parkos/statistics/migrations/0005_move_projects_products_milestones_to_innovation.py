"""Projects, products and milestones move to the innovation app (state only: no table is dropped).

The tables and every row stay; `innovation` 0001 adopts the models and 0002 renames the tables.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('park_statistics', '0004_monthly_report_monthly_rows_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ProjectProgress'),
                migrations.DeleteModel(name='Project'),
                migrations.DeleteModel(name='Product'),
                migrations.DeleteModel(name='Milestone'),
            ],
            database_operations=[],
        ),
    ]
