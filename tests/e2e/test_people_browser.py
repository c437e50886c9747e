"""The diaspora and the shortlist in a real browser (issue 13): an officer of the embassy
in France sees Mexico's researchers in France in one priority, opens the researchers who
fit an opportunity of the post and shortlists two of them; the officer of the embassy in
Germany cannot open that shortlist, and the researchers stay out of their scope."""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_browser import PASSWORD, log_in, said
from vinculo.web.accounts.models import Role, User
from vinculo.web.people.models import Affiliation, Researcher, ShortlistEntry
from vinculo.web.people.summaries import refresh_all
from vinculo.web.pipeline.models import Opportunity
from vinculo.web.registry.models import Country, Post

TITLE = "Línea piloto francesa de baterías de ion de sodio busca socios mexicanos"
DESCRIPTION = (
    "Un laboratorio francés ofrece su línea piloto de celdas de baterías de ion de sodio "
    "para investigación conjunta en materiales de cátodo y reciclaje de baterías."
)


def _researcher(name: str, country: str, topics: list[str]) -> Researcher:
    """A researcher in the diaspora: a degree in Mexico, a current post in ``country``."""
    researcher = Researcher.objects.create(
        name=name, name_key=name.lower(), topics=topics, works_count=20, cited_by_count=200,
        diaspora=Researcher.Diaspora.DIASPORA, hosts=[country], last_seen_at=timezone.now(),
    )  # fmt: skip
    Affiliation.objects.create(
        researcher=researcher, institution="UNAM", country="MEX", start_year=2004,
        end_year=2009, kind="education", source="e2e",
    )  # fmt: skip
    Affiliation.objects.create(
        researcher=researcher, institution=f"Laboratoire {name.split()[0]}", country=country,
        start_year=2012, kind="employment", current=True, source="e2e",
    )  # fmt: skip
    return researcher


def _world() -> dict[str, Any]:
    france = Country.objects.create(code="FRA", name_es="Francia", name_en="France")
    germany = Country.objects.create(code="DEU", name_es="Alemania", name_en="Germany")
    paris = Post.objects.create(name="Embajada en Francia", kind=Post.Kind.EMBASSY,
                                host_country=france, city="París")  # fmt: skip
    berlin = Post.objects.create(name="Embajada en Alemania", kind=Post.Kind.EMBASSY,
                                 host_country=germany, city="Berlín")  # fmt: skip
    olga = User.objects.create_user("olga", password=PASSWORD, role=Role.OFFICER, language="es")
    olga.posts.set([paris])
    otto = User.objects.create_user("otto", password=PASSWORD, role=Role.OFFICER, language="es")
    otto.posts.set([berlin])
    people = {
        "rosa": _researcher("Rosa Méndez", "FRA", ["Sodium-ion battery cells"]),
        "ivan": _researcher("Iván Torres", "FRA", ["Battery recycling", "Cathode materials"]),
        "lidia": _researcher("Lidia Paz", "FRA", ["Satellite communication systems"]),
        "hans": _researcher("Hugo Ortiz", "DEU", ["Solid-state batteries"]),
    }
    opportunity = Opportunity.objects.create(
        title=TITLE, description=DESCRIPTION, kind=Opportunity.Kind.JOINT_RESEARCH,
        post=paris, host_country=france, created_by=olga,
    )  # fmt: skip
    refresh_all()  # profiles written directly, as a bulk load: the derived tables rebuilt
    return {"people": people, "opportunity": opportunity}


def test_an_officer_sees_the_diaspora_in_a_priority_and_shortlists_two(page: Any) -> None:
    world = _world()
    log_in(page, "olga")
    page.goto("/people/diaspora/FRA/")
    priorities = page.locator("#diaspora-priorities")
    expect(priorities).to_contain_text("Baterías de alto desempeño")
    priorities.get_by_role("link", name="Baterías de alto desempeño").click()
    expect(page).to_have_url(re.compile(r"/people/diaspora/FRA/\?priority=batteries$"))
    expect(page.locator("#diaspora-count")).to_contain_text("2")
    expect(page.get_by_role("link", name="Rosa Méndez")).to_be_visible()
    expect(page.get_by_role("link", name="Iván Torres")).to_be_visible()
    expect(page.get_by_role("link", name="Lidia Paz")).to_have_count(0)  # satellites
    expect(page.get_by_role("link", name="Hugo Ortiz")).to_have_count(0)  # Germany

    opportunity = world["opportunity"]
    page.goto(f"/people/opportunity/{opportunity.pk}/")
    matches = page.locator("#matches")
    for name in ("Rosa Méndez", "Iván Torres"):
        row = matches.locator("tr", has=page.get_by_role("link", name=name))
        row.get_by_role("button", name=said("Shortlist", "es")).click()
        expect(page.locator("#shortlist")).to_contain_text(name)
    expect(page.locator("#shortlist li")).to_have_count(2)
    expect(matches).not_to_contain_text("Hugo Ortiz")  # out of the post's scope
    shortlisted = set(
        ShortlistEntry.objects.filter(opportunity=opportunity).values_list(
            "researcher__name", flat=True
        )
    )
    assert shortlisted == {"Rosa Méndez", "Iván Torres"}

    page.locator("form[action$='/accounts/logout/'] button").click()
    log_in(page, "otto")
    response = page.goto(f"/people/opportunity/{opportunity.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_text("Rosa Méndez")).to_have_count(0)
    response = page.goto(f"/people/{world['people']['rosa'].pk}/")
    assert response is not None
    assert response.status == 404
