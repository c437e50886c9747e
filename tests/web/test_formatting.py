"""vinculo.web.formatting: the quick short dates write what Django writes; numbers are
written by one rule (Spanish as in Mexico) in the templates, the Python of the web app,
the charts' JavaScript and the strategy engine's reasons and briefs."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format, get_format
from hypothesis import given, settings
from hypothesis import strategies as st

import vinculo.web
from vinculo.web.formatting import short_dates


@pytest.mark.parametrize("language", ["es", "en"])
def test_short_dates_match_djangos(language):
    days = [date(1999, 12, 31) + timedelta(days=n * 37) for n in range(300)]
    days.append(datetime(2026, 1, 5, 23, 59))
    with translation.override(language):
        short = short_dates()
        for day in days:
            assert short(day) == date_format(day, "SHORT_DATE_FORMAT")


def test_other_formats_fall_back_to_django(monkeypatch):
    """A format with names (weekday, month) is left to Django: the function returned then
    writes Django's own short date."""
    monkeypatch.setattr("vinculo.web.formatting.get_format", lambda name: "D, j M Y")
    with translation.override("en"):
        short = short_dates()
        day = date(2026, 11, 30)
        assert short(day) == date_format(day, "SHORT_DATE_FORMAT") == "11/30/2026"


# ---------------------------------------------------------------- numbers: one rule
# Spanish as written in Mexico and English as in the United States write numbers alike
# (0.52, 11,873, 1,234.57): the pages (vinculo.web.formats, floatformat:"2g"), the Python
# that writes figures (vinculo.web.formatting.number), the charts (static/vinculo/
# numbers.js) and the strategy engine's reasons and briefs (vinculo.strategy.i18n, Babel).
LANGUAGES = ("es", "en")
VALUES = (0.521, 2.95, 11873, 1234.567, -0.521, -2.95, -11873, -1234.567, 0, 0.0)
DIGITS = (0, 1, 2, 3)
#: what the pages write of VALUES, in both languages (checked against the briefs below)
WRITTEN = {
    (0.521, 2): "0.52",
    (2.95, 2): "2.95",
    (11873, 0): "11,873",
    (1234.567, 2): "1,234.57",
    (-0.521, 3): "-0.521",
    (-11873, 1): "-11,873.0",
    (-1234.567, 0): "-1,235",
    (0, 2): "0.00",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_separators_are_mexicos_and_the_dates_stay_djangos(language):
    from django.conf.locale.es import formats as django_es

    with translation.override(language):
        assert get_format("DECIMAL_SEPARATOR") == "."
        assert get_format("THOUSAND_SEPARATOR") == ","
        assert get_format("NUMBER_GROUPING") == 3
        if language == "es":  # dates as Django's Spanish writes them
            for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT",
                         "SHORT_DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT",
                         "MONTH_DAY_FORMAT", "FIRST_DAY_OF_WEEK"):  # fmt: skip
                assert get_format(name) == getattr(django_es, name), name
            assert date_format(date(2026, 12, 31)) == "31 de diciembre de 2026"
            assert date_format(date(2026, 12, 31), "SHORT_DATE_FORMAT") == "31/12/2026"


@pytest.mark.parametrize("language", LANGUAGES)
def test_templates_python_and_the_briefs_write_the_same_numbers(language):
    """``{{ value|floatformat:"Ng" }}`` in a template, ``formatting.number`` in Python and the
    strategy engine's ``number`` write each value alike, in each language."""
    from django.template import Context, Template

    from vinculo.strategy.i18n import number as brief_number
    from vinculo.web.formatting import number

    template = Template("".join(f'{{{{ value|floatformat:"{d}g" }}}}|' for d in DIGITS))
    for value in VALUES:
        briefs = [brief_number(value, language, d) for d in DIGITS]
        with translation.override(language):
            pages = template.render(Context({"value": value})).split("|")[:-1]
            python = [number(value, d) for d in DIGITS]
        assert pages == python == briefs, value
        assert [number(value, d, language) for d in DIGITS] == briefs  # any active language
    for (value, digits), written in WRITTEN.items():
        assert brief_number(value, language, digits) == written


