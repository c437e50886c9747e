"""Registry pages: confidential parts only for who may see them, CSRF on every form, escaped
user text, filters and search, uploads refused with a clear message, the language switch,
and login throttling."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.web.conftest import PASSWORD, PDF, login
from vinculo.web.audit.models import AuditEvent
from vinculo.web.registry.models import Agreement, AgreementDocument

pytestmark = pytest.mark.django_db

SECRET = "SECRET-JURISDICTION"  # the IP terms' jurisdiction in the sample registry


def detail(agreement: Agreement) -> str:
    return reverse("registry:agreement_detail", kwargs={"agreement_id": agreement.pk})


# ---------------------------------------------------------------- redaction
@pytest.mark.parametrize(
    ("persona", "target", "sees"),
    [
        ("legal", "agreement_a", True),
        ("planner", "agreement_shared", True),
        ("admin", "agreement_b", True),
        ("officer_a", "agreement_a", True),  # their post's agreement
        ("officer_a", "agreement_shared", False),  # shared with them, terms are post B's
        ("officer_b", "agreement_shared", True),
        ("viewer", "agreement_a", False),
        ("viewer", "agreement_shared", False),
    ],
)
def test_ip_terms_and_documents_only_for_who_may_see_them(registry, persona, target, sees):
    page = login(persona, registry).get(detail(getattr(registry, target)))
    assert page.status_code == 200
    text = page.content.decode()
    assert (SECRET in text) is sees
    assert ("signed-agreement.pdf" in text) is (sees and target != "agreement_b")
    assert ("IP and technology-transfer terms" in text) is sees
    assert ("Documents" in text) is sees


def test_the_edit_link_for_ip_terms_only_for_legal_roles(registry, officer_a, legal):
    edit = reverse("registry:ip_terms_edit", kwargs={"agreement_id": registry.agreement_a.pk})
    assert edit not in officer_a.get(detail(registry.agreement_a)).content.decode()
    assert edit in legal.get(detail(registry.agreement_a)).content.decode()


def test_the_agreement_list_shows_the_scope(registry, officer_a, viewer):
    titles = {a.title for a in Agreement.objects.all()}
    officer_page = officer_a.get(reverse("registry:agreement_list")).content.decode()
    assert {t for t in titles if t in officer_page} == {
        registry.agreement_a.title,
        registry.agreement_shared.title,
    }
    viewer_page = viewer.get(reverse("registry:agreement_list")).content.decode()
    assert {t for t in titles if t in viewer_page} == titles


def test_budgets_are_hidden_from_viewers(registry, viewer, officer_a):
    url = reverse("registry:project_detail", kwargs={"project_id": registry.project.pk})
    assert "1000000" not in viewer.get(url).content.decode()
    assert "1000000" in officer_a.get(url).content.decode()


# ---------------------------------------------------------------- forms
def test_csrf_is_enforced_on_forms(registry):
    client = login("officer_a", registry, enforce_csrf_checks=True)
    url = reverse("registry:agreement_edit", kwargs={"agreement_id": registry.agreement_a.pk})
    data = {
        "title": "Changed",
        "kind": "institutional",
        "post": registry.post_a.pk,
        "partner_country": "FRA",
        "renewal_notice_days": "90",
    }
    assert client.post(url, data).status_code == 403
    form = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post(url, data | {"csrfmiddlewaretoken": token}).status_code == 302
    registry.agreement_a.refresh_from_db()
    assert registry.agreement_a.title == "Changed"


def test_csrf_is_enforced_on_api_writes_with_a_session(registry):
    client = login("planner", registry, enforce_csrf_checks=True)
    url = f"/api/v1/registry/agreements/{registry.agreement_a.pk}"
    response = client.patch(url, '{"title": "x"}', content_type="application/json")
    assert response.status_code == 403
    client.get(reverse("registry:agreement_list"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        url, '{"title": "x"}', content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200


def test_user_text_is_escaped(registry, planner):
    Agreement.objects.filter(pk=registry.agreement_a.pk).update(
        title="<script>alert('x')</script>", summary="<img src=x onerror=alert(1)>"
    )
    for url in (detail(registry.agreement_a), reverse("registry:agreement_list")):
        text = planner.get(url).content.decode()
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
        assert "<img src=x" not in text


def test_an_officer_chooses_among_their_own_posts(registry, officer_a):
    form = officer_a.get(reverse("registry:agreement_create")).content.decode()
    assert registry.post_a.name in form
    assert registry.post_b.name not in form
    response = officer_a.post(
        reverse("registry:agreement_create"),
        {
            "title": "Sneaky",
            "kind": "mobility",
            "status": "draft",
            "post": registry.post_b.pk,
            "partner_country": "DEU",
            "renewal_notice_days": "90",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Agreement.objects.filter(title="Sneaky").exists()


def test_parties_are_given_by_ror_id_and_checked(registry, planner):
    url = reverse("registry:agreement_edit", kwargs={"agreement_id": registry.agreement_b.pk})
    data = {
        "title": registry.agreement_b.title,
        "kind": "institutional",
        "post": registry.post_b.pk,
        "partner_country": "DEU",
        "renewal_notice_days": "90",
        "institutions": "https://ror.org/05hkkdn48\n02feahw73, 0nosuch00",
    }
    page = planner.post(url, data)
    assert page.status_code == 200
    assert "Unknown institution(s): 0nosuch00." in page.content.decode()
    data["institutions"] = "https://ror.org/05hkkdn48\n02feahw73"
    assert planner.post(url, data).status_code == 302
    assert set(registry.agreement_b.institutions.all()) == {registry.fraunhofer, registry.cnrs}


def test_a_refused_upload_says_why_and_stores_nothing(registry, officer_a):
    url = reverse("registry:document_add", kwargs={"agreement_id": registry.agreement_a.pk})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    page = officer_a.post(url, {"file": SimpleUploadedFile("contract.pdf", png)})
    assert page.status_code == 200
    assert "The file&#x27;s name ends in .pdf but its content is PNG." in page.content.decode()
    big = SimpleUploadedFile("contract.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))
    page = officer_a.post(url, {"file": big})
    assert "The file is 11.0 MB; the limit is 10 MB." in page.content.decode()
    assert AgreementDocument.objects.filter(agreement=registry.agreement_a).count() == 1
    assert not AuditEvent.objects.filter(action="document.upload").exists()


def test_an_upload_then_its_download(registry, officer_a):
    url = reverse("registry:document_add", kwargs={"agreement_id": registry.agreement_a.pk})
    response = officer_a.post(url, {"file": SimpleUploadedFile("Convenio firmado.pdf", PDF)})
    assert response.status_code == 302
    document = AgreementDocument.objects.get(original_name="Convenio firmado.pdf")
    download = officer_a.get(
        reverse(
            "registry:document_download",
            kwargs={"agreement_id": registry.agreement_a.pk, "document_id": document.pk},
        )
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]


def test_a_status_change_outside_the_workflow_is_refused_on_the_page(registry, planner):
    url = reverse("registry:agreement_status", kwargs={"agreement_id": registry.agreement_a.pk})
    page = planner.post(url, {"status": "draft"})  # in force -> draft is not a step
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    registry.agreement_a.refresh_from_db()
    assert registry.agreement_a.status == "in_force"


# ---------------------------------------------------------------- lists, filters and search
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "DEU"}, {"agreement_b", "agreement_shared"}),
        ({"status": "in_force"}, {"agreement_a", "agreement_shared"}),
        ({"priority": "batteries"}, {"agreement_a", "agreement_b"}),
        ({"post": "post_b"}, {"agreement_b", "agreement_shared"}),
        ({"q": "fraunhofer"}, {"agreement_b"}),
        ({"country": "FRA", "priority": "aerospace"}, {"agreement_central"}),
    ],
)
def test_agreement_filters(registry, planner, query, expected):
    if "post" in query:
        query = query | {"post": getattr(registry, query["post"]).pk}
    text = planner.get(reverse("registry:agreement_list"), query).content.decode()
    names = ("agreement_a", "agreement_b", "agreement_shared", "agreement_central")
    shown = {name for name in names if getattr(registry, name).title in text}
    assert shown == expected


def test_htmx_gets_only_the_table(registry, planner):
    response = planner.get(
        reverse("registry:agreement_list"), {"country": "DEU"}, headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.startswith('<div id="agreement-table">')
    assert "<html" not in text


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cnrs", ["Centre National de la Recherche Scientifique"]),  # a name variant
        ("french national", ["Centre National de la Recherche Scientifique"]),
        ("AUTÓNOMA", ["Universidad Nacional Autónoma de México"]),
        ("nacional", ["Universidad Nacional Autónoma de México"]),
        (
            "national",
            [
                "Centre National de la Recherche Scientifique",
                "Universidad Nacional Autónoma de México",
            ],
        ),
        ("nowhere", []),
    ],
)
def test_institution_search_by_name_and_variants(registry, viewer, q, expected):
    text = viewer.get(reverse("registry:institution_list"), {"q": q}).content.decode()
    names = [
        "Centre National de la Recherche Scientifique",
        "Fraunhofer Society",
        "Universidad Nacional Autónoma de México",
    ]
    assert [name for name in names if name in text] == expected


def test_the_renewal_alerts_keep_the_scope(registry, officer_a, officer_b):
    url = reverse("registry:renewal_list")
    assert registry.agreement_a.title in officer_a.get(url).content.decode()
    assert registry.agreement_a.title not in officer_b.get(url).content.decode()


# ---------------------------------------------------------------- language and login
def test_the_language_switch_changes_the_page_strings(registry, officer_a):
    url = reverse("registry:agreement_list")
    officer_a.post(reverse("accounts:language"), {"language": "es", "next": url})
    spanish = officer_a.get(url).content.decode()
    assert "<h1>Acuerdos</h1>" in spanish
    assert "Registrar un acuerdo" in spanish
    assert "Francia" in spanish  # the partner country, named in Spanish
    officer_a.post(reverse("accounts:language"), {"language": "en", "next": url})
    english = officer_a.get(url).content.decode()
    assert "<h1>Agreements</h1>" in english
    assert "Register an agreement" in english
    assert "France" in english


def test_every_registry_page_reads_in_spanish(registry, planner):
    planner.post(reverse("accounts:language"), {"language": "es"})
    pages = {
        reverse("registry:agreement_create"): "Registrar un acuerdo",
        detail(registry.agreement_a): "Términos de propiedad intelectual",
        reverse("registry:renewal_list"): "Renovaciones",
        reverse("registry:post_list"): "Representaciones",
        reverse("registry:institution_list"): "Instituciones",
        reverse("registry:project_list"): "Proyectos estratégicos",
        reverse(
            "registry:ip_terms_edit", kwargs={"agreement_id": registry.agreement_a.pk}
        ): "Modelo de licenciamiento",
    }
    for url, spanish in pages.items():
        assert spanish in planner.get(url).content.decode(), url


def test_login_is_throttled_after_five_failures(registry):
    client = Client()
    url = reverse("accounts:login")
    for _attempt in range(4):
        response = client.post(url, {"username": "olga", "password": "wrong"})
        assert response.status_code == 200  # the form again
    fifth = client.post(url, {"username": "olga", "password": "wrong"})
    assert fifth.status_code == 429  # the fifth failure locks the account
    locked = client.post(url, {"username": "olga", "password": PASSWORD})
    assert locked.status_code == 429  # even with the right password
    assert "_auth_user_id" not in client.session
    other = Client().post(url, {"username": "otto", "password": PASSWORD})
    assert other.status_code == 302  # another account is not locked
