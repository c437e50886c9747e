"""Phones, tablets and desktops: at 390, 768 and 1,400 px every main page of each role
fits the width (nothing reaches past the right edge but inside a box that scrolls
sideways, such as a wide table's), and every control of the header — the navigation, the
language switch, logging out — is on screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.pages import log_in, pages_for, snapshot, speak
from tests.web.conftest import Registry

pytestmark = pytest.mark.layout

WIDTHS = (390, 768, 1400)

#: elements reaching past the viewport's right edge, outside any box that scrolls sideways
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (getComputedStyle(el).visibility === "hidden") continue;
    if (box.right > width + 1 && !scrolls(el) && !el.classList.contains("skip-link")) {
      const kind = typeof el.className === "string" && el.className
        ? "." + el.className.split(" ")[0] : "";
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + kind +
               " right=" + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, out: out.slice(0, 5)};
}"""

_HEADER = """() => {
  const width = document.documentElement.clientWidth;
  const controls = document.querySelectorAll("header.top a, header.top button");
  return Array.from(controls).filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width === 0 || box.left < 0 || box.right > width + 1;
  }).map((el) => el.textContent.trim());
}"""

MAIN = ("/", "/countries/", "/pipeline/", "/registry/agreements/", "/registry/posts/")


@pytest.mark.parametrize("persona", ["planner", "officer_a", "viewer"])
def test_every_main_page_fits_each_width(
    page: Any,
    registry: Registry,
    persona: str,
) -> None:
    snapshot()
    log_in(page, speak(registry, persona, "es"))
    allowed = pages_for(persona, registry)
    # the role's main pages: the lists, one of each kind of detail and form, a country and
    # a priority, the briefs
    wanted = [p for p in allowed if p in MAIN or p.rstrip("/").count("/") >= 2]
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for path in wanted:
            page.goto(path)
            page.wait_for_load_state("load")
            found = page.evaluate(_OVERFLOW)
            if found["scroll"] > found["width"] or found["out"]:
                problems.append(f"{width}px {path}: page {found['scroll']}px, {found['out']}")
            hidden = page.evaluate(_HEADER)
            if hidden:
                problems.append(f"{width}px {path}: header controls off screen: {hidden}")
    assert len(wanted) >= 10
    assert not problems, "\n".join(problems)
