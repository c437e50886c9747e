"""The people app's derived tables, which keep its reads fast at a million profiles:

- :class:`~vinculo.web.people.models.DiasporaCountry`: the diaspora per host country and
  priority (count, works, citations, ties, institutions, topics, the researchers listed
  first), so that a country's diaspora is one indexed row;
- :class:`~vinculo.web.people.models.ResearcherTerm` and
  :class:`~vinculo.web.people.models.TermFrequency`: the matching index (each
  researcher's unit TF-IDF weights per topic stem, the stems' document frequencies), so
  that an opportunity's best fits are a sum over the rows of the opportunity's stems;
- :class:`~vinculo.web.people.models.ResearcherPlace`: the countries of each
  researcher's current affiliations with the researcher's name, so that a scope or a
  country's list is one range of an index in name order (:func:`in_countries`,
  :func:`place_walk`).

Every write of researchers calls :func:`researchers_changed` in its transaction with the
researchers and countries it touched; :func:`refresh_all` rebuilds everything (the
``people_refresh`` command, after a bulk load). The live computation
(:func:`diaspora_figures`) is the one the stored rows come from, and the one used for a
scope narrower than a whole country (an officer looking at a country outside their
posts).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from vinculo.strategy import people as lib
from vinculo.text.tokens import tokenize
from vinculo.web.people.models import (
    Affiliation,
    DiasporaCountry,
    KeptRanking,
    Researcher,
    ResearcherPlace,
    ResearcherTerm,
    TermFrequency,
)

__all__ = [
    "LISTED",
    "TOP_STORED",
    "countries_of",
    "diaspora_figures",
    "in_countries",
    "in_place",
    "is_kept",
    "place_walk",
    "places_drift",
    "priorities_of",
    "ranked_for",
    "refresh_all",
    "refresh_countries",
    "reindex_terms",
    "removing",
    "researchers_changed",
    "shipped_priorities",
    "top_matches",
]

#: How many researchers a country's diaspora lists (the most works first); the search
#: page, filtered by country, pages through all of them.
LISTED = 50
#: How many institutions and topics are stored per country and priority.
TOP_STORED = 10
HOME = "MEX"
BATCH = 2000
STEM_LENGTH = 64  # ResearcherTerm.stem's max_length; a longer "stem" is not a word


@lru_cache(maxsize=200_000)
def _tokens(topic: str) -> tuple[str, ...]:
    return tuple(t for t in tokenize(topic) if len(t) <= STEM_LENGTH)


def _stems(topic: str) -> frozenset[str]:
    return frozenset(_tokens(topic))


@cache
def shipped_priorities() -> dict[str, Any]:
    """The shipped priorities by id, parsed once per process (the file is part of the
    package: it changes with a release, when the process restarts)."""
    from vinculo.strategy.priorities import default_priorities

    return {p.id: p for p in default_priorities().priorities}


@cache
def _priority_stems() -> tuple[tuple[str, tuple[frozenset[str], ...]], ...]:
    """Each shipped priority's keywords (every language) as stem sets."""
    out = []
    for p in shipped_priorities().values():
        keywords = [w for ws in p.keywords.values() for w in ws] or list(p.name.values())
        wanted = tuple(s for s in (frozenset(tokenize(k)) for k in keywords) if s)
        out.append((p.id, wanted))
    return tuple(out)


def priorities_of(topics: Sequence[str]) -> list[str]:
    """The ids of the priorities one of ``topics`` falls in: a keyword's stems all among
    one topic's (:func:`vinculo.strategy.people.priority_hits`, the same rule)."""
    stems = [_stems(t) for t in topics]
    return [
        pid
        for pid, keywords in _priority_stems()
        if any(k <= topic for k in keywords for topic in stems)
    ]


def priority_ids() -> list[str]:
    return [pid for pid, _ in _priority_stems()]


# -- the diaspora per country ---------------------------------------------------------


