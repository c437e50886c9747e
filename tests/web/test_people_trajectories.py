"""The OpenAlex works snapshot's affiliation histories (the evidence store's
``author_affiliations``, issue 14) completing the researchers' profiles (issue 13, part
1): the years in Mexico found in the works make a researcher abroad part of the diaspora."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from vinculo.evidence.store import EvidenceStore
from vinculo.strategy.people import PeopleError
from vinculo.web.people.imports import import_table, import_trajectories
from vinculo.web.people.models import Affiliation, DiasporaCountry, Researcher
from vinculo.web.registry.models import Institution

pytestmark = pytest.mark.django_db

PROFILES = (
    "name,openalex_id,institution,country,start_year,end_year,current,kind,topics\n"
    "Ana Ruiz,A5000000101,Max Planck Society,DE,2016,,1,employment,Battery recycling\n"
    "Luis Soto,A5000000102,Universidad de Sevilla,ES,2010,,1,employment,\n"
)
#: Ana's works name UNAM (Mexico) 2008-2012, then Max Planck; Luis only Seville; a third
#: author has no profile here.
ROWS = [
    ("A5000000101", None, 2008, "MEX", "I8961855", "https://ror.org/01tmp8f25", 3.0),
    ("A5000000101", None, 2012, "MEX", "I8961855", "https://ror.org/01tmp8f25", 2.0),
    ("A5000000101", None, 2017, "DEU", "I149899117", "https://ror.org/01hhn8329", 4.0),
    ("A5000000101", None, 2023, "DEU", "I149899117", "https://ror.org/01hhn8329", 5.0),
    ("A5000000102", None, 2011, "ESP", "I79238269", None, 1.0),
    ("A5000000999", None, 2015, "MEX", "I8961855", "https://ror.org/01tmp8f25", 1.0),
]


def _store(tmp_path) -> EvidenceStore:
    part = tmp_path / "author_affiliations.parquet"
    columns = ["author", "orcid", "year", "country", "institution", "ror_id", "works"]
    pd.DataFrame(ROWS, columns=columns).to_parquet(part)
    store = EvidenceStore(tmp_path / "evidence.duckdb")
    store.import_snapshot_tables(
        {"author_affiliations": [part]}, source="openalex-snapshot", vintage="2026-11-30",
        file_name="snapshot", file_sha256="0" * 64,
        provenance={"engine": "duckdb", "snapshot_date": "2026-11-30"},
    )  # fmt: skip
    return store


def test_the_snapshot_gives_the_origin(registry, tmp_path):
    planner = registry.users["planner"]
    import_table(actor=planner, handle=io.BytesIO(PROFILES.encode()), name="post.csv")
    assert Researcher.objects.get(openalex_id="A5000000101").diaspora == "not_diaspora"
    unam = Institution.objects.get(ror_id="https://ror.org/01tmp8f25").name  # the registry's
    with _store(tmp_path) as store:
        authors, outcome = import_trajectories(actor=planner, store=store)
    assert authors == 2  # the third author has no profile here: not created
    assert (len(outcome.merged), len(outcome.created)) == (2, 0)
    assert Researcher.objects.count() == 2
    ana = Researcher.objects.get(openalex_id="A5000000101")
    assert (ana.diaspora, ana.diaspora_reason) == ("diaspora", "origin_and_abroad")
    stays = list(
        Affiliation.objects.filter(researcher=ana, kind="publication")
        .order_by("start_year")
        .values_list("institution", "country", "start_year", "end_year", "current", "source")
    )
    assert stays == [
        (unam, "MEX", 2008, 2012, False,
         "openalex-snapshot 2026-11-30"),
        ("OpenAlex I149899117", "DEU", 2017, 2023, False, "openalex-snapshot 2026-11-30"),
    ]  # fmt: skip
    assert Affiliation.objects.filter(researcher=ana, current=True).count() == 1  # Max Planck
    luis = Researcher.objects.get(openalex_id="A5000000102")
    assert luis.diaspora == "not_diaspora"
    assert DiasporaCountry.objects.get(country="DEU", priority="").count == 1
    # again: nothing new (the same stays are not added twice)
    before = Affiliation.objects.count()
    with EvidenceStore(tmp_path / "evidence.duckdb", read_only=True) as store:
        import_trajectories(actor=planner, store=store)
    assert Affiliation.objects.count() == before


def test_without_the_snapshot_the_error_says_what_to_build(registry, tmp_path):
    with (
        EvidenceStore(tmp_path / "empty.duckdb") as store,
        pytest.raises(PeopleError, match="build the OpenAlex snapshot"),
    ):
        import_trajectories(actor=registry.users["planner"], store=store)
    with pytest.raises(CommandError, match="planners and administrators"):
        call_command("people_import_trajectories", "--as", "olga",
                     "--store", str(tmp_path / "empty.duckdb"))  # fmt: skip
