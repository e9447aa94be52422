"""Details of refused readings as a code and parameters; the Chinese details already stored are read where
recognised (as 0003 did for alarms)."""

from django.db import migrations, models

from parkos.monitoring.messages import parse_reject_legacy
from parkos.monitoring.migrations._stored_words import codes_from_words


def codes_from_details(apps, schema_editor):
    """Give each reject whose stored detail `parse_reject_legacy` recognises its code; any other detail
    (the reason's own words, or a text not recognised) stays as it is."""
    rejects = apps.get_model("monitoring", "RejectedReading").objects.filter(detail_code="").exclude(detail="")
    codes_from_words(rejects, words="detail", code="detail_code", params="detail_params", parse=parse_reject_legacy)


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0003_alarm_message_codes'),
    ]

    operations = [
        migrations.AddField(
            model_name='rejectedreading',
            name='detail_code',
            field=models.CharField(blank=True, max_length=20, verbose_name='说明代码'),
        ),
        migrations.AddField(
            model_name='rejectedreading',
            name='detail_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='说明参数'),
        ),
        migrations.RunPython(codes_from_details, migrations.RunPython.noop, elidable=True),
    ]
