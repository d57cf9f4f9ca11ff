"""Ordering: items in a list, each moved up or down with a button.

With the keyboard: Tab to an item's ↑ or ↓ and press Enter (or Space); the
focus follows the item, so pressing again moves it on.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..exercises.ordering import Ordering
from ..variants import shuffled
from .base import ExerciseWidget
from .shared import hbox, html, make, vbox


class OrderingWidget(ExerciseWidget[Ordering]):
    """Starts in the variant's shuffled order, or the saved order.

    Every move saves; "Save this order" saves an order the trainee agrees
    with as it stands.
    """

    def __init__(self, exercise: Ordering, value: Any = None, **kwargs: Any) -> None:
        super().__init__(exercise, **kwargs)
        self.labels = {i.value: i.label.get(self.msg.language) for i in exercise.items}
        saved = isinstance(value, list) and sorted(value) == sorted(self.labels)
        self.order: list[str] = (
            list(value) if saved else [i.value for i in shuffled(exercise.items, self.variant, exercise.id)]
        )
        self.answered = saved
        self.rows = vbox()
        self.up_buttons: list[w.Button] = []
        self.down_buttons: list[w.Button] = []
        for position in range(len(self.order)):
            arrow = {"width": "36px", "flex": "none"}
            up = make(w.Button, "swtrain-move-up", description="↑", tooltip=self.msg("Move up"), layout=arrow)
            down = make(w.Button, "swtrain-move-down", description="↓", tooltip=self.msg("Move down"), layout=arrow)
            up.on_click(lambda _b, p=position: self.move(p, -1))
            down.on_click(lambda _b, p=position: self.move(p, +1))
            self.up_buttons.append(up)
            self.down_buttons.append(down)
        self.item_labels = [html("", "swtrain-order-item", layout={"flex": "1 1 auto"}) for _ in self.order]
        self.confirm = make(
            w.Button,
            "swtrain-save-order",
            description=self.msg("Save this order"),
            icon="check",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self.confirm.on_click(lambda _b: self._save())
        self.rows.children = tuple(
            hbox([self.up_buttons[p], self.down_buttons[p], self.item_labels[p]], "swtrain-order-row")
            for p in range(len(self.order))
        )
        self._redraw()
        self._finish(vbox([self.rows, self.confirm]))

    @property
    def value(self) -> list[str] | None:
        return list(self.order) if self.answered else None

    def move(self, position: int, step: int) -> None:
        """Swap the item at `position` with its neighbour above (-1) or below (+1)."""
        other = position + step
        if not 0 <= other < len(self.order):
            return
        self.order[position], self.order[other] = self.order[other], self.order[position]
        self._redraw()
        # the focus follows the item (a button that has just been disabled cannot keep it)
        same = self.up_buttons[other] if step < 0 else self.down_buttons[other]
        (same if not same.disabled else self.down_buttons[other] if step < 0 else self.up_buttons[other]).focus()
        self._save()

    def _save(self) -> None:
        self.answered = True
        self._answer(list(self.order))

    def _redraw(self) -> None:
        last = len(self.order) - 1
        for position, item in enumerate(self.order):
            self.item_labels[position].value = f"<b>{position + 1}.</b> {self.labels[item]}"
            self.up_buttons[position].disabled = position == 0
            self.down_buttons[position].disabled = position == last
