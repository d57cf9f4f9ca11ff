"""Single choice: radio buttons, one per option, in the variant's order."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..exercises.single_choice import SingleChoice
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import AUTO, make


class SingleChoiceWidget(ExerciseWidget[SingleChoice]):
    def __init__(self, exercise: SingleChoice, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        options = [(o.label.get(lang), o.value) for o in shuffled(exercise.options, self.variant, exercise.id)]
        known = {v for _, v in options}
        self.radio = make(
            w.RadioButtons, "swtrain-radio", options=options, value=value if value in known else None, layout=AUTO
        )
        self.radio.observe(self._changed, names="value")
        self._finish(self.radio)

    @property
    def value(self) -> str | None:
        return self.radio.value

    def _changed(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._answer(change["new"])