@pytest.mark.parametrize("language", LANGUAGES)
def test_percentages_read_as_the_briefs_write_them(language):
    from vinculo.strategy.i18n import percent
    from vinculo.web.formatting import number

    for fraction in (0.1234, 0.0521, -0.0521, 0.5, 1.5, 118.73, 0.00521, 0):
        for digits in (0, 1, 2):
            shown = number(fraction * 100, digits, language) + "%"
            assert shown == percent(fraction, language, digits), (fraction, digits)
    assert percent(118.73, language, 0) == "11,873%"


@pytest.mark.parametrize("language", LANGUAGES)
def test_djangos_other_number_writers_follow_the_separators(language):
    """What Django localizes by itself: a bare ``{{ value }}``, ``number_format`` (which cuts
    digits off instead of rounding, so the web does not use it for figures),
    ``filesizeformat``; integers print ungrouped (years, ids, versions)."""
    from decimal import Decimal

    from django.template import Context, Template
    from django.template.defaultfilters import filesizeformat
    from django.utils.formats import localize, number_format

    with translation.override(language):
        bare = Template("{{ a }} {{ b }} {{ c }} {{ year }}")
        context = {"a": 0.521, "b": Decimal("37.50"), "c": -2.95, "year": 2026}
        assert bare.render(Context(context)) == "0.521 37.50 -2.95 2026"
        assert localize(1234.5) == "1234.5"
        assert number_format(11873.25, 1, force_grouping=True) == "11,873.2"  # cut, not rounded
        assert number_format(Decimal("250000.00"), 0, force_grouping=True) == "250,000"
        assert filesizeformat(1536) == "1.5\xa0KB"


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(
    value=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=-1e7, max_value=1e7).map(lambda x: round(x, 3)),  # ties at 2
        st.decimals(allow_nan=False, places=2, min_value=-(10**14), max_value=10**14),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.sampled_from([None, "", "abc", "1e-300", "-0", True]),
    ),
    digits=st.integers(min_value=0, max_value=4),
)
def test_the_lists_fast_numbers_write_what_the_filter_writes(language, value, digits):
    from vinculo.web.formatting import number, numbers

    with translation.override(language):
        assert numbers(digits)(value) == number(value, digits)


@pytest.mark.parametrize("language", LANGUAGES)
def test_counts_group_their_thousands(language):
    """A count in a table cell and in a sentence (a plural of the catalogue) reads 11,873."""
    from django.template import Context, Template
    from django.template.loader import render_to_string

    with translation.override(language):
        panel = render_to_string(
            "pipeline/partials/panel.html", {"pipeline": [("submitted", "x", 11873)]}
        )
        assert "<td>11,873</td>" in panel
        sentence = Template(
            '{% load i18n %}{% blocktranslate count counter=n with shown=n|floatformat:"0g" %}'
            "{{ shown }} institution{% plural %}{{ shown }} institutions{% endblocktranslate %}"
        ).render(Context({"n": 11873}))
        assert sentence == {"es": "11,873 instituciones", "en": "11,873 institutions"}[language]


