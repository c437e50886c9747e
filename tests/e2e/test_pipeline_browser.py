"""The pipeline in a real browser: an officer logs an opportunity in Spanish, sees the
suggested priorities and a duplicate warning as they type, and submits; a planner scores
it, moves it to negotiation and links the agreement it led to; the officer of another post
cannot open it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.test_browser import PASSWORD, log_in, said
from vinculo.web.accounts.models import Role, User
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Agreement, Country, Post

TITLE = "Laboratorio francés de baterías de ion de litio busca socio mexicano"
DESCRIPTION = (
    "El laboratorio ofrece acceso a su línea piloto de celdas de baterías de ion de litio y "
    "cofinanciamiento para investigación conjunta sobre cátodos y reciclaje de baterías."
)


def _world() -> dict[str, Any]:
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    germany = Country.objects.create(code="DEU", name_es="Alemania", name_en="Germany")
    paris = Post.objects.create(name="Embajada en Francia", kind=Post.Kind.EMBASSY,
                                host_country=france, city="París")  # fmt: skip
    berlin = Post.objects.create(name="Embajada en Alemania", kind=Post.Kind.EMBASSY,
                                 host_country=germany, city="Berlín")  # fmt: skip
    people = {
        "olga": (Role.OFFICER, [paris]),
        "otto": (Role.OFFICER, [berlin]),
        "pablo": (Role.PLANNER, []),
    }
    users = {}
    for name, (role, posts) in people.items():
        users[name] = User.objects.create_user(name, password=PASSWORD, role=role, language="es")
        users[name].posts.set(posts)
    # the same French offer, already logged by the embassy in Germany
    Opportunity.objects.create(
        title=TITLE.replace("busca", "buscaba"), description=DESCRIPTION,
        kind=Opportunity.Kind.JOINT_RESEARCH, post=berlin, host_country=france,
        created_by=users["otto"],
    )  # fmt: skip
    agreement = Agreement.objects.create(
        title="Convenio de baterías con el CNRS", kind=Agreement.Kind.INSTITUTIONAL,
        post=paris, partner_country=france, created_by=users["pablo"],
    )  # fmt: skip
    return {"users": users, "agreement": agreement}


def _log_out(page: Any) -> None:
    page.locator("form[action$='/accounts/logout/'] button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _move(page: Any, status: str, *, moved: bool = True, **fields: str) -> None:
    form = page.locator("#transition-form")
    form.locator("select[name=status]").select_option(status)
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.get_by_role("button", name=said("Change the status", "es")).click()
    if moved:
        expect(page.locator("#status")).to_have_attribute("data-status", status)


def test_an_opportunity_from_logging_to_negotiation(page: Any) -> None:
    world = _world()
    log_in(page, "olga")
    page.goto("/pipeline/new/")
    expect(page.locator("h1")).to_have_text(said("Log an opportunity", "es"))
    form = page.locator("#opportunity-form")
    form.locator("[name=title]").fill(TITLE)
    form.locator("[name=description]").fill(DESCRIPTION)
    form.locator("[name=kind]").select_option("joint_research")
    form.locator("[name=host_country]").select_option("FRA")
    form.locator("[name=currency]").fill("EUR")
    form.locator("[name=amount_offered]").fill("250000")
    form.locator("[name=contact_name]").fill("Claire Dupont")

    panel = page.locator("#suggestions")
    expect(panel.locator("li[data-priority=batteries]")).to_be_visible()
    warning = panel.locator(".duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(said("An opportunity logged by another post", "es"))
    expect(warning).not_to_contain_text("buscaba")  # another post's record stays hidden

    form.get_by_role("button", name=said("Submit", "es")).click()
    expect(page).to_have_url(re.compile(r"/pipeline/\d+/$"))
    opportunity_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#duplicates")).to_contain_text(said("similarity", "es"))
    expect(page.locator("#confidential")).to_contain_text("Claire Dupont")
    _log_out(page)

    log_in(page, "pablo")
    page.goto(f"/pipeline/{opportunity_id}/")
    score = page.locator("form[action$='/score/']")
    for name, value in (("relevance", "5"), ("capacity", "4"), ("added_value", "4"),
                        ("feasibility", "3")):  # fmt: skip
        score.locator(f"[name={name}]").fill(value)
    score.get_by_role("button", name=said("Save the scores", "es")).click()
    expect(page.locator(".rubric-outcome")).to_have_attribute("data-outcome", "publish")
    _move(page, "screening")
    # the assessment needs confirmed priorities: refused, back at the form with the
    # summary in view and focused, the detail page's address in the bar
    _move(page, "assessment", moved=False, note="Pasa a evaluación")
    expect(page).to_have_url(re.compile(rf"/pipeline/{opportunity_id}/#transition-form$"))
    summary = page.locator("#transition-form [data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_have_attribute("role", "alert")
    expect(page.locator("#status")).to_have_attribute("data-status", "screening")
    expect(page.locator("#transition-form [name=note]")).to_have_value("Pasa a evaluación")
    summary.get_by_role("link").first.click()
    expect(page.locator("#transition-form select[name=status]")).to_be_focused()
    page.reload()  # the address answers (no 405) and the summary is not shown again
    expect(page.locator("[data-error-summary]")).to_have_count(0)
    page.locator("#priorities-form input[value=batteries]").check()
    page.locator("#priorities-form").get_by_role(
        "button", name=said("Confirm the priorities", "es")
    ).click()
    expect(page.locator("#priorities-state")).to_have_attribute("data-confirmed", "1")
    _move(page, "assessment")
    _move(page, "negotiation")
    # the agreement by its title in the picker (issue 18), with the keyboard
    picker = page.locator("#transition-form").get_by_role("combobox", name=said("Agreement", "es"))
    picker.press_sequentially("baterias cnrs")
    expect(picker).to_have_attribute("aria-expanded", "true")
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value(world["agreement"].title)
    _move(page, "agreed")
    expect(page.get_by_role("link", name=world["agreement"].title)).to_be_visible()
    opportunity = Opportunity.objects.get(pk=opportunity_id)
    assert (opportunity.status, opportunity.agreement_id) == ("agreed", world["agreement"].pk)
    assert (opportunity.score_relevance, opportunity.owner.username) == (5, "pablo")
    _log_out(page)

    log_in(page, "otto")
    response = page.goto(f"/pipeline/{opportunity_id}/")
    assert response is not None
    assert response.status == 404
    page.goto("/pipeline/")
    expect(page.locator("#opportunity-table")).not_to_contain_text(TITLE)
