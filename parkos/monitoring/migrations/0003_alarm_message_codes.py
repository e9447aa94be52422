"""Alarm messages as a code and parameters; the Chinese texts of existing alarms are read where recognised."""

from django.db import migrations, models

from parkos.monitoring.messages import parse_legacy
from parkos.monitoring.migrations._stored_words import codes_from_words


def codes_from_texts(apps, schema_editor):
    """Give each alarm whose stored text `parse_legacy` recognises its code; any other text stays as it is."""
    alarms = apps.get_model("monitoring", "Alarm").objects.filter(message_code="")
    codes_from_words(alarms, words="message", code="message_code", params="message_params", parse=parse_legacy)


class Migration(migrations.Migration):

    dependencies = [
        ('monitoring', '0002_reading_storage'),
    ]

    operations = [
        migrations.AddField(
            model_name='alarm',
            name='message_code',
            field=models.CharField(blank=True, max_length=20, verbose_name='告警内容代码'),
        ),
        migrations.AddField(
            model_name='alarm',
            name='message_params',
            field=models.JSONField(blank=True, default=dict, verbose_name='告警内容参数'),
        ),
        migrations.RunPython(codes_from_texts, migrations.RunPython.noop, elidable=True),
    ]
