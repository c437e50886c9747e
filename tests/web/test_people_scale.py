"""The people app's derived tables (vinculo.web.people.summaries): the stored diaspora per
country and priority and the matching index must give exactly what computing from the
profiles gives, after every kind of write (import, merge, erasure, purge), on SQLite and
on PostgreSQL; the officers' narrower scopes are still computed from the profiles."""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.web.conftest import login
from vinculo.strategy import people as lib
from vinculo.text.tokens import tokenize
from vinculo.web.people import summaries
from vinculo.web.people.imports import import_table
from vinculo.web.people.models import (
    DiasporaCountry,
    MatchResult,
    MergeSuggestion,
    Researcher,
    ResearcherTerm,
    TermFrequency,
)
from vinculo.web.people.services import (
    match_opportunity,
    merge_accept,
    purge_expired,
    researcher_erase,
)

pytestmark = pytest.mark.django_db

HEADER = "name,orcid,email,institution,ror,country,start_year,end_year,current,kind,topics\n"
TOPICS = [
    "Lithium-ion battery electrolytes", "Sodium-ion battery cells", "Battery recycling",
    "Satellite communication systems", "Aerospace structures", "Climate change adaptation",
    "Vaccine development", "Solar photovoltaic cells", "Hydrogen fuel cells",
    "High performance computing", "Electric vehicle charging", "Lithium brine extraction",
    "Machine learning for materials", "Tropical forest ecology", "Power grid stability",
]  # fmt: skip
HOSTS = ["DE", "FR", "US", "GB", "ES"]


def _rows(n: int, seed: int) -> str:
    """``n`` people: a Mexican degree for two in three (the diaspora once abroad), a current
    post in one of HOSTS or Mexico, two to four topics; some with a second current post."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        base = f"0000-0001-{seed:04d}-{i:03d}"
        orcid = base + _check(base)
        name = f"Persona {seed}-{i} Prueba"
        topics = ";".join(rng.sample(TOPICS, rng.randint(2, 4)))
        if rng.random() < 0.67:
            lines.append(f"{name},{orcid},,UNAM,,MX,2000,2005,0,education,\n")
        host = rng.choice([*HOSTS, "MX"])
        inst = f"Instituto {host} {rng.randint(1, 3)}"
        lines.append(f"{name},{orcid},,{inst},,{host},2010,,1,employment,{topics}\n")
        if rng.random() < 0.15:
            other = rng.choice(HOSTS)
            lines.append(f"{name},{orcid},,Centro {other},,{other},2018,,1,employment,\n")
    return HEADER + "".join(lines)


def _check(orcid: str) -> str:
    """ISO 7064 11,2 check digit of an ORCID iD's first 15 digits."""
    total = 0
    for ch in orcid.replace("-", "")[:15]:
        total = (total + int(ch)) * 2
    digit = (12 - total % 11) % 11
    return "X" if digit == 10 else str(digit)


def _import(registry, text: str, name: str = "people.csv"):
    return import_table(
        actor=registry.users["planner"], handle=io.BytesIO(text.encode()), name=name
    )


def _stored() -> dict[tuple[str, str], dict]:
    return {
        (r.country, r.priority): {
            "count": r.count, "works": r.works, "citations": r.citations,
            "with_mexican_ties": r.with_mexican_ties, "institutions": r.institutions,
            "topics": r.topics, "listed": r.listed,
        }
        for r in DiasporaCountry.objects.all()
    }  # fmt: skip


def _live() -> dict[tuple[str, str], dict]:
    out = {}
    for country in summaries.countries_of(Researcher.objects.values_list("id", flat=True)):
        figures = summaries.diaspora_figures(Researcher.objects.all(), country)
        if figures[""]["count"]:
            out.update({(country, pid): v for pid, v in figures.items()})
    return out


def _df_from_scratch() -> dict[str, int]:
    df: Counter[str] = Counter()
    n = 0
    for topics in Researcher.objects.exclude(topics=[]).values_list("topics", flat=True):
        stems = {s for t in topics for s in tokenize(t)}
        if stems:
            df.update(stems)
            n += 1
    return {"": n, **df}


