"""Running the platform: ``vinculo serve`` and ``vinculo demo``.

``serve`` is the production path: it refuses a database with unapplied migrations, runs
Django's system checks (the deployment checks too under ``VINCULO_ENV=production``),
collects the static files into ``STATIC_ROOT`` (WhiteNoise serves them from there) and
starts gunicorn on ``vinculo.web.wsgi:application``.

``demo`` prepares a working platform in one command: it migrates the database, loads the
evidence into the store, seeds the reference data (countries, the priorities file's home
country and its real diplomatic posts, the research institutions of the evidence store's
ROR table), creates one user per role with a random password shown once, computes the
dashboard's insights, and serves through the same code as ``serve``. Run again, it reuses
what is there.

The command line (``vinculo.cli``) imports this module lazily: Django stays inside
``vinculo.web``.
"""

from __future__ import annotations

import importlib
import os
import secrets
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

Say = Callable[[str], None]

__all__ = [
    "DEMO_OPPORTUNITIES",
    "DEMO_USERS",
    "MEXICO_POSTS",
    "DemoAccount",
    "SeedReport",
    "ServeError",
    "check_port",
    "collect_static",
    "database_label",
    "default_workers",
    "embassies_file",
    "load_evidence",
    "migrate",
    "print_accounts",
    "refresh_insights",
    "seed",
    "serve",
    "setup_django",
    "unapplied_migrations",
]


class ServeError(Exception):
    """Why the platform cannot start; the message says what to do about it."""


def _quiet(_: str) -> None:
    pass


# ---------------------------------------------------------------------- Django and serving
def setup_django() -> None:
    """Configure Django from the environment (``vinculo.web.settings`` unless
    ``DJANGO_SETTINGS_MODULE`` names another); settings errors become a ServeError."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vinculo.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from vinculo.settings import SettingsError

    try:
        django.setup()
    except (SettingsError, ImproperlyConfigured) as error:
        raise ServeError(f"settings: {error}") from None


def database_label() -> str:
    """The default database in words: its engine and where it is (never its password)."""
    from django.db import connection

    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {params['NAME']}"
    where = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"{connection.display_name} database {params['NAME']!r} on {where}{port}"


def _database_error(error: Exception) -> ServeError:
    return ServeError(
        f"cannot use the database ({database_label()}): {str(error).strip()}; "
        "check DATABASE_URL and that the server is running"
    )


def unapplied_migrations() -> list[str]:
    """The migrations the database lacks, in the order they would be applied."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise _database_error(error) from None
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migrate(say: Say = _quiet) -> list[str]:
    """Apply the missing migrations (creating the SQLite file if needed); their names."""
    from django.core.management import call_command
    from django.db import DatabaseError

    missing = unapplied_migrations()
    if missing:
        say(f"database: {database_label()}: applying {len(missing)} migration(s) ...")
        try:
            call_command("migrate", interactive=False, verbosity=0)
        except DatabaseError as error:
            raise _database_error(error) from None
    else:
        say(f"database: {database_label()}: up to date")
    return missing


def check_system() -> list[str]:
    """Django's system checks (the deployment checks in production): errors raise, the
    warnings are returned as text."""
    from django.conf import settings
    from django.core import checks

    messages = checks.run_checks(include_deployment_checks=bool(settings.PRODUCTION))
    errors = [m for m in messages if m.level >= checks.ERROR and not m.is_silenced()]
    if errors:
        raise ServeError("system check failed:\n" + "\n".join(f"  {m}" for m in errors))
    return [str(m) for m in messages if not m.is_silenced()]


def collect_static(say: Say = _quiet) -> int:
    """``collectstatic --noinput`` into ``STATIC_ROOT``; the number of files there."""
    from django.conf import settings
    from django.core.management import call_command

    # ninja's ReDoc (the documentation is Swagger UI): 4 MB that production would compress
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["ninja/redoc*"])
    root = Path(settings.STATIC_ROOT)
    count = sum(1 for path in root.rglob("*") if path.is_file())
    say(f"static files: {count} in {root}")
    return count


