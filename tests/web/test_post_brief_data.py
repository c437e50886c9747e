"""A post's own brief sections (versioned), the curated host institutions, what
``build_post_context`` makes of them with the registry and the pipeline, and the
``post_data_changed`` signal sent on commit (issue #17)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.web.conftest import Registry, login
from vinculo.strategy.brief import InstitutionEntry, PostContext
from vinculo.web.audit.models import AuditEvent
from vinculo.web.insights.models import HostInstitution, PostSectionVersion
from vinculo.web.insights.postcontext import build_post_context
from vinculo.web.insights.services import (
    host_institution_create,
    host_institution_remove,
    section_save,
)
from vinculo.web.insights.signals import post_data_changed
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Agreement, Post

pytestmark = pytest.mark.django_db


def _edit_url(post: Post, section: str) -> str:
    return reverse(
        "insights:post-brief-section-edit", kwargs={"post_id": post.pk, "section": section}
    )


def _entries(*rows: tuple[str, str, str], initial: int = 0) -> dict[str, str]:
    data = {"entries-TOTAL_FORMS": str(len(rows)), "entries-INITIAL_FORMS": str(initial)}
    for i, (text, when, status) in enumerate(rows):
        data |= {
            f"entries-{i}-text": text,
            f"entries-{i}-date": when,
            f"entries-{i}-status": status,
        }
    return data


class Received:
    """The posts ``post_data_changed`` was sent for, in order."""

    def __init__(self) -> None:
        self.posts: list[int] = []

    def __call__(self, sender: Any, post: Post, **kwargs: Any) -> None:
        self.posts.append(post.pk)


@pytest.fixture
def received() -> Any:
    receiver = Received()
    post_data_changed.connect(receiver, dispatch_uid="test-received")
    yield receiver
    post_data_changed.disconnect(dispatch_uid="test-received")


# ---------------------------------------------------------------- versions
def test_every_save_is_a_new_version_and_the_old_ones_stay(registry: Registry) -> None:
    client = login("officer_a", registry)
    url = _edit_url(registry.post_a, "legal")
    first = client.post(url, {"based_on": "0", "text": "Framework agreement of 1972."})
    assert first.status_code == 302
    second = client.post(url, {"based_on": "1", "text": "Framework agreement of 1972, renewed."})
    assert second.status_code == 302
    versions = PostSectionVersion.objects.filter(post=registry.post_a, section="legal")
    assert [(v.number, v.text) for v in versions.order_by("number")] == [
        (1, "Framework agreement of 1972."),
        (2, "Framework agreement of 1972, renewed."),
    ]
    assert {v.author.username for v in versions} == {"olga"}
    history = client.get(
        reverse(
            "insights:post-brief-section-history",
            kwargs={"post_id": registry.post_a.pk, "section": "legal"},
        )
    ).content.decode()
    assert "Framework agreement of 1972." in history
    assert "renewed" in history
    # the same text again is not a new version; a stale edit saves nothing
    assert (
        client.post(
            url, {"based_on": "2", "text": "Framework agreement of 1972, renewed."}
        ).status_code
        == 302
    )
    stale = client.post(url, {"based_on": "1", "text": "My own edit"})
    assert stale.status_code == 200
    assert "newer version (2)" in stale.content.decode()
    assert "My own edit" in stale.content.decode()  # what the user wrote is still in the form
    assert versions.count() == 2
    # a version is never changed nor deleted
    with pytest.raises(TypeError):
        versions.first().save()  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        versions.first().delete()  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="post_section.save").count() == 2


def test_entries_are_saved_in_order_and_a_row_can_be_taken_off(registry: Registry) -> None:
    client = login("planner", registry)
    url = _edit_url(registry.post_a, "counterparts")
    data = {"based_on": "0"} | _entries(
        ("Ministry of Higher Education, Research and Space", "", "met in 2026"),
        ("CNRS, international relations", "2026-10-02", ""),
        ("", "", ""),  # an empty extra row is ignored
    )
    assert client.post(url, data).status_code == 302
    version = PostSectionVersion.objects.get(post=registry.post_a, section="counterparts")
    assert version.entries == [
        {
            "text": "Ministry of Higher Education, Research and Space",
            "date": None,
            "status": "met in 2026",
        },
        {"text": "CNRS, international relations", "date": "2026-10-02", "status": ""},
    ]
    data = (
        {"based_on": "1"}
        | _entries(
            ("Ministry of Higher Education, Research and Space", "", "met in 2026"),
            ("CNRS, international relations", "2026-10-02", ""),
            initial=2,
        )
        | {"entries-0-DELETE": "on"}
    )
    assert client.post(url, data).status_code == 302
    latest = PostSectionVersion.objects.filter(post=registry.post_a, section="counterparts")
    assert [len(v.entries) for v in latest.order_by("number")] == [2, 1]


def test_a_bad_entry_gets_its_field_error_and_nothing_is_saved(registry: Registry) -> None:
    client = login("officer_a", registry)
    data = {"based_on": "0"} | _entries(("Joint commission", "", ""), ("Visit", "2027-13-45", ""))
    response = client.post(_edit_url(registry.post_a, "agenda"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert 'href="#id_entries-0-date"' in html  # the agenda needs a date: linked to the field
    assert 'href="#id_entries-1-date"' in html  # not a date
    assert "Entry 1: Date" in html
    assert not PostSectionVersion.objects.exists()


def test_the_service_checks_what_the_form_checks(registry: Registry) -> None:
    officer = registry.users["officer_a"]
    with pytest.raises(ValidationError) as error:
        section_save(
            actor=officer, post=registry.post_a, section="agenda", based_on=0,
            entries=[{"text": "", "date": None}],
        )  # fmt: skip
    assert "entries" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        section_save(actor=officer, post=registry.post_b, section="legal", based_on=0, text="x")
    with pytest.raises(PermissionDenied):
        section_save(
            actor=registry.users["viewer"], post=registry.post_a, section="legal", based_on=0,
            text="x",
        )  # fmt: skip
    assert not PostSectionVersion.objects.exists()


# ---------------------------------------------------------------- authorization
def test_an_officer_of_another_post_and_a_viewer_cannot_edit(registry: Registry) -> None:
    url = _edit_url(registry.post_a, "legal")
    data = {"based_on": "0", "text": "Not mine"}
    assert login("officer_b", registry).post(url, data).status_code == 404
    assert login("viewer", registry).post(url, data).status_code == 403
    assert login("legal", registry).post(url, data).status_code == 403
    assert (
        login("viewer", registry)
        .get(reverse("insights:post-brief-sections", kwargs={"post_id": registry.post_a.pk}))
        .status_code
        == 200
    )  # reads
    assert not PostSectionVersion.objects.exists()


def test_the_forms_need_their_csrf_token(registry: Registry) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(registry.users["officer_a"])
    response = client.post(_edit_url(registry.post_a, "legal"), {"based_on": "0", "text": "x"})
    assert response.status_code == 403
    add = reverse("insights:country-institution-add", kwargs={"code": "FRA"})
    assert client.post(add, {"name": "x"}).status_code == 403
    assert not PostSectionVersion.objects.exists()
    page = client.get(_edit_url(registry.post_a, "legal")).content.decode()
    assert "csrfmiddlewaretoken" in page


def test_an_officer_curates_only_the_countries_of_their_posts(registry: Registry) -> None:
    add = reverse("insights:country-institution-add", kwargs={"code": "DEU"})
    assert login("officer_a", registry).get(add).status_code == 403
    assert login("officer_b", registry).get(add).status_code == 200
    unknown = reverse("insights:country-institutions", kwargs={"code": "XXX"})
    assert login("planner", registry).get(unknown).status_code == 404
    # an entry of France is not reached through Germany's address
    edit = reverse(
        "insights:country-institution-edit",
        kwargs={"code": "DEU", "institution_id": registry.host_cnrs.pk},
    )
    assert login("planner", registry).get(edit).status_code == 404


# ---------------------------------------------------------------- host institutions
def test_an_institution_without_its_source_is_refused(registry: Registry) -> None:
    client = login("officer_a", registry)
    add = reverse("insights:country-institution-add", kwargs={"code": "FRA"})
    response = client.post(
        add,
        {"priority": "batteries", "kind": "company", "name": "Verkor", "source_url": "not a url"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("source_publisher", "source_title", "source_url", "source_date"):
        assert f'href="#id_{field}"' in html
    assert not HostInstitution.objects.filter(name="Verkor").exists()
    response = client.post(
        add,
        {
            "priority": "no-such-priority",
            "kind": "company",
            "name": "Verkor",
            "source_publisher": "P",
            "source_title": "T",
            "source_url": "https://example.org/verkor",
            "source_date": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_priority"' in response.content.decode()
    assert not HostInstitution.objects.filter(name="Verkor").exists()


def test_institutions_are_listed_by_priority_and_kind_and_their_changes_audited(
    registry: Registry,
) -> None:
    client = login("planner", registry)
    page = client.get(reverse("insights:country-institutions", kwargs={"code": "FRA"}))
    html = page.content.decode()
    assert "Centre national de la recherche scientifique" in html
    assert "https://example.org/cnrs" in html
    edit = reverse(
        "insights:country-institution-edit",
        kwargs={"code": "FRA", "institution_id": registry.host_cnrs.pk},
    )
    form = {
        "priority": "batteries",
        "kind": "research",
        "name": "Centre national de la recherche scientifique",
        "acronym": "CNRS",
        "city": "Paris",
        "institution": registry.cnrs.ror_id,
        "source_publisher": "Test publisher",
        "source_title": "Another test source",
        "source_url": "https://example.org/cnrs-2",
        "source_date": "2025-02-01",
    }
    assert client.post(edit, form).status_code == 302
    event = AuditEvent.objects.get(action="host_institution.update")
    assert event.changes["source_url"] == ["https://example.org/cnrs", "https://example.org/cnrs-2"]
    remove = reverse(
        "insights:country-institution-remove",
        kwargs={"code": "FRA", "institution_id": registry.host_cnrs.pk},
    )
    assert client.post(remove).status_code == 302
    assert not HostInstitution.objects.exists()
    gone = AuditEvent.objects.get(action="host_institution.remove")
    assert gone.changes["name"] == ["Centre national de la recherche scientifique", None]


# ---------------------------------------------------------------- build_post_context
def test_build_post_context_fills_every_section_from_the_rows(registry: Registry) -> None:
    officer = registry.users["officer_a"]
    post = registry.post_a
    section_save(actor=officer, post=post, section="legal", based_on=0, text="Convenio de 1972")
    section_save(
        actor=officer, post=post, section="counterparts", based_on=0,
        entries=[{"text": "CNRS", "date": None, "status": "contacted"}],
    )  # fmt: skip
    section_save(
        actor=officer, post=post, section="agenda", based_on=0,
        entries=[{"text": "Joint commission", "date": dt.date(2027, 3, 1), "status": ""}],
    )  # fmt: skip
    registry.opportunity_a.deadline = dt.date(2027, 1, 31)
    registry.opportunity_a.save()
    context, kind, city = build_post_context(post)
    assert (kind, city) == ("embassy", "Paris")
    assert isinstance(context, PostContext)
    assert context.legal_framework == "Convenio de 1972"
    assert [(e.text, e.status) for e in context.counterparts] == [("CNRS", "contacted")]
    assert [(e.text, e.date) for e in context.agenda] == [("Joint commission", dt.date(2027, 3, 1))]
    # post A's agreement in force, due for renewal (expires in 60 days, notice 90); the
    # central draft with France and the German ones are not the post's
    assert [e.text for e in context.agreements] == ["Lithium chemistry with CNRS"]
    agreement = context.agreements[0]
    assert agreement.date == dt.date(2024, 3, 1)
    assert "In force" in agreement.status
    assert "renewal due" in agreement.status
    assert [(e.text, e.date, e.status) for e in context.opportunities] == [
        (registry.opportunity_a.title, dt.date(2027, 1, 31), "Submitted")
    ]
    assert context.institutions == (
        InstitutionEntry(
            priority="batteries",
            name="Centre national de la recherche scientifique",
            kind="research",
            acronym="CNRS",
            city="Paris",
            source_title="A test source",
            source_publisher="Test publisher",
            source_url="https://example.org/cnrs",
            source_date=dt.date(2025, 1, 15),
        ),
    )
    assert len(context.version) == 12
    assert build_post_context(post)[0].version == context.version  # stable


def test_a_shared_agreement_of_the_host_country_is_in_every_post_there(registry: Registry) -> None:
    context, _kind, _city = build_post_context(registry.post_b)
    assert [e.text for e in context.agreements] == [
        "Batteries with Fraunhofer",
        "Mexico-Germany science and technology agreement",
    ]
    assert [e.text for e in context.opportunities] == [registry.opportunity_b.title]
    assert context.institutions == ()  # none curated for Germany


def test_the_version_changes_when_the_data_change(registry: Registry) -> None:
    post, planner = registry.post_a, registry.users["planner"]
    versions = [build_post_context(post)[0].version]
    section_save(actor=planner, post=post, section="legal", based_on=0, text="A")
    versions.append(build_post_context(post)[0].version)
    Agreement.objects.filter(pk=registry.agreement_a.pk).update(title="Renamed")
    versions.append(build_post_context(post)[0].version)
    registry.opportunity_a.status = Opportunity.Status.CLOSED
    registry.opportunity_a.save()
    versions.append(build_post_context(post)[0].version)
    host_institution_remove(actor=planner, host_institution=registry.host_cnrs)
    versions.append(build_post_context(post)[0].version)
    assert len(set(versions)) == len(versions)
    # another post's data leave it alone
    section_save(actor=planner, post=registry.post_b, section="legal", based_on=0, text="B")
    assert build_post_context(post)[0].version == versions[-1]


# ---------------------------------------------------------------- the signal
def test_the_signal_is_sent_on_commit_for_the_posts_concerned(
    registry: Registry, received: Received, django_capture_on_commit_callbacks: Any
) -> None:
    planner = registry.users["planner"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        section_save(actor=planner, post=registry.post_a, section="legal", based_on=0, text="A")
    assert received.posts == []  # not before the commit
    for callback in callbacks:
        callback()
    assert received.posts == [registry.post_a.pk]

    received.posts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        host_institution_create(
            actor=planner, country=registry.germany, priority="batteries", kind="company",
            name="A company", source_publisher="P", source_title="T",
            source_url="https://example.org/x", source_date=dt.date(2025, 1, 1),
        )  # fmt: skip
    assert received.posts == [registry.post_b.pk]  # the posts in Germany

    received.posts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry.agreement_a.status = Agreement.Status.EXPIRED
        registry.agreement_a.save(update_fields=["status", "updated_at"])
    assert received.posts == [registry.post_a.pk]

    received.posts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry.agreement_shared.title = "Renamed"
        registry.agreement_shared.save()  # shared, partner Germany: post B (its post too)
        registry.opportunity_a.deadline = timezone.localdate()
        registry.opportunity_a.save()
    assert received.posts == [registry.post_b.pk, registry.post_a.pk]

    received.posts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registry.opportunity_a.save(update_fields=["review_comment"])  # not in the brief
    assert received.posts == []


def test_nothing_is_sent_for_a_write_that_failed(registry: Registry, received: Received) -> None:
    with pytest.raises(ValidationError):
        section_save(
            actor=registry.users["planner"], post=registry.post_a, section="agenda", based_on=0,
            entries=[{"text": "No date"}],
        )  # fmt: skip
    assert received.posts == []


# ---------------------------------------------------------------- the way there
def test_the_brief_list_leads_to_the_sections_and_only_writers_get_edit_links(
    registry: Registry,
) -> None:
    client = login("officer_a", registry)
    html = client.get(reverse("insights:briefs")).content.decode()
    assert reverse("insights:post-brief-sections", kwargs={"post_id": registry.post_a.pk}) in html
    page = client.get(
        reverse("insights:post-brief-sections", kwargs={"post_id": registry.post_a.pk})
    )
    assert _edit_url(registry.post_a, "legal") in page.content.decode()
    viewer = login("viewer", registry).get(
        reverse("insights:post-brief-sections", kwargs={"post_id": registry.post_a.pk})
    )
    assert _edit_url(registry.post_a, "legal") not in viewer.content.decode()
