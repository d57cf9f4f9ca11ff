"""Numeric: a number typed into a text box, saved on Enter or when the box loses focus."""

from __future__ import annotations

import math
from html import escape
from typing import Any

import ipywidgets as w

from ..exercises.numeric import Numeric
from .base import ExerciseWidget
from .shared import hbox, make


def parse_number(text: str) -> float | None:
    """The number in `text` (full-width digits and a comma decimal accepted), else None."""
    cleaned = text.strip().replace("，", ",").replace("．", ".").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class NumericWidget(ExerciseWidget[Numeric]):
    def __init__(self, exercise: Numeric, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        unit = exercise.unit.get(self.msg.language) if exercise.unit else ""
        shown = f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
        self.text = make(
            w.Text,
            value=shown,
            placeholder=self.msg("Type a number"),
            continuous_update=False,
            description=self.msg("Answer"),
            layout={"width": "260px"},
        )
        self.text.observe(self._changed, names="value")
        self._finish(hbox([self.text, make(w.Label, value=unit)]))

    @property
    def value(self) -> float | None:
        return parse_number(self.text.value)

    def _changed(self, change: dict[str, Any]) -> None:
        if not change["new"].strip():
            return
        number = parse_number(change["new"])
        if number is None:
            warning = self.msg("“{text}” is not a number; nothing was saved.", text=change["new"])
            self.status.value = f'<span style="color:#b91c1c">{escape(warning)}</span>'
            return
        self._answer(number)
