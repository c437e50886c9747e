"""Registry pages: confidential parts only for who may see them, CSRF on every form, escaped
user text, filters and search, uploads refused with a clear message, the language switch,
and login throttling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.conftest import PASSWORD, PDF, header_queries, login
from vinculo.web.audit.models import AuditEvent
from vinculo.web.registry.models import Agreement, AgreementDocument, Institution, Outcome
from vinculo.web.registry.widgets import Select

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
    hidden = viewer.get(url).content.decode()
    assert "1000000" not in hidden
    assert "1,000,000" not in hidden
    assert "1,000,000.00" in officer_a.get(url).content.decode()  # es-MX and en-US alike


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
    # (form errors are written by Jinja2, which escapes ' as &#39;)
    assert "The file&#39;s name ends in .pdf but its content is PNG." in page.content.decode()
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


# ---------------------------------------------------------------- cost
def _queries(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    """The number of database queries of one page load (which must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def _grow(registry, n: int, start: int = 0) -> None:
    """``n`` more agreements, numbered from ``start`` (over both posts, central and shared
    ones, every country and status, each with its parties, an outcome and a project) and
    ``n`` more institutions."""
    countries = [registry.france, registry.germany, registry.mexico]
    posts = [registry.post_a, registry.post_b, None]
    statuses = list(Agreement.Status)
    planner = registry.users["planner"]
    institutions = Institution.objects.bulk_create(
        Institution(name=f"Instituto {i}", country=countries[i % 3], search_text=f"instituto {i}")
        for i in range(start, start + n)
    )
    agreements = Agreement.objects.bulk_create(
        Agreement(title=f"Acuerdo {i}", kind=Agreement.Kind.INSTITUTIONAL,
                  status=statuses[i % len(statuses)], post=posts[i % 3],
                  partner_country=countries[i % 3], shared=i % 5 == 0,
                  priorities=["batteries", "aerospace"][: 1 + i % 2], created_by=planner)
        for i in range(start, start + n)
    )  # fmt: skip
    for agreement, institution in zip(agreements, institutions, strict=True):
        agreement.institutions.add(institution, registry.unam)
        Outcome.objects.create(agreement=agreement, kind=Outcome.Kind.PATENT, description="x")
    registry.project.agreements.add(*agreements)
    registry.agreement_a.institutions.add(*institutions[:20])
    for _ in range(5):
        Outcome.objects.create(agreement=registry.agreement_a, kind=Outcome.Kind.MOBILITY,
                               description="A stay", occurred_on=dt.date(2025, 1, 1))  # fmt: skip


@pytest.mark.parametrize("persona", ["planner", "officer_a", "viewer"])
@pytest.mark.parametrize(
    ("url", "params", "most"),
    [
        ("registry:agreement_list", {}, 6),
        ("registry:agreement_list", {"country": "DEU", "priority": "batteries", "page": "1"}, 6),
        ("registry:agreement_list", {"status": "draft", "q": "acuerdo"}, 6),
        ("registry:institution_list", {"q": "i"}, 5),
        ("registry:institution_list", {"country": "FRA"}, 5),
    ],
)
def test_the_lists_query_a_fixed_number_of_times(registry, persona, url, params, most):
    """Session, user, the filters' choices, the count and the page: no query per row,
    whatever the number of rows and the user's scope."""
    client = login(persona, registry)
    _grow(registry, 15)  # a few rows in every filter and scope
    few = _queries(client, reverse(url), params)
    _grow(registry, 60, start=15)  # more than a page
    assert _queries(client, reverse(url), params) == few <= most + header_queries(persona)


# (one of them reads the partner country's transfer regime, shown beside the IP terms)
@pytest.mark.parametrize(("persona", "most"), [("planner", 9), ("officer_a", 11), ("viewer", 7)])
def test_the_agreement_page_queries_a_fixed_number_of_times(registry, persona, most):
    client = login(persona, registry)
    few = _queries(client, detail(registry.agreement_a))
    _grow(registry, 60)
    assert _queries(client, detail(registry.agreement_a)) == few <= most + header_queries(persona)


def test_the_lists_name_every_row(registry, planner):
    """The rows are built once per page (names in the page's language): every column is
    there, for every kind of row."""
    _grow(registry, 60)
    text = planner.get(reverse("registry:agreement_list"), {"q": "acuerdo 5"}).content.decode()

    def cells(title: str) -> list[str]:
        row = text.split(f">{title}</a>")[1].split("</tr>")[0]
        return re.findall(r"<td>([^<]*)</td>", row)

    batteries, aerospace = "High-performance batteries", "Aerospace industry and satellites"
    # agreement 50: Mexico, no post, signed, shared; 55: Germany, post B, in negotiation
    assert cells("Acuerdo 50") == ["Mexico", "Signed", "central", batteries, "—"]
    assert cells("Acuerdo 55") == [
        "Germany",
        "In negotiation",
        registry.post_b.name,
        f"{batteries}, {aerospace}",
        "—",
    ]
    assert 'Acuerdo 55</a> <span class="tag">shared</span>' in text
    assert "Acuerdo 52</a></td>" in text  # not shared: no tag
    institutions = planner.get(reverse("registry:institution_list"), {"q": "cnrs"})
    row = institutions.content.decode().split("</a></td>")[1].split("</tr>")[0]
    assert re.findall(r"<td>([^<]*)</td>", row) == ["France", "Paris"]


def test_the_quick_select_writes_what_djangos_templates_write():
    """registry.widgets.Select renders its options in Python: the same markup as Django's
    own select templates, escaping included."""
    from django.forms.renderers import DjangoTemplates

    django_templates = DjangoTemplates()
    choices = [("", "Any"), ("a&b", "<A & B>"), ("Group <1>", [(1, "one"), (2, 'two "2"')])]
    attrs = {"id": "id_x", "required": True, "disabled": False, "data-note": '"q" & <r>'}
    for value in ("", "a&b", 2, None, ["1", "2"]):
        ours = Select(attrs=attrs, choices=choices).render("x", value)
        djangos = forms.Select(attrs=attrs, choices=choices).render(
            "x", value, renderer=django_templates
        )
        assert ours == djangos


def test_kept_forms_write_what_django_writes(registry):
    """Some forms' HTML is kept per process (registry.forms.KeptHTMLForm): what is kept is
    what Django writes, per language, choices (the user's scope) and submitted values; a
    form with errors is always written afresh."""
    from django.http import QueryDict
    from django.utils import translation

    from vinculo.web.registry.forms import (
        AgreementFilterForm,
        AgreementStatusForm,
        DocumentForm,
        InstitutionSearchForm,
        OutcomeForm,
    )

    planner, officer = registry.users["planner"], registry.users["officer_a"]

    def same(form: forms.Form) -> str:
        if form.is_bound:
            form.is_valid()  # as the views do before rendering
        kept = form.as_div()
        assert kept == forms.Form.as_div(form)
        return kept

    for language in ("es", "en", "es"):
        with translation.override(language):
            for agreement in (registry.agreement_a, registry.agreement_central):
                same(AgreementStatusForm(agreement=agreement))
            same(DocumentForm())
            same(OutcomeForm())
            for user in (planner, officer):
                for query in ("", "country=DEU", "country=FRA&q=lithium&status=in_force"):
                    same(AgreementFilterForm(QueryDict(query) or None, user=user))
            same(InstitutionSearchForm(QueryDict("q=cnrs&country=FRA")))
    with translation.override("en"):
        english = OutcomeForm().as_div()
        drafts = same(AgreementStatusForm(agreement=registry.agreement_central))
        in_force = same(AgreementStatusForm(agreement=registry.agreement_a))
        everyone = same(AgreementFilterForm(None, user=planner))
        post_a = same(AgreementFilterForm(None, user=officer))
        france = same(AgreementFilterForm(QueryDict("country=FRA"), user=planner))
    with translation.override("es"):
        assert OutcomeForm().as_div() != english
    assert drafts != in_force
    assert registry.post_b.name in everyone
    assert registry.post_b.name not in post_a  # the officer's choices are theirs
    assert '<option value="FRA" selected>' in france
    assert '<option value="FRA" selected>' not in everyone
    invalid = AgreementFilterForm(QueryDict("country=XXX"), user=planner)
    assert not invalid.is_valid()
    assert "errorlist" in invalid.as_div()


def test_model_choice_lists_are_read_with_one_plain_query(registry):
    """The choice lists of model fields (a project's agreements, an opportunity's owner)
    are read with one plain query each: Django's own iterator opens a server-side cursor
    on PostgreSQL (DECLARE ... FETCH ... CLOSE) for every rendered list."""
    from vinculo.web.pipeline.forms import OwnerForm
    from vinculo.web.registry.forms import ProjectForm

    planner = registry.users["planner"]
    for form in (ProjectForm(user=planner), OwnerForm(opportunity=registry.opportunity_a)):
        with CaptureQueriesContext(connection) as queries:
            html = str(form)
        assert len(queries) == 1
        assert not any(q["sql"].lstrip().upper().startswith("DECLARE") for q in queries)
        assert "<option" in html
    owner = OwnerForm(opportunity=registry.opportunity_a)
    assert [label for _value, label in owner.fields["owner"].choices][1:] == sorted(
        u.username for u in type(planner).objects.filter(role__in=["planner", "administrator"])
    )


# ---------------------------------------------------------------- issue 18: the forms
def _new_agreement(**extra):
    return {
        "title": "Grid storage with CNRS",
        "kind": "institutional",
        "status": "draft",
        "post": "",
        "partner_country": "FRA",
        "institutions": "02feahw73",
        "renewal_notice_days": "90",
        **extra,
    }


IP = {
    "ip-background_ip": "each_party",
    "ip-foreground_ip": "joint",
    "ip-licensing": "non_exclusive",
    "ip-jurisdiction": "TERMS-AT-CREATION",
}


def test_ip_terms_saved_with_the_agreement_and_hidden_from_viewers(registry, legal, viewer):
    form = legal.get(reverse("registry:agreement_create")).content.decode()
    assert 'name="ip-licensing"' in form
    assert "Confidential:" in form
    assert "never by viewers" in form
    assert "do not write IP terms" in form  # the summary's help text
    response = legal.post(reverse("registry:agreement_create"), _new_agreement(**IP))
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Grid storage with CNRS")
    assert agreement.ip_terms.licensing == "non_exclusive"
    assert agreement.ip_terms.jurisdiction == "TERMS-AT-CREATION"
    assert "TERMS-AT-CREATION" in legal.get(detail(agreement)).content.decode()
    assert "TERMS-AT-CREATION" not in viewer.get(detail(agreement)).content.decode()


def test_ip_terms_left_empty_are_not_recorded(registry, planner):
    assert planner.post(reverse("registry:agreement_create"), _new_agreement()).status_code == 302
    assert not hasattr(Agreement.objects.get(title="Grid storage with CNRS"), "ip_terms")


def test_incomplete_ip_terms_keep_the_agreement_unsaved(registry, planner):
    data = _new_agreement(**{"ip-jurisdiction": "Paris"})  # no ownership nor licensing
    response = planner.post(reverse("registry:agreement_create"), data)
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="Grid storage with CNRS").exists()
    assert "errorlist" in response.content.decode()


