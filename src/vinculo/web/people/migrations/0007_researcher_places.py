"""The countries of each researcher's current affiliations, with the researcher's name
(``ResearcherPlace``), indexed by country and name: an officer's scope and a country's
list are then read in name order from one index range until a page is full, instead of
walking every name and probing the affiliations for each (a common surname in an
officer's scope at a million profiles: 13-30 ms to under 2 ms, PostgreSQL). Existing
researchers get their rows here (as vinculo.web.people.summaries.refresh_all does; the
statement is copied, a migration being history)."""

import django.db.models.deletion
from django.db import migrations, models


FILL = (
    "INSERT INTO people_researcherplace (researcher_id, country, name, name_key) "
    "SELECT DISTINCT a.researcher_id, a.country, r.name, r.name_key "
    "FROM people_affiliation a JOIN people_researcher r ON r.id = a.researcher_id "
    "WHERE a.current = %s AND a.country <> ''"
)


def fill(apps, schema_editor):
    schema_editor.execute(FILL, [True])


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0006_name_key_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResearcherPlace",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", models.CharField(max_length=3)),
                ("name", models.CharField(max_length=200)),
                ("name_key", models.CharField(max_length=200)),
                (
                    "researcher",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="places",
                        to="people.researcher",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["country", "name", "researcher"],
                        include=("name_key",),
                        name="people_place_walk",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("researcher", "country"), name="people_place_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
