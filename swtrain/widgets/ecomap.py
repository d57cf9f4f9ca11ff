"""Ecomap: a row per system (kind of link, direction of flow) and the ecomap drawn as it is built.

Choosing a kind places the system around the household; "not placed"
takes it away. A link is saved once it has both a kind and a flow, so a
half-set link never reaches the answer file as if it were finished.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from ..exercises import ecomap
from ..exercises.ecomap import Ecomap
from .base import ExerciseWidget
from .shared import hbox, html, make, vbox


class EcomapWidget(ExerciseWidget[Ecomap]):
    def __init__(self, exercise: Ecomap, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        msg = self.msg
        lang = msg.language
        self.centre = exercise.centre.get(lang)
        saved = value if isinstance(value, dict) else {}
        kinds = [(msg("— not placed —"), ""), *((label, kind) for kind, label in ecomap.kind_labels(msg).items())]
        flows = [
            (msg("— choose the flow —"), ""),
            *((label, f) for f, label in ecomap.flow_labels(msg, self.centre).items()),
        ]
        self.kind: dict[str, w.Dropdown] = {}
        self.flow: dict[str, w.Dropdown] = {}
        rows = []
        for system in exercise.systems:
            found = saved.get(system.value)
            link: dict[str, Any] = found if isinstance(found, dict) else {}
            known_kind = link.get("kind") if link.get("kind") in ecomap.ECOMAP_KINDS else ""
            known_flow = link.get("flow") if link.get("flow") in ecomap.ECOMAP_FLOWS else ""
            name = system.label.get(lang)
            # each drop-down is named for screen readers ("Daughter: kind of link"); the row shows the name
            hidden = ("swtrain-hidden-label", "swtrain-fit-select")
            self.kind[system.value] = make(
                w.Dropdown,
                *hidden,
                f"swtrain-ecomap-kind-{system.value}",
                options=kinds,
                value=known_kind,
                description=msg("{system}: kind of link", system=name),
                layout={"width": "16em"},
            )
            self.flow[system.value] = make(
                w.Dropdown,
                *hidden,
                f"swtrain-ecomap-flow-{system.value}",
                options=flows,
                value=known_flow,
                disabled=not known_kind,
                description=msg("{system}: flow", system=name),
                layout={"width": "220px"},
            )
            for control in (self.kind[system.value], self.flow[system.value]):
                control.observe(self._changed, names="value")
            label = html(f"<span>{escape(system.label.get(lang))}</span>", layout={"width": "220px"})
            rows.append(hbox([label, self.kind[system.value], self.flow[system.value]]))
        self.hint = html()
        self.drawing = html(self._svg(), "swtrain-ecomap")
        self._finish(vbox([vbox(rows), self.hint, html(ecomap.legend(msg)), self.drawing]))

    @property
    def value(self) -> dict[str, dict[str, str]]:
        """The finished links (a kind and a flow), in the exercise's order of systems."""
        return {
            s: {"kind": self.kind[s].value, "flow": self.flow[s].value}
            for s in self.kind
            if self.kind[s].value and self.flow[s].value
        }

    def _drawn(self) -> dict[str, dict[str, str]]:
        # a placed system is drawn at once; its arrow appears when a flow is chosen
        return {s: {"kind": k.value, "flow": self.flow[s].value or "none"} for s, k in self.kind.items() if k.value}

    def _svg(self) -> str:
        lang = self.msg.language
        systems = [(s.value, s.label.get(lang)) for s in self.exercise.systems]
        return ecomap.svg(self.centre, systems, self._drawn(), self.msg)

    def _changed(self, change: dict[str, Any]) -> None:
        for system, kind in self.kind.items():
            self.flow[system].disabled = not kind.value
        self.drawing.value = self._svg()
        unfinished = [
            s.label.get(self.msg.language)
            for s in self.exercise.systems
            if self.kind[s.value].value and not self.flow[s.value].value
        ]
        hint = self.msg("Choose the flow for: {systems}", systems=", ".join(unfinished)) if unfinished else ""
        self.hint.value = f'<span style="color:#b45309">{escape(hint)}</span>' if hint else ""
        value = self.value
        if value or not any(k.value for k in self.kind.values()):
            self._answer(value)