def test_stored_diaspora_equals_the_profiles_after_every_write(registry):
    _import(registry, _rows(60, 1))
    stored = _stored()
    assert stored == _live()
    # real content, not empty tables: every host with people there, and batteries counted
    assert {c for c, p in stored if not p} == {"DEU", "FRA", "USA", "GBR", "ESP"}
    assert sum(v["count"] for (c, p), v in stored.items() if p == "batteries") > 0
    assert all(v["count"] == len(v["listed"]) for v in stored.values())  # under LISTED
    # the listed: most works first (none here), then by name
    names = dict(Researcher.objects.values_list("id", "name"))
    for value in stored.values():
        assert [names[i] for i in value["listed"]] == sorted(names[i] for i in value["listed"])

    _import(registry, _rows(20, 2), "more.csv")  # an import that adds to the same hosts
    assert _stored() == _live()
    person = Researcher.objects.filter(diaspora="diaspora").order_by("id").first()
    researcher_erase(actor=registry.users["admin"], researcher=person)
    assert _stored() == _live()
    old = timezone.now() - timedelta(days=400)
    Researcher.objects.filter(id__in=Researcher.objects.order_by("id")[:5].values("id")).update(
        last_seen_at=old
    )
    assert purge_expired(days=365) == 5
    assert _stored() == _live()
    assert TermFrequency.objects.get(stem="").df == Researcher.objects.exclude(topics=[]).count()
    assert dict(TermFrequency.objects.values_list("stem", "df")) == _df_from_scratch()
    _assert_bounds()


def _assert_bounds() -> None:
    """Each stem's weight bound is at least every weight of the stem (the pruning's
    condition for an exact top-k)."""
    bounds = dict(TermFrequency.objects.values_list("stem", "max_weight"))
    largest: dict[str, float] = {}
    for stem, weight in ResearcherTerm.objects.values_list("stem", "weight"):
        largest[stem] = max(largest.get(stem, 0.0), weight)
    assert largest
    assert all(bounds[s] >= w for s, w in largest.items())


def test_a_reviewed_merge_moves_the_counts(registry):
    """Rosa's second record (no ORCID, at CNRS) merged into the first: France's diaspora
    counts her once, with the merged record's topics."""
    _import(
        registry,
        HEADER
        + "Rosa Méndez,0000-0003-1419-2405,,UNAM,,MX,2006,2011,0,education,\n"
        + "Rosa Méndez,0000-0003-1419-2405,,CNRS,,FR,2013,,1,employment,Battery recycling\n"
        + '"Méndez, Rosa",,,CNRS,,FR,2015,,1,employment,Hydrogen fuel cells\n',
    )
    assert (
        DiasporaCountry.objects.get(country="FRA", priority="").count == 1
    )  # the other: no origin
    merge_accept(actor=registry.users["planner"], suggestion=MergeSuggestion.objects.get())
    france = DiasporaCountry.objects.get(country="FRA", priority="")
    assert france.count == 1
    assert sorted(t for t, _ in france.topics) == ["Battery recycling", "Hydrogen fuel cells"]
    assert _stored() == _live()
    assert dict(TermFrequency.objects.values_list("stem", "df")) == _df_from_scratch()


