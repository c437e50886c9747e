"""Researchers from ORCID's public records by iD, live through the Public API (issue:
"Import researchers … from ORCID's public records by ORCID iD"), against a fake ORCID
(httpx.MockTransport) serving records in the v3.0 JSON shape of the existing fixture
(``tests/strategy/fixtures/people/orcid_record.json``); no network."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command, execute_from_command_line

from vinculo.evidence.sources.orcid_api import (
    ID_VARIABLE,
    SECRET_VARIABLE,
    OrcidClient,
    OrcidCredentialsError,
    OrcidRecordError,
)
from vinculo.web.people.imports import import_orcid
from vinculo.web.people.models import Researcher
from vinculo.web.pipeline.imports import ImportFailedError

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent.parent / "strategy" / "fixtures" / "people" / "orcid_record.json"
ANA = "0000-0002-1825-0097"  # the fixture's record: UNAM degree, current post at Oxford
ROSA = "0000-0003-1419-2405"
MISSING = "0000-0002-1694-233X"  # a valid checksum, no record at the fake ORCID
BAD = "0000-0002-1825-0098"  # fails the checksum
TOKEN = "tok-3f1c"


def _record(orcid: str, given: str, family: str) -> dict:
    """The fixture's record under another iD and name (same affiliations)."""
    record = copy.deepcopy(json.loads(FIXTURE.read_text()))
    record["orcid-identifier"] = {"uri": f"https://orcid.org/{orcid}", "path": orcid,
                                  "host": "orcid.org"}  # fmt: skip
    record["person"]["name"]["given-names"] = {"value": given}
    record["person"]["name"]["family-name"] = {"value": family}
    record["person"]["name"]["path"] = orcid
    return record


class FakeOrcid:
    """``POST orcid.org/oauth/token`` and ``GET pub.orcid.org/v3.0/{iD}/record``."""

    def __init__(self) -> None:
        self.records = {
            ANA: json.loads(FIXTURE.read_text()),
            ROSA: _record(ROSA, "Rosa", "Méndez Ruiz"),
        }
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "orcid.org" and request.url.path == "/oauth/token":
            assert request.method == "POST"
            form = parse_qs(request.content.decode())
            if form.get("client_secret") != ["s3cret"]:
                return httpx.Response(
                    401,
                    json={"error": "invalid_client", "error_description": "Bad client credentials"},
                )
            return httpx.Response(200, json={"access_token": TOKEN, "token_type": "bearer",
                                             "expires_in": 631138518, "scope": "/read-public",
                                             "orcid": None})  # fmt: skip
        assert request.url.host == "pub.orcid.org"
        version, orcid, endpoint = request.url.path.strip("/").split("/")
        assert (version, endpoint) == ("v3.0", "record")
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return httpx.Response(401, json={"error": "invalid_token"})
        if orcid not in self.records:
            said = {"response-code": 404, "developer-message": f"404 Not Found: {orcid}"}
            return httpx.Response(404, json=said)
        return httpx.Response(200, json=self.records[orcid])

    @property
    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/oauth/token"]

    @property
    def record_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "pub.orcid.org"]


def _client(server: FakeOrcid, secret: str = "s3cret") -> OrcidClient:
    return OrcidClient(client_id="APP-TEST", client_secret=secret,
                       transport=httpx.MockTransport(server), sleep=lambda s: None)  # fmt: skip


@pytest.fixture
def server(monkeypatch):
    """The fake ORCID, also behind the command's client (credentials from the env)."""
    fake = FakeOrcid()
    monkeypatch.setenv(ID_VARIABLE, "APP-TEST")
    monkeypatch.setenv(SECRET_VARIABLE, "s3cret")
    real = OrcidClient.__init__

    def init(self, **options):
        options.setdefault("transport", httpx.MockTransport(fake))
        options.setdefault("sleep", lambda s: None)
        real(self, **options)

    monkeypatch.setattr(OrcidClient, "__init__", init)
    return fake


def test_a_live_import_by_orcid_creates_then_merges(registry, server):
    planner = registry.users["planner"]
    with _client(server) as client:
        report, outcome = import_orcid(actor=planner, client=client,
                                       orcids=[ANA, f"https://orcid.org/{ROSA}"])  # fmt: skip
    # the token once, with the client-credentials form
    assert len(server.token_requests) == 1
    token = server.token_requests[0]
    assert str(token.url) == "https://orcid.org/oauth/token"
    assert parse_qs(token.content.decode()) == {
        "client_id": ["APP-TEST"], "client_secret": ["s3cret"],
        "grant_type": ["client_credentials"], "scope": ["/read-public"],
    }  # fmt: skip
    assert token.headers["Accept"] == "application/json"
    # each record with the bearer token and the JSON Accept header
    assert [str(r.url) for r in server.record_requests] == [
        f"https://pub.orcid.org/v3.0/{ANA}/record",
        f"https://pub.orcid.org/v3.0/{ROSA}/record",
    ]
    for request in server.record_requests:
        assert request.method == "GET"
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert request.headers["Accept"] == "application/json"
    assert (report.rows, len(outcome.created), len(outcome.merged)) == (2, 2, 0)
    ana = Researcher.objects.get(orcid=ANA)
    assert ana.name == "Ana García López"
    assert ana.sources == [f"orcid:{ANA},{ROSA}"]
    stays = {(a.institution, a.country, a.kind, a.start_year, a.end_year, a.current)
             for a in ana.affiliations.all()}  # fmt: skip
    assert stays == {
        ("University of Oxford", "GBR", "employment", 2012, None, True),
        ("Universidad Nacional Autónoma de México", "MEX", "education", 2005, 2010, False),
    }
    assert ana.diaspora == "diaspora"  # a Mexican degree, a post abroad
    assert Researcher.objects.get(orcid=ROSA).name == "Rosa Méndez Ruiz"
    # again: the same people, merged by ORCID, no duplicate
    with _client(server) as client:
        again, merged = import_orcid(actor=planner, client=client, orcids=[ANA])
    assert (again.rows, len(merged.created), merged.merged) == (1, 0, [(ana.pk, "orcid")])
    assert Researcher.objects.count() == 2
    assert Researcher.objects.get(orcid=ANA).affiliations.count() == 2
    assert len(server.token_requests) == 2  # one per client