def default_workers() -> int:
    """gunicorn's usual rule, 2 × cores + 1, kept to at most 8 processes."""
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def check_port(host: str, port: int) -> None:
    """Refuse early (ServeError) when the address cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ServeError(
                f"cannot listen on {host}:{port} ({error.strerror}): another program uses "
                "that port, or the address is not this machine's; choose one with --port/--host"
            ) from None


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    apply_migrations: bool = False,
    say: Say = _quiet,
) -> None:
    """Check the database, collect the static files and run gunicorn until stopped
    (Ctrl+C or SIGTERM); does not return. ``setup_django()`` must have run."""
    from django.db import connections

    if apply_migrations:
        migrate(say)
    else:
        missing = unapplied_migrations()
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise ServeError(
                f"the database ({database_label()}) lacks {len(missing)} migration(s): "
                f"{shown}; apply them with `vinculo serve --migrate` (or `vinculo demo`)"
            )
        say(f"database: {database_label()}: up to date")
    for warning in check_system():
        say(f"warning: {warning}")
    collect_static(say)
    check_port(host, port)
    workers = workers or default_workers()
    connections.close_all()  # the workers are forked: none may inherit a connection
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{port}/"
    say(f"Vínculo at {url} (gunicorn, {workers} worker(s)); Ctrl+C stops it")
    _Gunicorn(
        {
            "bind": f"{shown_host}:{port}",
            "workers": workers,
            "worker_class": "sync",
            "timeout": 60,
            "graceful_timeout": 10,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "vinculo",
            "control_socket_disable": True,  # it would be a file in the user's home
            # the application is loaded and warmed once in the master (vinculo.web.warmup),
            # before the workers are forked: no worker's first request pays for it
            "preload_app": True,
        }
    ).run()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn in this process, configured from code rather than its command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from vinculo.web import warmup
        from vinculo.web.wsgi import application

        if warmup.enabled():
            warmup.warm_up()
        return application


# ---------------------------------------------------------------------- the demo's data
#: Mexico's diplomatic posts in the demo: real embassies and consulates-general of the
#: Secretaría de Relaciones Exteriores, with their cities as GeoNames (and ROR) name them.
#: (kind, host country ISO3, city, name)
MEXICO_POSTS: tuple[tuple[str, str, str, str], ...] = (
    ("embassy", "USA", "Washington", "Embajada de México en Estados Unidos"),
    ("embassy", "CAN", "Ottawa", "Embajada de México en Canadá"),
    ("embassy", "GBR", "London", "Embajada de México en el Reino Unido"),
    ("embassy", "FRA", "Paris", "Embajada de México en Francia"),
    ("embassy", "DEU", "Berlin", "Embajada de México en Alemania"),
    ("embassy", "ESP", "Madrid", "Embajada de México en España"),
    ("embassy", "ITA", "Rome", "Embajada de México en Italia"),
    ("embassy", "JPN", "Tokyo", "Embajada de México en Japón"),
    ("embassy", "CHN", "Beijing", "Embajada de México en China"),
    ("embassy", "KOR", "Seoul", "Embajada de México en Corea"),
    ("embassy", "IND", "New Delhi", "Embajada de México en la India"),
    ("embassy", "BRA", "Brasília", "Embajada de México en Brasil"),
    ("embassy", "ARG", "Buenos Aires", "Embajada de México en Argentina"),
    ("embassy", "CHL", "Santiago", "Embajada de México en Chile"),
    ("embassy", "COL", "Bogotá", "Embajada de México en Colombia"),
    ("consulate", "USA", "Los Angeles", "Consulado General de México en Los Ángeles"),
    ("consulate", "USA", "Chicago", "Consulado General de México en Chicago"),
    ("consulate", "USA", "Houston", "Consulado General de México en Houston"),
    ("consulate", "USA", "New York", "Consulado General de México en Nueva York"),
    ("consulate", "USA", "San Francisco", "Consulado General de México en San Francisco"),
    ("consulate", "CAN", "Toronto", "Consulado General de México en Toronto"),
    ("consulate", "CAN", "Montreal", "Consulado General de México en Montreal"),
    ("consulate", "ESP", "Barcelona", "Consulado General de México en Barcelona"),
)

#: One demo user per role: (user name, role). The officer works for the posts just below.
DEMO_USERS: tuple[tuple[str, str], ...] = (
    ("viewer", "viewer"),
    ("officer", "officer"),
    ("legal", "legal"),
    ("planner", "planner"),
    ("administrator", "administrator"),
)
_OFFICER_POSTS = (("USA", "Washington", "embassy"), ("USA", "Los Angeles", "consulate"))

#: Example opportunities for the pipeline (fictitious, and said to be so in their text),
#: logged through the same service as an officer's, so that they are classified, compared
#: for duplicates and audited: (who logs, post (country, city, kind), type, title,
#: description). The last repeats the first from another post: a flagged duplicate.
DEMO_OPPORTUNITIES: tuple[tuple[str, tuple[str, str, str], str, str, str], ...] = (
    ("officer", ("USA", "Washington", "embassy"), "infrastructure",
     "Laboratorio nacional ofrece su línea piloto de baterías de estado sólido",
     "Ejemplo ficticio de la demostración. Un laboratorio nacional ofrece a grupos "
     "mexicanos acceso a su línea piloto de celdas de baterías de estado sólido y de ion "
     "de sodio, con estancias de investigadores y cofinanciamiento para pruebas de "
     "materiales de cátodo."),
    ("officer", ("USA", "Los Angeles", "consulate"), "joint_research",
     "Universidades de California buscan socios para vigilar sequías con satélites",
     "Ejemplo ficticio de la demostración. Un consorcio universitario propone un proyecto "
     "conjunto de observación de la Tierra para medir sequías, humedad del suelo y el "
     "estrés hídrico de cultivos, con modelos de adaptación al cambio climático."),
    ("planner", ("FRA", "Paris", "embassy"), "joint_research",
     "Space agency invites Mexican teams to a small-satellite Earth observation mission",
     "Fictitious demonstration example. A space agency offers places for Mexican "
     "universities in the design, integration and testing of a small satellite for Earth "
     "observation, with access to its clean rooms and ground stations."),
    ("planner", ("DEU", "Berlin", "embassy"), "co_investment",
     "Co-investment in green hydrogen electrolysers with a research institute",
     "Fictitious demonstration example. An applied research institute and two companies "
     "seek a Mexican partner to co-invest in a pilot plant of electrolysers for green "
     "hydrogen powered by solar and wind energy."),
    ("planner", ("ESP", "Madrid", "embassy"), "mobility",
     "Centro de supercómputo abre estancias para investigadores mexicanos",
     "Ejemplo ficticio de la demostración. Un centro nacional de supercómputo ofrece "
     "estancias de seis meses en simulación numérica, computación de alto rendimiento e "
     "inteligencia artificial, con horas de cálculo para proyectos conjuntos."),
    ("planner", ("CHL", "Santiago", "embassy"), "technology_transfer",
     "Extracción directa de litio en salares: transferencia de tecnología",
     "Ejemplo ficticio de la demostración. Una empresa y una universidad proponen "
     "transferir su proceso de extracción directa de litio de salmueras y de refinación "
     "de carbonato de litio, con menor consumo de agua."),
    ("officer", ("USA", "Los Angeles", "consulate"), "infrastructure",
     "Laboratorio nacional ofrece su línea piloto de baterías de estado sólido",
     "Ejemplo ficticio de la demostración. El mismo laboratorio ofrece a grupos mexicanos "
     "acceso a su línea piloto de celdas de baterías de estado sólido y de ion de sodio, "
     "con estancias y cofinanciamiento para pruebas de materiales de cátodo."),
)  # fmt: skip


@dataclass(frozen=True)
class DemoAccount:
    """A demo user; ``password`` is set only when it was just chosen (shown once)."""

    username: str
    role: str
    role_label: str
    password: str | None


@dataclass
class SeedReport:
    countries_created: int = 0
    countries_total: int = 0
    posts_created: int = 0
    posts_total: int = 0
    institutions_created: int = 0
    institutions_total: int = 0
    priorities: str = ""
    users_created: int = 0
    opportunities_created: int = 0
    opportunities_total: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def new_passwords(self) -> list[DemoAccount]:
        return [a for a in self.accounts if a.password is not None]

    def lines(self) -> list[str]:
        """What the seeding found and did, one line per kind of thing."""

        def counted(total: int, created: int) -> str:
            if created == total:
                return f"{total:,} (new)"
            return f"{total:,} ({created:,} new)" if created else f"{total:,} (already there)"

        users = len(self.accounts) - self.users_created
        return [
            f"countries: {counted(self.countries_total, self.countries_created)}",
            f"priorities: {self.priorities}",
            f"posts: {counted(self.posts_total, self.posts_created)}",
            "institutions (ROR): " + counted(self.institutions_total, self.institutions_created),
            f"users: {len(self.accounts)} (one per role: "
            + ", ".join(a.username for a in self.accounts)
            + (f"; {users} already there)" if users else ")"),
            "opportunities: "
            + (
                f"{self.opportunities_created} fictitious examples (new)"
                if self.opportunities_created
                else f"{self.opportunities_total:,} (none added)"
            ),
            *self.notes,
        ]


def load_evidence(
    *,
    home: Path,
    mirror: Path | None,
    say: Say = _quiet,
    on_file: Callable[[str, Path | str], None] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> Path:
    """Pull the default sources into ``home``/evidence.duckdb: from ``mirror`` (every
    time: files already loaded are recognized by checksum), or from the network when the
    store is still empty. A failure is reported and the demo goes on without it."""
    from vinculo.evidence.pull import pull
    from vinculo.evidence.store import EvidenceError, EvidenceStore

    path = home / "evidence.duckdb"
    try:
        with EvidenceStore(path) as store:
            loaded = len(store.datasets())
            if mirror is None and loaded:
                say(
                    f"evidence: {loaded} dataset(s) already in {path}; not downloading again "
                    "(`vinculo data pull` refreshes them)"
                )
                return path
            say(
                f"evidence: loading from {mirror} ..."
                if mirror is not None
                else "evidence: downloading the public sources (the first time takes long; "
                "set VINCULO_MIRROR to read them from a folder) ..."
            )
            report = pull(store, mirror=mirror, home=home, on_file=on_file, progress=progress)
            new = sum(1 for item in report if item.result.created)
            rows = sum(item.result.rows for item in report if item.result.created)
            say(
                f"evidence: {len(report)} dataset(s) in {path}"
                + (f", {new} new ({rows:,} rows)" if new else ", all already loaded")
            )
            for name, why in report.skipped.items():
                say(f"evidence: {name} skipped: {why}")
    except EvidenceError as error:
        say(f"warning: the evidence could not be loaded ({error}); the platform starts without")
    return path


def _countries(report: SeedReport) -> set[str]:
    """Every ISO 3166 country, named in Spanish and English (CLDR): through the
    registry's ``countries_sync`` where it has one, else here."""
    from vinculo.evidence.countries import locations_table
    from vinculo.strategy.i18n import country_name
    from vinculo.web.registry.models import Country

    before = Country.objects.count()
    service = _registry_service("countries_sync")
    if service is not None:
        service()
    else:
        table = locations_table()
        codes = sorted(table.loc[table["kind"] == "country", "code"])
        existing = set(Country.objects.values_list("code", flat=True))
        Country.objects.bulk_create(
            [
                Country(code=c, name_es=country_name(c, "es"), name_en=country_name(c, "en"))
                for c in codes
                if c not in existing
            ],
            batch_size=500,
        )
    known = set(Country.objects.values_list("code", flat=True))
    report.countries_total = len(known)
    report.countries_created = len(known) - before
    return known


