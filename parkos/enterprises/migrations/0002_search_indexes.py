"""Search indexes the ORM cannot express: FTS5 trigram on SQLite, trigram and bigram GIN on PostgreSQL."""

from django.db import migrations

from parkos.enterprises import search


def _run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": search.SQLITE_SETUP, "postgresql": search.POSTGRES_SETUP}),
            _run({"sqlite": search.SQLITE_TEARDOWN, "postgresql": search.POSTGRES_TEARDOWN}),
            elidable=False,
        )
    ]
