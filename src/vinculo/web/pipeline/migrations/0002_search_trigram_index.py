"""On PostgreSQL, a trigram index on the opportunities' search text, so that word searches
(``search_text LIKE '%word%'``) over 100,000 records use the index instead of reading the
table. SQLite has no such index (and no need at its scale): nothing is done there."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS pipeline_opportunity_search_trgm "
    "ON pipeline_opportunity USING gin (search_text gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS pipeline_opportunity_search_trgm"]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