def _posts(report: SeedReport, embassies_file: Path | None = None) -> list[Any]:
    """Mexico's posts: :data:`MEXICO_POSTS`, then every embassy of the embassies file
    (``vinculo.evidence.sources.embassies``) with its coordinates. A post is known by its
    host country, city and kind; an embassy of the file is the post already there for its
    host country (whatever its city), which keeps its name and city and gains the
    coordinates — so a run with the file adds posts and changes none's identity."""
    from vinculo.strategy.i18n import country_name
    from vinculo.web.audit.services import audit_record
    from vinculo.web.registry.models import Country, Post

    def create(country: str, city: str, kind: str, name: str, **extra: Any) -> Any:
        post = Post.objects.create(
            host_country=Country.objects.get(code=country), city=city, kind=kind, name=name,
            **extra,
        )  # fmt: skip
        report.posts_created += 1
        audit_record(actor=None, action="post.create", obj=post,
                     changes={"name": (None, name), "city": (None, city)})  # fmt: skip
        return post

    posts = []
    for kind, country, city, name in MEXICO_POSTS:
        post = Post.objects.filter(host_country_id=country, city=city, kind=kind).first()
        posts.append(post or create(country, city, kind, name))
    if embassies_file is not None:
        from vinculo.evidence.sources.embassies import missions
        from vinculo.evidence.store import EvidenceError

        try:
            found = missions(embassies_file)
        except EvidenceError as error:
            report.notes.append(f"posts: the embassies file was not read ({error})")
            found = None
        if found is not None:
            known = set(Country.objects.values_list("code", flat=True))
            placed = 0
            for mission in found.found:
                if mission.host not in known:
                    report.notes.append(f"posts: {mission.host} is not a known country")
                    continue
                where = {"latitude": mission.latitude, "longitude": mission.longitude,
                         "wikidata": mission.qid}  # fmt: skip
                post = (
                    Post.objects.filter(host_country_id=mission.host, kind="embassy")
                    .order_by("pk")
                    .first()
                )
                if post is None:
                    name = f"Embajada de México en {country_name(mission.host, 'es')}"
                    post = create(mission.host, mission.city, "embassy", name, **where)
                elif post.latitude is None:
                    Post.objects.filter(pk=post.pk).update(**where)
                    placed += 1
                if post not in posts:
                    posts.append(post)
            report.notes.append(
                f"posts: {len(found.found)} embassies with coordinates from "
                f"{embassies_file.name} ({placed} existing posts placed on the map"
                + (f"; not matched: {', '.join(sorted(found.unmatched))}" if found.unmatched
                   else "")
                + ")"
            )  # fmt: skip
    report.posts_total = Post.objects.count()
    return posts


