"""Snapshots of OpenAlex works in the published layout, written from records or generated.

The layout (docs/scale.md cites OpenAlex's "Snapshot data format" page)::

    data/works/manifest                                   JSON, Redshift manifest format
    data/works/updated_date=YYYY-MM-DD/part_NNN.gz        gzip JSON lines, one work a line
    data/merged_ids/works/YYYY-MM-DD.csv.gz               merge_date,id,merge_into_id

:func:`write_snapshot` writes given work records (the hand-written test fixtures);
:func:`generate_snapshot` writes a synthetic snapshot of any size, deterministic for a seed,
with the fields of the real work schema that the snapshot job reads and a realistic share
of the others' bulk (``referenced_works``). Used by the tests and by
``benchmarks/openalex_snapshot.py``; ``scripts/openalex_snapshot_fixture.py`` is its command.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

__all__ = ["generate_snapshot", "work_record", "write_manifest", "write_snapshot"]

_BASE = "https://openalex.org/"


def work_record(
    work_id: str,
    year: int | None,
    updated_date: str,
    authorships: Sequence[Mapping[str, Any]],
    topic: tuple[str, str, str, str] | None = None,
    *,
    work_type: str = "article",
    referenced: Sequence[str] = (),
) -> dict[str, Any]:
    """One work in OpenAlex's JSON schema.

    ``authorships``: dicts with ``author`` (id), ``orcid`` (or None), ``institutions``
    (a list of ``(id, ror or None, country_code or None)``), ``countries`` (default: the
    distinct country codes of the institutions) and ``corresponding`` (bool).
    ``topic``: (topic, subfield, field, domain) bare ids, e.g. ``("T10018", "2105", "21",
    "3")``; None for a work without a topic.
    """
    shaped: list[dict[str, Any]] = []
    for position, authorship in enumerate(authorships):
        institutions = [
            {
                "id": f"{_BASE}{inst}",
                "display_name": f"Institution {inst}",
                "ror": f"https://ror.org/{ror}" if ror else None,
                "country_code": country,
                "type": "education",
                "lineage": [f"{_BASE}{inst}"],
            }
            for inst, ror, country in authorship.get("institutions", [])
        ]
        countries = authorship.get("countries")
        if countries is None:
            countries = sorted({i["country_code"] for i in institutions if i["country_code"]})
        orcid = authorship.get("orcid")
        shaped.append(
            {
                "author_position": "first" if position == 0 else "middle",
                "author": {
                    "id": f"{_BASE}{authorship['author']}",
                    "display_name": f"Author {authorship['author']}",
                    "orcid": f"https://orcid.org/{orcid}" if orcid else None,
                },
                "institutions": institutions,
                "countries": list(countries),
                "is_corresponding": bool(authorship.get("corresponding", position == 0)),
                "raw_author_name": f"Author {authorship['author']}",
                "raw_affiliation_strings": [i["display_name"] for i in institutions],
            }
        )
    primary = None
    if topic is not None:
        t, subfield, field, domain = topic
        primary = {
            "id": f"{_BASE}{t}",
            "display_name": f"Topic {t}",
            "score": 0.99,
            "subfield": {"id": f"{_BASE}subfields/{subfield}", "display_name": f"Sub {subfield}"},
            "field": {"id": f"{_BASE}fields/{field}", "display_name": f"Field {field}"},
            "domain": {"id": f"{_BASE}domains/{domain}", "display_name": f"Domain {domain}"},
        }
    return {
        "id": f"{_BASE}{work_id}",
        "doi": f"https://doi.org/10.5555/{work_id.lower()}",
        "title": f"Work {work_id}",
        "display_name": f"Work {work_id}",
        "publication_year": year,
        "publication_date": f"{year}-06-01" if year else None,
        "type": work_type,
        "authorships": shaped,
        "countries_distinct_count": len({c for a in shaped for c in a["countries"]}),
        "institutions_distinct_count": len({i["id"] for a in shaped for i in a["institutions"]}),
        "primary_topic": primary,
        "topics": [primary] if primary else [],
        "referenced_works": [f"{_BASE}{r}" for r in referenced],
        "updated_date": updated_date,
        "created_date": "2020-01-01",
    }


def _write_part(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    # mtime=0: the same records give the same bytes
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as gz,
    ):
        buffer = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        for record in records:
            buffer.write(json.dumps(record, separators=(",", ":")))
            buffer.write("\n")
            count += 1
        buffer.flush()
        buffer.detach()
    return count


def write_manifest(root: Path, counts: Mapping[str, int]) -> Path:
    """``data/works/manifest`` listing ``counts`` (relative path under data/works -> records)."""
    works = root / "data" / "works"
    entries: list[dict[str, Any]] = [
        {
            "url": f"s3://openalex/data/works/{relative}",
            "meta": {
                "content_length": (works / relative).stat().st_size,
                "record_count": records,
            },
        }
        for relative, records in sorted(counts.items())
    ]
    manifest = {
        "entries": entries,
        "meta": {
            "content_length": sum(e["meta"]["content_length"] for e in entries),
            "record_count": sum(counts.values()),
        },
    }
    path = works / "manifest"
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def _write_merged(root: Path, merged: Mapping[str, Sequence[tuple[str, str]]]) -> None:
    folder = root / "data" / "merged_ids" / "works"
    folder.mkdir(parents=True, exist_ok=True)
    for date, pairs in merged.items():
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(["merge_date", "id", "merge_into_id"])
        writer.writerows([date, old, into] for old, into in pairs)
        with gzip.open(folder / f"{date}.csv.gz", "wt", encoding="utf-8") as handle:
            handle.write(text.getvalue())


def write_snapshot(
    root: str | Path,
    partitions: Mapping[str, Sequence[Sequence[Mapping[str, Any]]]],
    merged: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> Path:
    """Write ``partitions`` (updated date -> files -> work records) and ``merged`` (merge
    date -> (old id, merged into id)) in the snapshot layout, with the manifest."""
    root = Path(root)
    counts = {}
    for date, files in partitions.items():
        for number, records in enumerate(files):
            relative = f"updated_date={date}/part_{number:03d}.gz"
            counts[relative] = _write_part(root / "data" / "works" / relative, records)
    write_manifest(root, counts)
    _write_merged(root, merged or {})
    return root


# ---------------------------------------------------------------------- generated
# A fixed pool of ISO 3166 alpha-2 codes with skewed weights (a few large producers),
# including "XK" (user-assigned, Kosovo) and, rarely, historic "YU" and a code ISO never
# assigned ("ZZ") — the job must handle them as documented.
_CODES = (
    "US CN GB DE JP FR IN IT CA ES AU KR BR NL RU CH SE PL IR TR MX BE DK AT NO FI PT IL "
    "GR CZ SG NZ AR ZA EG CL CO PK MY TH SA IE HU NG RO ID UA VN KE PE TW XK YU ZZ"
)
_COUNTRIES = _CODES.split()
_WEIGHTS = [1.0 / (rank + 1) ** 0.9 for rank in range(len(_COUNTRIES))]
_WEIGHTS[-2] = _WEIGHTS[-1] = 0.002
_WORKS_PER_FILE = 50_000


def _topic(rng: random.Random) -> tuple[str, str, str, str]:
    field = rng.randint(11, 36)
    subfield = field * 100 + rng.randint(1, 12)
    topic = 10000 + (subfield % 1000) * 4 + rng.randint(0, 3)
    return (f"T{topic}", str(subfield), str(field), str(1 + field % 4))


def _generated_work(rng: random.Random, number: int, n_works: int, updated: str) -> dict[str, Any]:
    n_inst = max(1000, n_works // 200)
    n_auth = max(1000, n_works // 2)
    authorships = []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8)) if rng.random() > 0.03 else 0):
        author = rng.randrange(n_auth)
        institutions = []
        for _ in range(rng.choice((0, 1, 1, 1, 1, 2))):
            inst = rng.randrange(n_inst)
            country = _INSTITUTION_COUNTRY[inst % len(_INSTITUTION_COUNTRY)]
            ror = f"0{inst:08x}" if inst % 17 else None
            institutions.append((f"I{inst + 1}", ror, country))
        authorships.append(
            {
                "author": f"A{author + 1}",
                "orcid": f"0000-0002-{author % 10000:04d}-{author // 10000 % 10000:04d}"
                if author % 3 == 0
                else None,
                "institutions": institutions,
            }
        )
    year = rng.randint(1995, 2024) if rng.random() > 0.002 else None
    topic = _topic(rng) if rng.random() > 0.05 else None
    referenced = [f"W{rng.randrange(1, 4 * n_works)}" for _ in range(rng.randint(0, 30))]
    return work_record(
        f"W{number}",
        year,
        updated,
        authorships,
        topic,
        work_type=rng.choice(("article", "article", "article", "review", "book-chapter")),
        referenced=referenced,
    )


_INSTITUTION_COUNTRY = random.Random(7).choices(_COUNTRIES, _WEIGHTS, k=9973)


def _generate_file(args: tuple[Path, int, int, int, int, str]) -> int:
    path, seed, first, last, n_works, updated = args
    rng = random.Random(seed)
    return _write_part(
        path, (_generated_work(rng, number, n_works, updated) for number in range(first, last))
    )


def generate_snapshot(
    root: str | Path,
    n_works: int,
    *,
    seed: int = 1,
    partitions: int = 6,
    updated_share: float = 0.05,
    merged_share: float = 0.01,
    workers: int = 1,
    works_per_file: int = _WORKS_PER_FILE,
) -> Path:
    """A synthetic snapshot of ``n_works`` distinct works (ids W1..Wn) spread over
    ``partitions`` updated_date partitions, plus ``updated_share`` of them again (a newer
    version, changed authorships and topic) in a later partition, and ``merged_share`` of
    the ids listed in merged_ids (they must not count). Deterministic for a seed."""
    root = Path(root)
    dates = [f"2024-{month:02d}-01" for month in range(1, partitions + 1)]
    base = root / "data" / "works"
    jobs = []
    per_partition = -(-n_works // partitions)
    for p, date in enumerate(dates):
        start, stop = 1 + p * per_partition, min(n_works, (p + 1) * per_partition) + 1
        for f, first in enumerate(range(start, stop, works_per_file)):
            last = min(stop, first + works_per_file)
            relative = f"updated_date={date}/part_{f:03d}.gz"
            jobs.append((base / relative, seed * 1_000_003 + first, first, last, n_works, date))
    # newer versions: works of the first partition again, in the last one
    updated = int(n_works * updated_share)
    if updated and partitions > 1:
        for k, first in enumerate(range(1, updated + 1, works_per_file)):
            last = min(updated + 1, first + works_per_file)
            relative = f"updated_date={dates[-1]}/part_{900 + k:03d}.gz"
            jobs.append(
                (base / relative, seed * 7_000_001 + first, first, last, n_works, dates[-1])
            )
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            written = list(pool.map(_generate_file, jobs))
    else:
        written = [_generate_file(job) for job in jobs]
    counts = {
        str(job[0].relative_to(base)): records for job, records in zip(jobs, written, strict=True)
    }
    write_manifest(root, counts)
    rng = random.Random(seed)
    merged = sorted(rng.sample(range(1, n_works + 1), int(n_works * merged_share)))
    _write_merged(root, {"2024-03-15": [(f"W{m}", f"W{m % n_works + 1}") for m in merged]})
    return root
