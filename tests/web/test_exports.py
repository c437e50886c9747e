"""The opportunity exports in two variants: the report (headers in the user's language,
labels, real date cells, local times with their zone named) and the data for machines
(codes, UTC, English column names); contacts and amounts redacted per role in both."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import login
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.pipeline.presenters import EXPORT_COLUMNS

pytestmark = pytest.mark.django_db


def _get(registry, persona, file_format, language="en", query=""):
    user = registry.users[persona]
    user.language = language
    user.save(update_fields=["language"])
    url = reverse("pipeline:export", kwargs={"file_format": file_format})
    response = login(persona, registry).get(url + query)
    assert response.status_code == 200
    return response


def _xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book.worksheets[0].values)
    return book, values[0], [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(text[1:])))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_report_in_spanish_has_labels_real_dates_and_the_zone(registry):
    sodium = Opportunity.objects.get(title__startswith="Sodium")
    sodium.deadline = date(2027, 3, 31)
    sodium.fit, sodium.fit_reasons = 61.5, {"en": ["x"], "vintage": "openalex-2025-06"}
    sodium.save(update_fields=["deadline", "fit", "fit_reasons"])
    response = _get(registry, "planner", "xlsx", language="es")
    assert response["Content-Disposition"].startswith('attachment; filename="oportunidades-')
    book, headers, rows = _xlsx(response)
    assert headers[:4] == ("Número", "Título", "Tipo", "Estado")
    created = "Creada (hora de Ciudad de México, UTC\u22126)"
    assert created in headers
    assert "Actualizada (hora de Ciudad de México, UTC\u22126)" in headers
    assert "kind" not in headers
    assert "created_at" not in headers
    by_title = {row["Título"][:6]: row for row in rows}
    hydrogen, row = by_title["Hydrog"], by_title["Sodium"]
    assert row["País anfitrión"] == "Francia"
    assert hydrogen["País anfitrión"] == "Alemania"
    assert row["Tipo"] == str(Opportunity.Kind.INFRASTRUCTURE.label) != "infrastructure"
    assert hydrogen["Tipo"] != "co_investment"
    assert "batteries" not in row["Prioridades sugeridas"]
    assert row["Prioridades sugeridas"]
    assert row["Prioridades confirmadas"] == "No"
    assert row["Datos confidenciales ocultos"] == "No"
    assert row["Monto ofrecido"] == 250000.0
    assert row["Ajuste"] == 61.5
    assert row["Edición de la evidencia del ajuste"] == "openalex-2025-06"
    assert hydrogen["Edición de la evidencia del ajuste"] is None
    # real cells: a date and a local datetime, formatted as such
    assert row["Fecha límite"] == datetime(2027, 3, 31)
    assert isinstance(row[created], datetime)
    local = timezone.localtime(sodium.created_at).replace(tzinfo=None, microsecond=0)
    assert abs((row[created] - local).total_seconds()) < 1
    sheet = book.worksheets[0]
    column = headers.index(created) + 1
    assert sheet.cell(row=2, column=column).is_date
    assert "yyyy" in sheet.cell(row=2, column=column).number_format
    notes = dict(book["Notas"].values)
    assert "hora de Ciudad de México" in notes["Exportado el"]
    assert notes["Filtros"].startswith("Ninguno")
    assert "variant=data" in notes["Datos para máquinas"]


def test_report_in_english_and_the_filters_noted(registry):
    response = _get(registry, "planner", "xlsx", query="?country=FRA")
    book, headers, rows = _xlsx(response)
    assert headers[:4] == ("Number", "Title", "Type", "Status")
    assert "Created (Mexico City time, UTC\u22126)" in headers
    assert [row["Host country"] for row in rows] == ["France"]
    assert dict(book["Notes"].values)["Filters"] == "Host country: France"


def test_report_csv_has_a_bom_iso_dates_and_labels(registry):
    Opportunity.objects.filter(title__startswith="Sodium").update(deadline=date(2027, 3, 31))
    headers, rows = _csv(_get(registry, "planner", "csv", language="es"))
    assert "Creada (hora de Ciudad de México, UTC\u22126)" in headers
    row = {r["Título"][:6]: r for r in rows}["Sodium"]
    assert row["Fecha límite"] == "2027-03-31"
    assert row["País anfitrión"] == "Francia"
    created = row["Creada (hora de Ciudad de México, UTC\u22126)"]
    assert datetime.fromisoformat(created).year >= 2026  # "YYYY-MM-DD HH:MM", local


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_machine_variant_is_unchanged(registry, file_format):
    response = _get(registry, "planner", file_format, language="es", query="?variant=data")
    assert response["Content-Disposition"].startswith('attachment; filename="opportunities-data-')
    if file_format == "csv":
        headers, rows = _csv(response)
    else:
        _book, headers, rows = _xlsx(response)
    assert tuple(headers) == EXPORT_COLUMNS
    row = {r["title"][:6]: r for r in rows}["Hydrog"]
    assert (row["kind"], row["status"], row["host_country"]) == (
        "co_investment", "negotiation", "DEU")  # fmt: skip
    sodium = Opportunity.objects.get(title__startswith="Sodium")
    created = {r["title"][:6]: r for r in rows}["Sodium"]["created_at"]
    assert created == sodium.created_at.astimezone(UTC).replace(tzinfo=None).isoformat(
        timespec="seconds"
    )  # UTC, ISO 8601


def test_unknown_variant_is_404(registry):
    client = login("planner", registry)
    url = reverse("pipeline:export", kwargs={"file_format": "csv"})
    assert client.get(url + "?variant=pretty").status_code == 404


@pytest.mark.parametrize("variant", ["", "?variant=data"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize(("persona", "sees"), [("viewer", False), ("legal", False),
                                                ("planner", True)])  # fmt: skip
def test_redaction_per_role_in_both_variants(registry, variant, file_format, persona, sees):
    response = _get(registry, persona, file_format, query=variant)
    if file_format == "csv":
        _headers, rows = _csv(response)
    else:
        _book, _headers, rows = _xlsx(response)
    title, name, amount = (
        ("title", "contact_name", "amount_offered") if variant
        else ("Title", "Contact name", "Amount offered")
    )  # fmt: skip
    sodium = {row[title][:6]: row for row in rows}["Sodium"]
    assert (sodium[name] == "Claire SECRET-CONTACT") is sees
    assert (float(sodium[amount] or 0) == 250000.0) is sees
    if file_format == "csv":  # nowhere in the file
        assert ("SECRET-CONTACT" in response.content.decode("utf-8")) is sees


def test_the_list_links_both_variants_in_both_formats(registry):
    user = registry.users["viewer"]
    user.language = "es"
    user.save(update_fields=["language"])
    html = login("viewer", registry).get(reverse("pipeline:list") + "?country=FRA").content
    html = html.decode()
    for file_format in ("csv", "xlsx"):
        base = reverse("pipeline:export", kwargs={"file_format": file_format})
        assert f'href="{base}?country=FRA"' in html
        assert f'href="{base}?country=FRA&amp;variant=data"' in html
    assert "Datos para máquinas" in html


@pytest.mark.parametrize(("persona", "shown"), [("planner", "Batteries with Fraunhofer"),
                                                 ("officer_a", "registered")])  # fmt: skip
def test_report_names_the_agreement_only_where_it_may_be_read(registry, persona, shown):
    # post A's opportunity linked to post B's agreement: officer A may not read its title
    Opportunity.objects.filter(title__startswith="Sodium").update(agreement=registry.agreement_b)
    _book, _headers, rows = _xlsx(_get(registry, persona, "xlsx"))
    row = {r["Title"][:6]: r for r in rows}["Sodium"]
    assert row["Agreement"] == shown
    data = _get(registry, persona, "csv", query="?variant=data").content.decode("utf-8-sig")
    assert f",{registry.agreement_b.pk}," in data  # the machine variant keeps the number
