"""Labels people read (issue 18): the opportunity page says when and by whom it last
changed (not an internal version number). The sort options: tests/web/test_pipeline.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import Registry, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "label", "by"), [("en", "Last changed", " by "), ("es", "Último cambio", " por ")]
)
def test_opportunity_shows_last_change_not_version(
    registry: Registry, language: str, label: str, by: str
) -> None:
    registry.users["planner"].language = language
    registry.users["planner"].save()
    client = login("planner", registry)
    url = reverse("pipeline:comment", kwargs={"opportunity_id": registry.opportunity_a.pk})
    assert client.post(url, {"text": "Called the laboratory."}).status_code == 302
    owner = reverse("pipeline:owner", kwargs={"opportunity_id": registry.opportunity_a.pk})
    client.post(owner, {"version": "1", "owner": str(registry.users["planner"].pk)})
    page = client.get(
        reverse("pipeline:detail", kwargs={"opportunity_id": registry.opportunity_a.pk})
    ).content.decode()
    assert f"<dt>{label}</dt>" in page
    assert "<dt>Version</dt>" not in page
    assert "<dt>Versión</dt>" not in page
    last = page[page.index('id="last-change"') :].split("</dd>")[0]
    assert last.endswith(f"{by}pablo")  # the planner changed the owner last
