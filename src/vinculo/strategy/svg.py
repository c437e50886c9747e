"""Small SVG charts for the briefs: grouped horizontal bars, a line over years and a value
chain's stages on a logarithmic RCA scale, as standalone SVG text.

No library and no external asset: each function returns one ``<svg>`` element with a
``viewBox``, an accessible ``<title>`` and ``<desc>`` (``role="img"``), every label escaped,
numbers written as the language writes them (:func:`vinculo.strategy.i18n.number`).
The output depends only on the arguments (no random ids, no clock), so a brief renders
the same twice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from vinculo.strategy.i18n import number

__all__ = ["PALETTE", "Series", "grouped_bars", "line_chart", "nice_ticks", "stage_chart"]

#: Series colours (home first, then the host); dark enough for white text beside them.
PALETTE = ("#006847", "#1f4e9c", "#b5452b", "#6b4c9a")
_FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
_MUTED = "#5f6368"
_GRID = "#d9dcdf"
_WIDTH = 640.0
_LABEL_CHARS = 34
# a white copy with a thick outline under each value label of the stage chart, so that grid
# and reference lines do not cross it (paint-order is not supported everywhere)
_HALO = {"fill": "#ffffff", "stroke": "#ffffff", "stroke_width": "3", "aria_hidden": "true"}


@dataclass(frozen=True)
class Series:
    """One series: its label (shown in the legend) and one value per category (None or
    NaN where missing)."""

    label: str
    values: tuple[float | None, ...]


def _esc(value: object) -> str:
    return escape(str(value), quote=True)


def _c(value: float) -> str:
    """A coordinate, rounded to a tenth (stable text, small files)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ident(value: str) -> str:
    cleaned = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")
    return cleaned or "chart"


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)


def _short(label: str, chars: int = _LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1].rstrip() + "…"


def _label(x: float, y: float, label: str, chars: int = _LABEL_CHARS) -> str:
    """A category label right-aligned at (x, y): on one line when it fits in ``chars``
    characters, else on two lines broken between words (the second shortened only when
    it still does not fit), so that labels are read whole."""
    if len(label) <= chars:
        return _text(x, y, label, anchor="end")
    words, first = label.split(" "), ""
    while words and len(f"{first} {words[0]}".strip()) <= chars:
        first = f"{first} {words.pop(0)}".strip()
    if not first:  # one long word
        first, words = label[:chars], [label[chars:]]
    second = _short(" ".join(words), chars)
    return (
        f'<text x="{_c(x)}" y="{_c(y - 6)}" text-anchor="end">'
        f'<tspan x="{_c(x)}">{_esc(first)}</tspan>'
        f'<tspan x="{_c(x)}" dy="12">{_esc(second)}</tspan></text>'
    )


def _open(width: float, height: float, title: str, description: str, ident: str) -> list[str]:
    ident = _ident(ident)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_c(width)} '
        f'{_c(height)}" width="{_c(width)}" height="{_c(height)}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{_FONT}" font-size="11">',
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(description)}</desc>',
    ]