def _as_list(value: Any) -> list[str]:
    if value is None or isinstance(value, float):  # None or NaN: no list
        return []
    return [str(item) for item in ([value] if isinstance(value, str) else value) if item]


def _institutions(report: SeedReport, store_path: Path | None, known: set[str]) -> None:
    """The research institutions of the evidence store's ROR table (withdrawn records
    left out): through the registry's ``institutions_import_from_store`` where it has one,
    else here (create the missing ones, by ROR id)."""
    from vinculo.evidence.store import EvidenceError, EvidenceStore
    from vinculo.web.registry.models import Institution

    before = Institution.objects.count()
    if store_path is None or not store_path.exists():
        report.notes.append("institutions: no evidence store yet (vinculo data pull)")
    else:
        service = _registry_service("institutions_import_from_store")
        try:
            with EvidenceStore(store_path, read_only=True) as store:
                if service is not None:
                    service(store=store)
                else:
                    _import_institutions(store, known)
        except EvidenceError as error:
            report.notes.append(f"institutions: the evidence store cannot be read ({error})")
    report.institutions_total = Institution.objects.count()
    report.institutions_created = report.institutions_total - before
    if report.institutions_total == 0:
        report.notes.append("institutions: none in the evidence store (vinculo data pull ror)")


def _import_institutions(store: Any, known: set[str]) -> None:
    from vinculo.web.registry.models import Institution, search_key

    frame = store.rows("institutions")
    if "status" in frame.columns:
        frame = frame[frame["status"].fillna("active") != "withdrawn"]
    existing = set(Institution.objects.exclude(ror_id=None).values_list("ror_id", flat=True))
    new = []
    for row in frame.drop_duplicates("ror_id", keep="last").itertuples(index=False):
        if row.ror_id in existing or row.country not in known:
            continue
        aliases = _as_list(row.aliases)
        city = getattr(row, "city", None)
        new.append(
            Institution(
                ror_id=row.ror_id,
                name=str(row.name),
                country_id=row.country,
                city=city if isinstance(city, str) else "",
                types=_as_list(row.types),
                aliases=aliases,
                search_text=search_key(str(row.name), *aliases),
            )
        )
    Institution.objects.bulk_create(new, batch_size=1000)


