"""The opportunity pipeline: submission (classified, duplicates flagged), idempotent API
submissions, the workflow per role, version conflicts, scores, confirmed priorities kept as
labels, merges with both histories, expiry and reminders, bulk import all-or-nothing, and
confidentiality in pages, API, history and exports."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pyarrow.parquet as pq
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import login
from vinculo.web.audit.models import AuditEvent
from vinculo.web.pipeline import classify
from vinculo.web.pipeline.imports import ImportFailedError, import_file
from vinculo.web.pipeline.models import DuplicateFlag, LabelledText, Opportunity, Submission
from vinculo.web.pipeline.services import (
    ConflictError,
    expire_stale,
    opportunity_merge,
    opportunity_score,
    opportunity_submit,
    opportunity_transition,
    opportunity_update,
    priorities_confirm,
    reminders_due,
    send_reminders,
)

pytestmark = pytest.mark.django_db

BATTERY_OFFER = (
    "Laboratorio francés de baterías de ion de litio busca socio mexicano",
    "El laboratorio ofrece acceso a su línea piloto de celdas de baterías de ion de litio y "
    "cofinanciamiento para investigación conjunta sobre cátodos y reciclaje de baterías de "
    "vehículos eléctricos. Plazo para manifestar interés: marzo.",
)


def _submit(registry, persona="officer_a", post=None, title=None, description=None, **extra):
    user = registry.users[persona]
    return opportunity_submit(
        actor=user,
        title=title or BATTERY_OFFER[0],
        description=description or BATTERY_OFFER[1],
        kind=Opportunity.Kind.JOINT_RESEARCH,
        post=post or (registry.post_b if persona == "officer_b" else registry.post_a),
        **extra,
    )


# ---------------------------------------------------------------- submission
def test_submit_classifies_folds_and_audits(registry):
    opportunity = _submit(registry, amount_offered=Decimal("50000"), currency="eur")
    suggested = [s["id"] for s in opportunity.suggested_priorities]
    assert "batteries" in suggested
    battery = next(s for s in opportunity.suggested_priorities if s["id"] == "batteries")
    assert 0 < battery["confidence"] <= 1
    assert battery["terms"]
    assert opportunity.currency == "EUR"
    assert "baterias de ion de litio" in opportunity.search_text  # accents folded
    assert opportunity.host_country_id == "FRA"  # the post's country
    assert not opportunity.priorities_confirmed
    event = AuditEvent.objects.get(action="opportunity.submit", object_id=str(opportunity.pk))
    assert event.changes["title"] == [None, BATTERY_OFFER[0]]
    assert "batteries" in event.changes["suggested_priorities"][1]


def test_an_officer_logs_only_for_their_posts_and_viewers_not_at_all(registry):
    with pytest.raises(ValidationError) as error:
        _submit(registry, post=registry.post_b)  # officer_a, post B
    assert "post" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        _submit(registry, persona="viewer")
    with pytest.raises(PermissionDenied):
        _submit(registry, persona="legal")


def test_amounts_need_a_currency_and_cannot_be_negative(registry):
    with pytest.raises(ValidationError) as error:
        _submit(registry, amount_offered=Decimal("10"))
    assert "currency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _submit(registry, amount_requested=Decimal("-1"), currency="USD")
    assert "amount_requested" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _submit(registry, priorities=["batteries", "teleportation"])
    assert "teleportation" in str(error.value.message_dict["priorities"])


def test_the_same_offer_from_two_posts_is_flagged_with_its_similarity(registry):
    first = _submit(registry, host_country=registry.germany)
    # the consulate logs the same offer, lightly edited, for the same host country
    second = _submit(
        registry,
        persona="officer_b",
        title=BATTERY_OFFER[0].replace("busca", "buscando"),
        description=BATTERY_OFFER[1] + " Contacto por la embajada.",
    )
    flag = DuplicateFlag.objects.get(opportunity=second)
    assert flag.other_id == first.pk
    assert 0.6 <= flag.similarity < 1.0
    unrelated = _submit(
        registry,
        persona="officer_b",
        title="Beca de movilidad para astrónomos",
        description="Estancias de seis meses en observatorios alemanes para doctorandos.",
    )
    assert not DuplicateFlag.objects.filter(opportunity=unrelated).exists()


def test_the_suggest_panel_warns_of_duplicates_without_revealing_another_posts_record(
    registry,
):
    _submit(registry, persona="officer_b")  # post B's record, Germany
    client = login("officer_a", registry)
    response = client.post(
        reverse("pipeline:suggest"),
        {
            "title": BATTERY_OFFER[0],
            "description": BATTERY_OFFER[1],
            "host_country": "DEU",
            "post": registry.post_a.pk,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-priority="batteries"' in html
    assert "An opportunity logged by another post" in html
    assert BATTERY_OFFER[0] not in html  # post B's title stays hidden from post A


# ---------------------------------------------------------------- workflow
def test_transitions_follow_the_workflow_and_the_roles(registry):
    opportunity = _submit(registry)
    users = registry.users
    with pytest.raises(PermissionDenied):  # officers do not screen
        opportunity_transition(
            actor=users["officer_a"], opportunity=opportunity, version=1, status="screening"
        )
    with pytest.raises(PermissionDenied):
        opportunity_transition(
            actor=users["viewer"], opportunity=opportunity, version=1, status="screening"
        )
    with pytest.raises(ValidationError):  # not a step of the workflow
        opportunity_transition(
            actor=users["planner"], opportunity=opportunity, version=1, status="active"
        )
    moved = opportunity_transition(
        actor=users["planner"], opportunity=opportunity, version=1, status="screening"
    )
    assert (moved.status, moved.version, moved.owner) == ("screening", 2, users["planner"])
    # the assessment needs confirmed priorities: the classifier's suggestions are not enough
    assert moved.suggested_priorities
    assert not moved.priorities_confirmed
    with pytest.raises(ValidationError) as error:
        opportunity_transition(
            actor=users["planner"], opportunity=moved, version=2, status="assessment"
        )
    assert "Confirm the opportunity's priorities" in error.value.message_dict["status"][0]
    moved = priorities_confirm(
        actor=users["planner"], opportunity=moved, version=2, priorities=[]
    )  # confirmed, but none chosen: still refused
    with pytest.raises(ValidationError) as error:
        opportunity_transition(
            actor=users["planner"], opportunity=moved, version=3, status="assessment"
        )
    assert "at least one priority" in error.value.message_dict["status"][0]
    moved = priorities_confirm(
        actor=users["planner"], opportunity=moved, version=3, priorities=["batteries"]
    )
    for version, status in ((4, "assessment"), (5, "negotiation")):
        moved = opportunity_transition(
            actor=users["planner"], opportunity=moved, version=version, status=status
        )
    with pytest.raises(ValidationError) as error:  # agreed needs its agreement
        opportunity_transition(actor=users["legal"], opportunity=moved, version=6, status="agreed")
    assert "agreement" in error.value.message_dict
    moved = opportunity_transition(
        actor=users["legal"],
        opportunity=moved,
        version=6,
        status="agreed",
        agreement=registry.agreement_a,
        note="Signed in Paris.",
    )
    assert moved.agreement == registry.agreement_a
    assert moved.comments.get().text == "Signed in Paris."
    history = login("legal", registry).get(reverse("pipeline:detail", args=[moved.pk]))
    assert f"agreement: — → {registry.agreement_a.title}" in history.content.decode()
    statuses = [
        e.changes["status"]
        for e in AuditEvent.objects.filter(action="opportunity.status").order_by("id")
    ]
    assert statuses == [
        ["submitted", "screening"],
        ["screening", "assessment"],
        ["assessment", "negotiation"],
        ["negotiation", "agreed"],
    ]


def test_an_officer_withdraws_a_submitted_opportunity(registry):
    opportunity = _submit(registry)
    closed = opportunity_transition(
        actor=registry.users["officer_a"], opportunity=opportunity, version=1, status="closed"
    )
    assert closed.status == "closed"


def test_a_change_made_on_a_stale_version_is_refused_and_nothing_is_lost(registry):
    opportunity = _submit(registry)
    planner, admin = registry.users["planner"], registry.users["admin"]
    opportunity_update(actor=planner, opportunity=opportunity, version=1, deadline=None,
                       contact_name="First editor")  # fmt: skip
    with pytest.raises(ConflictError) as error:
        opportunity_update(actor=admin, opportunity=opportunity, version=1,
                           contact_name="Second editor")  # fmt: skip
    assert error.value.opportunity.version == 2
    opportunity.refresh_from_db()
    assert (opportunity.contact_name, opportunity.version) == ("First editor", 2)
    with pytest.raises(ConflictError):
        opportunity_transition(actor=admin, opportunity=opportunity, version=1, status="screening")


def test_a_stale_form_answers_409_and_keeps_what_the_user_typed(registry):
    opportunity = registry.opportunity_a
    opportunity_update(
        actor=registry.users["planner"], opportunity=opportunity, version=1, title="Planner's"
    )
    client = login("officer_a", registry)
    response = client.post(
        reverse("pipeline:edit", kwargs={"opportunity_id": opportunity.pk}),
        {
            "version": "1",
            "title": "Officer's own words",
            "description": "Kept in the form.",
            "kind": "infrastructure",
            "host_country": "FRA",
        },
    )
    assert response.status_code == 409
    # the form field's value, escaped (Jinja2 writes &#39;, Django &#x27;)
    assert 'value="Officer&#39;s own words"' in response.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.title == "Planner's"


def test_the_rubric_scores_and_its_outcome(registry):
    opportunity = _submit(registry)
    planner = registry.users["planner"]
    decision = opportunity_score(
        actor=planner,
        opportunity=opportunity,
        version=1,
        scores={"relevance": 5, "capacity": 4, "added_value": 3, "feasibility": 2},
    )
    assert (decision.total, decision.outcome) == (14, "publish")
    decision = opportunity_score(
        actor=planner,
        opportunity=opportunity,
        version=2,
        scores={"relevance": 5, "capacity": 5, "added_value": 5, "feasibility": 0},
    )
    assert (decision.outcome, decision.blocking) == ("blocked", ("feasibility",))
    with pytest.raises(PermissionDenied):
        opportunity_score(
            actor=registry.users["officer_a"],
            opportunity=opportunity,
            version=3,
            scores={"relevance": 1, "capacity": 1, "added_value": 1, "feasibility": 1},
        )
    event = AuditEvent.objects.filter(action="opportunity.score").order_by("-id").first()
    assert event.changes["outcome"] == [None, "blocked"]


def test_confirmed_priorities_become_labelled_data_for_the_classifier(registry):
    opportunity = _submit(registry)
    priorities_confirm(
        actor=registry.users["officer_a"],
        opportunity=opportunity,
        version=1,
        priorities=["batteries", "electromobility"],
    )
    label = LabelledText.objects.get(opportunity=opportunity)
    assert label.priorities == ["batteries", "electromobility"]
    assert "batteries" in label.suggested
    examples = classify.labelled_examples()
    assert [sorted(e.labels) for e in examples] == [["batteries", "electromobility"]]
    opportunity.refresh_from_db()
    assert opportunity.priorities_confirmed
    assert opportunity.version == 2


def test_merging_keeps_both_histories(registry):
    keep = _submit(registry, host_country=registry.germany)
    duplicate = _submit(registry, persona="officer_b")
    duplicate.institutions.set([registry.fraunhofer])
    merged = opportunity_merge(
        actor=registry.users["planner"], keep=keep, duplicate=duplicate, version=1
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", keep.pk)
    assert list(merged.institutions.all()) == [registry.fraunhofer]
    assert DuplicateFlag.objects.get(opportunity=duplicate).resolved
    client = login("planner", registry)
    history = client.get(f"/api/v1/pipeline/opportunities/{keep.pk}/history").json()
    seen = {(row["opportunity"], row["action"]) for row in history}
    assert (duplicate.pk, "opportunity.submit") in seen  # the merged record's history
    assert (keep.pk, "opportunity.merge") in seen
    with pytest.raises(ValidationError):
        opportunity_merge(
            actor=registry.users["planner"], keep=keep, duplicate=duplicate, version=2
        )


def test_idle_opportunities_expire_and_reminders_are_mailed(registry):
    registry.users["officer_a"].email = "olga@example.org"
    registry.users["officer_a"].save()
    soon = _submit(registry, deadline=timezone.localdate() + timedelta(days=5))
    idle = registry.opportunity_a
    long_ago = timezone.now() - timedelta(days=40)
    Opportunity.objects.filter(pk=idle.pk).update(updated_at=long_ago)
    due = reminders_due(deadline_days=14, idle_days=30)
    assert {(r.opportunity.pk, r.reason) for r in due} == {(soon.pk, "deadline"), (idle.pk, "idle")}
    assert send_reminders(due) == 2
    assert {tuple(m.to) for m in mail.outbox} == {("olga@example.org",)}
    assert any(soon.title[:40] in m.subject for m in mail.outbox)
    # olga's profile says English (conftest): her reminders are in English
    assert {m.subject.split(":")[0] for m in mail.outbox} == {
        f"Deadline on {soon.deadline}",
        "No update for a while",
    }
    expired = expire_stale(days=30)
    assert expired == [idle.pk]
    idle.refresh_from_db()
    assert idle.status == "expired"
    assert AuditEvent.objects.get(action="opportunity.expire").actor is None


# ---------------------------------------------------------------- the API
def test_a_retried_api_submission_creates_one_opportunity(registry):
    client = login("officer_a", registry)
    body = {
        "title": "Satellite ground station access",
        "description": "An observatory offers time on its ground station for satellites.",
        "kind": "infrastructure",
        "post": registry.post_a.pk,
    }
    before = Opportunity.objects.count()
    first = client.post("/api/v1/pipeline/opportunities", json.dumps(body),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")  # fmt: skip
    retry = client.post("/api/v1/pipeline/opportunities", json.dumps(body),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")  # fmt: skip
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert Opportunity.objects.count() == before + 1
    assert Submission.objects.count() == 1
    other = client.post("/api/v1/pipeline/opportunities", json.dumps({**body, "title": "Else"}),
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")  # fmt: skip
    assert other.status_code == 422
    assert Opportunity.objects.count() == before + 1


def test_the_api_answers_409_on_a_stale_version(registry):
    client = login("planner", registry)
    url = f"/api/v1/pipeline/opportunities/{registry.opportunity_a.pk}/status"
    ok = client.post(url, {"version": 1, "status": "screening"}, content_type="application/json")
    stale = client.post(url, {"version": 1, "status": "rejected"}, content_type="application/json")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    assert stale.status_code == 409
    assert "version 2" in stale.json()["detail"]


def test_the_api_lists_filters_searches_and_sorts(registry):
    client = login("planner", registry)
    found = client.get("/api/v1/pipeline/opportunities?q=electrolyser").json()
    assert [row["id"] for row in found["items"]] == [registry.opportunity_b.pk]
    found = client.get("/api/v1/pipeline/opportunities?priority=batteries").json()
    assert [row["id"] for row in found["items"]] == [registry.opportunity_a.pk]
    found = client.get("/api/v1/pipeline/opportunities?sort=title").json()
    assert [row["title"][:5] for row in found["items"]] == ["Hydro", "Sodiu"]
    assert client.get("/api/v1/pipeline/opportunities?sort=nonsense").status_code == 422
    funnel = client.get("/api/v1/pipeline/funnel").json()
    assert funnel["statuses"]["negotiation"] == 1
    assert funnel["statuses"]["submitted"] == 1
    assert funnel["countries"] == {"FRA": 1, "DEU": 1}


def test_classify_endpoint_suggests_with_evidence(registry):
    client = login("viewer", registry)
    response = client.post(
        "/api/v1/pipeline/classify",
        {"text": "Earth observation satellites and a ground station for space data"},
        content_type="application/json",
    )
    assert response.status_code == 200
    ids = [s["id"] for s in response.json()]
    assert ids
    assert ids[0] == "aerospace"
    assert response.json()[0]["terms"]


# ---------------------------------------------------------------- confidentiality
SECRETS = ("SECRET-CONTACT", "claire@example.org", "250000", "250,000")


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("viewer", False), ("legal", False), ("officer_a", True), ("planner", True), ("admin", True)],
)
def test_contacts_and_amounts_are_redacted_in_pages_api_and_history(registry, persona, sees):
    client = login(persona, registry)
    opportunity = registry.opportunity_a
    page = client.get(reverse("pipeline:detail", kwargs={"opportunity_id": opportunity.pk}))
    listing = client.get(reverse("pipeline:list"))
    api = client.get(f"/api/v1/pipeline/opportunities/{opportunity.pk}").json()
    assert page.status_code == 200
    html = page.content.decode()
    assert ("SECRET-CONTACT" in html) is sees
    assert ("offer.pdf" in html) is sees  # attachments are confidential too
    assert ("250,000 EUR" in listing.content.decode()) is sees  # es-MX and en-US alike
    assert (api["contact_name"] == "Claire SECRET-CONTACT") is sees
    assert (api["amount_offered"] is not None) is sees
    assert api["redacted"] is not sees
    # the history holds the values as first written: redacted the same way
    opportunity_update(
        actor=registry.users["planner"], opportunity=opportunity, version=1,
        contact_email="new-SECRET-CONTACT@example.org",
    )  # fmt: skip
    history = client.get(f"/api/v1/pipeline/opportunities/{opportunity.pk}/history").json()
    text = json.dumps(history)
    assert ("new-SECRET-CONTACT@example.org" in text) is sees


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "parquet"])
@pytest.mark.parametrize(("persona", "sees"), [("viewer", False), ("officer_b", False),
                                                ("planner", True)])  # fmt: skip
def test_exports_respect_confidentiality(registry, file_format, persona, sees):
    client = login(persona, registry)
    url = reverse("pipeline:export", kwargs={"file_format": file_format})
    response = client.get(f"{url}?variant=data")  # the report variant: tests/web/test_exports.py
    assert response.status_code == 200
    content = response.content
    if file_format == "csv":
        rows = list(__import__("csv").DictReader(io.StringIO(content.decode("utf-8-sig"))))
    elif file_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        values = list(sheet.values)
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    else:
        rows = pq.read_table(io.BytesIO(content)).to_pylist()
    by_title = {row["title"][:6]: row for row in rows}
    if persona == "officer_b":  # their post's record only, with its own confidential part
        assert set(by_title) == {"Hydrog"}
        assert by_title["Hydrog"]["contact_phone"] == "+49 30 5550 1234"
        return
    assert set(by_title) == {"Hydrog", "Sodium"}
    sodium = by_title["Sodium"]
    assert (sodium["contact_name"] == "Claire SECRET-CONTACT") is sees
    assert (str(sodium["redacted"]) in ("False", "false", "0")) is sees
    assert (float(sodium["amount_offered"] or 0) == 250000.0) is sees


def test_user_text_is_escaped_everywhere(registry):
    script = "<script>alert('x')</script>"
    _submit(registry, title=f"Offer {script}", description=f"Body {script}")
    for persona in ("officer_a", "planner"):
        client = login(persona, registry)
        for url in (reverse("pipeline:list"), f"{reverse('pipeline:list')}?q=offer"):
            html = client.get(url).content.decode()
            assert script not in html
            assert "&lt;script&gt;" in html
    opportunity = Opportunity.objects.get(title__startswith="Offer")
    html = (
        login("planner", registry)
        .get(reverse("pipeline:detail", kwargs={"opportunity_id": opportunity.pk}))
        .content.decode()
    )
    assert script not in html
    assert "&lt;script&gt;alert" in html


def test_csv_exports_defuse_formulas(registry):
    _submit(registry, title='=HYPERLINK("http://evil")', description="A formula as a title.")
    content = (
        login("planner", registry)
        .get(reverse("pipeline:export", kwargs={"file_format": "csv"}))
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in content
    assert "\n=HYPERLINK" not in content


# ---------------------------------------------------------------- bulk import
HEADER = "title,description,kind,post,host_country,amount_offered,currency,deadline,priorities\n"


def _csv(registry, rows):
    return io.BytesIO((HEADER + "".join(rows)).encode())


def test_a_clean_file_is_imported_whole(registry):
    post = registry.post_a.pk
    handle = _csv(registry, [
        f"Grid batteries,Battery storage for the grid,co_investment,{post},FRA,1000,EUR,"
        "2027-01-31,batteries\n",
        f"Vaccine platform,mRNA vaccine platform access,technology_transfer,{post},,,,,\n",
    ])  # fmt: skip
    report = import_file(actor=registry.users["officer_a"], handle=handle, name="offers.csv")
    assert report.ok
    assert report.rows == 2
    assert len(report.created) == 2
    grid = Opportunity.objects.get(title="Grid batteries")
    assert (grid.priorities, grid.priorities_confirmed) == (["batteries"], True)
    assert grid.amount_offered == Decimal("1000.00")
    assert grid.deadline.isoformat() == "2027-01-31"
    assert AuditEvent.objects.filter(action="opportunity.import").count() == 1


def test_one_bad_row_imports_nothing_and_names_the_row_and_field(registry):
    post = registry.post_a.pk
    before = Opportunity.objects.count()
    handle = _csv(registry, [
        f"Grid batteries,Battery storage,co_investment,{post},FRA,1000,EUR,2027-01-31,\n",
        f"Second,Fine row,joint_research,{post},,,,,\n",
        f"Third,Bad date,joint_research,{post},,,,2027-02-30,\n",
        f"Fourth,Bad kind,partnership,{post},,,,,\n",
    ])  # fmt: skip
    with pytest.raises(ImportFailedError) as failure:
        import_file(actor=registry.users["officer_a"], handle=handle, name="offers.csv")
    errors = [(e.row, e.field) for e in failure.value.report.errors]
    assert errors == [(4, "deadline"), (5, "kind")]
    assert "2027-02-30" in str(failure.value.report.errors[0])
    assert Opportunity.objects.count() == before


def test_rows_for_another_post_and_broken_files_are_refused(registry):
    officer = registry.users["officer_a"]
    handle = _csv(registry, [f"X,Y,joint_research,{registry.post_b.pk},,,,,\n"])
    with pytest.raises(ImportFailedError) as failure:
        import_file(actor=officer, handle=handle, name="offers.csv")
    assert [(e.row, e.field) for e in failure.value.report.errors] == [(2, "post")]
    for content, name, message in (
        (b"name,text\nA,B\n", "offers.csv", "missing column(s): title, description, kind, post"),
        (b"\xff\xfet\x00i\x00", "offers.csv", "not UTF-8"),
        (b"PK\x03\x04broken", "offers.xlsx", "not a readable Excel"),
        (b"title,description,kind,post\n", "offers.csv", "no rows"),
        (b"whatever", "offers.pdf", ".csv or .xlsx"),
    ):
        with pytest.raises(ImportFailedError) as failure:
            import_file(actor=officer, handle=io.BytesIO(content), name=name)
        assert message in str(failure.value.report.errors[0]), name
    with pytest.raises(PermissionDenied):
        import_file(actor=registry.users["viewer"], handle=_csv(registry, []), name="a.csv")


def test_excel_files_are_imported_and_the_page_shows_the_report(registry):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "description", "kind", "post", "deadline"])
    sheet.append(["Hydrogen valley", "Green hydrogen hub", "co_investment", registry.post_a.pk,
                  timezone.localdate() + timedelta(days=90)])  # fmt: skip
    sheet.append(["Bad", "Row", "joint_research", "999999", None])
    out = io.BytesIO()
    book.save(out)
    client = login("officer_a", registry)
    upload = SimpleUploadedFile("offers.xlsx", out.getvalue())
    response = client.post(reverse("pipeline:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-ok="0"' in html
    assert "<td>3</td><td>post</td>" in html
    assert not Opportunity.objects.filter(title="Hydrogen valley").exists()
    sheet.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("offers.xlsx", out.getvalue())
    response = client.post(reverse("pipeline:import"), {"file": upload})
    assert response.status_code == 200
    assert 'data-ok="1"' in response.content.decode()
    assert Opportunity.objects.get(title="Hydrogen valley").deadline is not None


# ---------------------------------------------------------------- pages
def test_the_inbox_filters_and_the_officer_sees_only_their_posts(registry):
    planner = login("planner", registry)
    html = planner.get(reverse("pipeline:list") + "?status=negotiation").content.decode()
    assert "Hydrogen electrolyser" in html
    assert "Sodium-ion" not in html
    html = planner.get(reverse("pipeline:list") + "?q=SODIUM-ION").content.decode()
    assert "Sodium-ion" in html
    assert "Hydrogen electrolyser" not in html
    officer = login("officer_a", registry)
    html = officer.get(reverse("pipeline:list")).content.decode()
    assert "Sodium-ion" in html
    assert "Hydrogen electrolyser" not in html


def test_the_summary_page_counts_the_funnel(registry):
    html = login("planner", registry).get(reverse("pipeline:summary")).content.decode()
    data = json.loads(html.split('id="pipeline-data" type="application/json">')[1].split("<")[0])
    assert dict(data["funnel"])["Negotiation"] == 1
    assert dict(data["funnel"])["Submitted"] == 1


def test_the_owner_is_a_central_user(registry):
    from vinculo.web.pipeline.services import opportunity_assign

    planner = registry.users["planner"]
    opportunity = registry.opportunity_a
    with pytest.raises(ValidationError):
        opportunity_assign(actor=planner, opportunity=opportunity, version=1,
                           owner=registry.users["officer_a"])  # fmt: skip
    assigned = opportunity_assign(actor=planner, opportunity=opportunity, version=1,
                                  owner=registry.users["admin"])  # fmt: skip
    assert (assigned.owner, assigned.version) == (registry.users["admin"], 2)
    response = login("planner", registry).post(
        f"/api/v1/pipeline/opportunities/{opportunity.pk}/owner",
        {"version": 2, "owner": "vera"},  # a viewer
        content_type="application/json",
    )
    assert response.status_code == 422


def test_the_dashboard_shows_the_pipeline_in_the_users_scope(registry):
    html = login("planner", registry).get("/").content.decode()
    assert '<tr data-status="submitted"><th>' in html
    submitted = html.split('<tr data-status="submitted">')[1].split("</tr>")[0]
    negotiation = html.split('<tr data-status="negotiation">')[1].split("</tr>")[0]
    assert "<td>1</td>" in submitted
    assert "<td>1</td>" in negotiation
    html = login("officer_a", registry).get("/").content.decode()
    negotiation = html.split('<tr data-status="negotiation">')[1].split("</tr>")[0]
    assert "<td>0</td>" in negotiation  # post B's opportunity is not counted for post A


@pytest.mark.parametrize("persona", ["planner", "officer_a", "viewer"])
def test_the_list_queries_a_fixed_number_of_times(registry, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(persona, registry)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("pipeline:list") + "?q=pilot&sort=deadline").status_code == 200
            )
        return len(captured)

    few = queries()
    Opportunity.objects.bulk_create(
        Opportunity(title=f"Pilot {i}", description="A pilot line.", kind="joint_research",
                    post=registry.post_a, host_country=registry.france,
                    created_by=registry.users["planner"], search_text=f"pilot {i} a pilot line")
        for i in range(60)
    )  # fmt: skip
    assert queries() == few <= 9


def test_searches_page_without_a_count(registry):
    """A word search or the priority filter is read a page at a time without counting the
    matches (vinculo.web.paging): "Page 1" with a next link while more follow, "Page 2 of
    2" where they end; unfiltered lists keep their count."""
    planner = registry.users["planner"]
    rows = []
    for n in range(60):
        record = Opportunity(
            title=f"Hidrógeno verde {n}",
            description="Electrolizadores.",
            kind=Opportunity.Kind.JOINT_RESEARCH,
            post=registry.post_a,
            host_country_id=registry.post_a.host_country_id,
            suggested_priorities=[{"id": "energy-transition", "confidence": 0.9}],
            created_by=planner,
        )
        record.refresh_text()
        rows.append(record)
    Opportunity.objects.bulk_create(rows)
    client = login("planner", registry)
    url = reverse("pipeline:list")
    matches = {
        "q": Opportunity.objects.filter(search_text__contains="hidrogeno").count(),
        "priority": Opportunity.objects.filter(
            priority_keys__contains="|energy-transition|"
        ).count(),
    }
    assert matches["q"] == 60
    assert 60 <= matches["priority"] < 100
    for query in ({"q": "hidrogeno"}, {"priority": "energy-transition"}):
        first = client.get(url, query).content.decode()
        assert "Page 1</span>" in first
        assert "Page 1 of" not in first
        assert "page=2" in first
        assert first.count("<tr><td><a href=") == 50
        second = client.get(url, {**query, "page": "2"}).content.decode()
        assert "Page 2 of 2" in second
        assert second.count("<tr><td><a href=") == matches[next(iter(query))] - 50
        assert "page=3" not in second
        beyond = client.get(url, {**query, "page": "7"}).content.decode()
        assert "No opportunities match." in beyond
    few = client.get(url, {"q": "hidrogeno 7"}).content.decode()  # "7", "17", ... "57"
    assert few.count("<tr><td><a href=") == 6
    assert 'class="pager"' not in few
    everything = client.get(url).content.decode()
    total = Opportunity.objects.count()
    assert total == 62
    assert "Page 1 of 2" in everything


