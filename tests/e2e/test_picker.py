"""The search-as-you-type picker in a real browser, with the keyboard only: a planner
registers an agreement choosing its partner country and a party by name ("Fraunhofer",
ArrowDown, Enter), and the agreement is saved with that institution."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_browser import PASSWORD, log_in, said
from vinculo.web.accounts.models import Role, User
from vinculo.web.registry.models import Agreement, Country, Institution


def _world() -> Institution:
    Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    germany = Country.objects.create(code="DEU", name_es="Alemania", name_en="Germany")
    mexico = Country.objects.create(code="MEX", name_es="México", name_en="Mexico")
    User.objects.create_user("pablo", password=PASSWORD, role=Role.PLANNER, language="es")
    Institution.objects.create(
        name="Universidad Nacional Autónoma de México", country=mexico, aliases=["UNAM"]
    )
    return Institution.objects.create(
        ror_id="https://ror.org/04ct7vj59",
        name="Fraunhofer IWKS",
        country=germany,
        city="Alzenau",
        aliases=["Fraunhofer Research Institution for Materials Recycling"],
    )


def test_choose_a_party_by_name_with_the_keyboard(page: Any) -> None:
    fraunhofer = _world()
    log_in(page, "pablo")
    page.goto("/registry/agreements/new/")
    page.locator("[name=title]").fill("Reciclaje de baterías con Fraunhofer")
    page.locator("[name=kind]").select_option("institutional")
    page.locator("[name=status]").select_option("draft")

    country = page.get_by_role("combobox", name=said("Partner country", "es"))
    country.press_sequentially("alem")
    expect(country).to_have_attribute("aria-expanded", "true")
    country.press("ArrowDown")
    expect(country).to_have_attribute("aria-activedescendant", re.compile(r".+-0$"))
    country.press("Enter")
    expect(country).to_have_value("Alemania")
    expect(country).to_have_attribute("aria-expanded", "false")

    parties = page.get_by_role("combobox", name=said("Parties", "es"))
    listbox_id = parties.get_attribute("aria-controls")
    parties.press_sequentially("Fraunhofer")
    listbox = page.locator(f"#{listbox_id}")
    expect(listbox).to_have_attribute("role", "listbox")
    option = listbox.get_by_role("option").first
    expect(option).to_contain_text("Fraunhofer IWKS")
    expect(option).to_contain_text("Alzenau, Alemania")
    parties.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    parties.press("Enter")  # chooses: does not submit the form
    expect(page).to_have_url(re.compile(r"/registry/agreements/new/$"))
    chosen = page.locator(".picker-chosen li")
    expect(chosen).to_have_count(1)
    expect(chosen.first).to_contain_text("Fraunhofer IWKS")
    expect(parties).to_have_value("")

    # Escape closes the list without choosing
    parties.press_sequentially("autonoma")
    expect(listbox.get_by_role("option").first).to_contain_text("Autónoma de México")
    parties.press("Escape")
    expect(parties).to_have_attribute("aria-expanded", "false")
    parties.press("Escape")
    expect(parties).to_have_value("")

    page.get_by_role("button", name=said("Save", "es")).click()
    expect(page).to_have_url(re.compile(r"/registry/agreements/\d+/$"))
    agreement = Agreement.objects.get(title="Reciclaje de baterías con Fraunhofer")
    assert list(agreement.institutions.all()) == [fraunhofer]
    assert agreement.partner_country_id == "DEU"
    expect(page.get_by_role("link", name="Fraunhofer IWKS")).to_be_visible()


def test_a_typed_name_not_chosen_is_a_form_error(page: Any) -> None:
    _world()
    log_in(page, "pablo")
    page.goto("/registry/agreements/new/")
    page.locator("[name=title]").fill("Acuerdo")
    page.locator("[name=kind]").select_option("institutional")
    page.locator("[name=status]").select_option("draft")
    country = page.get_by_role("combobox", name=said("Partner country", "es"))
    country.press_sequentially("Francia")
    expect(country).to_have_attribute("aria-expanded", "true")
    country.press("ArrowDown")
    country.press("Enter")
    page.get_by_role("combobox", name=said("Parties", "es")).press_sequentially("Fraunhofr")
    page.get_by_role("button", name=said("Save", "es")).click()
    expect(page.locator("#id_institutions_error")).to_contain_text(
        "Institución(es) desconocida(s): Fraunhofr"
    )
    expect(page.locator(".errorlist")).to_have_count(1)  # the country was chosen
    assert not Agreement.objects.exists()


def test_merge_an_opportunity_chosen_by_title(page: Any) -> None:
    from vinculo.web.pipeline.models import Opportunity
    from vinculo.web.registry.models import Post

    _world()
    pablo = User.objects.get(username="pablo")
    post = Post.objects.create(name="Embajada en Alemania", kind=Post.Kind.EMBASSY,
                               host_country_id="DEU", city="Berlín")  # fmt: skip
    keep, duplicate = (
        Opportunity.objects.create(
            title=title,
            description="Reciclaje de baterías de ion de litio.",
            kind=Opportunity.Kind.JOINT_RESEARCH,
            post=post,
            host_country_id="DEU",
            created_by=pablo,
        )
        for title in ("Reciclaje de baterías en Sajonia", "Planta de reciclaje de Alzenau")
    )
    log_in(page, "pablo")
    page.goto(f"/pipeline/{keep.pk}/")
    merge = page.locator("#merge-any")
    picker = merge.get_by_role(
        "combobox", name=said("Merge another opportunity into this one:", "es")
    )
    picker.press_sequentially("planta alzenau")
    expect(picker).to_have_attribute("aria-expanded", "true")
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value("Planta de reciclaje de Alzenau")
    merge.get_by_role("button", name=said("Merge", "es")).click()
    expect(page.locator(".messages")).to_contain_text(
        said("Merged: both histories are kept here.", "es")
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk
