"""Details of refused readings as a code and parameters; the Chinese details already stored are read where
recognised (as 0003 did for alarms)."""

from django.db import migrations, models

from parkos.monitoring.messages import parse_reject_legacy

BATCH = 2000


def codes_from_details(apps, schema_editor):
    """Give each reject whose stored detail `parse_reject_legacy` recognises its code; any other detail
    (the reason's own words, or a text not recognised) stays as it is."""
    reject_model = apps.get_model("monitoring", "RejectedReading")
    changed = []
    rows = reject_model.objects.filter(detail_code="").exclude(detail="").only("pk", "detail")
    for reject in rows.iterator(chunk_size=BATCH):
        parsed = parse_reject_legacy(reject.detail)
        if parsed is None:
            continue
        reject.detail_code, reject.detail_params = parsed
        changed.append(reject)
        if len(changed) >= BATCH:
            reject_model.objects.bulk_update(changed, ["detail_code", "detail_params"])
            changed = []
    reject_model.objects.bulk_update(changed, ["detail_code", "detail_params"])


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