def diaspora_figures(
    researchers: QuerySet[Researcher], country: str, *, top: int = TOP_STORED
) -> dict[str, dict[str, Any]]:
    """The diaspora among ``researchers`` with a current affiliation in ``country``
    (ISO3): ``{"": figures, priority id: figures, …}``, every shipped priority present.
    Figures: count, works, citations, with_mexican_ties (a past or present affiliation
    in Mexico), institutions and topics ([name, researchers], the most first), listed
    (ids: the most works first, then by name)."""
    found = researchers.filter(
        diaspora=Researcher.Diaspora.DIASPORA,
        id__in=Affiliation.objects.filter(current=True, country=country).values("researcher_id"),
    )
    rows = list(
        found.order_by().values_list(
            "id", "name", "topics", "priorities", "works_count", "cited_by_count"
        )
    )
    ids = [r[0] for r in rows]
    institutions: dict[int, set[str]] = {}
    ties: set[int] = set()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        for rid, name in Affiliation.objects.filter(
            researcher_id__in=chunk, current=True, country=country
        ).values_list("researcher_id", "institution"):
            institutions.setdefault(rid, set()).add(name)
        ties.update(
            Affiliation.objects.filter(researcher_id__in=chunk, country=HOME).values_list(
                "researcher_id", flat=True
            )
        )
    groups: dict[str, list[tuple[Any, ...]]] = {"": rows, **{p: [] for p in priority_ids()}}
    for row in rows:
        for pid in row[3]:
            if pid in groups:
                groups[pid].append(row)
    out = {}
    for pid, members in groups.items():
        where: Counter[str] = Counter()
        topics: Counter[str] = Counter()
        for row in members:
            where.update(institutions.get(row[0], ()))
            topics.update(dict.fromkeys(row[2], 1))
        ranked = sorted(members, key=lambda r: (-(r[4] or 0), r[1], r[0]))
        out[pid] = {
            "count": len(members),
            "works": sum(r[4] or 0 for r in members),
            "citations": sum(r[5] or 0 for r in members),
            "with_mexican_ties": sum(1 for r in members if r[0] in ties),
            "institutions": [[k, v] for k, v in _most_common(where, top)],
            "topics": [[k, v] for k, v in _most_common(topics, top)],
            "listed": [r[0] for r in ranked[:LISTED]],
        }
    return out


def _most_common(counter: Counter[str], top: int) -> list[tuple[str, int]]:
    """The ``top`` most common, ties by first seen (as :meth:`Counter.most_common`)."""
    return counter.most_common(top)


def countries_of(researcher_ids: Iterable[int]) -> set[str]:
    """The countries of the current affiliations of ``researcher_ids``."""
    ids = list(researcher_ids)
    out: set[str] = set()
    for start in range(0, len(ids), BATCH):
        out.update(
            Affiliation.objects.filter(researcher_id__in=ids[start : start + BATCH], current=True)
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
        )
    return out


def refresh_countries(countries: Iterable[str]) -> int:
    """Recompute the stored diaspora of ``countries`` (all profiles); the rows of a
    country left with no diaspora are removed. Returns the rows written."""
    now = timezone.now()
    written = 0
    with transaction.atomic():
        for country in sorted(set(countries)):
            DiasporaCountry.objects.filter(country=country).delete()
            figures = diaspora_figures(Researcher.objects.all(), country)
            if not figures[""]["count"]:
                continue
            DiasporaCountry.objects.bulk_create(
                DiasporaCountry(country=country, priority=pid, computed_at=now, **values)
                for pid, values in figures.items()
            )
            written += len(figures)
    return written


# -- the matching index ---------------------------------------------------------------


def _stem_set(topics: Sequence[str]) -> set[str]:
    return {s for t in topics for s in _stems(t)}


def _df(stems: Iterable[str]) -> tuple[dict[str, int], int, dict[str, float]]:
    """The document frequencies of ``stems``, the number of researchers with topics and
    the stems' weight bounds."""
    stems = list(set(stems))
    df: dict[str, int] = {}
    bound: dict[str, float] = {}
    for start in range(0, len(stems), BATCH):
        for stem, count, weight in TermFrequency.objects.filter(
            stem__in=stems[start : start + BATCH]
        ).values_list("stem", "df", "max_weight"):
            df[stem] = count
            bound[stem] = weight
    n = df.pop("", None)
    if n is None:
        n = TermFrequency.objects.filter(stem="").values_list("df", flat=True).first() or 0
    return df, n, bound


