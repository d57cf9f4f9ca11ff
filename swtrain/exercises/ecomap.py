"""Ecomap (Hartman): place systems around the household, set each link's kind and the direction of flow.

The answer maps each placed system to {"kind": ..., "flow": ...}; `flow` is
seen from the centre: to_centre means the system gives to the household.
Each system counts equally: half for its kind (or for leaving it out when
the key has no link), half for the flow. The map is drawn as DOMAIN.md
section 3 gives it: a thick solid line strong, a dashed line tenuous, a
jagged line stressful, arrows for the flow; the same drawing serves the
trainee's widget and the feedback.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import AnswerInvalid, Problem
from ..fields import Frozen, Option, Text, has_ideographs, labels, unique_values
from ..i18n import sentences, separator
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, need_option, unknown_values

if TYPE_CHECKING:
    from ..i18n import Messages

LinkKind = Literal["strong", "tenuous", "stressful"]
LinkFlow = Literal["to_centre", "from_centre", "both", "none"]
ECOMAP_KINDS: tuple[LinkKind, ...] = ("strong", "tenuous", "stressful")
ECOMAP_FLOWS: tuple[LinkFlow, ...] = ("to_centre", "from_centre", "both", "none")


class Ecomap(ExerciseBase):
    """Build a family's ecomap (Hartman): place systems around the household,
    set each link's kind and the direction resources or energy flow.

    The answer maps each placed system to {"kind": ..., "flow": ...};
    `flow` is seen from the centre: to_centre means the system gives to the household.
    """

    type: Literal["ecomap"]
    centre: Text
    systems: Annotated[tuple[Option, ...], Field(min_length=2, max_length=12)]

    _distinct = field_validator("systems")(lambda cls, v: unique_values(v, "systems"))


class EcomapLink(Frozen):
    kind: LinkKind
    flow: LinkFlow


class EcomapKey(KeyBase):
    """The links the ecomap should have; a system not listed should not be linked.

    Each system counts equally: half for its kind (or for leaving it out
    when the key has no link), half for the direction of flow.
    """

    type: Literal["ecomap"]
    links: Annotated[Mapping[str, EcomapLink], Field(min_length=1)]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class EcomapKind(ExerciseKind[Ecomap, EcomapKey]):
    name = "ecomap"
    exercise_model = Ecomap
    key_model = EcomapKey
    widget = "swtrain.widgets.ecomap.EcomapWidget"

    def key_problems(self, exercise: Ecomap, key: EcomapKey, field: str) -> list[Problem]:
        systems = [s.value for s in exercise.systems]
        return unknown_values(key.links, systems, f"{field}.links", "systems") + unknown_values(
            key.feedback, systems, f"{field}.feedback", "systems"
        )

    def score(self, exercise: Ecomap, key: EcomapKey, value: Any, variant: int, msg: Messages, reveal: bool) -> Scored:
        systems = labels(exercise.systems, msg.language)
        links = need_links(value, systems, msg)
        kinds = kind_labels(msg)
        flows = flow_labels(msg, exercise.centre.get(msg.language))
        earned = 0.0
        notes = []
        for system, label in systems.items():
            given, wanted = links.get(system), key.links.get(system)
            if wanted is None:
                right_kind = right_flow = given is None
            else:
                right_kind = given is not None and given["kind"] == wanted.kind
                right_flow = given is not None and given["flow"] == wanted.flow
            earned += (right_kind + right_flow) / 2
            if right_kind and right_flow:
                continue
            if wanted is None:
                line = msg("{system}: this system has no link in the family's ecomap.", system=label)
            elif given is None:
                line = msg("{system}: a link is missing.", system=label)
                if reveal:
                    line = sentences(
                        line, msg("It is {kind}, {flow}.", kind=kinds[wanted.kind], flow=flows[wanted.flow]), msg=msg
                    )
            else:
                wrong = [kinds[given["kind"]]] if not right_kind else []
                wrong += [flows[given["flow"]]] if not right_flow else []
                line = msg("{system}: not {what}.", system=label, what=", ".join(wrong))
                if reveal:
                    line = sentences(
                        line, msg("It is {kind}, {flow}.", kind=kinds[wanted.kind], flow=flows[wanted.flow]), msg=msg
                    )
            if system in key.feedback:
                line = sentences(line, key.feedback[system].get(msg.language), msg=msg)
            notes.append(line)
        return earned / len(systems), notes

    def answer_text(self, exercise: Ecomap, value: Any, msg: Messages) -> str:
        if not isinstance(value, dict):
            return str(value)
        return describe(value, labels(exercise.systems, msg.language), exercise.centre.get(msg.language), msg)

    def drawing(self, exercise: Ecomap, value: Any, msg: Messages) -> str:
        if not isinstance(value, dict) or not value:
            return ""
        lang = msg.language
        systems = [(s.value, s.label.get(lang)) for s in exercise.systems]
        links = {k: v for k, v in value.items() if isinstance(v, dict)}
        return f'<div class="swtrain-answer-drawing">{svg(exercise.centre.get(lang), systems, links, msg)}</div>'

    def demo_answer(
        self, exercise: Ecomap, key: EcomapKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> dict[str, dict[str, str]]:
        links: dict[str, dict[str, str]] = {s: {"kind": link.kind, "flow": link.flow} for s, link in key.links.items()}
        if not right:
            system = rng.choice([s.value for s in exercise.systems])
            links[system] = {"kind": rng.choice(ECOMAP_KINDS), "flow": rng.choice(ECOMAP_FLOWS)}
        return {s.value: links[s.value] for s in exercise.systems if s.value in links}


KIND = EcomapKind()


def need_links(value: Any, systems: Mapping[str, str], msg: Messages) -> dict[str, dict[str, str]]:
    """`value` if it maps systems of the exercise to a kind and a flow each, else AnswerInvalid."""
    if not isinstance(value, dict):
        raise AnswerInvalid(msg("The saved answer is not an ecomap (found {found}).", found=type(value).__name__))
    kinds = kind_labels(msg)
    for system, link in value.items():
        need_option(system, systems, msg)
        if (
            not isinstance(link, dict)
            or link.get("kind") not in ECOMAP_KINDS
            or link.get("flow") not in ECOMAP_FLOWS
            or len(link) != 2
        ):
            raise AnswerInvalid(
                msg(
                    "The link to {system} is not one of the kinds ({kinds}) with a direction of flow.",
                    system=systems[system],
                    kinds=", ".join(kinds.values()),
                )
            )
    return value


def kind_labels(msg: Messages) -> dict[str, str]:
    labels = {"strong": msg("strong"), "tenuous": msg("tenuous"), "stressful": msg("stressful")}
    return {kind: labels[kind] for kind in ECOMAP_KINDS}


def flow_labels(msg: Messages, centre: str) -> dict[str, str]:
    labels = {
        "to_centre": msg("→ to {centre}", centre=centre),
        "from_centre": msg("← from {centre}", centre=centre),
        "both": msg("↔ both ways"),
        "none": msg("no flow marked"),
    }
    return {flow: labels[flow] for flow in ECOMAP_FLOWS}


def legend(msg: Messages) -> str:
    """The three kinds of line, each drawn as on the map (inline SVG: no font has a glyph for a jagged line)."""
    items = []
    for kind, label in kind_labels(msg).items():
        sample = _line(2, 8, 46, 8, kind, "none")
        items.append(
            f'<span class="swtrain-ecomap-legend-{kind}" style="display:inline-flex;align-items:center;gap:4px;'
            f'margin-right:16px"><svg width="48" height="16" viewBox="0 0 48 16">{sample}</svg>{escape(label)}</span>'
        )
    return f'<div style="color:#3f3f46;font-size:90%">{"".join(items)}</div>'


def describe(value: Mapping[str, Any], systems: Mapping[str, str], centre: str, msg: Messages) -> str:
    """An ecomap answer in words: one 'system: kind, flow' per placed system."""
    kinds = kind_labels(msg)
    flows = flow_labels(msg, centre)
    parts = []
    for system, link in value.items():
        found = link if isinstance(link, dict) else {}
        kind, flow = kinds.get(found.get("kind", ""), "?"), flows.get(found.get("flow", ""), "?")
        parts.append(msg("{system}: {kind}, {flow}", system=systems.get(system, system), kind=kind, flow=flow))
    return separator(msg).join(parts)


#: How each kind of link is drawn: stroke width and dash pattern.
_STROKE = {"strong": ("4", ""), "tenuous": ("2", "7 6"), "stressful": ("2", "")}
_COLOUR = {"strong": "#1d4ed8", "tenuous": "#52525b", "stressful": "#b91c1c"}


def svg(centre: str, systems: Sequence[tuple[str, str]], links: Mapping[str, Mapping[str, str]], msg: Messages) -> str:
    """The ecomap as an inline SVG: every system placed in `links` on a ring around the centre.

    `systems` is (value, label) in the exercise's order; a system not in
    `links` is not drawn (the trainee has not placed it).
    """
    width, height, cx, cy = 560, 420, 280, 200
    placed = [(value, label) for value, label in systems if value in links]
    title = msg("Ecomap")
    empty = msg("Place a system to draw its link.")
    parts = [
        f'<svg class="swtrain-ecomap-drawing" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'style="max-width:100%;font-family:sans-serif;font-size:12px">',
        "<defs>",
        *(
            f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for kind, colour in _COLOUR.items()
        ),
        "</defs>",
    ]
    ring_x, ring_y, centre_r, system_r = 205, 150, 52, 40
    for index, (value, label) in enumerate(placed):
        angle = -math.pi / 2 + 2 * math.pi * index / len(placed)
        sx, sy = cx + ring_x * math.cos(angle), cy + ring_y * math.sin(angle)
        link = links[value]
        kind = link.get("kind", "tenuous")
        flow = link.get("flow", "none")
        # the line runs between the two circles' edges
        dx, dy = sx - cx, sy - cy
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        x1, y1 = cx + ux * (centre_r + 2), cy + uy * (centre_r + 2)
        x2, y2 = sx - ux * (system_r + 2), sy - uy * (system_r + 2)
        parts.append(_line(x1, y1, x2, y2, kind, flow))
        parts.append(
            f'<g class="swtrain-ecomap-system" data-system="{escape(value)}" data-kind="{escape(kind)}" '
            f'data-flow="{escape(flow)}"><circle cx="{sx:.1f}" cy="{sy:.1f}" r="{system_r}" fill="#f4f4f5" '
            f'stroke="#3f3f46"/>{_label(sx, sy, label, 11)}</g>'
        )
    parts.append(
        f'<g class="swtrain-ecomap-centre"><circle cx="{cx}" cy="{cy}" r="{centre_r}" fill="#fef9c3" '
        f'stroke="#3f3f46" stroke-width="2"/>{_label(cx, cy, centre, 13)}</g>'
    )
    if not placed:
        parts.append(f'<text x="{cx}" y="{height - 12}" text-anchor="middle" fill="#52525b">{escape(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _line(x1: float, y1: float, x2: float, y2: float, kind: str, flow: str) -> str:
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


def _label(x: float, y: float, text: str, size: int) -> str:
    """Text centred in a circle, broken into at most three short lines."""
    lines = _wrap(text, 9 if has_ideographs(text) else 14)[:3]
    first = y - (len(lines) - 1) * (size + 1) / 2
    spans = "".join(
        f'<tspan x="{x:.1f}" y="{first + i * (size + 1):.1f}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle" dominant-baseline="middle" font-size="{size}">{spans}</text>'


def _wrap(text: str, width: int) -> list[str]:
    if " " not in text.strip():
        return [text[i : i + width] for i in range(0, len(text), width)] or [""]
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
