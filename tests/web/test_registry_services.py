"""Registry services: each write leaves its audit record (who, what changed), refuses who
may not write, and checks its input; uploads are checked by content and size; institutions
come from the evidence store, idempotently."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from tests.web.conftest import PDF, login
from vinculo.evidence.store import EvidenceStore
from vinculo.web.audit.models import AuditEvent
from vinculo.web.registry.models import (
    Agreement,
    AgreementDocument,
    Country,
    Institution,
)
from vinculo.web.registry.selectors import agreements_visible_to, renewals_due
from vinculo.web.registry.services import (
    agreement_create,
    agreement_set_status,
    agreement_update,
    countries_sync,
    document_kind,
    document_upload,
    institutions_import_from_store,
    ip_terms_set,
    milestone_add,
    milestone_set_done,
    outcome_add,
    project_create,
    project_update,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("id")


# ---------------------------------------------------------------- audit records
def test_agreement_create_records_who_and_every_field(registry):
    olga = registry.users["officer_a"]
    agreement = agreement_create(
        actor=olga,
        title="Mobility of researchers",
        kind="mobility",
        partner_country=registry.france,
        post=registry.post_a,
        institutions=[registry.cnrs, registry.unam],
        priorities=["aerospace"],
        expires_on=dt.date(2030, 1, 1),
    )
    event = last_event("agreement.create")
    assert (event.actor, event.object_type, event.object_id) == (
        olga,
        "registry.agreement",
        str(agreement.pk),
    )
    assert event.changes["title"] == [None, "Mobility of researchers"]
    assert event.changes["post"] == [None, str(registry.post_a.pk)]
    assert event.changes["institutions"] == [None, sorted([registry.cnrs.pk, registry.unam.pk])]
    assert event.changes["expires_on"] == [None, "2030-01-01"]
    assert agreement.created_by == olga


def test_agreement_update_records_only_what_changed(registry):
    agreement = registry.agreement_a
    planner = registry.users["planner"]
    agreement_update(
        actor=planner,
        agreement=agreement,
        title="Lithium chemistry with CNRS",  # unchanged
        summary="New summary",
        institutions=[registry.cnrs],
    )
    event = last_event("agreement.update")
    assert event.actor == planner
    assert event.changes == {
        "summary": ["Joint laboratory on lithium extraction.", "New summary"],
        "institutions": [sorted([registry.unam.pk, registry.cnrs.pk]), [registry.cnrs.pk]],
    }
    count = AuditEvent.objects.count()
    agreement_update(actor=planner, agreement=agreement, summary="New summary")
    assert AuditEvent.objects.count() == count  # nothing changed, nothing recorded


def test_agreement_set_status_follows_the_workflow(registry):
    legal = registry.users["legal"]
    agreement_set_status(actor=legal, agreement=registry.agreement_a, status="expired")
    assert last_event("agreement.status").changes == {"status": ["in_force", "expired"]}
    assert last_event("agreement.status").actor == legal
    with pytest.raises(ValidationError) as error:
        agreement_set_status(actor=legal, agreement=registry.agreement_a, status="draft")
    assert "status" in error.value.message_dict
    agreement_set_status(actor=legal, agreement=registry.agreement_a, status="terminated")
    with pytest.raises(ValidationError):  # terminated is final
        agreement_set_status(actor=legal, agreement=registry.agreement_a, status="in_force")


def test_ip_terms_set_creates_then_records_the_differences(registry):
    legal = registry.users["legal"]
    terms = ip_terms_set(
        actor=legal,
        agreement=registry.agreement_central,
        background_ip="each_party",
        foreground_ip="joint",
        licensing="open",
        royalty_home_percent=Decimal("25.00"),
    )
    created = last_event("ip_terms.set")
    assert (created.actor, created.object_id) == (legal, str(terms.pk))
    assert created.changes["licensing"] == [None, "open"]
    assert created.changes["royalty_home_percent"] == [None, "25.00"]
    ip_terms_set(
        actor=legal,
        agreement=registry.agreement_central,
        background_ip="each_party",
        foreground_ip="joint",
        licensing="exclusive",
        royalty_home_percent=Decimal("25.00"),
    )
    assert last_event("ip_terms.set").changes == {"licensing": ["open", "exclusive"]}
    with pytest.raises(ValidationError) as error:
        ip_terms_set(
            actor=legal,
            agreement=registry.agreement_central,
            background_ip="each_party",
            foreground_ip="joint",
            licensing="open",
            royalty_home_percent=Decimal("120"),
        )
    assert "royalty_home_percent" in error.value.message_dict


def test_document_outcome_project_and_milestone_writes_are_audited(registry):
    planner = registry.users["planner"]
    document = document_upload(
        actor=planner,
        agreement=registry.agreement_b,
        upload=SimpleUploadedFile("Acta firmada.pdf", PDF),
    )
    event = last_event("document.upload")
    assert event.actor == planner
    assert event.changes == {
        "agreement": [None, registry.agreement_b.pk],
        "original_name": [None, "Acta firmada.pdf"],
        "content_type": [None, "application/pdf"],
        "size": [None, len(PDF)],
    }
    assert document.file.read() == PDF
    assert not document.file.name.endswith("Acta firmada.pdf")  # stored under a random name

    outcome = outcome_add(
        actor=planner, agreement=registry.agreement_b, kind="patent", description="A cell"
    )
    assert last_event("outcome.add").object_id == str(outcome.pk)
    assert last_event("outcome.add").changes["description"] == [None, "A cell"]

    project = project_create(
        actor=planner,
        name="Satellites",
        priorities=["aerospace"],
        agreements=[registry.agreement_a],
    )
    assert last_event("project.create").changes["agreements"] == [None, [registry.agreement_a.pk]]
    project_update(actor=planner, project=project, status="active", budget_usd=Decimal("10"))
    assert last_event("project.update").changes == {
        "status": ["planned", "active"],
        "budget_usd": [None, "10"],
    }
    milestone = milestone_add(actor=planner, project=project, title="Launch")
    assert last_event("milestone.add").changes["title"] == [None, "Launch"]
    milestone_set_done(actor=planner, milestone=milestone, done=True)
    assert last_event("milestone.done").changes == {"done": [False, True]}
    assert last_event("milestone.done").actor == planner


# ---------------------------------------------------------------- the second lock
def test_services_refuse_who_may_not_write(registry):
    users = registry.users
    with pytest.raises(PermissionDenied):
        agreement_create(
            actor=users["viewer"], title="x", kind="mobility", partner_country=registry.france
        )
    with pytest.raises(PermissionDenied):
        agreement_update(actor=users["officer_a"], agreement=registry.agreement_b, title="x")
    with pytest.raises(PermissionDenied):  # shared with post A, but post B's to change
        agreement_update(actor=users["officer_a"], agreement=registry.agreement_shared, title="x")
    with pytest.raises(PermissionDenied):  # officers never set IP terms, even their own
        ip_terms_set(
            actor=users["officer_a"],
            agreement=registry.agreement_a,
            background_ip="joint",
            foreground_ip="joint",
            licensing="open",
        )
    with pytest.raises(PermissionDenied):
        project_create(actor=users["legal"], name="x")
    with pytest.raises(PermissionDenied):
        countries_sync(actor=users["planner"])
    assert not AuditEvent.objects.exists()


def test_an_officer_registers_agreements_of_their_own_posts_only(registry):
    with pytest.raises(ValidationError) as error:
        agreement_create(
            actor=registry.users["officer_a"],
            title="Elsewhere",
            kind="mobility",
            partner_country=registry.germany,
            post=registry.post_b,
        )
    assert "post" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        agreement_update(
            actor=registry.users["officer_a"], agreement=registry.agreement_a, post=None
        )
    assert "post" in error.value.message_dict


def test_agreement_checks_dates_priorities_and_choices(registry):
    with pytest.raises(ValidationError) as error:
        agreement_create(
            actor=registry.users["planner"],
            title="",
            kind="treaty",
            partner_country=registry.france,
            priorities=["space-tourism"],
            effective_on=dt.date(2025, 1, 1),
            expires_on=dt.date(2024, 1, 1),
        )
    assert set(error.value.message_dict) == {"title", "kind", "priorities", "expires_on"}
    assert not Agreement.objects.filter(partner_country=registry.france, title="").exists()


# ---------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", PNG, "The file's name ends in .pdf but its content is PNG."),
        ("notes.txt", b"hello", "Allowed file types: PDF, DOCX, ODT, PNG and JPEG."),
        ("fake.docx", b"not a zip at all", "content is not a PDF, DOCX, ODT, PNG or JPEG"),
        ("empty.pdf", b"", "The file is empty."),
        ("huge.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), "The file is 11.0 MB; the limit"),
    ],
    ids=["png-renamed-pdf", "text", "docx-not-zip", "empty", "11-mb"],
)
def test_uploads_are_checked_by_content_and_size(registry, name, content, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            document_upload(
                actor=registry.users["planner"],
                agreement=registry.agreement_a,
                upload=SimpleUploadedFile(name, content),
            )
        assert message in " ".join(error.value.message_dict["file"])
    assert AgreementDocument.objects.filter(agreement=registry.agreement_a).count() == 1


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.PNG", PNG, "image/png"),
        ("a.jpeg", JPEG, "image/jpeg"),
        ("a.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_the_five_allowed_types_are_accepted(registry, name, content, content_type):
    document = document_upload(
        actor=registry.users["legal"],
        agreement=registry.agreement_a,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )
    assert document.content_type == content_type  # from the content, not the browser


def test_a_zip_that_is_neither_docx_nor_odt_is_refused():
    assert document_kind(io.BytesIO(_zip({"readme.txt": b"hi"}))) is None
    assert document_kind(io.BytesIO(DOCX)) == "docx"
    assert document_kind(io.BytesIO(ODT)) == "odt"


# ---------------------------------------------------------------- renewals
def test_renewals_due_within_notice_and_overdue_first(registry):
    today = timezone.localdate()
    overdue = registry.agreement_b
    overdue.expires_on = today - dt.timedelta(days=3)
    overdue.save()
    due = renewals_due(today)
    assert due == [overdue, registry.agreement_a]  # B is past its expiry, A within 90 days
    assert renewals_due(today - dt.timedelta(days=31)) == [overdue]  # A not yet in its notice
    scoped = renewals_due(today, agreements_visible_to(registry.users["officer_a"]))
    assert scoped == [registry.agreement_a]


# ---------------------------------------------------------------- reference data
def _institutions_frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "types": ["education"],
        "aliases": [],
        "latitude": None,
        "longitude": None,
        "status": "active",
        "city": None,
        "website": None,
        "established": None,
    }
    return pd.DataFrame([defaults | row for row in rows])


def _store(path, rows: list[dict], vintage: str) -> EvidenceStore:
    store = EvidenceStore(path)
    store.import_rows(
        "institutions",
        _institutions_frame(rows),
        source="ror",
        name="ror-data",
        vintage=vintage,
        file_name=f"ror-{vintage}.json",
        file_sha256=vintage * 8,
    )
    return store


def test_institutions_import_from_the_evidence_store_is_idempotent(db, tmp_path):
    rows = [
        {
            "ror_id": "https://ror.org/01tmp8f25",
            "name": "Universidad Nacional Autónoma de México",
            "country": "MEX",
            "city": "Mexico City",
            "aliases": ["UNAM"],
        },
        {"ror_id": "https://ror.org/02feahw73", "name": "CNRS", "country": "FRA"},
        {
            "ror_id": "https://ror.org/0gone0000",
            "name": "Withdrawn",
            "country": "FRA",
            "status": "withdrawn",
        },
    ]
    with _store(tmp_path / "evidence.duckdb", rows, "v1") as store:
        first = institutions_import_from_store(store=store)
        again = institutions_import_from_store(store=store)
    assert (first.created, first.updated, first.unchanged, first.skipped) == (2, 0, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    unam = Institution.objects.get(ror_id="https://ror.org/01tmp8f25")
    assert (unam.country_id, unam.city, unam.aliases) == ("MEX", "Mexico City", ["UNAM"])
    assert "unam" in unam.search_text
    # the countries came from the ISO 3166 reference, named by CLDR
    assert Country.objects.get(code="MEX").name_es == "México"
    assert Country.objects.get(code="DEU").name_en == "Germany"
    assert AuditEvent.objects.filter(action="institution.import").count() == 2

    rows[1] |= {"name": "Centre National de la Recherche Scientifique", "aliases": ["CNRS"]}
    with _store(tmp_path / "evidence.duckdb", rows, "v2") as store:
        changed = institutions_import_from_store(store=store)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    event = last_event("institution.import")
    assert event.actor is None  # the system, not a person
    assert event.changes["name"] == ["CNRS", "Centre National de la Recherche Scientifique"]
    assert Institution.objects.count() == 2


def test_countries_sync_creates_then_changes_nothing(db, registry):
    admin = registry.users["admin"]
    first = countries_sync(actor=admin)
    assert first.created > 240
    assert first.updated == 0
    assert first.unchanged == 3  # MEX, FRA, DEU of the sample registry
    again = countries_sync(actor=admin)
    assert (again.created, again.updated) == (0, 0)
    assert last_event("country.sync").actor == admin


def test_the_sync_page_and_command_read_the_evidence_store(registry, tmp_path, monkeypatch):
    rows = [{"ror_id": "https://ror.org/03nawhv43", "name": "CINVESTAV", "country": "MEX"}]
    _store(tmp_path / "evidence.duckdb", rows, "v1").close()
    monkeypatch.setattr("vinculo.web.registry.views.vinculo_home", lambda: tmp_path)
    admin = login("admin", registry)
    response = admin.post(reverse("registry:reference_sync"), follow=True)
    assert "Institutions: 1 new, 0 updated, 0 unchanged, 0 skipped." in response.content.decode()
    event = last_event("institution.import")
    assert (event.actor, event.changes["name"]) == (registry.users["admin"], [None, "CINVESTAV"])

    out = io.StringIO()
    call_command("registry_sync", "--store", str(tmp_path / "evidence.duckdb"), stdout=out)
    assert "institutions: 0 new, 0 updated, 1 unchanged, 0 skipped" in out.getvalue()
    with pytest.raises(CommandError, match="no evidence store"):
        call_command("registry_sync", "--store", str(tmp_path / "none.duckdb"), stdout=out)
