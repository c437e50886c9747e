"""The people app's derived tables (vinculo.web.people.summaries): the stored diaspora per
country and priority and the matching index must give exactly what computing from the
profiles gives, after every kind of write (import, merge, erasure, purge), on SQLite and
on PostgreSQL; the officers' narrower scopes are still computed from the profiles."""

from __future__ import annotations

import io
import random
import re
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
    KeptRanking,
    MergeSuggestion,
    Researcher,
    ResearcherPlace,
    ResearcherTerm,
    TermFrequency,
)
from vinculo.web.people.services import (
    OPEN_AGREEMENTS,
    OPEN_OPPORTUNITIES,
    OPEN_PROJECTS,
    match_opportunity,
    matches_for,
    merge_accept,
    opportunity_text,
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


def _brute(query: dict[str, float], countries=None) -> list[tuple[int, float]]:
    """Every researcher's score for the text weights ``query`` over the stored matching
    rows (those currently in ``countries`` only, if given), best first then by id."""
    allowed = None
    if countries is not None:
        allowed = set(
            Researcher.objects.filter(
                affiliations__current=True, affiliations__country__in=countries
            ).values_list("id", flat=True)
        )
    scores: Counter[int] = Counter()
    for rid, stem, weight in ResearcherTerm.objects.values_list("researcher_id", "stem", "weight"):
        if stem in query and (allowed is None or rid in allowed):
            scores[rid] += weight * query[stem]
    return sorted(
        ((r, v) for r, v in scores.items() if v > 0), key=lambda x: (-round(x[1], 9), x[0])
    )


def _assert_exact(row: KeptRanking) -> None:
    """A kept ranking is the head of the ranking computed from scratch with its weights:
    the same ids in the same order (scores equal to 9 decimals are ties, broken by id)."""
    want = _brute(row.query, row.countries)[: len(row.ranked)]
    assert [r for r, _ in row.ranked] == [r for r, _ in want]
    assert all(abs(a[1] - b[1]) < 1e-9 for a, b in zip(row.ranked, want, strict=True))
    if row.complete:
        assert len(row.ranked) == len(_brute(row.query, row.countries))


def test_a_kept_ranking_stays_exact_through_imports_and_erasures(registry):
    """The first request computes the ranking, five times deeper than shown, and keeps it;
    the next request reads it; an import and an erasure keep it exact (computed from
    scratch with its text weights) without computing it again; a new text computes it
    again."""
    _import(registry, _rows(150, 6))
    opportunity = registry.opportunity_a
    planner = registry.users["planner"]
    subject, text = f"opportunity:{opportunity.pk}", opportunity_text(opportunity)
    first = matches_for(planner, subject, text)
    row = KeptRanking.objects.get()
    assert (row.shown, row.depth, row.countries) == (20, 100, None)
    assert len(first) == 20
    assert [m["researcher"].pk for m in first] == [r for r, _ in row.ranked[:20]]
    fresh = match_opportunity(Researcher.objects.all(), opportunity)  # computed, not kept
    assert [(m["researcher"].pk, m["score"]) for m in fresh] == [
        (m["researcher"].pk, m["score"]) for m in first
    ]
    _assert_exact(row)
    computed = row.computed_at
    KeptRanking.objects.update(ranked=[[first[0]["researcher"].pk, 0.5]], complete=True)
    again = matches_for(planner, subject, text)  # read, not computed
    assert [(m["researcher"].pk, m["score"]) for m in again] == [(first[0]["researcher"].pk, 0.5)]
    KeptRanking.objects.update(ranked=row.ranked, complete=row.complete)

    # an import of people who fit better: they enter the ranking where they belong
    extra = HEADER + "".join(
        f"Nueva {i} Persona,,,Instituto DE {i},,DE,2015,,1,employment,"
        "Lithium battery recycling;Lithium brine extraction\n"
        for i in range(3)
    )
    _import(registry, extra, "more.csv")
    row = KeptRanking.objects.get()
    assert row.computed_at == computed  # maintained, not computed again
    newcomers = set(
        Researcher.objects.filter(name__startswith="Nueva").values_list("id", flat=True)
    )
    assert newcomers
    assert newcomers <= {r for r, _ in row.ranked}
    _assert_exact(row)
    # an erasure of the best fit: out of the ranking, the rest moves up
    best = Researcher.objects.get(pk=row.ranked[0][0])
    researcher_erase(actor=registry.users["admin"], researcher=best)
    row = KeptRanking.objects.get()
    assert best.pk not in {r for r, _ in row.ranked}
    assert row.computed_at == computed
    _assert_exact(row)
    # a new text: computed again
    opportunity.description += " Satellite communication systems."
    opportunity.save()
    matches_for(planner, subject, opportunity_text(opportunity))
    row = KeptRanking.objects.get()
    assert row.computed_at > computed
    assert "satelit" in row.query  # the stem of "Satellite", in the profiles
    _assert_exact(row)


def test_a_kept_ranking_too_short_after_an_erasure_is_computed_again(registry, monkeypatch):
    """Kept exactly as deep as shown (no reserve), a full ranking that loses one of its
    people can no longer say who is 20th: it is dropped, and the next request computes it
    again, exact."""
    monkeypatch.setattr(summaries, "KEPT_RESERVE", 0)
    _import(registry, _rows(150, 8))
    opportunity = registry.opportunity_a
    planner = registry.users["planner"]
    subject, text = f"opportunity:{opportunity.pk}", opportunity_text(opportunity)
    first = matches_for(planner, subject, text)
    row = KeptRanking.objects.get()
    assert (len(row.ranked), row.complete) == (20, False)
    researcher_erase(actor=registry.users["admin"], researcher=first[5]["researcher"])
    assert not KeptRanking.objects.exists()
    again = matches_for(planner, subject, text)
    assert len(again) == 20
    _assert_exact(KeptRanking.objects.get())


def test_an_officers_kept_ranking_holds_only_their_scope(registry):
    """Officer A's kept ranking (scope: France) takes an imported researcher in France and
    not one in Germany; the planner's takes both."""
    _import(registry, _rows(120, 9))
    opportunity = registry.opportunity_a
    subject, text = f"opportunity:{opportunity.pk}", opportunity_text(opportunity)
    olga, planner = registry.users["officer_a"], registry.users["planner"]
    matches_for(olga, subject, text)
    matches_for(planner, subject, text)
    assert KeptRanking.objects.count() == 2
    extra = HEADER + (
        "Nadia Francia,,,Instituto FR 9,,FR,2015,,1,employment,"
        "Lithium battery recycling;Lithium brine extraction\n"
        "Otto Alemania,,,Instituto DE 9,,DE,2015,,1,employment,"
        "Lithium battery recycling;Lithium brine extraction\n"
    )
    _import(registry, extra, "more.csv")
    nadia = Researcher.objects.get(name="Nadia Francia").pk
    otto = Researcher.objects.get(name="Otto Alemania").pk
    officer_row = KeptRanking.objects.get(countries=["FRA"])
    central = KeptRanking.objects.get(countries__isnull=True)
    assert nadia in {r for r, _ in officer_row.ranked}
    assert otto not in {r for r, _ in officer_row.ranked}
    assert {nadia, otto} <= {r for r, _ in central.ranked}
    _assert_exact(officer_row)
    _assert_exact(central)
    shown = {m["researcher"].pk for m in matches_for(olga, subject, text)}
    assert otto not in shown


def test_people_rank_computes_the_open_records_rankings_ahead(registry):
    """``people_rank``: each open opportunity for the central roles and its post's officers,
    each open project and agreement for the central roles; the first view then reads them."""
    from vinculo.web.pipeline.models import Opportunity
    from vinculo.web.registry.models import Agreement, Project

    _import(registry, _rows(60, 10))
    out = io.StringIO()
    call_command("people_rank", stdout=out, stderr=io.StringIO())
    subjects = Counter(KeptRanking.objects.values_list("subject", flat=True))
    opportunities = Opportunity.objects.filter(status__in=OPEN_OPPORTUNITIES)
    for o in opportunities:
        scopes = 1 + len(
            {tuple(sorted(u.posts.values_list("host_country_id", flat=True)))
             for u in o.post.officers.all()}
        )  # fmt: skip
        assert subjects[f"opportunity:{o.pk}"] == scopes
    projects = Project.objects.filter(status__in=OPEN_PROJECTS)
    agreements = Agreement.objects.filter(status__in=OPEN_AGREEMENTS)
    assert all(subjects[f"project:{p.pk}"] == 1 for p in projects)
    assert all(subjects[f"agreement:{a.pk}"] == 1 for a in agreements)
    total = opportunities.count() + projects.count() + agreements.count()
    assert total >= 2
    assert sum(subjects.values()) > total  # officer scopes among them
    n = sum(subjects.values())
    assert out.getvalue().startswith(f"{n} rankings checked, {n} computed")
    # run again (cron): nothing to compute; a new opportunity's text: only its rankings
    out = io.StringIO()
    call_command("people_rank", stdout=out, stderr=io.StringIO())
    assert out.getvalue().startswith(f"{n} rankings checked, 0 computed")
    changed = registry.opportunity_a
    changed.description += " Solid-state battery cells."
    changed.save()
    out = io.StringIO()
    call_command("people_rank", stdout=out, stderr=io.StringIO())
    redone = 1 + len(
        {tuple(sorted(u.posts.values_list("host_country_id", flat=True)))
         for u in changed.post.officers.all()}
    )  # fmt: skip
    assert out.getvalue().startswith(f"{n} rankings checked, {redone} computed")
    opportunity = registry.opportunity_a
    before = KeptRanking.objects.get(
        subject=f"opportunity:{opportunity.pk}", countries__isnull=True
    )
    olga = login("planner", registry)
    olga.get(f"/api/v1/people/opportunities/{opportunity.pk}/matches")
    after = KeptRanking.objects.get(pk=before.pk)
    assert after.computed_at == before.computed_at
    call_command("people_refresh", stdout=io.StringIO(), stderr=io.StringIO())
    assert not KeptRanking.objects.exists()  # every weight moved: computed again when read


def test_the_search_pages_read_ids_first_in_name_order(registry):
    """The API's pages (``page``, ``limit``) and the list's are the search in name order,
    read ids first: the pages put together are the whole list, in order; a limit out of
    range is refused."""
    _import(registry, _rows(30, 11))
    planner = login("planner", registry)
    whole = list(
        Researcher.objects.filter(name__startswith="Persona 11-").values_list("name", "id")
    )
    assert [n for n, _ in whole] == sorted(n for n, _ in whole)  # the model's order: name, id
    url = "/api/v1/people/researchers?q=persona+11&limit=7"
    pages = [planner.get(f"{url}&page={p}").json() for p in range(1, 6)]
    assert [len(p) for p in pages] == [7, 7, 7, 7, 2]
    assert [r["id"] for p in pages for r in p] == [pk for _, pk in whole]
    assert planner.get("/api/v1/people/researchers?limit=201").status_code == 422
    assert planner.get("/api/v1/people/researchers?page=0").status_code == 422
    page = planner.get("/people/?q=persona+11").content.decode()
    shown = re.findall(r'href="/people/(\d+)/">Persona 11-', page)
    assert [int(i) for i in shown] == [pk for _, pk in whole]


def test_the_name_key_has_fine_statistics_on_postgresql(registry):
    """The planner's estimate of a common surname needs a long histogram of names
    (migration people 0006): the target is set on PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics (the SQLite pass has none to set)")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = "
            "'people_researcher'::regclass AND attname = 'name_key'"
        )
        assert cursor.fetchone()[0] == 3000


def test_pages_read_their_ids_without_parallel_workers_on_postgresql(registry):
    """``serial``: inside, PostgreSQL plans no parallel workers (a page stops early, the
    workers' start costs more); outside, the server's setting is back."""
    from django.db import connection

    from vinculo.web.paging import serial

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's parallel query (SQLite has none)")

    def workers() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    before = workers()
    assert before != "0"  # the server's default (2)
    with serial():
        assert workers() == "0"
    assert workers() == before


def _scope_from_affiliations(code: str) -> set[int]:
    return set(
        Researcher.objects.filter(affiliations__current=True, affiliations__country=code)
        .values_list("id", flat=True)
        .distinct()
    )


def _places(researcher: Researcher) -> list[str]:
    return sorted(researcher.places.values_list("country", flat=True))


def _assert_scopes_in_step() -> None:
    """The place rows equal what the affiliations and names give for every researcher,
    and every country's scope read from them is the one the affiliations give."""
    assert summaries.places_drift() == []
    codes = summaries.countries_of(Researcher.objects.values_list("id", flat=True))
    assert codes
    for code in codes:
        assert set(summaries.in_countries([code]).values_list("id", flat=True)) == (
            _scope_from_affiliations(code)
        ), code


def test_the_places_follow_every_write(registry):
    """The place rows (the scopes' and the country filter's source) are derived at every
    write: imports (a template, OpenAlex and ORCID JSON), a merge, an erasure, a purge;
    two simultaneous posts give two rows; ``people_refresh`` repairs rows written around
    the app."""
    from django.db.models import Count

    from tests.web.test_people import _load

    _import(registry, _rows(60, 21))
    _assert_scopes_in_step()
    two = Researcher.objects.annotate(n=Count("places")).filter(n=2)
    assert two.exists(), "the fixture gives some people a second current post"
    for r in two:
        assert _places(r) == sorted(
            set(r.affiliations.filter(current=True).values_list("country", flat=True))
        )
        assert set(r.places.values_list("name", "name_key")) == {(r.name, r.name_key)}
    _load(registry, "openalex_authors.json")
    _load(registry, "orcid_record.json")
    _assert_scopes_in_step()
    # a person already imported comes back with a new current post: both are current
    moved = (
        Researcher.objects.annotate(n=Count("places"))
        .filter(n=1, places__country="USA")
        .order_by("id")
        .first()
    )
    line = HEADER + f"{moved.name},{moved.orcid},,Instituto JP,,JP,2024,,1,employment,\n"
    _import(registry, line, "moved.csv")
    assert _places(moved) == ["JPN", "USA"]
    _assert_scopes_in_step()
    _import(
        registry,
        HEADER
        + "Rosa Méndez,0000-0003-1419-2405,,UNAM,,MX,2006,2011,0,education,\n"
        + "Rosa Méndez,0000-0003-1419-2405,,CNRS,,FR,2013,,1,employment,Battery recycling\n"
        # the same institution's name (the suggestion's key), at its German site
        + '"Méndez, Rosa",,,CNRS,,DE,2015,,1,employment,\n',
        "rosa.csv",
    )
    kept = merge_accept(actor=registry.users["planner"], suggestion=MergeSuggestion.objects.get())
    assert _places(kept) == ["DEU", "FRA"]
    _assert_scopes_in_step()
    researcher_erase(actor=registry.users["admin"], researcher=kept)
    assert not ResearcherPlace.objects.filter(researcher_id=kept.pk).exists()
    old = timezone.now() - timedelta(days=400)
    Researcher.objects.filter(id__in=Researcher.objects.order_by("id")[:5].values("id")).update(
        last_seen_at=old
    )
    assert purge_expired(days=365) == 5
    _assert_scopes_in_step()
    # written around the app (a bulk load, a rename): the drift is seen, people_refresh
    # repairs it
    first, second, third = Researcher.objects.order_by("id").values_list("id", flat=True)[:3]
    ResearcherPlace.objects.filter(researcher_id=first).delete()
    ResearcherPlace.objects.create(researcher_id=second, country="ZZZ", name="x", name_key="x")
    Researcher.objects.filter(id=third).update(name="Otro Nombre")
    assert summaries.places_drift() == [first, second, third]
    call_command("people_refresh", stdout=io.StringIO(), stderr=io.StringIO())
    _assert_scopes_in_step()


def _ids(client, url: str) -> list[int]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()]


def test_a_walked_country_lists_what_the_scope_query_lists(registry):
    """One country walked from the place index (an officer's single host country, the
    country filter) gives the same researchers in the same order, page after page, as
    the general query (the scope from the affiliations, the researchers in name order),
    for every filter combination and role."""
    from vinculo.web.people.selectors import Found

    both = (
        "Ana Persona Prueba,0000-0002-1825-0097,,UNAM,,MX,2000,2005,0,education,\n"
        "Ana Persona Prueba,0000-0002-1825-0097,,CNRS,,FR,2015,,1,employment,Battery recycling\n"
        "Ana Persona Prueba,0000-0002-1825-0097,,Max Planck,,DE,2016,,1,employment,\n"
    )
    _import(registry, _rows(90, 23) + both)
    names = dict(Researcher.objects.values_list("id", "name"))

    def general(scope, q, country, in_diaspora):
        found = Found(scope, q, country, in_diaspora)
        ids = list(found.queryset().values_list("id", flat=True))
        assert ids == sorted(ids, key=lambda i: (names[i], i))  # name order
        return ids

    cases = [
        (None, "", "FRA", None),
        (None, "persona 23", "USA", True),
        (None, "prueba", "DEU", False),
        (["FRA"], "", "", None),
        (["FRA"], "persona", "", True),
        (["FRA"], "", "DEU", None),  # in France and in Germany
        (["FRA"], "", "FRA", None),
        (["DEU", "FRA"], "", "FRA", None),
        (["DEU", "FRA"], "", "", None),  # two countries: the general reading
        ([], "", "FRA", None),  # an officer without posts
        (None, "", "XYZ", None),
    ]
    for scope, q, country, in_diaspora in cases:
        found = Found(scope, q, country, in_diaspora)
        expected = general(scope, q, country, in_diaspora)
        if country or (scope is not None and len(scope) == 1):
            assert found.walk() is not None
        whole = [r.pk for start in range(0, 120, 7) for r in found[start : start + 7]]
        assert whole == expected, (scope, q, country, in_diaspora)
    in_france = _scope_from_affiliations("FRA")
    in_both = in_france & _scope_from_affiliations("DEU")
    assert in_both, "the fixture has people in France and Germany at once"
    assert set(general(["FRA"], "", "DEU", None)) == in_both
    assert general([], "", "FRA", None) == []
    # through the API and the page, as the officer of the post in France and the planner
    olga = login("officer_a", registry)
    assert set(_ids(olga, "/api/v1/people/researchers?limit=200")) == in_france
    assert set(_ids(olga, "/api/v1/people/researchers?country=deu&limit=200")) == in_both
    planner = login("planner", registry)
    listed = _ids(planner, "/api/v1/people/researchers?country=FRA&limit=200")
    assert listed == sorted(in_france, key=lambda i: (names[i], i))
    page = olga.get("/people/?country=DEU").content.decode()
    shown = {int(i) for i in re.findall(r'href="/people/(\d+)/">', page)}
    assert shown == in_both