def _raise_bounds(rows: Iterable[ResearcherTerm]) -> None:
    """Keep each stem's weight bound at least the largest weight just written."""
    largest: dict[str, float] = {}
    for row in rows:
        if row.weight > largest.get(row.stem, 0.0):
            largest[row.stem] = row.weight
    for stem, weight in largest.items():
        TermFrequency.objects.filter(stem=stem, max_weight__lt=weight).update(max_weight=weight)


def _bump(counts: Counter[str]) -> None:
    for stem, delta in counts.items():
        if not delta:
            continue
        updated = TermFrequency.objects.filter(stem=stem).update(df=F("df") + delta)
        if not updated and delta > 0:
            TermFrequency.objects.create(stem=stem, df=delta)
    TermFrequency.objects.filter(df__lte=0).delete()


def reindex_terms(researcher_ids: Iterable[int]) -> None:
    """Rebuild the matching rows of ``researcher_ids`` (gone ones just removed): the
    document frequencies move by their old and new stems, and their weights use the
    frequencies after the move. Other researchers keep the weights they were given;
    :func:`refresh_all` reweights everyone."""
    ids = sorted(set(researcher_ids))
    if not ids:
        return
    with transaction.atomic():
        delta: Counter[str] = Counter()
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            old = ResearcherTerm.objects.filter(researcher_id__in=chunk)
            delta.subtract(old.values_list("stem", flat=True))
            delta[""] -= old.values("researcher_id").distinct().count()
            old.delete()
        rows = list(
            Researcher.objects.filter(id__in=ids).exclude(topics=[]).values_list("id", "topics")
        )
        stems = {rid: _stem_set(topics) for rid, topics in rows}
        for found in stems.values():
            if found:
                delta.update(found)
                delta[""] += 1
        _bump(delta)
        df, n, _bound = _df(s for found in stems.values() for s in found)
        idf = lib.idf_weights(df, n)
        written = [
            ResearcherTerm(researcher_id=rid, stem=s, weight=w)
            for rid, topics in rows
            for s, w in lib.unit_vector((s for t in topics for s in _tokens(t)), idf).items()
        ]
        ResearcherTerm.objects.bulk_create(written, batch_size=BATCH)
        _raise_bounds(written)
        _maintain_rankings(ids)


def removing(researcher_ids: Iterable[int]) -> set[str]:
    """Call before deleting ``researcher_ids``: drops their matching rows (their stems'
    frequencies move down) and returns their current countries, whose diaspora
    :func:`refresh_countries` recomputes after the deletion."""
    ids = sorted(set(researcher_ids))
    countries = countries_of(ids)
    delta: Counter[str] = Counter()
    for start in range(0, len(ids), BATCH):
        old = ResearcherTerm.objects.filter(researcher_id__in=ids[start : start + BATCH])
        delta.subtract(old.values_list("stem", flat=True))
        delta[""] -= old.values("researcher_id").distinct().count()
        old.delete()
    _bump(delta)
    _maintain_rankings(ids)  # no kept ranking keeps a removed person's id
    return countries


#: Scores equal to this many decimals are a tie, broken by the researcher's id.
TIE_DIGITS = 9
#: How many of each stem's heaviest rows seed the pruning's threshold.
SEEDS_PER_STEM = 100


def top_matches(
    text: str, researchers: QuerySet[Researcher], top: int
) -> tuple[list[tuple[int, float]], dict[str, float]]:
    """:func:`scored`'s ranking and IDF."""
    ranked, idf, _query = scored(text, researchers, top)
    return ranked, idf


