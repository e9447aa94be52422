"""Give the adopted tables innovation's names, and point content types and the audit trail at them.

A table rename keeps every row and id (and, on PostgreSQL, the identity sequence behind the ids).
The content types of the four models are relabelled rather than recreated, so permissions and
anything that refers to them keep working; audit entries name their object as "app_label.model",
so the entries written while the models lived in statistics are relabelled too.
"""

from django.db import migrations

MODELS = ("project", "projectprogress", "product", "milestone")


def relabel(apps, schema_editor, old="park_statistics", new="innovation"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for model in MODELS:
        # A content type created under the new label (by an earlier run) would make the rename clash.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)
        AuditEntry.objects.filter(object_type=f"{old}.{model}").update(object_type=f"{new}.{model}")


def unlabel(apps, schema_editor):
    relabel(apps, schema_editor, old="innovation", new="park_statistics")


class Migration(migrations.Migration):

    dependencies = [
        ('innovation', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(name='project', table=None),
        migrations.AlterModelTable(name='projectprogress', table=None),
        migrations.AlterModelTable(name='product', table=None),
        migrations.AlterModelTable(name='milestone', table=None),
        migrations.RunPython(relabel, unlabel),
    ]