def test_agreement_and_ip_terms_in_one_transaction(registry, planner, monkeypatch):
    from django.core.exceptions import ValidationError

    from vinculo.web.registry.services import agreements as service

    def failing(**kwargs):
        raise ValidationError({"licensing": ["refused by the service"]})

    monkeypatch.setattr(service, "ip_terms_set", failing)
    response = planner.post(reverse("registry:agreement_create"), _new_agreement(**IP))
    assert response.status_code == 200
    assert "refused by the service" in response.content.decode()
    assert not Agreement.objects.filter(title="Grid storage with CNRS").exists()


def test_officers_get_no_ip_section_but_a_hint(registry, officer_a):
    form = officer_a.get(reverse("registry:agreement_create")).content.decode()
    assert 'name="ip-licensing"' not in form
    assert "legal officers, planners and administrators record them" in form


def test_status_starts_empty_and_ending_needs_confirmation(registry, planner):
    agreement = registry.agreement_a  # in force: expired or terminated next
    page = planner.get(detail(agreement)).content.decode()
    assert '<option value="" selected>— choose —</option>' in page
    assert '<option value="expired" selected>' not in page
    url = reverse("registry:agreement_status", kwargs={"agreement_id": agreement.pk})
    refused = planner.post(url, {"status": "terminated"})
    assert refused.status_code == 200
    assert "Tick the box to confirm “Terminated”" in refused.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == "in_force"
    assert planner.post(url, {"status": ""}).status_code == 200  # nothing chosen
    assert planner.post(url, {"status": "expired", "confirm": "on"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "expired"


@pytest.mark.parametrize(
    ("language", "empty", "none_match"),
    [
        ("en", "No agreements yet.", "No agreements match."),
        ("es", "Todavía no hay acuerdos.", "Ningún acuerdo coincide."),
    ],
)
def test_empty_agreement_list_says_why(registry, language, empty, none_match):
    registry.users["viewer"].language = language
    registry.users["viewer"].save()
    Agreement.objects.all().delete()
    client = login("viewer", registry)
    page = client.get(reverse("registry:agreement_list")).content.decode()
    assert empty in page
    assert none_match not in page
    page = client.get(reverse("registry:agreement_list"), {"q": "lithium"}).content.decode()
    assert none_match in page
    assert empty not in page


def test_renewals_offer_renew_to_who_may_edit(registry, planner, viewer):
    edit = reverse("registry:agreement_edit", kwargs={"agreement_id": registry.agreement_a.pk})
    assert (
        f'href="{edit}?renew=1#id_expires_on"'
        in planner.get(reverse("registry:renewal_list")).content.decode()
    )
    assert "?renew=1" not in viewer.get(reverse("registry:renewal_list")).content.decode()
    form = planner.get(edit, {"renew": "1"}).content.decode()
    assert re.search(r'<input type="date" name="expires_on"[^>]*autofocus', form)


def test_wide_tables_scroll_in_their_box(registry, planner):
    for name in ("agreement_list", "institution_list", "renewal_list", "post_list"):
        assert (
            '<div class="table-scroll">\n<table>'
            in planner.get(reverse(f"registry:{name}")).content.decode()
        )


def test_institution_list_search_ignores_accents(registry, planner):
    page = planner.get(reverse("registry:institution_list"), {"q": "autonoma mexico"})
    assert "Universidad Nacional Autónoma de México" in page.content.decode()


def test_ip_section_left_empty_shows_no_errors_when_the_agreement_has_some(registry, planner):
    response = planner.post(reverse("registry:agreement_create"), _new_agreement(title=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_title_error"' in html
    assert 'id="id_ip-licensing_error"' not in html
    assert 'name="ip-licensing" required' not in html  # optional for the browser too
