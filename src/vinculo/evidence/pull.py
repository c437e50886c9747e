"""``vinculo data pull``: every source into the store — downloaded from its public address
into a cache, or read from a mirror folder without any network.

Each source has up to three ways in:

* **staged** files: the layout of ``../shared/data`` (one folder per dataset, files as the
  project's staged copies name them) — read from a mirror only;
* **originals**: files as their publisher serves them (the Atlas's Dataverse CSV, CEPII's
  BACI zip, ROR's Zenodo dump...), downloaded into ``<VINCULO_HOME>/downloads/<path>`` with
  a progress report, a checksum and resume of partial downloads, or read from
  ``<mirror>/<path>`` — the "originals" mirror layout (docs/evidence.md lists the paths);
* an **API** (World Bank WDI, OpenAlex): fetched through its client, with its own
  response cache under ``<VINCULO_HOME>/cache/<source>``.

With a mirror, a source's staged files are used when the mirror has them, else its
originals; a source with neither in the mirror is an error when named and skipped (and
reported) when pulling everything. Without a mirror, originals are downloaded and APIs
queried. Every file is imported in its own transaction and recognized by checksum on the
next run, so an interrupted pull resumes where it stopped.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from vinculo.evidence.http import download, get_json, new_client
from vinculo.evidence.sources import (
    atlas,
    atlas_rankings,
    baci,
    comtrade,
    ncses,
    openalex,
    openalex_api,
    ots,
    ror,
    wdi,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = ["SOURCES", "Original", "PullReport", "PullResult", "Source", "pull"]

Importer = Callable[[EvidenceStore, Path], ImportResult]
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Original:
    """A file as its publisher serves it.

    ``path`` is where it lives below a mirror folder or the download cache. ``url`` is its
    public address, or ``resolve`` finds it (e.g. the latest release) and returns the
    address and the file name; neither means it cannot be downloaded without an account
    (mirror only). With ``members``, ``path`` is a zip (or the folder it extracts to)
    and every member matching that pattern is imported; members matching ``companions``
    are extracted beside them (e.g. BACI's country list).
    """

    path: str
    importer: Importer
    url: str | None = None
    resolve: Callable[[httpx.Client], tuple[str, str]] | None = None
    members: str | None = None
    companions: str | None = None  # other members the importer reads beside them
    sha256: str | None = None
    fetch: bool = True  # False: not downloaded by a pull (read from a mirror only)

    @property
    def downloadable(self) -> bool:
        return self.fetch and (self.url is not None or self.resolve is not None)


@dataclass(frozen=True)
class Source:
    """One source: its staged files, its originals and/or its API; ``default``: pulled when
    no source is named."""

    name: str
    description: str
    staged: Sequence[tuple[str, Callable[[EvidenceStore, Path], ImportResult]]] = ()
    originals: Sequence[Original] = ()
    api: Callable[[EvidenceStore, Path, httpx.BaseTransport | None], list[ImportResult]] | None = (
        None
    )
    default: bool = True


@dataclass(frozen=True)
class PullResult:
    source: str
    path: Path | str
    result: ImportResult


@dataclass
class PullReport:
    """What a pull did: the datasets it imported or found, and the sources it skipped."""

    results: list[PullResult] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[PullResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


def _latest_ror_dump(client: httpx.Client) -> tuple[str, str]:
    """The newest ROR data dump on Zenodo (community ``ror-data``): its zip's address."""
    found = get_json(
        client,
        "https://zenodo.org/api/records",
        {"communities": "ror-data", "sort": "mostrecent", "size": 1},
    )
    try:
        files = found["hits"]["hits"][0]["files"]
        chosen = next(f for f in files if str(f["key"]).endswith(".zip"))
        return str(chosen["links"]["self"]), str(chosen["key"])
    except (KeyError, IndexError, StopIteration, TypeError):
        raise EvidenceError(
            "Zenodo: no ROR data dump zip in the newest record of community 'ror-data'"
        ) from None


def _wdi(
    store: EvidenceStore, cache: Path, transport: httpx.BaseTransport | None
) -> list[ImportResult]:
    results = wdi.pull_wdi(store, cache_folder=cache, transport=transport)
    return [r.dataset for r in results if r.dataset is not None]


_atlas = atlas.import_country_product_year
# OpenAlex's 26 fields (ASJC-based topic taxonomy): ids 11 (Agricultural and Biological
# Sciences) to 36 (Health Professions).
OPENALEX_FIELDS = tuple(range(11, 37))


def _openalex_api(
    store: EvidenceStore, cache: Path, transport: httpx.BaseTransport | None
) -> list[ImportResult]:
    """Works per country × field × year and country-pair co-authorship (all fields) for
    the last ten complete years: about 2,500 group_by requests on a first run (a key's
    daily budget is 10,000 credits), none for what the cache already holds."""
    last = datetime.now(UTC).year - 1
    years = range(last - 9, last + 1)
    with openalex_api.OpenAlexClient(cache_folder=cache, transport=transport) as client:
        publications = client.publication_counts(years, OPENALEX_FIELDS)
        coauthorship = client.coauthorship_counts(years)
        return [
            openalex_api.write_to_store(store, publications),
            openalex_api.write_to_store(store, coauthorship),
        ]


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            "atlas",
            "Atlas of Economic Complexity: HS92 exports, published ECI and PCI",
            staged=[*atlas.STAGED, *atlas_rankings.STAGED],
            originals=[
                *(
                    Original(path, atlas.import_country_product_year, url=url)
                    for url, path in atlas.DOWNLOADS
                ),
                # the previous release: read from a mirror, as a file or the zip it comes in
                *(
                    Original(f"atlas_hs92/country_hsproduct4digit_year.{kind}", _atlas, fetch=False)
                    for kind in ("csv", "tab", "csv.gz")
                ),
                Original(
                    "atlas_hs92/country_hsproduct4digit_year.csv.zip",
                    atlas.import_country_product_year,
                    url=atlas.PREVIOUS_RELEASE,
                    members="country_hsproduct4digit_year.csv",
                    fetch=False,
                ),
            ],
        ),
        Source("ots", "Open Trade Statistics: HS07 exports 1962, 1980, 2017", staged=ots.STAGED),
        Source(
            "baci",
            "CEPII BACI: bilateral HS6 flows, aggregated to exporter × product",
            originals=[
                Original(
                    path,
                    baci.import_baci,
                    url=url,
                    members="BACI_*_Y*_V*.csv",
                    companions="country_codes_*.csv",
                )
                for url, path in baci.DOWNLOADS[:1]
            ],
        ),
        Source(
            "comtrade",
            "UN Comtrade bulk files (need a subscription key: put them in the mirror)",
            originals=[
                Original("comtrade_bulk", comtrade.import_comtrade_bulk, members="COMTRADE-*")
            ],
        ),
        Source("ncses", "NSF NCSES Science & Engineering Indicators tables", staged=ncses.STAGED),
        Source(
            "openalex",
            "OpenAlex country co-authorship 1990-2023 (bavla/OpenAlex collection)",
            staged=openalex.STAGED,
        ),
        Source(
            "ror",
            "Research Organization Registry",
            staged=ror.STAGED,
            originals=[Original("ror/ror-data.zip", ror.import_ror_dump, resolve=_latest_ror_dump)],
        ),
        Source("wdi", "World Bank World Development Indicators (API)", api=_wdi),
        Source(
            "openalex-api",
            "OpenAlex API: works by country × field × year and co-authorship (needs "
            "OPENALEX_API_KEY; spends credits; pulled only when named)",
            api=_openalex_api,
            default=False,
        ),
    )
}