def scored(
    text: str, researchers: QuerySet[Researcher], top: int
) -> tuple[list[tuple[int, float]], dict[str, float], dict[str, float]]:
    """The ``top`` researchers among ``researchers`` whose topics fit ``text`` best, as
    (id, score), the IDF used (the stems of ``text``) and the text's weights: the score
    is the cosine of the unit TF-IDF vectors (:func:`vinculo.strategy.people.rank_by_fit`
    with the corpus's IDF), summed in the database over the rows of the text's stems.

    Exact top-k with pruning (MaxScore): a threshold comes first from the researchers
    among each stem's :data:`SEEDS_PER_STEM` heaviest rows (the ``top``-th best score
    among them). A stem's contribution to anyone's score is at most its query weight
    times its weight bound; the stems whose bounds together stay under the threshold
    cannot put anyone in the list alone, so only the researchers holding one of the
    other stems are scored (on every stem of the text)."""
    stems = tokenize(text)
    df, n, bound = _df(stems)
    idf = lib.idf_weights(df, n)
    query = {s: w for s, w in lib.unit_vector(stems, idf).items() if w and s in df}
    if not query:
        return [], idf, {}
    term = ResearcherTerm._meta.db_table
    values = ", ".join(["(%s, CAST(%s AS DOUBLE PRECISION))"] * len(query))
    base: list[Any] = [x for item in sorted(query.items()) for x in item]
    scope, scope_params = "", []
    if researchers.query.where:
        sub, sub_params = researchers.order_by().values("id").query.sql_with_params()
        scope, scope_params = f"AND t.researcher_id IN ({sub})", list(sub_params)

    def score(candidates: str, params: list[Any]) -> list[tuple[int, float]]:
        sql = (
            f"WITH q(stem, w) AS (VALUES {values}) "
            f"SELECT t.researcher_id, SUM(t.weight * q.w) AS score "
            f"FROM {term} t JOIN q ON t.stem = q.stem "
            f"WHERE t.researcher_id IN ({candidates}) {scope} "
            f"GROUP BY t.researcher_id "
            f"ORDER BY ROUND(CAST(SUM(t.weight * q.w) AS NUMERIC), {TIE_DIGITS}) DESC, "
            f"t.researcher_id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*base, *params, *scope_params, top])
            return [(int(r), float(sc)) for r, sc in cursor.fetchall()]

    heaviest = " UNION ALL ".join(
        f"SELECT * FROM (SELECT h.researcher_id FROM {term} h WHERE h.stem = %s "
        f"ORDER BY h.weight DESC LIMIT {int(SEEDS_PER_STEM)}) AS h{i}"
        for i in range(len(query))
    )
    seeded = score(heaviest, sorted(query))
    threshold = seeded[-1][1] if len(seeded) == top else 0.0
    # the stems, lightest bound first, that cannot lift anyone to the threshold together
    optional, total = set(), 0.0
    for stem in sorted(query, key=lambda s: (query[s] * bound.get(s, 1.0), s)):
        total += query[stem] * bound.get(stem, 1.0)
        if total >= threshold:
            break
        optional.add(stem)
    needed = sorted(set(query) - optional)
    marks = ", ".join(["%s"] * len(needed))
    ranked = score(f"SELECT e.researcher_id FROM {term} e WHERE e.stem IN ({marks})", needed)
    return ranked, idf, query


def in_countries(countries: Iterable[str] | None) -> QuerySet[Researcher]:
    """Every researcher (``None``), or those with a current affiliation in one of
    ``countries`` (ISO3): the scopes of the people roles (an officer's: the host
    countries of their posts, :mod:`vinculo.web.people.selectors`) and the list's
    country filter. Read from :class:`~vinculo.web.people.models.ResearcherPlace` (kept
    equal to the affiliations by every write, :func:`places_drift`)."""
    if countries is None:
        return Researcher.objects.all()
    return Researcher.objects.filter(id__in=in_place(countries).values("researcher_id"))


def in_place(countries: Iterable[str]) -> QuerySet[ResearcherPlace]:
    """The place rows of ``countries`` (none for none)."""
    codes = sorted({c for c in countries if c})
    if not codes:
        return ResearcherPlace.objects.none()
    return ResearcherPlace.objects.filter(country__in=codes)


def place_walk(country: str) -> QuerySet[ResearcherPlace]:
    """The researchers currently in ``country`` in the list's order (name, id), walked
    from the index ``people_place_walk``: filter it (``name_key``, ``researcher_id``) and
    slice it; the order is the same as the researchers' (the same names, the same
    collation)."""
    return ResearcherPlace.objects.filter(country=country).order_by("name", "researcher_id")


def _places_of(ids: Sequence[int]) -> dict[int, set[str]]:
    """The countries of the current affiliations of each of ``ids``."""
    found: dict[int, set[str]] = {rid: set() for rid in ids}
    for start in range(0, len(ids), BATCH):
        for rid, country in (
            Affiliation.objects.filter(researcher_id__in=ids[start : start + BATCH], current=True)
            .exclude(country="")
            .values_list("researcher_id", "country")
        ):
            found[rid].add(country)
    return found


def _place_rows(ids: Sequence[int]) -> tuple[set[tuple[Any, ...]], dict[tuple[Any, ...], int]]:
    """The place rows ``ids`` should have (researcher, country, name, name key) and
    those they have (the same, to their primary keys)."""
    wanted: set[tuple[Any, ...]] = set()
    have: dict[tuple[Any, ...], int] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        where = _places_of(chunk)
        for rid, name, key in Researcher.objects.filter(id__in=chunk).values_list(
            "id", "name", "name_key"
        ):
            wanted.update((rid, country, name, key) for country in where[rid])
        for pk, *row in ResearcherPlace.objects.filter(researcher_id__in=chunk).values_list(
            "pk", "researcher_id", "country", "name", "name_key"
        ):
            have[tuple(row)] = pk
    return wanted, have


def _store_places(researcher_ids: Iterable[int]) -> None:
    """Bring the place rows of ``researcher_ids`` in step with their affiliations and
    names."""
    wanted, have = _place_rows(sorted(set(researcher_ids)))
    gone = [pk for row, pk in have.items() if row not in wanted]
    for start in range(0, len(gone), BATCH):
        ResearcherPlace.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    ResearcherPlace.objects.bulk_create(
        [
            ResearcherPlace(researcher_id=rid, country=country, name=name, name_key=key)
            for rid, country, name, key in sorted(wanted - have.keys())
        ],
        batch_size=BATCH,
    )


def places_drift(ids: Iterable[int] | None = None) -> list[int]:
    """The researchers (of ``ids``, or all) whose place rows differ from what their
    affiliations and names give: none after every write; :func:`refresh_all` repairs
    what was written around the app."""
    wanted_ids = sorted(
        set(ids) if ids is not None else Researcher.objects.values_list("id", flat=True)
    )
    wanted, have = _place_rows(wanted_ids)
    return sorted({row[0] for row in wanted.symmetric_difference(have.keys())})


#: Every researcher's place rows from their current affiliations, in one statement (after
#: the rows are emptied: :func:`refresh_all`).
PLACES_FROM_AFFILIATIONS = (
    f"INSERT INTO {ResearcherPlace._meta.db_table} (researcher_id, country, name, name_key) "
    "SELECT DISTINCT a.researcher_id, a.country, r.name, r.name_key "
    f"FROM {Affiliation._meta.db_table} a "
    f"JOIN {Researcher._meta.db_table} r ON r.id = a.researcher_id "
    "WHERE a.current = %s AND a.country <> ''"
)


#: How many more researchers a kept ranking holds than it shows: the reserve that lets
#: it absorb the imports and erasures that move some of them (:func:`_maintain_rankings`).
KEPT_RESERVE = 4


def _order(item: Sequence[Any]) -> tuple[float, int]:
    """A ranking's order: the score to :data:`TIE_DIGITS` decimals (sums of the same
    products in another order differ in the last bits), then the id."""
    return (-round(float(item[1]), TIE_DIGITS), int(item[0]))


def _kept_keys(
    text: str, countries: Iterable[str] | None, top: int
) -> tuple[list[str] | None, str, str]:
    """The scope's codes, the scope's key and the text's key of a kept ranking."""
    codes = None if countries is None else sorted(set(countries))
    scope_name = "*" if codes is None else ",".join(codes)
    scope = hashlib.sha256(scope_name.encode()).hexdigest()
    return codes, scope, hashlib.sha256(f"{top}\n{text}".encode()).hexdigest()


def is_kept(subject: str, text: str, countries: Iterable[str] | None, top: int) -> bool:
    """Whether :func:`ranked_for` would read a kept ranking (not compute one)."""
    _codes, scope, key = _kept_keys(text, countries, top)
    return KeptRanking.objects.filter(subject=subject, scope=scope, key=key).exists()


def ranked_for(
    subject: str, text: str, countries: Iterable[str] | None, top: int
) -> tuple[list[tuple[int, float]], dict[str, float]]:
    """The ``top`` best fits of ``text`` among :func:`in_countries` ``(countries)``, as
    :func:`top_matches` gives them, kept (:class:`~vinculo.web.people.models.KeptRanking`)
    for ``subject`` while the text is the same: computed at the first request, ``top``
    times (1 + :data:`KEPT_RESERVE`) deep, then kept exact at every write of researchers
    by :func:`_maintain_rankings` instead of computed again. The scores keep the text's
    weights of their computation (the document frequencies an import moves change them
    only at the next ``people_refresh``, which computes every ranking again)."""
    codes, scope, key = _kept_keys(text, countries, top)
    row = KeptRanking.objects.filter(subject=subject, scope=scope).first()
    if row is not None and row.key == key:
        df, n, _bound = _df(tokenize(text))
        kept = [(int(i), float(v)) for i, v in row.ranked[:top]]
        return kept, lib.idf_weights(df, n)
    depth = top * (1 + KEPT_RESERVE)
    ranked, idf, query = scored(text, in_countries(codes), depth)
    try:
        with transaction.atomic():
            KeptRanking.objects.update_or_create(
                subject=subject, scope=scope,
                defaults={
                    "countries": codes, "key": key, "query": query,
                    "ranked": [list(x) for x in ranked], "shown": top, "depth": depth,
                    "complete": len(ranked) < depth, "computed_at": timezone.now(),
                },
            )  # fmt: skip
    except IntegrityError:
        pass  # another request stored the same ranking meanwhile
    return ranked[:top], idf


def _maintain_rankings(researcher_ids: Iterable[int]) -> None:
    """Keep every kept ranking exact after a write of ``researcher_ids`` (their matching
    rows just rebuilt, or removed before an erasure): they leave every ranking and come
    back with their new scores (the ranking's text weights, in its scope). A researcher
    not among them kept their score, so one outside a ranking still ranks after its last
    entry: a ranking that listed everyone with a positive score stays complete (cut at
    its depth), one that did not keeps only what ranks before its former last entry, and
    is dropped (computed again when read) once that leaves fewer than it shows."""
    ids = set(researcher_ids)
    if not ids or not KeptRanking.objects.exists():
        return
    ordered = sorted(ids)
    postings: dict[str, list[tuple[int, float]]] = {}
    current: dict[int, set[str]] = {}
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        for rid, stem, weight in ResearcherTerm.objects.filter(researcher_id__in=chunk).values_list(
            "researcher_id", "stem", "weight"
        ):
            postings.setdefault(stem, []).append((rid, weight))
        for rid, country in ResearcherPlace.objects.filter(researcher_id__in=chunk).values_list(
            "researcher_id", "country"
        ):
            current.setdefault(rid, set()).add(country)
    changed, dropped = [], []
    for row in KeptRanking.objects.iterator(chunk_size=BATCH):
        scores: Counter[int] = Counter()
        for stem, weight in row.query.items():
            for rid, w in postings.get(stem, ()):
                scores[rid] += w * weight
        allowed = None if row.countries is None else set(row.countries)
        fresh = [
            [rid, score]
            for rid, score in scores.items()
            if score > 0 and (allowed is None or current.get(rid, set()) & allowed)
        ]
        old = [x for x in row.ranked if int(x[0]) not in ids]
        if not fresh and len(old) == len(row.ranked):
            continue  # none of them in it, before or after
        merged = sorted(old + fresh, key=_order)
        complete = row.complete
        if not complete and row.ranked:
            last = _order(row.ranked[-1])
            merged = [x for x in merged if _order(x) <= last]
        if len(merged) > row.depth:
            merged, complete = merged[: row.depth], False
        if not complete and len(merged) < row.shown:
            dropped.append(row.pk)
            continue
        row.ranked, row.complete, row.updated_at = merged, complete, timezone.now()
        changed.append(row)
    KeptRanking.objects.filter(pk__in=dropped).delete()
    KeptRanking.objects.bulk_update(changed, ["ranked", "complete", "updated_at"], batch_size=500)


# -- every write ----------------------------------------------------------------------


def researchers_changed(researcher_ids: Iterable[int], countries: Iterable[str] = ()) -> None:
    """Keep the derived tables in step after a write: the places (current countries)
    and the matching rows of ``researcher_ids``, and the diaspora of ``countries`` plus their
    current countries (call with the countries they had before the write too)."""
    ids = set(researcher_ids)
    _store_places(ids)
    reindex_terms(ids)
    refresh_countries({*countries, *countries_of(ids)})


def refresh_all(progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Rebuild every derived table from the profiles: each researcher's priorities and
    places (current countries), the document frequencies, every researcher's matching rows, every
    country's diaspora. One transaction. ``progress(step, done, total)`` is called as it goes."""
    report = {"researchers": 0, "terms": 0, "countries": 0}
    with transaction.atomic():
        ids = list(Researcher.objects.order_by("id").values_list("id", flat=True))
        total = len(ids)
        df: Counter[str] = Counter()
        n = 0
        for start in range(0, total, BATCH):
            chunk = list(
                Researcher.objects.filter(id__in=ids[start : start + BATCH]).values_list(
                    "id", "topics", "priorities"
                )
            )
            changed = []
            for rid, topics, stored in chunk:
                found = _stem_set(topics)
                if found:
                    df.update(found)
                    n += 1
                wanted = priorities_of(topics)
                if wanted != stored:
                    changed.append(Researcher(id=rid, priorities=wanted))
            Researcher.objects.bulk_update(changed, ["priorities"], batch_size=BATCH)
            if progress:
                progress("priorities", min(start + BATCH, total), total)
        report["researchers"] = total
        ResearcherPlace.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(PLACES_FROM_AFFILIATIONS, [True])
        if progress:
            progress("places", total, total)
        TermFrequency.objects.all().delete()
        ResearcherTerm.objects.all().delete()
        TermFrequency.objects.bulk_create(
            [TermFrequency(stem="", df=n), *(TermFrequency(stem=s, df=c) for s, c in df.items())],
            batch_size=BATCH,
        )
        idf = lib.idf_weights(dict(df), n)
        largest: dict[str, float] = {}
        for start in range(0, total, BATCH):
            chunk = list(
                Researcher.objects.filter(id__in=ids[start : start + BATCH])
                .exclude(topics=[])
                .values_list("id", "topics")
            )
            terms = [
                ResearcherTerm(researcher_id=rid, stem=s, weight=w)
                for rid, topics in chunk
                for s, w in lib.unit_vector((s for t in topics for s in _tokens(t)), idf).items()
            ]
            ResearcherTerm.objects.bulk_create(terms, batch_size=BATCH)
            for row in terms:
                if row.weight > largest.get(row.stem, 0.0):
                    largest[row.stem] = row.weight
            report["terms"] += len(terms)
            if progress:
                progress("terms", min(start + BATCH, total), total)
        TermFrequency.objects.bulk_update(
            [TermFrequency(stem=s, df=df[s], max_weight=w) for s, w in largest.items()],
            ["max_weight"],
            batch_size=BATCH,
        )
        KeptRanking.objects.all().delete()  # every weight moved: computed again when read
        countries = set(
            Affiliation.objects.filter(current=True)
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
        ) | set(DiasporaCountry.objects.values_list("country", flat=True))
        for done, country in enumerate(sorted(countries), start=1):
            refresh_countries([country])
            if progress:
                progress("countries", done, len(countries))
        report["countries"] = DiasporaCountry.objects.filter(priority="").count()
        if connection.vendor == "postgresql":
            # the planner's statistics of the rebuilt tables, before the first read: the
            # places analyzed empty (a bulk load) would be read whole for a country's page
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(REBUILT)}")
    return report


#: The tables :func:`refresh_all` rewrites.
REBUILT = tuple(
    model._meta.db_table
    for model in (Researcher, ResearcherPlace, ResearcherTerm, TermFrequency, DiasporaCountry)
)
