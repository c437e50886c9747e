"""The brief's SVG charts: well-formed XML, accessible, escaped, deterministic."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

import pytest

from vinculo.strategy.svg import Series, grouped_bars, line_chart, nice_ticks, stage_chart

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed XML (an unescaped label would)
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("role") == "img"
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text
    assert title.get("id") in root.get("aria-labelledby", "").split()
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def _bars() -> str:
    return grouped_bars(
        "Percentiles",
        ["Ciencia · ncses15 · 2022", "Tecnología · wipo35 · 2020", "Comercio · hs07 · 2017"],
        [Series("México", (34.0, None, 94.0)), Series("Francia", (61.0, 48.0, math.nan))],
        language="es",
        missing="s. d.",
        ident="caps",
    )


def test_grouped_bars_are_valid_svg_with_values_and_missing_labels():
    root = _parse(_bars())
    texts = _texts(root)
    assert {"34", "94", "61", "48"} <= set(texts)
    assert texts.count("s. d.") == 2  # one missing value per series
    # two bars per present value: 4 values -> 4 rects (+ 2 legend squares)
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    assert len(bars) == 4
    # 34 on a 0-100 scale over 380 units: 129.2 wide
    widths = sorted(float(r.get("width", "0")) for r in bars)
    assert widths[0] == pytest.approx(34 * 3.8, abs=0.1)


def test_grouped_bars_escape_labels():
    svg = grouped_bars(
        HOSTILE, [HOSTILE], [Series(HOSTILE, (10.0,))], language="en", description=HOSTILE
    )
    assert "<script" not in svg
    root = _parse(svg)
    title = root.find(f"{NS}title")
    assert title is not None
    assert title.text == HOSTILE
    assert any(HOSTILE[:20] in t for t in _texts(root))


def test_grouped_bars_reject_a_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 values for 1 categories"):
        grouped_bars("t", ["a"], [Series("x", (1.0, 2.0))], language="en")


def test_line_chart_labels_first_highest_and_last_in_the_language():
    points = [(2019, 1303.0), (2020, 1432.0), (2021, 1525.0), (2022, 1593.0), (2023, 1609.0)]
    for language in ("es", "en"):
        root = _parse(line_chart("Works", points, language=language, label="works"))
        texts = _texts(root)
        assert "1,303" in texts
        assert "1,609" in texts
        assert "2019" in texts
        assert "2023" in texts
        assert "0" in texts
        assert "2,000" in texts
        polyline = root.find(f"{NS}polyline")
        assert polyline is not None
        assert len(polyline.get("points", "").split()) == 5


def test_line_chart_without_points_says_so():
    root = _parse(line_chart("Works", [], language="es", label="obras", missing="sin datos"))
    assert "sin datos" in _texts(root)
    assert root.find(f"{NS}polyline") is None


def test_line_chart_with_one_point():
    root = _parse(line_chart("Works", [(2023, 5.0)], language="en", label="works"))
    assert "5" in _texts(root)


def test_stage_chart_log_scale_reference_line_and_values():
    svg = stage_chart(
        "RCA by stage",
        ["Minerales", "Compuestos <químicos>", "Celdas"],
        [Series("México", (0.59, 0.0, None)), Series("Francia", (0.41, 1.15, 25.8))],
        language="es",
        reference_label="VCR = 1",
        ident="chain-lithium",
    )
    root = _parse(svg)
    texts = _texts(root)
    assert "VCR = 1" in texts
    assert {"0.59", "0.41", "1.15", "25.80", "0.00"} <= set(texts)
    assert "Compuestos <químicos>" in texts
    assert "&lt;químicos&gt;" in svg
    # decades from 0.1 to 100 (25.8 needs the decade up to 100)
    assert {"0.1", "1", "10", "100"} <= set(texts)
    dashed = [line for line in root.iter(f"{NS}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 1
    # the reference line sits at log10(1) between 10^-1 and 10^2: a third of the way
    x = float(dashed[0].get("x1", "0"))
    assert x == pytest.approx(210 + (600 - 210) / 3, abs=0.1)


def test_stage_chart_missing_stage():
    root = _parse(
        stage_chart("t", ["a"], [Series("A", (None,)), Series("B", (None,))], language="en")
    )
    assert "n/a" in _texts(root)


def test_charts_are_deterministic():
    assert _bars() == _bars()
    points = [(2020, 1.0), (2021, 2.0)]
    assert line_chart("t", points, language="en", label="x") == line_chart(
        "t", points, language="en", label="x"
    )


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [(100, [0, 25, 50, 75, 100]), (1609, [0, 500, 1000, 1500, 2000]), (3.2, [0, 1, 2, 3, 4])],
)
def test_nice_ticks(maximum, ticks):
    assert nice_ticks(maximum) == ticks
