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

import random
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import AnswerInvalid, Problem
from ..fields import Frozen, Option, Text, labels, unique_values
from ..i18n import sentences, separator
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, need_option, unknown_values
from .ecomap_drawing import link_line, svg

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
                kind, flow = kinds[given["kind"]], flows[given["flow"]]
                what = msg("{kind}, {flow}", kind=kind, flow=flow) if not (right_kind or right_flow) else ""
                what = what or (flow if right_kind else kind)
                line = msg("{system}: not {what}.", system=label, what=what)
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
        sample = link_line(2, 8, 46, 8, kind, "none")
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