def _members(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and fnmatch.fnmatch(p.name, pattern))


def _extract(archive: Path, pattern: str, companions: str | None, into: Path) -> list[Path]:
    """The zip's members matching ``pattern``, extracted into ``into`` with those matching
    ``companions`` (each written whole or not at all; a member already there with its size
    is not extracted again)."""
    into.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        with zipfile.ZipFile(archive) as zipped:
            for info in zipped.infolist():
                name = Path(info.filename).name
                wanted = fnmatch.fnmatch(name, pattern) or (
                    companions is not None and fnmatch.fnmatch(name, companions)
                )
                if info.is_dir() or not wanted:
                    continue
                target = into / name
                if not (target.exists() and target.stat().st_size == info.file_size):
                    handle, temporary = tempfile.mkstemp(prefix=f".{name}.", dir=into)
                    try:
                        with os.fdopen(handle, "wb") as out, zipped.open(info) as member:
                            shutil.copyfileobj(member, out, 1 << 20)
                        os.replace(temporary, target)
                    except BaseException:
                        Path(temporary).unlink(missing_ok=True)
                        raise
                if fnmatch.fnmatch(name, pattern):
                    paths.append(target)
    except zipfile.BadZipFile as error:
        raise EvidenceError(f"{archive}: not a zip file ({error})") from None
    return sorted(paths)


def _files(original: Original, where: Path, cache: Path) -> list[Path]:
    """The files to import for ``original`` found at ``where`` (a file, a zip or a folder)."""
    if original.members is None:
        return [where]
    if where.is_dir():
        return _members(where, original.members)
    unpacked = cache / Path(original.path).with_suffix("")
    return _extract(where, original.members, original.companions, unpacked)


