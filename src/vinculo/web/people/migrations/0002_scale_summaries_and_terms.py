"""The derived tables that keep the people reads fast at a million profiles (the stored
diaspora per country and priority, the matching index) and, on PostgreSQL, a trigram
index on the name key for the name search (``LIKE '%word%'``). Existing profiles get
their derived rows here (vinculo.web.people.summaries.refresh_all)."""

import django.db.models.deletion
from django.db import migrations, models


TRIGRAM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS people_researcher_name_key_trgm "
    "ON people_researcher USING gin (name_key gin_trgm_ops)",
]
NO_TRIGRAM = ["DROP INDEX IF EXISTS people_researcher_name_key_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


def derive(apps, schema_editor):
    if not apps.get_model("people", "Researcher").objects.exists():
        return
    from vinculo.web.people.summaries import refresh_all

    refresh_all()


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='affiliation',
            name='people_affi_country_3e5c3a_idx',
        ),
        migrations.AddIndex(
            model_name='affiliation',
            index=models.Index(fields=['country', 'current', 'researcher'], name='people_aff_where'),
        ),
        migrations.AddIndex(
            model_name='researcher',
            index=models.Index(fields=['name', 'id'], include=('name_key',), name='people_researcher_by_name'),
        ),
        migrations.CreateModel(
            name='TermFrequency',
            fields=[
                ('stem', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('df', models.PositiveIntegerField()),
                ('max_weight', models.FloatField(default=0.0)),
            ],
        ),
        migrations.AddField(
            model_name='researcher',
            name='priorities',
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.CreateModel(
            name='DiasporaCountry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('country', models.CharField(max_length=3)),
                ('priority', models.CharField(blank=True, max_length=40)),
                ('count', models.PositiveIntegerField()),
                ('works', models.BigIntegerField()),
                ('citations', models.BigIntegerField()),
                ('with_mexican_ties', models.PositiveIntegerField()),
                ('institutions', models.JSONField(default=list)),
                ('topics', models.JSONField(default=list)),
                ('listed', models.JSONField(default=list)),
                ('computed_at', models.DateTimeField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('country', 'priority'), name='diaspora_country_once')],
            },
        ),
        migrations.CreateModel(
            name='ResearcherTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stem', models.CharField(max_length=64)),
                ('weight', models.FloatField()),
                ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='people.researcher')),
            ],
            options={
                'indexes': [models.Index(fields=['stem', '-weight', 'researcher'], name='people_term_stem')],
            },
        ),

        migrations.CreateModel(
            name='MatchingVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='MatchResult',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=64)),
                ('key', models.CharField(max_length=64)),
                ('ranked', models.JSONField(default=list)),
                ('computed_at', models.DateTimeField(auto_now=True)),
                ('opportunity', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pipeline.opportunity')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('opportunity', 'scope'), name='match_result_once')],
            },
        ),
        migrations.RunPython(_run(TRIGRAM), _run(NO_TRIGRAM)),
        migrations.RunPython(derive, migrations.RunPython.noop),
    ]