def _text(x: float, y: float, label: str, *, anchor: str = "start", **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{_esc(value)}"' for name, value in attrs.items())
    return f'<text x="{_c(x)}" y="{_c(y)}" text-anchor="{anchor}"{extra}>{_esc(label)}</text>'


def _legend(
    series: Sequence[Series], x: float, y: float, shapes: bool = False, first: int = 0
) -> list[str]:
    parts = ['<g class="legend">']
    for i, item in enumerate(series, start=first):
        colour = PALETTE[i % len(PALETTE)]
        if shapes:
            parts.append(_marker(i, x + 5, y - 4, colour))
        else:
            parts.append(
                f'<rect x="{_c(x)}" y="{_c(y - 9)}" width="10" height="10" fill="{colour}"/>'
            )
        parts.append(_text(x + 15, y, _short(item.label, 40)))
        x += 30 + 6.5 * min(len(item.label), 40)
    parts.append("</g>")
    return parts


def _marker(index: int, x: float, y: float, colour: str) -> str:
    """A circle for the first series, a square for the second, a diamond after."""
    if index % 3 == 0:
        return f'<circle cx="{_c(x)}" cy="{_c(y)}" r="5" fill="{colour}"/>'
    if index % 3 == 1:
        return f'<rect x="{_c(x - 4.5)}" y="{_c(y - 4.5)}" width="9" height="9" fill="{colour}"/>'
    points = f"{_c(x)},{_c(y - 6)} {_c(x + 6)},{_c(y)} {_c(x)},{_c(y + 6)} {_c(x - 6)},{_c(y)}"
    return f'<polygon points="{points}" fill="{colour}"/>'


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (steps of 1, 2, 2.5 or 5 × 10^k).

    >>> nice_ticks(1609)
    [0.0, 500.0, 1000.0, 1500.0, 2000.0]
    >>> nice_ticks(0)
    [0.0, 1.0]
    """
    if not math.isfinite(maximum) or maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    top = math.ceil(maximum / step - 1e-9) * step
    return [float(round(i * step, 10)) for i in range(round(top / step) + 1)]


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    language: str,
    maximum: float = 100.0,
    digits: int = 0,
    missing: str = "n/a",
    description: str = "",
    ident: str = "bars",
) -> str:
    """Horizontal bars, one group per category and one bar per series (e.g. the home and
    the host country's percentiles per component), on a scale from 0 to ``maximum``; each
    bar carries its value, a missing value the ``missing`` label.

    >>> svg = grouped_bars("t", ["a & b"], [Series("MEX", (50.0,))], language="en")
    >>> "a &amp; b" in svg and ">50<" in svg
    True
    """
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(
                f"series {item.label!r} has {len(item.values)} values for "
                f"{len(categories)} categories"
            )
    left, right, top, bar, inner, gap = 210.0, 590.0, 34.0, 12.0, 2.0, 12.0
    group = len(series) * (bar + inner) - inner
    height = top + len(categories) * (group + gap) + 28.0
    scale = (right - left) / maximum if maximum > 0 else 0.0
    parts = _open(_WIDTH, height, title, description or title, ident)
    parts += _legend(series, left, 16.0)
    bottom = height - 24.0
    ticks = [maximum * i / 4 for i in range(5)]
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            f'<line x1="{_c(x)}" y1="{_c(top - 4)}" x2="{_c(x)}" y2="{_c(bottom)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(_text(x, bottom + 14, number(tick, language, 0), anchor="middle", fill=_MUTED))
    for row, category in enumerate(categories):
        y0 = top + row * (group + gap)
        parts.append(_label(left - 8, y0 + group / 2 + 4, category))
        for i, item in enumerate(series):
            y = y0 + i * (bar + inner)
            value = item.values[row]
            if value is None or _missing(value):
                parts.append(_text(left + 4, y + bar - 2, missing, fill=_MUTED))
                continue
            width = max(0.0, min(value, maximum)) * scale
            colour = PALETTE[i % len(PALETTE)]
            parts.append(
                f'<rect x="{_c(left)}" y="{_c(y)}" width="{_c(width)}" height="{_c(bar)}" '
                f'fill="{colour}"><title>{_esc(item.label)}: '
                f"{_esc(number(value, language, digits))}</title></rect>"
            )
            parts.append(_text(left + width + 4, y + bar - 2, number(value, language, digits)))
    parts.append(
        f'<line x1="{_c(left)}" y1="{_c(top - 4)}" x2="{_c(left)}" y2="{_c(bottom)}" '
        f'stroke="{_MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    title: str,
    points: Sequence[tuple[int, float]],
    *,
    language: str,
    label: str,
    digits: int = 0,
    missing: str = "n/a",
    description: str = "",
    ident: str = "line",
) -> str:
    """A line over years (e.g. co-authored works per year), the y axis from 0, the first,
    highest and last values labelled; with no points, the ``missing`` label alone.

    >>> svg = line_chart("t", [(2022, 1593.0), (2023, 1609.0)], language="es", label="works")
    >>> ">1,609<" in svg
    True
    """
    width, height = _WIDTH, 250.0
    left, right, top, bottom = 62.0, _WIDTH - 28.0, 34.0, height - 30.0
    parts = _open(width, height, title, description or title, ident)
    parts += _legend([Series(label, ())], left, 16.0, first=1)
    clean = sorted((int(year), float(value)) for year, value in points if not _missing(value))
    if not clean:
        parts.append(_text(width / 2, height / 2, missing, anchor="middle", fill=_MUTED))
        parts.append("</svg>")
        return "\n".join(parts)
    first, last = clean[0][0], clean[-1][0]
    ticks = nice_ticks(max(value for _, value in clean))
    y_scale = (bottom - top) / ticks[-1]

    def x_of(year: int) -> float:
        if first == last:
            return (left + right) / 2
        return left + (year - first) * (right - left) / (last - first)

    def y_of(value: float) -> float:
        return bottom - value * y_scale

    tick_digits = 0 if all(t == int(t) for t in ticks) else 1
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{_c(left)}" y1="{_c(y)}" x2="{_c(right)}" y2="{_c(y)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(left - 6, y + 4, number(tick, language, tick_digits), anchor="end", fill=_MUTED)
        )
    span = last - first
    step = max(1, math.ceil((span + 1) / 9))
    years = list(range(first, last + 1, step))
    if years[-1] != last:
        years.append(last)
        if len(years) > 2 and last - years[-2] < step:
            del years[-2]
    for year in years:
        parts.append(_text(x_of(year), bottom + 16, str(year), anchor="middle", fill=_MUTED))
    path = " ".join(f"{_c(x_of(y))},{_c(y_of(v))}" for y, v in clean)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="{PALETTE[1]}" stroke-width="2" '
        'stroke-linejoin="round"/>'
    )
    highest = max(clean, key=lambda p: (p[1], p[0]))
    shown = {clean[0], highest, clean[-1]}
    for year, value in clean:
        x, y = x_of(year), y_of(value)
        parts.append(
            f'<circle cx="{_c(x)}" cy="{_c(y)}" r="2.5" fill="{PALETTE[1]}"><title>{year}: '
            f"{_esc(number(value, language, digits))}</title></circle>"
        )
        if (year, value) in shown:
            anchor = (
                "start" if year == first and first != last else "end" if year == last else "middle"
            )
            parts.append(
                _text(x, y - 7, number(value, language, digits), anchor=anchor, font_weight="bold")
            )
    parts.append("</svg>")
    return "\n".join(parts)


def stage_chart(
    title: str,
    stages: Sequence[str],
    series: Sequence[Series],
    *,
    language: str,
    reference: float = 1.0,
    reference_label: str = "RCA = 1",
    missing: str = "n/a",
    description: str = "",
    ident: str = "stages",
) -> str:
    """A value chain's stages (upstream first, one row each) with each series' value (e.g.
    the home and the host country's RCA) as a marker on a logarithmic scale, the two joined
    by a line, and a dashed reference line at ``reference`` (RCA = 1: specialization).
    Values of 0 sit at the left edge of the scale.

    >>> svg = stage_chart("t", ["ores"], [Series("MEX", (0.41,)), Series("FRA", (2.0,))],
    ...                   language="en")
    >>> "RCA = 1" in svg and ">0.41<" in svg
    True
    """
    for item in series:
        if len(item.values) != len(stages):
            raise ValueError(
                f"series {item.label!r} has {len(item.values)} values for {len(stages)} stages"
            )
    positive = [
        v for item in series for v in item.values if v is not None and not _missing(v) and v > 0
    ]
    low_power = math.floor(math.log10(min(positive))) if positive else -1
    high_power = math.ceil(math.log10(max(positive))) if positive else 1
    low_power, high_power = min(low_power, -1), max(high_power, 1)
    left, right, top, row = 210.0, 600.0, 44.0, 40.0
    height = top + len(stages) * row + 30.0
    bottom = height - 26.0

    def x_of(value: float) -> float:
        power = math.log10(value) if value > 0 else low_power
        power = min(max(power, low_power), high_power)
        return left + (power - low_power) * (right - left) / (high_power - low_power)

    parts = _open(_WIDTH, height, title, description or title, ident)
    parts += _legend(series, left, 16.0, shapes=True)
    for power in range(low_power, high_power + 1):
        x = x_of(10.0**power)
        parts.append(
            f'<line x1="{_c(x)}" y1="{_c(top - 10)}" x2="{_c(x)}" y2="{_c(bottom)}" '
            f'stroke="{_GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(
                x,
                bottom + 14,
                number(10.0**power, language, max(0, -power)),
                anchor="middle",
                fill=_MUTED,
            )
        )
    x_ref = x_of(reference)
    parts.append(
        f'<line x1="{_c(x_ref)}" y1="{_c(top - 10)}" x2="{_c(x_ref)}" y2="{_c(bottom)}" '
        f'stroke="{_MUTED}" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    parts.append(_text(x_ref + 4, top - 12, reference_label, fill=_MUTED))
    for index, stage in enumerate(stages):
        y = top + index * row + row / 2
        parts.append(_label(left - 8, y + 4, stage))
        present = [
            (i, float(v))
            for i, item in enumerate(series)
            if (v := item.values[index]) is not None and not _missing(v)
        ]
        if len(present) >= 2:
            xs = [x_of(v) for _, v in present]
            parts.append(
                f'<line x1="{_c(min(xs))}" y1="{_c(y)}" x2="{_c(max(xs))}" y2="{_c(y)}" '
                f'stroke="{_GRID}" stroke-width="3"/>'
            )
        if not present:
            parts.append(_text(left + 4, y + 4, missing, fill=_MUTED))
        for i, value in present:
            x = x_of(value)
            colour = PALETTE[i % len(PALETTE)]
            label = number(value, language, 2)
            parts.append(
                f"<g><title>{_esc(series[i].label)}: {_esc(label)}</title>"
                f"{_marker(i, x, y, colour)}</g>"
            )
            offset = -9.0 if i % 2 == 0 else 17.0
            parts.append(_text(x, y + offset, label, anchor="middle", **_HALO))
            parts.append(_text(x, y + offset, label, anchor="middle", fill=colour))
    parts.append("</svg>")
    return "\n".join(parts)
