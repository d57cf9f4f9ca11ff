"""Multiple choice: a checkbox per option, in the variant's order."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..exercises.multiple_choice import MultipleChoice
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import AUTO, make, vbox


class MultipleChoiceWidget(ExerciseWidget[MultipleChoice]):
    def __init__(self, exercise: MultipleChoice, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        chosen = set(value) if isinstance(value, list) else set()
        self.checkboxes: dict[str, w.Checkbox] = {}
        for option in shuffled(exercise.options, self.variant, exercise.id):
            box = make(
                w.Checkbox, value=option.value in chosen, description=option.label.get(lang), indent=False, layout=AUTO
            )
            box.observe(self._changed, names="value")
            self.checkboxes[option.value] = box
        self._finish(vbox(list(self.checkboxes.values()), "swtrain-checks"))

    @property
    def value(self) -> list[str]:
        # Saved in the case's option order, whatever order this variant shows.
        return [o.value for o in self.exercise.options if self.checkboxes[o.value].value]

    def _changed(self, change: dict[str, Any]) -> None:
        self._answer(self.value)
