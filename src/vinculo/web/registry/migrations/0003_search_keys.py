"""Search keys folded (lower case, accents removed): the institutions' existing search text
is re-folded and the agreements get one (their title), so that the pickers' search is
accent-insensitive on SQLite and PostgreSQL alike."""

from django.db import migrations, models

from vinculo.text.tokens import fold


def _key(*texts: str) -> str:
    # a copy of models.search_key as of this migration (a migration does not import models)
    return " | ".join(" ".join(fold(text).split()) for text in texts if text)


def fill(apps, schema_editor):
    Institution = apps.get_model("registry", "Institution")
    Agreement = apps.get_model("registry", "Agreement")
    batch = []
    for institution in Institution.objects.only("pk", "name", "aliases").iterator(2000):
        institution.search_text = _key(institution.name, *(institution.aliases or []))
        batch.append(institution)
        if len(batch) >= 2000:
            Institution.objects.bulk_update(batch, ["search_text"])
            batch = []
    Institution.objects.bulk_update(batch, ["search_text"])
    agreements = list(Agreement.objects.only("pk", "title"))
    for agreement in agreements:
        agreement.search_text = _key(agreement.title)
    Agreement.objects.bulk_update(agreements, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_agreement_recent_index")]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