def _registry_service(name: str) -> Callable[..., Any] | None:
    """A function of ``vinculo.web.registry.services``, if that module defines it."""
    try:
        module = importlib.import_module("vinculo.web.registry.services")
    except ImportError:
        return None
    found = getattr(module, name, None)
    return found if callable(found) else None


def _users(report: SeedReport, posts: Sequence[Any], reset_passwords: bool) -> None:
    from django.utils import translation

    from vinculo.web.accounts.models import Role, User
    from vinculo.web.audit.services import audit_record

    officer_posts = [p for p in posts if (p.host_country_id, p.city, p.kind) in set(_OFFICER_POSTS)]
    for username, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        password: str | None = None
        if user is None:
            password = secrets.token_urlsafe(12)  # 16 characters, 96 bits
            user = User.objects.create_user(username=username, password=password, role=role)
            if role == Role.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True  # Django's admin pages too
                user.save(update_fields=["is_staff", "is_superuser"])
            if role == Role.OFFICER:
                user.posts.set(officer_posts)
            report.users_created += 1
            audit_record(actor=None, action="user.create", obj=user,
                         changes={"role": (None, role)})  # fmt: skip
        elif reset_passwords:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save(update_fields=["password"])
            audit_record(actor=None, action="user.password_reset", obj=user)
        if user.role != role:
            report.notes.append(f"user {username!r} exists with the role {user.role}, kept")
        with translation.override("en"):
            label = str(Role(user.role).label)
        report.accounts.append(DemoAccount(username, str(user.role), label, password))