@pytest.mark.parametrize("seeds", [1, 3, 10**6])
def test_matching_in_the_database_equals_the_library(registry, monkeypatch, seeds):
    """The SQL sum over the matching index ranks as rank_by_fit does with every profile's
    IDF, once the index is rebuilt (refresh_all), whatever the pruning's threshold: from
    one row per stem (a low threshold: few stems skipped), from three, or from every row
    (the true 15th score: the most stems skipped); the reasons are the library's."""
    monkeypatch.setattr(summaries, "SEEDS_PER_STEM", seeds)
    _import(registry, _rows(80, 3))
    _import(registry, _rows(40, 4), "more.csv")  # weights of the first import now drift
    call_command("people_refresh", stdout=io.StringIO(), stderr=io.StringIO())
    opportunity = registry.opportunity_a
    opportunity.title = "Lithium battery recycling pilot"
    opportunity.description = "Recycling of lithium-ion batteries and brine extraction."
    opportunity.save()
    people = list(Researcher.objects.exclude(topics=[]))
    df = _df_from_scratch()
    n = df.pop("")
    idf = lib.idf_weights(df, n)
    text = f"{opportunity.title}\n{opportunity.description}"
    expected = lib.rank_by_fit(text, [r.topics for r in people], idf=idf)
    got = match_opportunity(Researcher.objects.all(), opportunity, top=15)
    assert len(got) == 15
    want = [(round(f.score, 4), people[f.index].pk) for f in expected]
    scores = [m["score"] for m in got]
    assert scores == [s for s, _ in want[:15]]
    cutoff = scores[-1]
    above = {pk for s, pk in want if s > cutoff}
    assert above <= {m["researcher"].pk for m in got}  # ties at the cut may be either
    first = next(f for f in expected if people[f.index].pk == got[0]["researcher"].pk)
    assert got[0]["reasons"]["terms"] == list(first.terms)
    assert got[0]["reasons"]["topics"] == list(first.topics)
    # the stored weights are each profile's unit vector
    some = people[0]
    weights = dict(ResearcherTerm.objects.filter(researcher=some).values_list("stem", "weight"))
    unit = lib.unit_vector((s for t in some.topics for s in tokenize(t)), idf)
    assert weights.keys() == unit.keys()
    assert all(abs(weights[s] - unit[s]) < 1e-12 for s in unit)
    _assert_bounds()


def test_an_officers_scope_narrows_the_matching_and_the_diaspora(registry):
    """Officer A (post in France) is matched only with people currently in France, and
    sees Germany's diaspora only through those also in France."""
    _import(registry, _rows(80, 5))
    opportunity = registry.opportunity_a
    olga = login("officer_a", registry)
    matches = olga.get(f"/api/v1/people/opportunities/{opportunity.pk}/matches").json()
    assert matches, "the fixture's battery people in France fit the opportunity"
    in_france = set(
        Researcher.objects.filter(
            affiliations__current=True, affiliations__country="FRA"
        ).values_list("id", flat=True)
    )
    assert {m["researcher"]["id"] for m in matches} <= in_france
    germany = olga.get("/api/v1/people/diaspora/DEU").json()
    both = Researcher.objects.filter(
        diaspora="diaspora", id__in=in_france, affiliations__current=True,
        affiliations__country="DEU",
    ).distinct()  # fmt: skip
    assert germany["count"] == both.count()
    planner = login("planner", registry).get("/api/v1/people/diaspora/DEU").json()
    assert planner["count"] == DiasporaCountry.objects.get(country="DEU", priority="").count
    assert planner["count"] > germany["count"]


def test_a_ranking_is_kept_until_the_text_or_the_profiles_change(registry):
    """The second request reads the stored ranking (the same ids and scores); an import
    or a new text computes it again; an erasure leaves no stored ranking."""
    _import(registry, _rows(60, 6))
    opportunity = registry.opportunity_a
    first = match_opportunity(Researcher.objects.all(), opportunity)
    row = MatchResult.objects.get()
    assert [pk for pk, _ in row.ranked] == [m["researcher"].pk for m in first]
    MatchResult.objects.update(ranked=[[first[0]["researcher"].pk, 0.5]])  # mark it
    again = match_opportunity(Researcher.objects.all(), opportunity)
    assert [(m["researcher"].pk, m["score"]) for m in again] == [(first[0]["researcher"].pk, 0.5)]
    _import(registry, _rows(5, 7), "more.csv")  # the index moved: computed again
    fresh = match_opportunity(Researcher.objects.all(), opportunity)
    assert len(fresh) == 20
    assert MatchResult.objects.get().ranked != [[first[0]["researcher"].pk, 0.5]]
    opportunity.description += " Satellite communication systems."
    opportunity.save()
    assert match_opportunity(Researcher.objects.all(), opportunity) != fresh
    researcher_erase(actor=registry.users["admin"], researcher=fresh[0]["researcher"])
    assert not MatchResult.objects.exists()