#: (value, digits): where the pages and the briefs still differ (pages, briefs)
#: ties and negative zero: both the pages and the briefs round half away from zero and
#: drop the sign of a number rounding to zero (Babel alone would round to even and keep it)
KNOWN_DIFFERENCES = {
    (2.945, 2): ("2.95", "2.94"),  # (what both write, what Babel's own rounding would write)
    (0.125, 2): ("0.13", "0.12"),
    (2.5, 0): ("3", "2"),
    (-0.001, 2): ("0.00", "-0.00"),
    (-0.0, 1): ("0.0", "-0.0"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_round_half_away_from_zero(language):
    from vinculo.web.formatting import number

    for (value, digits), (pages, _briefs) in KNOWN_DIFFERENCES.items():
        assert number(value, digits, language) == pages, (value, digits)


def test_the_briefs_round_ties_and_negative_zero_as_the_pages_do():
    from vinculo.strategy.i18n import number as brief_number

    briefs = {key: brief_number(key[0], "es", key[1]) for key in KNOWN_DIFFERENCES}
    assert briefs == {key: pages for key, (pages, _briefs) in KNOWN_DIFFERENCES.items()}


# ---------------------------------------------------------------- the charts' numbers
NUMBERS_JS = Path(vinculo.web.__file__).parent / "static" / "vinculo" / "numbers.js"
#: the rounding cases too (ties, a negative number rounding to zero): the charts write what
#: the tables beside them write
JS_VALUES = (*VALUES, 2.945, 0.125, 0.5, 2.5, -2.5, -0.001, -0.0, 1e-7, 123456789.125)


def _node_writes(calls: list[tuple[float, int | None, str]]) -> list[str]:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js not found: the charts' number helper is checked in the browser "
                    "tests (tests/e2e/test_numbers.py)")  # fmt: skip
    script = (
        f"const numbers = require({json.dumps(str(NUMBERS_JS))});"
        f"const calls = {json.dumps(calls)};"
        "process.stdout.write(JSON.stringify(calls.map("
        "([value, digits, language]) => numbers.format(value, digits ?? undefined, language))));"
    )
    done = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_charts_write_numbers_as_the_pages_do(language):
    """``vinculoNumbers.format`` (Intl's es-MX and en-US) against the templates' filter,
    rounding cases included, run in Node (no browser)."""
    from vinculo.web.formatting import number

    calls = [(value, digits, language) for value in JS_VALUES for digits in DIGITS]
    written = _node_writes(calls)
    expected = [number(value, digits, language) for value, digits, _ in calls]
    assert written == expected
    plain = _node_writes([(0.01, None, language), (2000, None, language),
                          (0.125, None, language), (None, 2, language)])  # fmt: skip
    assert plain == ["0.01", "2,000", "0.125", ""]


# ---------------------------------------------------------------- real pages
def _numbers_payload() -> dict:
    """The hand-made snapshot of the insight tests with the values of this file in it."""
    from tests.web.test_insights import _small_payload

    payload = _small_payload()
    partners = payload["partners"]["aerospace"]  # shared by both priorities
    france = partners["ranked"][0]
    france["score"] = 0.521
    france["contributions"] = {"strength": 1234.567, "complementarity": -0.521}
    partners["scores"]["FRA"] = 0.521
    for gap in payload["gaps"]:
        gap.update(specialization=11873.456, world_share=0.0295, gap=97.05)
    payload["chains"]["lithium-value-chain"]["stages"][0]["rca"] = 1234.567
    payload["network"][0]["works"] = 11873.0
    payload["coauthorship"]["FRA"] = [[2022, 1234.567], [2023, 11873.0]]
    return payload


def _reader(registry, persona: str, language: str):
    from tests.web.conftest import login

    user = registry.users[persona]
    user.language = language
    user.save(update_fields=["language"])
    return login(persona, registry)


def _comma_decimals(html: str) -> list[str]:
    """Numbers in the page's text (outside tags and scripts) written as Django's own Spanish
    writes them: a decimal comma (0,521; 2,95) or a space between thousands (11 873)."""
    import re

    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    # a comma before one, two or four and more digits, or after a lone 0, is a decimal
    # comma (a comma before three is a thousands separator); a space between thousands
    return re.findall(r"\b(?:0,\d+|\d+,(?:\d{1,2}|\d{4,})\b|\d{1,3}(?:\xa0\d{3})+)", text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_insight_pages_write_numbers_as_the_briefs_do(registry, language):
    from tests.web.test_insights import _dashboard_data
    from vinculo.strategy.i18n import number as brief_number
    from vinculo.strategy.i18n import share as brief_share
    from vinculo.web.insights.models import Snapshot

    Snapshot.objects.create(home="MEX", fingerprint="numbers", payload=_numbers_payload())
    client = _reader(registry, "planner", language)

    def cell(value: float, digits: int) -> str:
        return f"<td>{brief_number(value, language, digits)}</td>"

    priority = client.get("/priorities/aerospace/").content.decode()
    for value, digits in ((0.521, 3), (1234.567, 3), (-0.521, 3), (11873.456, 2),
                          (97.05, 0)):  # fmt: skip
        assert cell(value, digits) in priority, (value, digits)
    assert f"<td>{brief_share(0.0295, language)}</td>" in priority
    assert "<td>0.521</td>" in priority
    assert "<td>1,234.567</td>" in priority
    assert "<td>11,873.46</td>" in priority
    chain = client.get("/priorities/lithium-value-chain/").content.decode()
    assert cell(1234.567, 2) in chain
    assert "<td>1,234.57</td>" in chain
    home = client.get("/?priority=aerospace").content.decode()
    assert cell(0.521, 3) in home
    data = _dashboard_data(home)  # the charts' data stay numbers, written by numbers.js
    assert data["top"][0]["score"] == 0.521
    assert data["network"][0]["works"] == 11873.0
    country = client.get("/countries/FRA/").content.decode()
    assert cell(0.521, 3) in country
    assert "[[2022, 1234.567], [2023, 11873.0]]" in country
    for page in (priority, chain, home, country):
        assert "numbers.js" in page
        assert not _comma_decimals(page)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_registry_and_pipeline_pages_write_numbers_alike(registry, language):
    from django.urls import reverse

    from vinculo.web.pipeline.models import Opportunity

    Opportunity.objects.filter(pk=registry.opportunity_a.pk).update(fit=42.5)
    client = _reader(registry, "planner", language)
    listing = client.get(reverse("pipeline:list")).content.decode()
    assert "250,000 EUR" in listing
    assert "<td>43</td>" in listing  # 42.5: half away from zero, as the detail page
    detail = client.get(
        reverse("pipeline:detail", kwargs={"opportunity_id": registry.opportunity_a.pk})
    ).content.decode()
    assert "250,000.00 EUR" in detail
    assert '<strong id="fit">43</strong>' in detail
    assert '<span class="confidence">0.90</span>' in detail
    projects = client.get(reverse("registry:project_list")).content.decode()
    assert "<td>1,000,000.00</td>" in projects
    agreement = client.get(
        reverse("registry:agreement_detail", kwargs={"agreement_id": registry.agreement_a.pk})
    ).content.decode()
    assert "<dd>37.50</dd>" in agreement  # the royalty share
    for page in (listing, detail, projects, agreement):
        assert not _comma_decimals(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_fit_reads_the_same_in_its_reasons_and_on_the_page(language):
    """An opportunity's fit of 42.5 is 43 on the page, in the list and in its reason."""
    from tests.web.test_insights import _small_payload
    from vinculo.web.pipeline.scoring import strategic_fit

    payload = _small_payload()
    payload["partners"]["aerospace"]["scores"]["FRA"] = 0.25  # (gap 60 + 25) / 2 = 42.5
    fit = strategic_fit(payload, ["aerospace"], "FRA")
    assert fit.score == 42.5
    (reason,) = fit.reasons[language]
    assert reason.endswith(("→ fit 43", "→ ajuste 43"))
    assert " 60/100" in reason
    assert " 25/100" in reason


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "parquet"])
def test_exports_keep_numbers_as_numbers_in_spanish(registry, file_format):
    """A Spanish reader's export writes 1234567.89, never 1,234,567.89 or 1.234.567,89."""
    import csv
    import io
    from decimal import Decimal

    import openpyxl
    import pyarrow.parquet as pq
    from django.urls import reverse

    from vinculo.web.pipeline.models import Opportunity

    Opportunity.objects.filter(pk=registry.opportunity_a.pk).update(
        fit=42.5, amount_offered=Decimal("1234567.89")
    )
    client = _reader(registry, "planner", "es")
    # the machine-readable variant (the report's numbers: tests/web/test_exports.py)
    url = reverse("pipeline:export", kwargs={"file_format": file_format}) + "?variant=data"
    content = client.get(url).content
    if file_format == "csv":
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    elif file_format == "xlsx":
        values = list(openpyxl.load_workbook(io.BytesIO(content)).active.values)
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    else:
        rows = pq.read_table(io.BytesIO(content)).to_pylist()
    (sodium,) = (row for row in rows if row["title"].startswith("Sodium"))
    if file_format == "csv":  # text, as Python writes a number
        assert (sodium["amount_offered"], sodium["fit"]) == ("1234567.89", "42.5")
    else:
        assert (sodium["amount_offered"], sodium["fit"]) == (1234567.89, 42.5)
    if file_format == "parquet":
        assert json.loads(sodium["suggested_priorities"]) == [
            {"id": "batteries", "confidence": 0.9}
        ]
