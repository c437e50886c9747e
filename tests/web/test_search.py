"""The pickers' search (/search/<source>/): accents and case ignored, exact and prefix
matches first, at most 20 results, scoped like the pages; and the forms that use it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.web.conftest import Registry, login
from vinculo.web import search
from vinculo.web.registry.forms import country_choices
from vinculo.web.registry.models import Agreement, Country, Institution, search_key

pytestmark = pytest.mark.django_db


def found(client: Client, source: str, q: str) -> list[dict[str, Any]]:
    response = client.get(reverse("search:source", kwargs={"source": source}), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def labels(client: Client, source: str, q: str) -> list[str]:
    return [result["label"] for result in found(client, source, q)]


def test_search_key_folds_accents_case_and_spaces() -> None:
    assert search_key("Universidad  Nacional Autónoma", "UNAM") == (
        "universidad nacional autonoma | unam"
    )


def test_accent_insensitive_institutions(registry: Registry, planner: Client) -> None:
    Institution.objects.create(
        name="Centro de Investigación y de Estudios Avanzados del IPN",
        country=registry.mexico,
        aliases=["Cinvestav"],
    )
    assert labels(planner, "institutions", "Universidad Nacional Autonoma") == [
        "Universidad Nacional Autónoma de México"
    ]
    assert labels(planner, "institutions", "Investigacion y de Estudios Avanzados") == [
        "Centro de Investigación y de Estudios Avanzados del IPN"
    ]
    assert labels(planner, "institutions", "UNIVERSIDAD NACIONAL AUTÓNOMA") == [
        "Universidad Nacional Autónoma de México"
    ]
    # by acronym, ROR id and country; the value is what the form takes (the ROR id)
    assert labels(planner, "institutions", "cinvestav") == [
        "Centro de Investigación y de Estudios Avanzados del IPN"
    ]
    assert found(planner, "institutions", "05hkkdn48")[0]["value"] == ("https://ror.org/05hkkdn48")
    assert labels(planner, "institutions", "fraunhofer germany") == ["Fraunhofer Society"]


def test_exact_then_prefix_then_word_prefix_then_substring(
    registry: Registry, planner: Client
) -> None:
    for name in ("Instituto de Litio", "Litio", "Centro Litio Sonora", "Polilitio Lab"):
        Institution.objects.create(name=name, country=registry.mexico)
    ranked = labels(planner, "institutions", "litio")
    assert ranked[0] == "Litio"
    assert ranked[1:3] == ["Centro Litio Sonora", "Instituto de Litio"]  # word prefix, by name
    assert ranked[3] == "Polilitio Lab"  # substring last
    assert search.rank("litio", ["litio"]) == 0
    assert search.rank("lit", ["litio sonora"]) == 1
    assert search.rank("sono", ["litio sonora"]) == 2
    assert search.rank("itio", ["litio"]) == 3


def test_at_most_twenty_and_the_prefix_never_lost(registry: Registry, planner: Client) -> None:
    Institution.objects.bulk_create(
        Institution(name=f"Laboratorio de Baterías {n:03d}", country=registry.mexico,
                    search_text=search_key(f"Laboratorio de Baterías {n:03d}"))
        for n in range(250)
    )  # fmt: skip
    Institution.objects.create(name="Baterías", country=registry.mexico)
    results = labels(planner, "institutions", "baterias")
    assert len(results) == search.LIMIT == 20
    assert results[0] == "Baterías"


def test_countries_by_name_in_the_users_language(registry: Registry) -> None:
    registry.users["planner"].language = "es"
    registry.users["planner"].save()
    spanish = login("planner", registry)
    assert found(spanish, "countries", "alemania") == [
        {"value": "DEU", "label": "Alemania", "detail": "DEU"}
    ]
    assert labels(spanish, "countries", "mexico") == ["México"]
    english = login("legal", registry)
    assert labels(english, "countries", "germ") == ["Germany"]
    assert labels(english, "countries", "fra") == ["France"]  # the code too


def test_agreements_and_opportunities_scoped_per_role(registry: Registry) -> None:
    officer_b = login("officer_b", registry)
    officer_a = login("officer_a", registry)
    title_a = registry.agreement_a.title  # post A's
    assert labels(officer_a, "agreements", "lithium chemistry") == [title_a]
    assert labels(officer_b, "agreements", "lithium chemistry") == []
    assert labels(officer_b, "agreements", "satellite") == []  # central: not theirs
    assert labels(login("viewer", registry), "agreements", "lithium") == [title_a]
    # by partner country and post name
    assert title_a in labels(officer_a, "agreements", "francia")
    assert registry.agreement_shared.title in labels(officer_a, "agreements", "alemania")
    opportunity_a = registry.opportunity_a.title
    assert labels(officer_a, "opportunities", "sodium") == [opportunity_a]
    assert labels(officer_b, "opportunities", "sodium") == []
    assert labels(login("planner", registry), "opportunities", "SODIUM-ION") == [opportunity_a]


def test_anonymous_is_sent_to_log_in(registry: Registry, anonymous: Client) -> None:
    response = anonymous.get("/search/institutions/", {"q": "unam"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_empty_query_and_unknown_source(planner: Client) -> None:
    assert found(planner, "institutions", "   ") == []
    assert planner.get("/search/users/", {"q": "a"}).status_code == 404


# ---------------------------------------------------------------- the forms
def test_agreement_form_takes_institutions_chosen_in_the_picker(
    registry: Registry, planner: Client
) -> None:
    fraunhofer = found(planner, "institutions", "Fraunhofer")[0]["value"]
    response = planner.post(
        reverse("registry:agreement_create"),
        {
            "title": "Recycling with Fraunhofer",
            "kind": "institutional",
            "status": "draft",
            "partner_country": "deu",  # a code typed without the script: any case
            "institutions": fraunhofer,
            "renewal_notice_days": "90",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Recycling with Fraunhofer")
    assert list(agreement.institutions.all()) == [registry.fraunhofer]
    assert agreement.partner_country == registry.germany


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Unknown institution(s): Fraunhofr."),
        ("es", "Institución(es) desconocida(s): Fraunhofr."),
    ],
)
def test_a_typo_is_a_form_error_in_the_users_language(
    registry: Registry, language: str, message: str
) -> None:
    registry.users["planner"].language = language
    registry.users["planner"].save()
    client = login("planner", registry)
    response = client.post(
        reverse("registry:agreement_create"),
        {
            "title": "T",
            "kind": "institutional",
            "status": "draft",
            "partner_country": "FRA",
            "institutions": "Fraunhofr",
            "renewal_notice_days": "90",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_labels_of_chosen_values_within_the_users_scope(registry: Registry) -> None:
    planner, officer_b = registry.users["planner"], registry.users["officer_b"]
    unam = registry.unam
    assert search.labels("institutions", planner, ["01tmp8f25", str(registry.cnrs.pk)]) == {
        "01tmp8f25": unam.name,
        str(registry.cnrs.pk): registry.cnrs.name,
    }
    assert search.labels("institutions", planner, [unam.ror_id]) == {unam.ror_id: unam.name}
    agreement_a = str(registry.agreement_a.pk)
    assert search.labels("agreements", planner, [agreement_a]) == {
        agreement_a: registry.agreement_a.title
    }
    assert search.labels("agreements", officer_b, [agreement_a]) == {}  # not theirs
    opportunity_a = str(registry.opportunity_a.pk)
    assert search.labels("opportunities", officer_b, [opportunity_a]) == {}
    with translation.override("en"):
        assert search.labels("countries", planner, ["deu"]) == {"DEU": "Germany"}
    with translation.override("es"):
        assert search.labels("countries", planner, ["deu"]) == {"DEU": "Alemania"}


def test_the_picker_markup_names_chosen_values(registry: Registry, planner: Client) -> None:
    url = reverse("registry:agreement_edit", kwargs={"agreement_id": registry.agreement_a.pk})
    html = planner.get(url).content.decode()
    assert 'data-picker-url="/search/institutions/"' in html
    assert "Universidad Nacional Autónoma de México" in html  # the chosen party, by name
    assert 'data-picker-url="/search/countries/"' in html


def test_link_agreement_typo_is_a_form_error_not_a_404(registry: Registry) -> None:
    client = login("legal", registry)  # legal may mark opportunity B agreed
    url = reverse("pipeline:status", kwargs={"opportunity_id": registry.opportunity_b.pk})
    response = client.post(url, {"version": "1", "status": "agreed", "agreement": "Batteries"})
    assert response.status_code == 302  # back to the page, the error kept for its summary
    assert response["Location"].endswith("#transition-form")
    page = client.get(response["Location"]).content.decode()
    assert "Choose an agreement from the list (or give its number)." in page


def test_merge_typo_is_a_message_not_a_404(registry: Registry) -> None:
    client = login("planner", registry)
    url = reverse("pipeline:merge", kwargs={"opportunity_id": registry.opportunity_a.pk})
    response = client.post(url, {"version": "1", "duplicate": "999999"}, follow=True)
    assert response.status_code == 200
    assert "No opportunity with that number that you can see." in response.content.decode()
    response = client.post(url, {"version": "1", "duplicate": "Hydrogen"}, follow=True)
    assert response.status_code == 200
    assert "Choose the opportunity to merge from the list." in response.content.decode()


def test_country_choices_sorted_by_name_ignoring_accents(registry: Registry) -> None:
    for code, es, en in (
        ("ABW", "Aruba", "Aruba"),
        ("AFG", "Afganistán", "Afghanistan"),
        ("AGO", "Angola", "Angola"),
        ("EGY", "Egipto", "Egypt"),
        ("ALA", "Åland", "Åland Islands"),
    ):
        Country.objects.create(code=code, name_es=es, name_en=en)
    for language, expected in (
        ("es", ["Afganistán", "Åland", "Alemania", "Angola", "Aruba", "Egipto"]),
        ("en", ["Afghanistan", "Åland Islands", "Angola", "Aruba", "Egypt", "France"]),
    ):
        registry.users["planner"].language = language
        registry.users["planner"].save()
        html = login("planner", registry).get(reverse("registry:agreement_create")).content
        text = html.decode()
        start = text.index('name="partner_country"')
        options = text[start : text.index("</select>", start)]
        names = [part.split("<")[0] for part in options.split('">')[2:]]
        assert names[:6] == expected
        with translation.override(language):
            assert [name for _code, name in country_choices(Country.objects.all())][:6] == (
                expected
            )
