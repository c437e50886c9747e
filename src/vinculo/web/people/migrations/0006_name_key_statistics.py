"""On PostgreSQL, finer statistics on the name key, so that the planner knows how common
a searched word is: a common surname (``LIKE '%garcia%'``, 8,000 of a million profiles)
is then read in name order from the name index until a page is full (2 ms) instead of
fetching and sorting every match through the trigram index (60 ms); a rare name still
goes through the trigram index. PostgreSQL estimates a ``LIKE`` pattern with no fixed
prefix from the column's histogram, which at the default target (100) holds too few
names to see a surname at 1 %."""

from django.db import migrations

TARGET = 3000


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0005_agreement_shortlist"),
    ]

    operations = [
        migrations.RunPython(
            _run(
                "ALTER TABLE people_researcher ALTER COLUMN name_key "
                f"SET STATISTICS {TARGET}"
            ),
            _run("ALTER TABLE people_researcher ALTER COLUMN name_key SET STATISTICS -1"),
        ),
    ]
