"""Free text: a text area saved as the trainee types, with a word count."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..exercises.free_text import FreeText
from ..fields import count_words
from .base import ExerciseWidget
from .shared import html, make, vbox


class FreeTextWidget(ExerciseWidget[FreeText]):
    """Saved on every change, so closing the tab loses nothing typed."""

    def __init__(self, exercise: FreeText, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        self.min_words = exercise.min_words
        self.area = make(
            w.Textarea,
            value=value if isinstance(value, str) else "",
            continuous_update=True,
            placeholder=self.msg("Write your answer here."),
            layout={"width": "95%", "height": "140px"},
        )
        self.words = html()
        self._count()
        self.area.observe(self._changed, names="value")
        self._finish(vbox([self.area, self.words]))

    @property
    def value(self) -> str | None:
        return self.area.value or None

    def _count(self) -> None:
        count = count_words(self.area.value)
        text = self.msg("{words} words", words=count)
        if count < self.min_words:
            text += " · " + self.msg("at least {count} asked for", count=self.min_words)
        self.words.value = f'<small style="color:#52525b">{text}</small>'

    def _changed(self, change: dict[str, Any]) -> None:
        self._count()
        self._answer(change["new"])