def test_a_bad_checksum_is_refused_before_any_request(registry, server):
    with _client(server) as client, pytest.raises(ImportFailedError) as failure:
        import_orcid(actor=registry.users["planner"], client=client, orcids=[ANA, BAD, "x"])
    errors = [(e.row, e.field) for e in failure.value.report.errors]
    assert errors == [(2, "orcid"), (3, "orcid")]
    assert "fails the ORCID checksum" in failure.value.report.errors[0].message
    assert server.requests == []
    assert not Researcher.objects.exists()
    # the client alone checks it too
    with _client(server) as client, pytest.raises(ValueError, match="checksum"):
        client.record(BAD)
    assert server.requests == []


def test_a_missing_record_names_the_id_and_writes_nothing(registry, server):
    with _client(server) as client, pytest.raises(OrcidRecordError) as failure:
        import_orcid(actor=registry.users["planner"], client=client, orcids=[ANA, MISSING])
    assert failure.value.orcid == MISSING
    assert failure.value.status == 404
    assert f"ORCID iD {MISSING}: no such record (HTTP 404" in str(failure.value)
    assert len(server.record_requests) == 2  # Ana was fetched, not written
    assert not Researcher.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "officer_a", "legal"])
def test_other_roles_are_refused_before_any_request(registry, server, role):
    with _client(server) as client, pytest.raises(PermissionDenied):
        import_orcid(actor=registry.users[role], client=client, orcids=[ANA])
    assert server.requests == []
    assert not Researcher.objects.exists()


def test_missing_credentials_name_the_variables(monkeypatch):
    for name in (ID_VARIABLE, SECRET_VARIABLE):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    sent = []
    with pytest.raises(OrcidCredentialsError) as failure:
        OrcidClient(transport=httpx.MockTransport(sent.append))
    assert ID_VARIABLE in str(failure.value)
    assert SECRET_VARIABLE in str(failure.value)
    monkeypatch.setenv(ID_VARIABLE, "APP-TEST")
    with pytest.raises(OrcidCredentialsError, match=SECRET_VARIABLE) as failure:
        OrcidClient(transport=httpx.MockTransport(sent.append))
    assert ID_VARIABLE not in str(failure.value)
    assert sent == []


def test_refused_credentials_are_a_clear_error_without_the_secret(registry, server):
    with (
        _client(server, secret="wrong-secret") as client,
        pytest.raises(OrcidCredentialsError, match="Bad client credentials") as failure,
    ):
        import_orcid(actor=registry.users["planner"], client=client, orcids=[ANA])
    assert "wrong-secret" not in str(failure.value)
    assert SECRET_VARIABLE in str(failure.value)
    assert server.record_requests == []
    assert not Researcher.objects.exists()


def test_the_command_imports_ids_and_a_file(registry, server, tmp_path):
    out = io.StringIO()
    call_command("people_import_orcid", "--as", "pablo", ANA, stdout=out)
    assert out.getvalue().strip() == "1 ORCID records: 1 created, 0 merged, 0 to review."
    listing = tmp_path / "ids.txt"
    listing.write_text(f"# the diaspora in Oxford\n{ANA}\n\nhttps://orcid.org/{ROSA}\n")
    out = io.StringIO()
    call_command("people_import_orcid", "--as", "ada", "--file", str(listing), stdout=out)
    assert out.getvalue().strip() == "2 ORCID records: 1 created, 1 merged, 0 to review."
    assert Researcher.objects.count() == 2


def test_the_command_fails_clearly(registry, server, tmp_path, monkeypatch):
    def fails(*args, match):
        with pytest.raises(CommandError, match=match):
            call_command("people_import_orcid", *args, stdout=io.StringIO())

    fails("--as", "nobody", ANA, match="no such user")
    fails("--as", "vera", ANA, match="planners and administrators")
    fails("--as", "olga", ANA, match="planners and administrators")
    fails("--as", "pablo", match="give one or more ORCID iDs")
    fails("--as", "pablo", "--file", str(tmp_path / "none.txt"), match="cannot be read")
    listing = tmp_path / "ids.txt"
    listing.write_text(f"{ANA}\n\n{BAD}\n")
    fails("--as", "pablo", "--file", str(listing), match=r"row 3, orcid: .*checksum")
    fails("--as", "pablo", ANA, MISSING, match=f"{MISSING}: no such record.*Nothing was imported")
    assert server.record_requests
    assert not Researcher.objects.exists()
    monkeypatch.delenv(SECRET_VARIABLE)
    fails("--as", "pablo", ANA, match=SECRET_VARIABLE)
    assert not Researcher.objects.exists()


def test_the_command_line_exits_non_zero(registry, server, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "people_import_orcid", "--as", "pablo", BAD])
    assert exit_.value.code != 0
    assert "checksum" in capsys.readouterr().err
    assert server.requests == []
