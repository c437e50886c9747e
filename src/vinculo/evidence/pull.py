"""``vinculo data pull``: every source into the store — downloaded from its public address
into a cache, or read from a mirror folder without any network.

Each source has up to four ways in:

* **staged** files: the layout of ``../shared/data`` (one folder per dataset, files as the
  project's staged copies name them) — read from a mirror only;
* **originals**: files as their publisher serves them (the Atlas's Dataverse CSV, CEPII's
  BACI zip, ROR's Zenodo dump...), downloaded into ``<VINCULO_HOME>/downloads/<path>`` with
  a progress report, a checksum and resume of partial downloads, or read from
  ``<mirror>/<path>`` — the "originals" mirror layout (docs/evidence.md lists the paths);
* an **API** (World Bank WDI, OpenAlex): fetched through its client, with its own
  response cache under ``<VINCULO_HOME>/cache/<source>``;
* **bundled** files: data shipped inside an installed Python package (the Growth Lab's
  ``atlas-common-data``), read where the package lies, the same way in both modes and
  never over the network.

With a mirror, a source's staged files are used when the mirror has them, else its
originals; a source with neither in the mirror is an error when named and skipped (and
reported) when pulling everything. Without a mirror, originals are downloaded and APIs
queried. Every file is imported in its own transaction and recognized by checksum on the
next run, so an interrupted pull resumes where it stopped.
"""

from __future__ import annotations

import fnmatch
import importlib.resources
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from vinculo.evidence.countries import locations_table
from vinculo.evidence.http import download, get_json, new_client
from vinculo.evidence.sources import (
    atlas,
    atlas_common_data,
    atlas_rankings,
    baci,
    comtrade,
    conacyt_becas,
    iea,
    ncses,
    openalex,
    openalex_api,
    ots,
    ror,
    scholar_migration,
    top500,
    ucs,
    usgs,
    wdi,
)
from vinculo.evidence.store import EvidenceError, EvidenceStore, ImportResult

__all__ = ["SOURCES", "Bundled", "Original", "PullReport", "PullResult", "Source", "pull"]

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
class Bundled:
    """A file shipped inside an installed Python package: ``path`` below the folder of the
    importable ``package``. Read in place (nothing downloaded or copied), the same way with
    or without a mirror; a package that is not installed skips the source (an error when
    the source is named)."""

    package: str
    path: str
    importer: Importer


@dataclass(frozen=True)
class Source:
    """One source: its staged files, its originals, its API and/or files bundled in an
    installed package; ``default``: pulled when no source is named."""

    name: str
    description: str
    staged: Sequence[tuple[str, Callable[[EvidenceStore, Path], ImportResult]]] = ()
    originals: Sequence[Original] = ()
    api: Callable[[EvidenceStore, Path, httpx.BaseTransport | None], list[ImportResult]] | None = (
        None
    )
    default: bool = True
    bundled: Sequence[Bundled] = ()


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
    """Works per country × field × year, country-pair co-authorship (all fields) and works
    per country × subfield × year (every country with works in any field, every subfield:
    cursor-paged) for the last ten complete years; nothing cached is fetched again.

    Requests on a first run, with about 220 countries (a key's daily budget is 10,000
    credits): fields 10 years × 26 fields × 2 pages = 520; co-authorship 10 × (2 + 220
    countries × 1 page) ≈ 2,200; subfields 220 × 10 × 2 pages (254 subfields, 200 a page)
    ≈ 4,400: about 7,100 in all. If every cursor ends with a closing page, as OpenAlex's
    server code suggests (the notes of :mod:`~vinculo.evidence.sources.openalex_api`), one
    more per query: about 780 + 4,400 + 6,600 ≈ 11,800, more than a day. The subfield query
    plans its requests first (at most 3 per country-year): when they could exceed what is
    left of the day it is refused before sending anything, the fields and co-authorship
    being stored already, and the next day's run (those two then cost nothing) fetches it."""
    last = datetime.now(UTC).year - 1
    years = range(last - 9, last + 1)
    with openalex_api.OpenAlexClient(cache_folder=cache, transport=transport) as client:
        publications = client.publication_counts(years, OPENALEX_FIELDS)
        coauthorship = client.coauthorship_counts(years)
        results = [
            openalex_api.write_to_store(store, publications),
            openalex_api.write_to_store(store, coauthorship),
        ]
        countries = sorted(set(publications.rows["country"]))
        subfields = client.subfield_counts(countries, years)
        return [*results, openalex_api.write_to_store(store, subfields)]


#: The countries whose works per topic ``vinculo data pull openalex-api-topics`` fetches.
TOPIC_COUNTRIES_VARIABLE = "VINCULO_OPENALEX_TOPIC_COUNTRIES"


