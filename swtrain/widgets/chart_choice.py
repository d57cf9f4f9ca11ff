"""Chart choice: each option is a chart drawn from the case's data; the trainee picks one."""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from ..exercises.chart_choice import ChartChoice
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import html, make, vbox


class ChartChoiceWidget(ExerciseWidget[ChartChoice]):
    """A card per option (its chart and a toggle labelled with the option); one can be on."""

    def __init__(self, exercise: ChartChoice, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        lang = self.msg.language
        self.buttons: dict[str, w.ToggleButton] = {}
        cards = []
        for letter, option in zip("ABCDEF", shuffled(exercise.options, self.variant, exercise.id), strict=False):
            drawing = self.draw(option.chart) if self.draw else ""
            button = make(
                w.ToggleButton,
                "swtrain-toggle",
                f"swtrain-chart-option-{option.value}",
                value=option.value == value,
                description=f"{letter}. {option.label.get(lang)}",
                tooltip=option.label.get(lang),
                icon="check" if option.value == value else "",
                layout={"width": "auto", "height": "auto"},
            )
            button.observe(lambda change, chosen=option.value: self._toggled(chosen, change["new"]), names="value")
            self.buttons[option.value] = button
            card = vbox(
                [html(f"<b>{escape(letter)}</b>{drawing}"), button],
                layout={"border": "1px solid #d4d4d8", "padding": "6px", "margin": "4px", "width": "auto"},
            )
            cards.append(card)
        grid = make(
            w.GridBox, children=cards, layout={"grid_template_columns": "repeat(auto-fill, minmax(320px, 1fr))"}
        )
        self._busy = False
        self._finish(grid)

    @property
    def value(self) -> str | None:
        return next((v for v, b in self.buttons.items() if b.value), None)

    def _toggled(self, chosen: str, on: bool) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            if not on:  # a chart stays chosen until another is: clicking it again keeps it
                self.buttons[chosen].value = True
                return
            for option, button in self.buttons.items():
                button.value = option == chosen
                button.icon = "check" if option == chosen else ""
        finally:
            self._busy = False
        self._answer(chosen)
