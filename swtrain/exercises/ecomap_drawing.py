"""The ecomap drawn as an inline SVG: the household in the middle, each placed system on a ring around it.

A circle is as large as its label needs (the label wrapped evenly, never
cut), and the ring as wide as the circles need so that none overlap. The line
between two circles shows the kind of link (thick solid strong, dashed
tenuous, jagged stressful) and arrows the flow, as DOMAIN.md section 3 gives it.
Pure text in, text out: the widget, the feedback and the pages share it.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from ..fields import has_ideographs

if TYPE_CHECKING:
    from ..i18n import Messages


#: How each kind of link is drawn: stroke width and dash pattern.
_STROKE = {"strong": ("4", ""), "tenuous": ("2", "7 6"), "stressful": ("2", "")}
_COLOUR = {"strong": "#1d4ed8", "tenuous": "#52525b", "stressful": "#b91c1c"}


def svg(centre: str, systems: Sequence[tuple[str, str]], links: Mapping[str, Mapping[str, str]], msg: Messages) -> str:
    """The ecomap as an inline SVG: every system placed in `links` on a ring around the centre.

    `systems` is (value, label) in the exercise's order; a system not in
    `links` is not drawn (the trainee has not placed it). Each circle is as
    large as its label needs (never cut), and the ring as wide as the circles need.
    """
    placed = [(value, label) for value, label in systems if value in links]
    title = msg("Ecomap")
    empty = msg("Place a system to draw its link.")
    hub = node_label(centre, CENTRE_FONT, CENTRE_RADIUS)
    nodes = [(value, node_label(label, SYSTEM_FONT, SYSTEM_RADIUS)) for value, label in placed]
    ring_x, ring_y, reach = ring_size(hub.radius, [n.radius for _, n in nodes])
    width, height = 2 * (ring_x + reach), 2 * (ring_y + reach) + (24 if not placed else 0)
    cx, cy = width / 2, ring_y + reach
    parts = [
        f'<svg class="swtrain-ecomap-drawing" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}" '
        'style="max-width:100%;height:auto;font-family:sans-serif">',
        "<defs>",
        *(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for kind, colour in _COLOUR.items()
        ),
        "</defs>",
    ]
    for (value, node), (sx, sy) in zip(nodes, ring_positions(cx, cy, ring_x, ring_y, len(nodes)), strict=True):
        link = links[value]
        kind = link.get("kind", "tenuous")
        flow = link.get("flow", "none")
        # the line runs between the two circles' edges
        dx, dy = sx - cx, sy - cy
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        x1, y1 = cx + ux * (hub.radius + 2), cy + uy * (hub.radius + 2)
        x2, y2 = sx - ux * (node.radius + 2), sy - uy * (node.radius + 2)
        parts.append(link_line(x1, y1, x2, y2, kind, flow))
        parts.append(
            f'<g class="swtrain-ecomap-system" data-system="{escape(value)}" data-kind="{escape(kind)}" '
            f'data-flow="{escape(flow)}"><circle cx="{sx:.1f}" cy="{sy:.1f}" r="{node.radius:.1f}" fill="#f4f4f5" '
            f'stroke="#3f3f46"/>{node.svg(sx, sy)}</g>'
        )
    parts.append(
        f'<g class="swtrain-ecomap-centre"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="{hub.radius:.1f}" fill="#fef9c3" '
        f'stroke="#3f3f46" stroke-width="2"/>{hub.svg(cx, cy)}</g>'
    )
    if not placed:
        parts.append(
            f'<text x="{cx:.1f}" y="{height - 8:.1f}" text-anchor="middle" font-size="12" fill="#52525b">'
            f"{escape(empty)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


SYSTEM_FONT, CENTRE_FONT = 12, 14
SYSTEM_RADIUS, CENTRE_RADIUS = 40.0, 52.0  # the smallest circles, for short labels
_GAP = 10.0  # the least space between two circles, and between the outer circles and the edge
_LINE_SPACING = 1.25


@dataclass(frozen=True)
class NodeLabel:
    """A label broken into lines, the size of its text block, and the circle that holds it."""

    lines: tuple[str, ...]
    font: int
    width: float
    height: float
    radius: float

    def svg(self, x: float, y: float) -> str:
        step = self.font * _LINE_SPACING
        first = y - (len(self.lines) - 1) * step / 2
        spans = "".join(
            f'<tspan x="{x:.1f}" y="{first + i * step:.1f}">{escape(line)}</tspan>' for i, line in enumerate(self.lines)
        )
        return f'<text text-anchor="middle" dominant-baseline="central" font-size="{self.font}">{spans}</text>'


def node_label(text: str, font: int, least_radius: float) -> NodeLabel:
    """`text` in even lines of at most seven Chinese characters or about 14 Latin letters, and the circle
    around them (its radius is half the text block's diagonal and a margin, or `least_radius`)."""
    widest = font * (7 if has_ideographs(text) else 8.5)
    lines = wrap_label(text, widest, font)
    while widest > font:  # as narrow as the same number of lines allows: lines of even length
        narrower = wrap_label(text, widest - 2, font)
        if len(narrower) > len(lines):
            break
        lines, widest = narrower, widest - 2
    width = max(text_width(line, font) for line in lines)
    height = len(lines) * font * _LINE_SPACING
    radius = max(least_radius, math.hypot(width / 2, height / 2) + 5)
    return NodeLabel(tuple(lines), font, width, height, radius)


def text_width(text: str, font: int) -> float:
    """How wide `text` is drawn at `font` px in a sans-serif face, erring wide: a Chinese character (and
    full-width punctuation) is one em; capitals, lower case and narrow marks take less."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif char in " .,:;'’()[]|!il-":
            em += 0.36
        elif char.isupper() or char in "mwMW":
            em += 0.75
        else:
            em += 0.62
    return em * font


# a line never starts with closing punctuation nor ends with an opening bracket
_NO_START = "）》」』】〕，。、；：！？)]}.,;:!?"
_NO_END = "（《「『【〔([{"


def wrap_label(text: str, width: float, font: int = SYSTEM_FONT) -> list[str]:
    """`text` broken into lines at most `width` px wide where it can be: between words, or between Chinese
    characters; a word longer than the width is a line of its own, never cut."""
    lines: list[str] = []
    for unit in _break_units(" ".join(text.split())):
        if not unit.strip():
            if lines:
                lines[-1] += unit
        elif lines and text_width(lines[-1] + unit, font) <= width:
            lines[-1] += unit
        else:
            lines.append(unit.lstrip())
    return [line.strip() for line in lines] or [""]


def _break_units(text: str) -> list[str]:
    """The pieces a line may break between: a Latin word with the space before it, or one Chinese character
    (with a closing mark after it, or after an opening mark)."""
    units: list[str] = []
    for char in text:
        last = units[-1][-1] if units else ""
        if char == " ":
            units.append(" ")
        elif units and (char in _NO_START or last in _NO_END or not (_wide(char) or _wide(last))):
            units[-1] += char
        else:
            units.append(char)
    return units


def _wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in ("W", "F")


def ring_size(centre_radius: float, radii: Sequence[float]) -> tuple[float, float, float]:
    """The ring's half-width and half-height, and how far a circle reaches beyond it: wide enough that no two
    neighbouring circles touch and none comes close to the centre."""
    reach = max(radii, default=SYSTEM_RADIUS) + _GAP
    ring_x, ring_y = 205.0, 150.0
    ring_y = max(ring_y, centre_radius + reach + 2 * _GAP)
    for _ in range(40):
        points = ring_positions(0.0, 0.0, ring_x, ring_y, len(radii))
        crowded = any(
            math.dist(points[i], points[j]) < radii[i] + radii[j] + _GAP
            for i in range(len(points))
            for j in range(i + 1, len(points))
        )
        near = any(
            math.hypot(*point) < centre_radius + radius + 3 * _GAP for point, radius in zip(points, radii, strict=True)
        )
        if not crowded and not near:
            break
        ring_x, ring_y = ring_x * 1.06, ring_y * 1.06
    return ring_x, ring_y, reach


def ring_positions(cx: float, cy: float, ring_x: float, ring_y: float, count: int) -> list[tuple[float, float]]:
    """`count` points on an ellipse around (cx, cy), the first at the top, clockwise."""
    return [
        (cx + ring_x * math.cos(angle), cy + ring_y * math.sin(angle))
        for angle in (-math.pi / 2 + 2 * math.pi * index / count for index in range(count))
    ]


def link_line(x1: float, y1: float, x2: float, y2: float, kind: str, flow: str) -> str:
    width, dash = _STROKE.get(kind, _STROKE["tenuous"])
    colour = _COLOUR.get(kind, _COLOUR["tenuous"])
    # flow is seen from the centre: to_centre points at the household (the line's start)
    start = f' marker-start="url(#arrow-{kind})"' if flow in ("to_centre", "both") else ""
    end = f' marker-end="url(#arrow-{kind})"' if flow in ("from_centre", "both") else ""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    if kind == "stressful":
        points = _zigzag(x1, y1, x2, y2)
        return (
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{start}{end} '
            f'class="swtrain-ecomap-link"/>'
        )
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="{width}"'
        f'{dashes}{start}{end} class="swtrain-ecomap-link"/>'
    )


def _zigzag(x1: float, y1: float, x2: float, y2: float, step: float = 9.0, amplitude: float = 4.0) -> str:
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    nx, ny = -uy, ux
    points = [(x1, y1)]
    teeth = max(2, int(length // step))
    for i in range(1, teeth):
        along = length * i / teeth
        side = amplitude if i % 2 else -amplitude
        points.append((x1 + ux * along + nx * side, y1 + uy * along + ny * side))
    points.append((x2, y2))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
