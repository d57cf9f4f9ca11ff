"""Single choice (radio buttons) and multiple choice (a checkbox per option)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..models import MultipleChoice, SingleChoice
from ..variants import shuffled
from .base import ExerciseWidget


class SingleChoiceWidget(ExerciseWidget):
    def __init__(self, exercise: SingleChoice, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        options = [(o.label.get(lang), o.value) for o in shuffled(exercise.options, self.variant, exercise.id)]
        known = {v for _, v in options}
        self.radio = w.RadioButtons(
            options=options, value=value if value in known else None, layout=w.Layout(width="auto")
        )
        self.radio.add_class("swtrain-radio")
        self.radio.observe(self._changed, names="value")
        self._finish(self.radio)

    @property
    def value(self) -> str | None:
        return self.radio.value

    def _changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._answer(change["new"])


class MultipleChoiceWidget(ExerciseWidget):
    def __init__(self, exercise: MultipleChoice, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        chosen = set(value) if isinstance(value, list) else set()
        self.checkboxes: dict[str, w.Checkbox] = {}
        for option in shuffled(exercise.options, self.variant, exercise.id):
            box = w.Checkbox(
                value=option.value in chosen,
                description=option.label.get(lang),
                indent=False,
                layout=w.Layout(width="auto"),
            )
            box.observe(self._changed, names="value")
            self.checkboxes[option.value] = box
        boxes = w.VBox(list(self.checkboxes.values()))
        boxes.add_class("swtrain-checks")
        self._finish(boxes)

    @property
    def value(self) -> list[str]:
        # Saved in the case's option order, whatever order this variant shows.
        return [o.value for o in self.exercise.options if self.checkboxes[o.value].value]  # type: ignore[union-attr]

    def _changed(self, change: dict[str, Any]) -> None:
        self._answer(self.value)
