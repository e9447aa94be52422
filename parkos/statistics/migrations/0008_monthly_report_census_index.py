# The KPI census reads each enterprise's revenue extremes from the index alone (kpi/gather.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("park_statistics", "0007_product_output_and_park_settings"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="monthlyreport",
            name="monthly_report_park_ent_idx",
        ),
        migrations.AddIndex(
            model_name="monthlyreport",
            index=models.Index(
                fields=["park", "enterprise", "year", "month", "revenue"], name="monthly_report_census_idx"
            ),
        ),
    ]
