"""Classification: each statement gets one category from a row of toggle buttons."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from ..exercises.classification import Classification
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import html, make, vbox


class ClassificationWidget(ExerciseWidget[Classification]):
    def __init__(self, exercise: Classification, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        saved = value if isinstance(value, dict) else {}
        categories = [(c.label.get(lang), c.value) for c in exercise.categories]
        known = {v for _, v in categories}
        self.toggles: dict[str, w.ToggleButtons] = {}
        rows = []
        for item in shuffled(exercise.items, self.variant, exercise.id):
            toggle = make(
                w.ToggleButtons,
                "swtrain-toggles",
                f"swtrain-classify-{item.value}",
                options=categories,
                value=saved.get(item.value) if saved.get(item.value) in known else None,
                style={"button_width": "auto"},
            )
            toggle.observe(self._changed, names="value")
            self.toggles[item.value] = toggle
            label = html(f"<b>“{escape(item.label.get(lang))}”</b>")
            rows.append(vbox([label, toggle], layout={"margin": "4px 0 8px 0"}))
        self._finish(vbox(rows))

    @property
    def value(self) -> dict[str, str]:
        return {
            i.value: self.toggles[i.value].value for i in self.exercise.items if self.toggles[i.value].value is not None
        }

    def _changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._answer(self.value)