def _openalex_api_topics(
    store: EvidenceStore, cache: Path, transport: httpx.BaseTransport | None
) -> list[ImportResult]:
    """Works per country × topic × year for the countries of
    ``VINCULO_OPENALEX_TOPIC_COUNTRIES`` (ISO3, comma-separated; default MEX), the last ten
    complete years: about 4,500 topics in pages of 200, so up to 24 requests per
    country-year, 240 per country (too many to fetch for every country). Shares the
    ``openalex-api`` cache folder, and so the day's budget count."""
    listed = os.environ.get(TOPIC_COUNTRIES_VARIABLE, "").strip() or "MEX"
    countries = [code.strip().upper() for code in listed.split(",") if code.strip()]
    known = set(locations_table().dropna(subset=["iso2"])["code"])
    unknown = [code for code in countries if code not in known]
    if unknown or not countries:
        raise EvidenceError(
            f"{TOPIC_COUNTRIES_VARIABLE}={listed}: expected comma-separated ISO3 country "
            f"codes (e.g. MEX,BRA); not one: {unknown or listed!r}"
        )
    last = datetime.now(UTC).year - 1
    years = range(last - 9, last + 1)
    with openalex_api.OpenAlexClient(
        cache_folder=cache.with_name("openalex-api"), transport=transport
    ) as client:
        topics = client.topic_counts(countries, years)
        return [openalex_api.write_to_store(store, topics)]


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
                # the Growth Lab's ECI rankings and product PCI / world exports, 1995-2024
                *(
                    Original(path, importer, url=url)
                    for url, path, importer in atlas_rankings.DOWNLOADS
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
            "OpenAlex country co-authorship 1990-2023 (bavla/OpenAlex collection); works per "
            "country × subfield × year 2005-2025",
            staged=openalex.STAGED,
        ),
        Source(
            "ror",
            "Research Organization Registry",
            staged=ror.STAGED,
            originals=[Original("ror/ror-data.zip", ror.import_ror_dump, resolve=_latest_ror_dump)],
        ),
        # talent flows (issue #13); after ror: institutions are matched to its records
        Source(
            "conacyt-becas",
            "CONACYT scholarships abroad 2012-2023 (aggregated at import: no names)",
            staged=conacyt_becas.STAGED,
        ),
        Source(
            "scholar-migration",
            "MPIDR scholars' migration between countries per period 1998-2017 (Scopus)",
            staged=scholar_migration.STAGED,
        ),
        # infrastructure and resources behind national priorities
        Source(
            "top500",
            "TOP500 supercomputer lists: Rmax and systems per country (lists: put them in "
            "the mirror)",
            staged=top500.STAGED,
            originals=[Original("top500", top500.import_list, members="TOP500_*.*", fetch=False)],
        ),
        Source(
            "ucs",
            "UCS Satellite Database: operational satellites per operator country (put it in "
            "the mirror)",
            staged=ucs.STAGED,
            originals=[
                Original(
                    ucs.ORIGINAL_FOLDER,
                    ucs.import_database,
                    members="UCS-Satellite-Database*.*",
                    fetch=False,
                )
            ],
        ),
        Source(
            "usgs",
            "USGS Mineral Commodity Summaries: mine production and reserves of lithium, "
            "cobalt, graphite, nickel, rare earths",
            staged=usgs.STAGED,
            originals=[
                Original(
                    f"usgs/{usgs.FILE_NAME}",
                    usgs.import_world_data,
                    resolve=usgs.sciencebase_world_data,
                )
            ],
        ),
        Source(
            "iea",
            "IEA Global EV Outlook data: electric car sales, stock and sales share (put the "
            "export in the mirror)",
            staged=iea.STAGED,
            originals=[
                Original(
                    iea.ORIGINAL_FOLDER, iea.import_ev_data, members="IEA*EV*Data*.csv", fetch=False
                )
            ],
        ),
        Source(
            "wdi",
            "World Bank World Development Indicators (API; bulk CSV files from a mirror)",
            staged=wdi.STAGED,
            # the bulk download of each series (a zip), read from a mirror only: the
            # network path is the API
            originals=[
                Original(
                    f"wdi/{code}.zip",
                    wdi.import_bulk_csv,
                    url=wdi.BULK_URL.format(code=code),
                    members=f"API_{code}_DS2_*.csv",
                    fetch=False,
                )
                for code in wdi.INDICATORS
            ],
            api=_wdi,
        ),
        Source(
            "atlas-common-data",
            "WDI GDP and population cache bundled in the installed atlas-common-data package",
            bundled=[Bundled(*entry) for entry in atlas_common_data.BUNDLED],
        ),
        Source(
            "openalex-api",
            "OpenAlex API: works by country × field × year, co-authorship and works by "
            "country × subfield × year (needs OPENALEX_API_KEY; spends credits; pulled only "
            "when named)",
            api=_openalex_api,
            default=False,
        ),
        Source(
            "openalex-api-topics",
            "OpenAlex API: works by country × topic × year for the countries of "
            f"{TOPIC_COUNTRIES_VARIABLE} (comma-separated ISO3; default MEX; about 240 "
            "credits per country; needs OPENALEX_API_KEY; pulled only when named)",
            api=_openalex_api_topics,
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
            if source.bundled:
                _from_package(store, source, report, on_file)
                if not (source.staged or source.originals or source.api):
                    continue
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


def _from_package(
    store: EvidenceStore,
    source: Source,
    report: PullReport,
    on_file: Callable[[str, Path | str], None] | None,
) -> None:
    """The files ``source`` reads from installed packages, where they lie."""
    for bundled in source.bundled:
        try:
            folder = importlib.resources.files(bundled.package)
        except ModuleNotFoundError:
            raise _SkippedError(
                f"the Python package {bundled.package!r} is not installed "
                "(pip install -r requirements/runtime.txt)"
            ) from None
        path = Path(str(folder / bundled.path))
        if not path.is_file():
            raise EvidenceError(f"{path}: not in the installed package {bundled.package!r}")
        _import(store, source, bundled.importer, path, report, on_file)


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