def seed(
    *,
    store_path: Path | None,
    reset_passwords: bool = False,
    priorities_file: Path | None = None,
    embassies_file: Path | None = None,
) -> SeedReport:
    """The demo's reference data and users, created where missing (a second run adds
    nothing and chooses no password unless ``reset_passwords``). The passwords chosen are
    in the report, and nowhere else in clear: print them once. ``embassies_file``: the
    Wikidata embassies file (:func:`embassies_file` finds it in a mirror), whose every
    Mexican embassy becomes a post with its coordinates."""
    from django.db import transaction

    from vinculo.strategy.priorities import default_priorities, load_priorities

    priorities = load_priorities(priorities_file) if priorities_file else default_priorities()
    report = SeedReport()
    where = priorities.path.name if priorities.path else "the default file"
    report.priorities = (
        f"{len(priorities.priorities)} of {priorities.home} from {where} "
        f"({', '.join(p.id for p in priorities.priorities)})"
    )
    with transaction.atomic():
        known = _countries(report)
        posts = _posts(report, embassies_file) if priorities.home == "MEX" else []
        if priorities.home != "MEX":
            report.notes.append(
                f"posts: the demo knows Mexico's posts only, not {priorities.home}'s"
            )
        _institutions(report, store_path, known)
        _knowledge(report)
        _users(report, posts, reset_passwords)
        if posts:
            _opportunities(report)
    return report


def _knowledge(report: SeedReport) -> None:
    """The shipped technology-transfer records (a newer file adds versions, never over a
    web edit) and a row for every forum of the registry (issue 15)."""
    from vinculo.strategy.transfer import default_transfer_models
    from vinculo.web.forums.services import sync_forums
    from vinculo.web.transfer.services import transfer_seed

    models = default_transfer_models()
    created = transfer_seed(models=models)
    forums = sync_forums()
    report.notes.append(
        f"transfer models: {len(models)} countries ({created} dimension versions new); "
        f"forums: {forums} new rows"
    )


def embassies_file(mirror: Path | None) -> Path | None:
    """The embassies file below ``mirror`` (the staged data's layout), if it is there."""
    from vinculo.evidence.sources.embassies import STAGED

    if mirror is None:
        return None
    path = mirror / STAGED
    return path if path.is_file() else None


def _opportunities(report: SeedReport) -> None:
    """The example opportunities, only into an empty pipeline (a second run, or a
    pipeline in use, gets none)."""
    from vinculo.web.accounts.models import User
    from vinculo.web.pipeline.models import Opportunity
    from vinculo.web.pipeline.services import opportunity_submit
    from vinculo.web.registry.models import Post

    if Opportunity.objects.exists():
        report.opportunities_total = Opportunity.objects.count()
        return
    for username, (country, city, kind), type_, title, description in DEMO_OPPORTUNITIES:
        opportunity_submit(
            actor=User.objects.get(username=username),
            post=Post.objects.get(host_country_id=country, city=city, kind=kind),
            kind=type_,
            title=title,
            description=description,
        )
        report.opportunities_created += 1
    report.opportunities_total = Opportunity.objects.count()


def refresh_insights(store_path: Path, say: Say = _quiet) -> None:
    """The dashboard's precomputed insights (``vinculo.web.insights``), when that app
    computes them; a failure is reported and the dashboard says what is missing."""
    try:
        module = importlib.import_module("vinculo.web.insights.services")
    except ImportError:
        return
    compute = getattr(module, "insights_refresh", None)
    if compute is None or not store_path.exists():
        return
    say("insights: the dashboard's figures (about 30 s when the evidence is new) ...")
    started = time.perf_counter()
    try:
        compute(store_path=store_path)
    except Exception as error:  # the demo serves without a dashboard: say why, go on
        say(f"warning: insights not computed ({error}); the dashboard says what is missing")
        return
    say(f"insights: ready ({time.perf_counter() - started:.1f} s)")


def print_accounts(report: SeedReport, out: Say, url: str) -> None:
    """The demo users: new passwords once, or how to get new ones."""
    if report.new_passwords:
        out(f"Demo users for {url} (the passwords are shown now only; keep them):")
        width = max(len(a.username) for a in report.accounts)
        for account in report.accounts:
            password = account.password or "(unchanged)"
            out(f"  {account.username:<{width}}  {password:<18}  {account.role_label}")
    else:
        names = ", ".join(a.username for a in report.accounts)
        out(
            f"Demo users already exist ({names}); their passwords were shown when they were "
            "created. New ones: vinculo demo --reset-passwords"
        )
