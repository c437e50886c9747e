"""On PostgreSQL, a trigram index on the priorities in force (``priority_keys``, e.g.
``|batteries|electromobility|``), so that the lists' priority filter
(``LIKE '%|batteries|%'``) reads the matching rows only. Nothing on SQLite."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS pipeline_opportunity_priority_keys_trgm "
    "ON pipeline_opportunity USING gin (priority_keys gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS pipeline_opportunity_priority_keys_trgm"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0002_search_trigram_index")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
