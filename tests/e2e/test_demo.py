"""``vinculo demo``: the seeding in-process (one user per role, passwords shown once,
Mexico's real posts, institutions from the evidence store, a second run that adds
nothing), and the command itself as a person runs it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.commands import VINCULO, command_env
from vinculo.evidence.countries import to_iso3
from vinculo.web import demo
from vinculo.web.accounts.models import Role, User
from vinculo.web.audit.models import AuditEvent
from vinculo.web.registry.models import Country, Institution, Post

# Real ROR records (ror-records, 2026-06-23), as the staged file has them; the last one is
# withdrawn, which the registry leaves out.
ROR = pd.DataFrame(
    [
        ("https://ror.org/01tmp8f25", "Universidad Nacional Autónoma de México", "active",
         "education|funder", "MX", "Mexico", "Mexico City", 19.32, -99.18, 1910, "UNAM",
         "National Autonomous University of Mexico|Universidad Nacional Autónoma de México"),
        ("https://ror.org/059sp8j34", "Instituto Politécnico Nacional", "active",
         "education|funder", "MX", "Mexico", "Mexico City", 19.50, -99.13, 1936, "IPN",
         "Instituto Politécnico Nacional|National Polytechnic Institute"),
        ("https://ror.org/042nb2s44", "Massachusetts Institute of Technology", "active",
         "education|funder", "US", "United States", "Cambridge", 42.3751, -71.10561, 1861,
         "MIT", "Instituto Tecnológico de Massachusetts|Massachusetts Institute of Technology"),
        ("https://ror.org/047gc3g35", "University of Chile", "active", "education|funder",
         "CL", "Chile", "Santiago", -33.45694, -70.64827, 1842, "",
         "Universidad de Chile|University of Chile"),
        ("https://ror.org/05pa1yr68", "Centro Universitario Une", "withdrawn", "education",
         "MX", "Mexico", "Guadalajara", 20.66682, -103.39182, None, "", ""),
    ],
    columns=["ror_id", "name", "status", "types", "country_code", "country_name", "city",
             "lat", "lng", "established", "acronyms", "aliases_labels"],
)  # fmt: skip

# The posts the demo must have, with the country each city is in (written out here, not
# taken from the code under test).
EXPECTED_CITIES = {
    "Washington": "USA", "Paris": "FRA", "Berlin": "DEU", "Madrid": "ESP", "Tokyo": "JPN",
    "Beijing": "CHN", "Seoul": "KOR", "Brasília": "BRA", "Buenos Aires": "ARG",
    "Santiago": "CHL", "Ottawa": "CAN", "London": "GBR", "Los Angeles": "USA",
    "Chicago": "USA", "Houston": "USA",
}  # fmt: skip


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """A mirror folder holding only the ROR staged file (the other sources are skipped)."""
    folder = tmp_path / "mirror"
    target = folder / "ror_registry_partial" / "ror_records.parquet"
    target.parent.mkdir(parents=True)
    frame = ROR.assign(website="", schema="v2", release="v1.70")
    frame["established"] = frame["established"].astype("Int32")
    frame.to_parquet(target, index=False)
    return folder


@pytest.fixture
def store(tmp_path: Path, mirror: Path) -> Path:
    said: list[str] = []
    path = demo.load_evidence(home=tmp_path, mirror=mirror, say=said.append)
    # ROR from the mirror, and the WDI cache bundled with atlas-common-data (always there)
    assert any("2 dataset(s)" in line for line in said), said
    return path


@pytest.mark.django_db
def test_the_demo_creates_one_user_per_role_and_shows_each_password_once(store):
    report = demo.seed(store_path=store)
    shown: list[str] = []
    demo.print_accounts(report, shown.append, "http://127.0.0.1:8000/")

    assert sorted(a.role for a in report.accounts) == sorted(r.value for r in Role)
    for account in report.accounts:
        user = User.objects.get(username=account.username)
        assert user.role == account.role
        assert account.password
        assert user.check_password(account.password)
        assert account.password not in user.password  # a hash, never the password
        assert sum(account.password in line for line in shown) == 1
    assert User.objects.get(username="administrator").is_superuser
    officer = User.objects.get(username="officer")
    assert {p.city for p in officer.posts.all()} == {"Washington", "Los Angeles"}
    # the audit trail records the users' creation, not their passwords
    changes = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert all(a.password not in changes for a in report.accounts)


@pytest.mark.django_db
def test_a_second_run_reuses_everything_and_shows_no_password(store):
    first = demo.seed(store_path=store)
    counts = (User.objects.count(), Post.objects.count(), Country.objects.count(),
              Institution.objects.count())  # fmt: skip
    second = demo.seed(store_path=store)
    assert counts == (User.objects.count(), Post.objects.count(), Country.objects.count(),
                      Institution.objects.count())  # fmt: skip
    assert second.new_passwords == []
    assert (second.posts_created, second.countries_created, second.institutions_created) == (
        0, 0, 0,
    )  # fmt: skip
    lines = second.lines()
    assert "posts: 23 (already there)" in lines
    assert any("5 already there" in line for line in lines)
    shown: list[str] = []
    demo.print_accounts(second, shown.append, "http://127.0.0.1:8000/")
    assert "--reset-passwords" in shown[0]
    assert not any(a.password in line for a in first.accounts for line in shown)

    reset = demo.seed(store_path=store, reset_passwords=True)
    assert len(reset.new_passwords) == 5
    for old, new in zip(first.accounts, reset.accounts, strict=True):
        user = User.objects.get(username=new.username)
        assert user.check_password(new.password)
        assert not user.check_password(old.password)
    assert User.objects.count() == counts[0]


@pytest.mark.django_db
def test_the_pipeline_starts_with_examples_classified_and_a_duplicate_flagged(store):
    """The example opportunities go through the officers' service: each is classified
    (the lithium offer suggests the lithium chain, the satellite one aerospace), the
    repeated offer from another post is flagged, and a second run adds none."""
    from vinculo.web.pipeline.models import DuplicateFlag, Opportunity

    first = demo.seed(store_path=store)
    assert first.opportunities_created == len(demo.DEMO_OPPORTUNITIES) == 7
    assert "opportunities: 7 fictitious examples (new)" in first.lines()
    records = list(Opportunity.objects.order_by("pk"))
    assert all("ficti" in r.description.lower() for r in records)  # said to be examples
    suggested = {r.title: {s["id"] for s in r.suggested_priorities} for r in records}
    assert (
        "lithium-value-chain"
        in suggested["Extracción directa de litio en salares: transferencia de tecnología"]
    )
    assert (
        "aerospace"
        in suggested[
            "Space agency invites Mexican teams to a small-satellite Earth observation mission"
        ]
    )
    assert "batteries" in suggested[records[0].title]
    [flag] = DuplicateFlag.objects.filter(opportunity=records[-1])
    assert (flag.other_id, flag.similarity >= 0.6) == (records[0].pk, True)
    assert records[-1].post.city == "Los Angeles"
    assert records[0].post.city == "Washington"
    assert AuditEvent.objects.filter(action="opportunity.submit").count() == 7

    second = demo.seed(store_path=store)
    assert second.opportunities_created == 0
    assert "opportunities: 7 (none added)" in second.lines()
    assert Opportunity.objects.count() == 7


@pytest.mark.django_db
def test_the_posts_are_mexicos_real_embassies_and_consulates(store):
    demo.seed(store_path=store)
    posts = list(Post.objects.select_related("host_country"))
    cities = {post.city: post.host_country_id for post in posts}
    assert EXPECTED_CITIES.items() <= cities.items()
    for post in posts:
        assert "México" in post.name
        kind = "Embajada" if post.kind == Post.Kind.EMBASSY else "Consulado General"
        assert post.name.startswith(kind)
    embassies = [p.host_country_id for p in posts if p.kind == Post.Kind.EMBASSY]
    assert len(embassies) == len(set(embassies))  # one embassy per country
    assert "MEX" not in cities.values()


@pytest.mark.realdata
def test_every_post_city_is_a_city_of_its_country_in_ror(test_data):
    """The cities are real: ROR (GeoNames) places institutions in each of them."""
    ror = pd.read_parquet(
        test_data / "ror_registry_partial" / "ror_records.parquet",
        columns=["country_code", "city"],
    )
    places = set(zip(to_iso3(ror["country_code"], "iso2"), ror["city"], strict=True))
    missing = [(c, city) for _, c, city, _ in demo.MEXICO_POSTS if (c, city) not in places]
    assert missing == []


@pytest.mark.django_db
def test_the_institutions_come_from_the_evidence_stores_ror_table(store):
    report = demo.seed(store_path=store)
    assert report.institutions_total == 4  # the withdrawn record is left out
    unam = Institution.objects.get(ror_id="https://ror.org/01tmp8f25")
    assert unam.country_id == "MEX"
    assert "unam" in unam.search_text
    assert "national autonomous university of mexico" in unam.search_text
    assert not Institution.objects.filter(name="Centro Universitario Une").exists()
    assert Country.objects.get(code="KOR").name_es == "Corea del Sur"


def test_the_demo_command_prepares_everything_and_prints_the_passwords_once(tmp_path, mirror):
    home = tmp_path / "home"
    env = command_env(home, None)  # the default: SQLite in VINCULO_HOME
    env["VINCULO_MIRROR"] = str(mirror)
    command = [*VINCULO, "demo", "--no-serve", "--port", "8123"]

    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "applying" in first.stderr  # a new database, migrated
    assert "users: 5 (one per role" in first.stderr
    passwords = {}
    for line in first.stdout.splitlines()[1:]:
        username, password, *_ = line.split()
        passwords[username] = password
    assert sorted(passwords) == sorted(r.value for r in Role)
    assert "http://127.0.0.1:8123/" in first.stdout.splitlines()[0]
    # kept nowhere in clear: not in the SQLite database nor any other file of VINCULO_HOME
    for path in (p for p in home.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert not any(pw.encode() in content for pw in passwords.values()), path

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr
    assert "posts: 23 (already there)" in second.stderr
    assert not any(pw in second.stdout + second.stderr for pw in passwords.values())
    assert "--reset-passwords" in second.stdout