def _in_mirror(original: Original, mirror: Path) -> Path | None:
    path = mirror / original.path
    if path.exists():
        return path
    folder = path.with_suffix("")  # a zip's contents, extracted in the mirror
    if original.members and path.suffix == ".zip" and folder.is_dir():
        return folder
    return None


def pull(
    store: EvidenceStore,
    names: Sequence[str] = (),
    *,
    mirror: Path | None,
    home: Path | None = None,
    transport: httpx.BaseTransport | None = None,
    on_file: Callable[[str, Path | str], None] | None = None,
    progress: Progress | None = None,
) -> PullReport:
    """Import the named sources (every default source when none is named).

    ``mirror``: a folder read instead of the network. ``home``: where downloads
    (``downloads/``) and API caches (``cache/``) go; required without a mirror.
    ``transport`` replaces the network (tests). ``on_file(source, path)`` is called before
    each import, ``progress(name, done, total)`` as download bytes arrive. Each file is
    imported in its own transaction: a failure leaves what was already imported in place,
    and running again imports the rest (files already in the store are recognized by
    checksum and skipped; complete downloads are not fetched again, partial ones resume).
    """
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise EvidenceError(f"unknown source(s) {unknown}; one of {sorted(SOURCES)}")
    if mirror is None and home is None:
        raise EvidenceError("pull needs a mirror folder or a home folder for the downloads")
    chosen = [SOURCES[n] for n in names] or [s for s in SOURCES.values() if s.default]
    report = PullReport()
    for source in chosen:
        try:
            if mirror is not None:
                _from_mirror(store, source, mirror, home, report, on_file)
            else:
                assert home is not None
                _from_network(store, source, home, transport, report, on_file, progress)
        except _SkippedError as skip:
            if names:
                raise EvidenceError(f"{source.name}: {skip}") from None
            report.skipped[source.name] = str(skip)
    return report


class _SkippedError(Exception):
    """A source that cannot be pulled this way (the reason is the message)."""


def _import(
    store: EvidenceStore,
    source: Source,
    importer: Importer,
    path: Path,
    report: PullReport,
    on_file: Callable[[str, Path | str], None] | None,
) -> None:
    if on_file is not None:
        on_file(source.name, path)
    report.results.append(PullResult(source.name, path, importer(store, path)))


def _from_mirror(
    store: EvidenceStore,
    source: Source,
    mirror: Path,
    home: Path | None,
    report: PullReport,
    on_file: Callable[[str, Path | str], None] | None,
) -> None:
    staged = [(mirror / relative, importer) for relative, importer in source.staged]
    if staged and any(path.is_file() for path, _ in staged):
        for path, importer in staged:
            if not path.is_file():
                raise EvidenceError(
                    f"{path}: not in the mirror (source {source.name!r} expects it)"
                )
            _import(store, source, importer, path, report, on_file)
        return
    found = [(o, _in_mirror(o, mirror)) for o in source.originals]
    present = [(o, where) for o, where in found if where is not None]
    if not present:
        expected = [str(mirror / r) for r, _ in source.staged[:1]]
        expected += [str(mirror / o.path) for o in source.originals]
        why = "it is fetched from its API" if source.api else "nothing of it in the mirror"
        raise _SkippedError(f"{why}" + (f" (expects {' or '.join(expected)})" if expected else ""))
    cache = (home or mirror) / "downloads"
    for original, where in present:
        for path in _files(original, where, cache):
            _import(store, source, original.importer, path, report, on_file)


def _from_network(
    store: EvidenceStore,
    source: Source,
    home: Path,
    transport: httpx.BaseTransport | None,
    report: PullReport,
    on_file: Callable[[str, Path | str], None] | None,
    progress: Progress | None,
) -> None:
    if source.api is not None:
        if on_file is not None:
            on_file(source.name, f"{source.name} API")
        for result in source.api(store, home / "cache" / source.name, transport):
            report.results.append(PullResult(source.name, f"{source.name} API", result))
        return
    downloadable = [o for o in source.originals if o.downloadable]
    if not downloadable:
        raise _SkippedError(
            "no public download address (staged copy or files behind an account): "
            "set VINCULO_MIRROR to a folder holding it"
        )
    downloads = home / "downloads"
    with new_client(transport=transport) as client:
        for original in downloadable:
            url, name = original.url or "", Path(original.path).name
            if original.resolve is not None:
                url, name = original.resolve(client)
            target = downloads / Path(original.path).parent / name

            def report_bytes(done: int, total: int | None, name: str = name) -> None:
                if progress is not None:
                    progress(name, done, total)

            done = download(client, url, target, sha256=original.sha256, progress=report_bytes)
            for path in _files(original, done.path, downloads):
                _import(store, source, original.importer, path, report, on_file)
