"""A bulk import killed in the middle (SIGKILL, as a crashed server would be) leaves no
partial import; run again, it imports the whole file. The import runs as a subprocess
(``manage.py import_opportunities``) on its own database: a SQLite file, or a PostgreSQL
database when the tests run there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.commands import command_env

ROWS = 600
KILL_AFTER = 200  # rows written inside the transaction when the process is killed

SETUP = """
from vinculo.web.accounts.models import Role, User
from vinculo.web.registry.models import Country, Post
france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
post = Post.objects.create(name="Embajada en Francia", kind="embassy", host_country=france,
                           city="Paris")
user = User.objects.create_user("olga", password="x-long-password-1", role=Role.OFFICER)
user.posts.set([post])
print(post.pk)
"""
COUNT = "from vinculo.web.pipeline.models import Opportunity; print(Opportunity.objects.count())"


def _django(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]  # after the shell's own notice


def test_a_killed_import_leaves_nothing_and_a_rerun_imports_all(tmp_path: Path, fresh_database):
    env = command_env(tmp_path / "home", fresh_database)
    env["DJANGO_SETTINGS_MODULE"] = "vinculo.web.settings"
    _django(env, "migrate", "--noinput")
    post = _django(env, "shell", "-c", SETUP)
    offers = tmp_path / "offers.csv"
    topics = ("baterías de litio", "vacunas de ARNm", "satélites de observación", "hidrógeno verde")
    with offers.open("w", encoding="utf-8") as out:
        out.write("title,description,kind,post\n")
        for n in range(ROWS):
            topic = topics[n % len(topics)]
            out.write(
                f"Oferta {n} sobre {topic},Laboratorio {n} ofrece cooperación en {topic} "
                f"con el número de referencia {n * 7919},joint_research,{post}\n"
            )

    process = subprocess.Popen(
        [sys.executable, "-m", "django", "import_opportunities", "--user", "olga", str(offers)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    seen = b""
    deadline = time.monotonic() + 240
    while f"writing {KILL_AFTER}/{ROWS}".encode() not in seen:
        chunk = os.read(process.stderr.fileno(), 256)
        if not chunk or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the import never reached row {KILL_AFTER}: {seen[-500:]!r}")
        seen += chunk
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert _django(env, "shell", "-c", COUNT) == "0"

    output = _django(env, "import_opportunities", "--user", "olga", str(offers), timeout=600)
    assert output == f"{ROWS} opportunities imported from offers.csv"
    assert _django(env, "shell", "-c", COUNT) == str(ROWS)


def test_a_bad_file_exits_2_naming_row_and_field(tmp_path: Path, fresh_database):
    env = command_env(tmp_path / "home", fresh_database)
    env["DJANGO_SETTINGS_MODULE"] = "vinculo.web.settings"
    _django(env, "migrate", "--noinput")
    post = _django(env, "shell", "-c", SETUP)
    offers = tmp_path / "offers.csv"
    offers.write_text(
        "title,description,kind,post,deadline\n"
        f"Good,A good row,joint_research,{post},2027-01-01\n"
        f"Bad,A bad date,joint_research,{post},31/01/2027\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "import_opportunities", "--user", "olga", str(offers)],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "offers.csv: row 3, deadline: '31/01/2027' is not a date (YYYY-MM-DD)" in done.stderr
    assert _django(env, "shell", "-c", COUNT) == "0"
