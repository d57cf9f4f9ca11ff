"""Screening: an instrument's form filled in for a client, then its total, band and the next step.

One row per item with the response scale as buttons; item wording only
where the instrument's licence allows (class A), otherwise item numbers and
short labels. The owner's notice, the citation and, for a Chinese teaching
translation, a note that it is not a validated version are shown with the
form. In practice mode, rating an item that calls for a safety check (PHQ-9
item 9) above its lowest answer brings up a safety-assessment prompt at once.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from .. import render
from ..exercises.screening import Screening, instrument_of, safety_flagged
from .base import ExerciseWidget
from .numeric import parse_number
from .shared import AUTO, hbox, html, make, vbox


class ScreeningWidget(ExerciseWidget[Screening]):
    def __init__(self, exercise: Screening, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        msg = self.msg
        lang = msg.language
        self.instrument = instrument = instrument_of(exercise)
        saved = value if isinstance(value, dict) else {}
        saved_items: dict[str, Any] = _mapping(saved.get("items"))
        saved_result: dict[str, Any] = _mapping(saved.get("result"))
        self.items: dict[int, w.ToggleButtons] = {}
        rows = []
        for item in instrument.items:
            values = instrument.values_of(item)
            options = [(r.label.get(lang) if r.label else str(r.value), r.value) for r in values]
            raw = saved_items.get(str(item.number))
            chosen = int(raw) if isinstance(raw, str) and raw.lstrip("-").isdigit() else None
            buttons = make(
                w.ToggleButtons,
                "swtrain-toggles",
                f"swtrain-item-{item.number}",
                options=options,
                value=chosen if chosen in [v for _, v in options] else None,
                style={"button_width": "auto"},
                layout=AUTO,
            )
            buttons.observe(self._changed, names="value")
            self.items[item.number] = buttons
            text = item.text.get(lang) if item.text else (item.label.get(lang) if item.label else "")
            text = text or msg("Item {number}", number=item.number)
            label = f"<b>{item.number}.</b> {escape(text)}"
            rows.append(vbox([html(label, layout=AUTO), buttons], layout={"margin": "2px 0 6px"}))
        self.safety = html("", "swtrain-safety-prompt")
        self.total = make(
            w.Text,
            "swtrain-screening-total",
            value=str(saved_result.get("total", "")),
            placeholder=msg("Type a number"),
            continuous_update=False,
            description=msg("Total") if instrument.rule == "sum" else msg("Mean"),
            layout={"width": "260px"},
        )
        self.total.observe(self._changed, names="value")
        bands = [("—", "")] + [
            (f"{b.label.get(lang)} ({b.min:g}–{b.max:g})", str(index)) for index, b in enumerate(instrument.bands)
        ]
        band = str(saved_result.get("band", ""))
        self.band = make(
            w.Dropdown,
            "swtrain-screening-band",
            "swtrain-fit-select",
            options=bands,
            value=band if band in [v for _, v in bands] else "",
            description=msg("Band"),
            layout={"width": "auto", "display": "" if instrument.bands else "none"},
        )
        self.band.observe(self._changed, names="value")
        steps = [(o.label.get(lang), o.value) for o in exercise.next_steps]
        step = saved_result.get("next")
        self.next_step = make(
            w.RadioButtons,
            "swtrain-radio",
            "swtrain-screening-next",
            options=steps,
            value=step if step in [v for _, v in steps] else None,
            layout=AUTO,
        )
        self.next_step.observe(self._changed, names="value")
        self._show_safety()
        self._finish(
            vbox(
                [
                    html(self._header()),
                    *rows,
                    self.safety,
                    html(_bold(msg("Score and interpret"))),
                    hbox([self.total, self.band]),
                    html(_bold(msg("Next step"))),
                    self.next_step,
                    html(self._footer()),
                ]
            )
        )

    def _header(self) -> str:
        msg = self.msg
        lang = msg.language
        exercise = self.exercise
        who = msg("Rate each item for {client} from what the case shows.", client=exercise.client.get(lang))
        stem = f"<p><i>{escape(self.instrument.stem.get(lang))}</i></p>" if self.instrument.stem else ""
        return f"<p><b>{escape(self.instrument.name.get(lang))}</b> · {escape(who)}</p>{stem}"

    def _footer(self) -> str:
        lang = self.msg.language
        instrument = self.instrument
        parts = [escape(instrument.notice.get(lang))]
        if instrument.translation_note and lang != "en":
            parts.append(escape(instrument.translation_note.get(lang)))
        parts.append(escape(instrument.citation))
        lines = "".join(f"<div>{p}</div>" for p in parts)
        return (
            f'<div class="swtrain-instrument-notice" style="font-size:85%;color:#52525b;margin-top:6px">{lines}</div>'
        )

    @property
    def ratings(self) -> dict[int, int]:
        return {n: b.value for n, b in self.items.items() if b.value is not None}

    @property
    def value(self) -> dict[str, dict[str, str]]:
        total = parse_number(self.total.value)
        result = {
            "total": "" if total is None else f"{total:g}",
            "band": self.band.value,
            "next": self.next_step.value or "",
        }
        answer = {
            "items": {str(n): str(v) for n, v in self.ratings.items()},
            "result": {k: v for k, v in result.items() if v},
        }
        return {k: v for k, v in answer.items() if v}

    def _show_safety(self) -> None:
        flagged = safety_flagged(self.instrument, self.ratings) if self.practice else []
        if not flagged:
            self.safety.value = ""
            return
        text = self.msg(
            "Item {items} is above its lowest answer. Before scoring anything else, assess the client's safety now: "
            "ask directly about thoughts of death or self-harm, any plan and means, and what keeps them safe; "
            "do not leave them alone if the risk is high, and involve the team.",
            items=", ".join(map(str, flagged)),
        )
        title = self.msg("Safety first")
        self.safety.value = f'<div style="{render.STYLE["incorrect"]}">⚠ {_bold(title)}<br>{escape(text)}</div>'

    def _changed(self, change: dict[str, Any]) -> None:
        self._show_safety()
        if change["owner"] is self.total and self.total.value.strip() and parse_number(self.total.value) is None:
            error = self.msg("“{text}” is not a number; nothing was saved.", text=self.total.value)
            self.status.value = f'<span style="color:#b91c1c">{escape(error)}</span>'
            return
        self._answer(self.value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _bold(text: str) -> str:
    return f"<b>{escape(text)}</b>"