def test_the_detail_page_reads_only_what_exists(registry):
    """The detail page reads which lists (duplicates, merged records, institutions,
        comments, attachments) have rows with the opportunity itself, and queries only those:
        a bare opportunity costs 6 queries for a planner (one reads the host country's transfer
    regime); each list that fills adds its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    planner = registry.users["planner"]
    bare = _submit(registry, title="Una oferta sin nada más", description="Texto breve.")
    DuplicateFlag.objects.filter(opportunity=bare).delete()
    client = login("planner", registry)
    url = reverse("pipeline:detail", kwargs={"opportunity_id": bare.pk})

    def read() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), response.content.decode()

    count, page = read()
    # session, user, the opportunity (with what exists), its history, the owner choices,
    # the host country's transfer regime
    assert count == 6
    assert "similarity" not in page  # no flagged pair listed
    assert 'id="merge-any"' in page  # only the merge by number
    from vinculo.web.pipeline.services import comment_add

    comment_add(actor=planner, opportunity=bare, text="Llamar a la embajada el lunes")
    bare.institutions.add(registry.cnrs)
    count, page = read()
    assert count == 8
    assert "Llamar a la embajada el lunes" in page
    assert registry.cnrs.name in page


def test_attachments_through_the_api(registry):
    """An officer attaches a file through the API; it is listed and downloaded whole by
    who may see confidential parts, refused by content when it is not what it says, and
    audited; a viewer gets 403 (attachments are confidential like the contacts)."""
    from tests.web.conftest import PDF

    opportunity = registry.opportunity_a
    base = f"/api/v1/pipeline/opportunities/{opportunity.pk}/attachments"
    officer = login("officer_a", registry)
    upload = SimpleUploadedFile("Carta de intención.pdf", PDF, content_type="application/pdf")
    created = officer.post(base, {"file": upload})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["size"], body["content_type"]) == (
        "Carta de intención.pdf",
        len(PDF),
        "application/pdf",
    )
    listed = officer.get(base).json()
    assert body["id"] in [a["id"] for a in listed]
    assert {a["name"] for a in listed} >= {"Carta de intención.pdf"}
    download = login("planner", registry).get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="opportunity.attach", object_id=str(opportunity.pk))
    fake = SimpleUploadedFile("informe.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    refused = officer.post(base, {"file": fake})
    assert refused.status_code == 422
    assert "PNG" in refused.content.decode()
    assert len(officer.get(base).json()) == len(listed)  # nothing stored
    assert login("viewer", registry).get(base).status_code == 403
    assert login("viewer", registry).get(body["url"]).status_code == 403


def test_the_daily_job_retrains_the_classifier_and_workers_reload_it(
    registry, tmp_path, monkeypatch
):
    """Confirmed labels since the model file was written make pipeline_cron retrain it; a
    process notices the new file (here at once: CHECK_EVERY = 0) and suggests with it."""
    from django.core.management import call_command

    monkeypatch.setattr(classify, "model_path", lambda: tmp_path / "classifier.npz")
    monkeypatch.setattr(classify, "CHECK_EVERY", 0.0)
    classify.reset()
    out = io.StringIO()
    assert not classify.retrain_due()
    call_command("pipeline_cron", stdout=out)
    assert "retrained" not in out.getvalue()
    assert classify._classifier().n_examples_ == 428  # no labels yet: the shipped model

    opportunity = _submit(registry)
    priorities_confirm(
        actor=registry.users["officer_a"],
        opportunity=opportunity,
        version=1,
        priorities=["batteries"],
    )
    assert classify.retrain_due()
    dry = io.StringIO()
    call_command("pipeline_cron", "--dry-run", stdout=dry)
    assert "would be retrained" in dry.getvalue()
    assert not (tmp_path / "classifier.npz").exists()
    call_command("pipeline_cron", stdout=out)
    assert "classifier retrained on 1 confirmed label(s)" in out.getvalue()
    assert (tmp_path / "classifier.npz").exists()
    assert not classify.retrain_due()
    assert classify._classifier().n_examples_ == 1  # the saved model, loaded

    second = _submit(registry, title="Reciclaje de baterías de sodio", description="Celdas.")
    priorities_confirm(
        actor=registry.users["officer_a"], opportunity=second, version=1, priorities=["batteries"]
    )
    assert classify.retrain_due()
    again = io.StringIO()
    call_command("pipeline_cron", "--no-retrain", stdout=again)
    assert "retrained" not in again.getvalue()
    assert classify.retrain_due()
    classify.reset()


def test_a_planner_merges_any_record_by_its_number(registry):
    """Not only flagged pairs: the detail page offers planners a merge by number; an
    officer sees no such form and the route refuses them."""
    keep, other = registry.opportunity_a, registry.opportunity_b
    assert not DuplicateFlag.objects.filter(opportunity__in=[keep, other]).exists()
    planner = login("planner", registry)
    url = reverse("pipeline:detail", kwargs={"opportunity_id": keep.pk})
    assert 'id="merge-any"' in planner.get(url).content.decode()
    assert 'id="merge-any"' not in login("officer_a", registry).get(url).content.decode()
    merge = reverse("pipeline:merge", kwargs={"opportunity_id": keep.pk})
    response = planner.post(merge, {"version": keep.version, "duplicate": other.pk})
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == ("merged", keep.pk)
    page = planner.get(url).content.decode()
    assert f"Opportunity {other.pk} was merged into this one." in page
    refused = login("officer_a", registry).post(merge, {"version": 2, "duplicate": other.pk})
    assert refused.status_code == 403


# ---------------------------------------------------------------- how the pages read (#18)
def _speaking(registry, persona, language):
    user = registry.users[persona]
    user.language = language
    user.save()
    return login(persona, registry)


def _detail_url(opportunity, anchor=""):
    url = reverse("pipeline:detail", kwargs={"opportunity_id": opportunity.pk})
    return f"{url}#{anchor}" if anchor else url


def _summary(html):
    """The error summary of a page (its HTML), or None."""
    if "data-error-summary" not in html:
        return None
    return html.split("data-error-summary", 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("language", "heading", "nothing_saved"),
    [
        ("en", "There is a problem: nothing was saved.", "Nothing was saved"),
        ("es", "Hay un problema: no se guardó nada.", "No se guardó nada"),
    ],
)
def test_a_failed_action_redirects_to_its_form_with_what_was_typed(
    registry, language, heading, nothing_saved
):
    """Post-redirect-get: a refused action answers with a redirect to the detail page at
    the form (never the action's URL, which answers 405 to a GET); the page then shows the
    form as posted, with an error summary linking to the field, once."""
    opportunity = registry.opportunity_a
    client = _speaking(registry, "planner", language)
    score = reverse("pipeline:score", kwargs={"opportunity_id": opportunity.pk})
    response = client.post(
        score,
        {"version": "1", "relevance": "9", "capacity": "4", "added_value": "3",
         "feasibility": "2", "comment": "Mis notas largas sobre la oferta"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == _detail_url(opportunity, "score-form")
    page = client.get(_detail_url(opportunity))
    html = page.content.decode()
    summary = _summary(html)
    assert summary is not None
    assert 'role="alert" tabindex="-1"' in html
    assert heading in summary
    assert 'href="#id_relevance"' in summary
    form = html.split('id="score-form"')[1].split("</form>")[0]
    assert 'name="relevance" value="9"' in form  # what was typed is back
    assert 'name="capacity" value="4"' in form
    assert "Mis notas largas sobre la oferta" in form
    assert nothing_saved in html  # the message
    opportunity.refresh_from_db()
    assert opportunity.score_relevance is None
    again = client.get(_detail_url(opportunity)).content.decode()
    assert _summary(again) is None  # shown once
    assert 'name="relevance" value="9"' not in again
    assert client.get(score).status_code == 405  # why the address must not stay there


def test_a_refused_transition_and_merge_keep_their_errors(registry):
    opportunity = registry.opportunity_a
    client = login("planner", registry)
    status = reverse("pipeline:status", kwargs={"opportunity_id": opportunity.pk})
    response = client.post(status, {"version": "1", "status": "screening", "note": "Go"})
    assert response.status_code == 302
    assert response["Location"] == _detail_url(opportunity)
    response = client.post(
        status, {"version": "2", "status": "assessment", "note": "Mi nota para la evaluación"}
    )
    assert response["Location"] == _detail_url(opportunity, "transition-form")
    html = client.get(_detail_url(opportunity)).content.decode()
    summary = _summary(html)
    assert "Confirm the opportunity&#x27;s priorities before its assessment" in summary
    assert 'href="#id_status"' in summary
    form = html.split('id="transition-form"')[1].split("</form>")[0]
    assert "Mi nota para la evaluación" in form
    assert '<option value="assessment" selected>' in form
    opportunity.refresh_from_db()
    assert opportunity.status == "screening"
    # a merge with a number the user cannot see: an error at the merge form, no 404 page
    merge = reverse("pipeline:merge", kwargs={"opportunity_id": opportunity.pk})
    response = client.post(merge, {"version": "2", "duplicate": "999999"})
    assert response["Location"] == _detail_url(opportunity, "merge-any")
    summary = _summary(client.get(_detail_url(opportunity)).content.decode())
    assert "No opportunity with that number that you can see." in summary
    assert 'href="#id_merge_duplicate"' in summary
    # a stale version: a message and the page as it is now (a redirect too)
    response = client.post(status, {"version": "1", "status": "on_hold"})
    assert response.status_code == 302
    html = client.get(_detail_url(opportunity)).content.decode()
    assert "Someone else changed this opportunity" in html


def test_the_create_form_shows_an_error_summary(registry):
    client = _speaking(registry, "officer_a", "es")
    response = client.post(
        reverse("pipeline:create"),
        {"title": "Una oferta", "description": "", "kind": "mobility",
         "post": registry.post_a.pk},
    )  # fmt: skip
    assert response.status_code == 200
    summary = _summary(response.content.decode())
    assert "Hay 2 problemas: no se guardó nada." in summary
    assert 'href="#id_description"' in summary
    assert 'href="#id_host_country"' in summary
    assert "País anfitrión" in summary


def test_the_assessment_needs_confirmed_priorities_and_the_state_is_shown(registry):
    opportunity = _submit(registry)
    opportunity_transition(
        actor=registry.users["planner"], opportunity=opportunity, version=1, status="screening"
    )
    for language, suggested in (
        ("en", "Suggested — not confirmed"),
        ("es", "Sugeridas — sin confirmar"),
    ):
        client = _speaking(registry, "planner", language)
        html = client.get(_detail_url(opportunity)).content.decode()
        assert 'id="priorities-state" data-confirmed="0"' in html
        assert suggested in html
        form = html.split('id="priorities-form"')[1].split("</form>")[0]
        assert "checked" not in form  # suggestions are not ticked as if saved
        assert 'value="batteries"' in form
        listing = client.get(reverse("pipeline:list")).content.decode()
        row = listing.split(opportunity.title)[1].split("</tr>")[0]
        assert f'<span class="badge badge-unconfirmed">{suggested}</span>' in row
    client = login("planner", registry)
    status = reverse("pipeline:status", kwargs={"opportunity_id": opportunity.pk})
    client.post(status, {"version": "2", "status": "assessment"})
    opportunity.refresh_from_db()
    assert opportunity.status == "screening"
    priorities = reverse("pipeline:priorities", kwargs={"opportunity_id": opportunity.pk})
    client.post(priorities, {"version": "2", "priorities": ["batteries"]})
    client.post(status, {"version": "3", "status": "assessment"})
    opportunity.refresh_from_db()
    assert (opportunity.status, opportunity.priorities) == ("assessment", ["batteries"])
    html = _speaking(registry, "planner", "es").get(_detail_url(opportunity)).content.decode()
    assert 'id="priorities-state" data-confirmed="1"' in html
    assert '<span class="badge badge-confirmed">Confirmadas</span>' in html
    form = html.split('id="priorities-form"')[1].split("</form>")[0]
    assert 'value="batteries" id="id_priorities_' in form
    assert form.split('value="batteries"')[1].split(">")[0].strip().endswith("checked")


def test_closing_needs_an_explicit_confirmation(registry):
    opportunity = registry.opportunity_a  # submitted: the officer may only withdraw it
    client = login("officer_a", registry)
    html = client.get(_detail_url(opportunity)).content.decode()
    form = html.split('id="transition-form"')[1].split("</form>")[0]
    select = form.split('name="status"')[1].split("</select>")[0]
    assert '<option value="" selected>Choose…</option>' in select  # nothing pre-chosen
    assert '<option value="closed">Closed</option>' in select
    assert 'name="confirm"' in form
    status = reverse("pipeline:status", kwargs={"opportunity_id": opportunity.pk})
    client.post(status, {"version": "1", "status": "closed", "note": "Withdrawn"})
    opportunity.refresh_from_db()
    assert opportunity.status == "submitted"
    summary = _summary(client.get(_detail_url(opportunity)).content.decode())
    assert "Tick the box to confirm: “Closed” ends the opportunity." in summary
    assert 'href="#id_confirm">Confirmation: Tick the box' in summary
    client.post(status, {"version": "1", "status": "", "note": ""})
    assert 'href="#id_status"' in _summary(client.get(_detail_url(opportunity)).content.decode())
    client.post(status, {"version": "1", "status": "closed", "confirm": "on", "note": "Withdrawn"})
    opportunity.refresh_from_db()
    assert opportunity.status == "closed"
    # a move that ends nothing needs no confirmation, and the box is not offered
    planner = login("planner", registry)
    other = registry.opportunity_b  # negotiation: agreed, on hold, rejected
    form = planner.get(_detail_url(other)).content.decode().split('id="transition-form"')[1]
    assert 'name="confirm"' in form.split("</form>")[0]
    planner.post(
        reverse("pipeline:status", kwargs={"opportunity_id": other.pk}),
        {"version": "1", "status": "on_hold"},
    )
    other.refresh_from_db()
    assert other.status == "on_hold"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["host country: — → France", "type: — → Joint research",
                "post: — → Embajada en Francia", "owner: — → ada", "Owner changed",
                "status: Submitted → Screening",
                "confirmed priorities: — → High-performance batteries"]),
        ("es", ["país anfitrión: — → Francia", "tipo: — → Investigación conjunta",
                "representación: — → Embajada en Francia", "responsable: — → ada",
                "Responsable cambiado", "estado: Enviada → Revisión inicial",
                "prioridades confirmadas: — → Baterías de alto desempeño"]),
    ],
)  # fmt: skip
def test_the_history_reads_in_the_users_language(registry, language, expected):
    from vinculo.web.pipeline.services import opportunity_assign

    planner, admin = registry.users["planner"], registry.users["admin"]
    opportunity = _submit(registry)
    opportunity_assign(actor=planner, opportunity=opportunity, version=1, owner=admin)
    opportunity_transition(actor=planner, opportunity=opportunity, version=2, status="screening")
    priorities_confirm(actor=planner, opportunity=opportunity, version=3, priorities=["batteries"])
    html = _speaking(registry, "planner", language).get(_detail_url(opportunity)).content
    history = html.decode().split('id="history"')[1]
    for text in expected:
        assert text in history
    assert "co_investment" not in history
    assert "joint_research" not in history
    assert f"→ {admin.pk}<" not in history
    assert "America/Mexico_City" in history  # local time, and said so
    assert "Version" not in html.decode()
    assert 'id="last-change"' in html.decode()


def test_the_rubric_explains_each_score_and_keeps_the_saved_ones(registry):
    opportunity = registry.opportunity_a
    opportunity_score(
        actor=registry.users["planner"],
        opportunity=opportunity,
        version=1,
        scores={"relevance": 5, "capacity": 2, "added_value": 3, "feasibility": 1},
        comment="Buena oferta",
    )
    for language, guidance in (
        ("en", "3: serves a priority directly; 5: closes a gap the strategy names."),
        ("es", "3: sirve directamente a una prioridad; 5: cierra una brecha"),
    ):
        html = _speaking(registry, "planner", language).get(_detail_url(opportunity)).content
        form = html.decode().split('id="score-form"')[1].split("</form>")[0]
        assert guidance in form
        for name, value in (("relevance", 5), ("capacity", 2), ("added_value", 3),
                            ("feasibility", 1)):  # fmt: skip
            assert f'name="{name}" value="{value}"' in form
        assert 'name="version" value="2"' in form
        assert "Buena oferta" in form


def test_the_duplicate_warning_works_on_the_title_alone_across_posts(registry):
    """Before a description or host country is given, the same title logged by another
    post is found; the officer is told one exists without its details, a planner gets a
    link that opens in a new tab."""
    other = registry.opportunity_b  # post B's, Germany
    data = {"title": other.title, "description": "", "post": registry.post_a.pk}
    html = login("officer_a", registry).post(reverse("pipeline:suggest"), data).content.decode()
    assert "An opportunity logged by another post" in html
    assert other.title not in html
    html = login("planner", registry).post(reverse("pipeline:suggest"), data).content.decode()
    link = html.split("<a ", 1)[1].split("</a>")[0]
    assert f'href="{_detail_url(other)}"' in link
    assert 'target="_blank" rel="noopener"' in link
    assert "opens in a new tab" in link
    unrelated = {"title": "Becas de movilidad para astrónomos", "description": ""}
    html = login("planner", registry).post(reverse("pipeline:suggest"), unrelated)
    assert "Possible duplicates" not in html.content.decode()


def test_the_host_country_is_chosen_and_listed_by_name(registry):
    from vinculo.web.registry.models import Country

    for code, es, en in (("ABW", "Aruba", "Aruba"), ("AFG", "Afganistán", "Afghanistan"),
                         ("AGO", "Angola", "Angola"), ("BEL", "Bélgica", "Belgium"),
                         ("BLZ", "Belice", "Belize")):  # fmt: skip
        Country.objects.create(code=code, name_es=es, name_en=en)

    def names(language):
        html = _speaking(registry, "officer_a", language).get(reverse("pipeline:create"))
        select = html.content.decode().split('name="host_country"')[1].split("</select>")[0]
        assert "selected" not in select.split("</option>", 1)[1]  # only the empty choice
        return [o.split(">")[1] for o in select.split("<option")[1:]]

    assert names("es") == ["Elija…</option", "Afganistán</option", "Alemania</option",
                           "Angola</option", "Aruba</option", "Bélgica</option",
                           "Belice</option", "Francia</option", "México</option"]  # fmt: skip
    assert names("en") == ["Choose…</option", "Afghanistan</option", "Angola</option",
                           "Aruba</option", "Belgium</option", "Belize</option",
                           "France</option", "Germany</option", "Mexico</option"]  # fmt: skip
    # the post's country is not taken for the partner's: the field is required
    response = login("officer_a", registry).post(
        reverse("pipeline:create"),
        {"title": BATTERY_OFFER[0], "description": BATTERY_OFFER[1], "kind": "mobility",
         "post": registry.post_a.pk},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Opportunity.objects.filter(title=BATTERY_OFFER[0]).exists()
    response = login("officer_a", registry).post(
        reverse("pipeline:create"),
        {"title": BATTERY_OFFER[0], "description": BATTERY_OFFER[1], "kind": "mobility",
         "post": registry.post_a.pk, "host_country": "DEU"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Opportunity.objects.get(title=BATTERY_OFFER[0]).host_country_id == "DEU"


@pytest.mark.parametrize(
    ("language", "kind_label", "priority_name"),
    [
        ("en", "Joint research", "High-performance batteries"),
        ("es", "Investigación conjunta", "Baterías de alto desempeño"),
    ],
)
def test_the_import_page_offers_a_template_and_the_allowed_values(
    registry, language, kind_label, priority_name
):
    from vinculo.web.pipeline.imports import COLUMNS

    client = _speaking(registry, "officer_a", language)
    html = client.get(reverse("pipeline:import")).content.decode()
    assert f'href="{reverse("pipeline:import_template")}"' in html
    assert f"<li><code>joint_research</code> — {kind_label}</li>" in html
    assert f"<li><code>batteries</code> — {priority_name}</li>" in html
    assert f"<li><code>{registry.post_a.pk}</code> — Embajada en Francia</li>" in html
    assert "Embajada en Alemania" not in html  # another post's: not theirs to use
    assert 'href="#country-codes"' in html
    assert "<li><code>DEU</code> — " in html
    response = client.get(reverse("pipeline:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(",") == list(COLUMNS)
    assert len(lines) == 2
    # the example row is valid as it stands: it imports
    upload = SimpleUploadedFile("template.csv", response.content, content_type="text/csv")
    imported = client.post(reverse("pipeline:import"), {"file": upload})
    assert imported.status_code == 200
    assert 'data-ok="1"' in imported.content.decode()
    created = Opportunity.objects.order_by("-pk").first()
    assert (created.post, created.priorities, created.priorities_confirmed) == (
        registry.post_a,
        ["batteries"],
        True,
    )


def test_the_sort_options_say_which_way(registry):
    html = login("planner", registry).get(reverse("pipeline:list")).content.decode()
    select = html.split('name="sort"')[1].split("</select>")[0]
    assert "Recently changed first" in select
    assert "Longest without changes first" in select
    assert "Least recently updated" not in select
    assert '<div class="table-scroll">' in html


def test_the_country_filter_lists_the_host_countries_of_what_the_reader_sees(registry):
    import re

    """An embassy also logs offers from other countries: the list's country filter offers
    the host countries of the opportunities the reader can see, not only its posts'."""
    from vinculo.web.pipeline.models import Opportunity

    Opportunity.objects.filter(pk=registry.opportunity_a.pk).update(host_country=registry.germany)
    html = login("officer_a", registry).get(reverse("pipeline:list")).content.decode()
    choices = html.split('name="country"')[1].split("</select>")[0]
    assert ">Germany</option>" in choices  # opportunity A (post A, in France) is German
    assert ">France</option>" not in choices  # no visible opportunity is French any more
    planner = login("planner", registry).get(reverse("pipeline:list")).content.decode()
    choices = planner.split('name="country"')[1].split("</select>")[0]
    assert re.findall(r">([^<]+)</option>", choices) == ["Any", "Germany"]  # both German now
