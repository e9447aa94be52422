"""Alarm messages as a code and parameters; the Chinese texts of existing alarms are read where recognised."""

from django.db import migrations, models

from parkos.monitoring.messages import parse_legacy

BATCH = 2000


def codes_from_texts(apps, schema_editor):
    """Give each alarm whose stored text `parse_legacy` recognises its code; any other text stays as it is."""
    alarm_model = apps.get_model("monitoring", "Alarm")
    changed = []
    for alarm in alarm_model.objects.filter(message_code="").only("pk", "message").iterator(chunk_size=BATCH):
        parsed = parse_legacy(alarm.message)
        if parsed is None:
            continue
        alarm.message_code, alarm.message_params = parsed
        changed.append(alarm)
        if len(changed) >= BATCH:
            alarm_model.objects.bulk_update(changed, ["message_code", "message_params"])
            changed = []
    alarm_model.objects.bulk_update(changed, ["message_code", "message_params"])


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
