"""Ordering: put items in order (Roberts' seven stages, the case-work process); pairs in order earn credit."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import AnswerInvalid, Problem
from ..fields import Option, Slug, Text, labels, unique_values
from ..i18n import sentences
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, need_options, quoted, unknown_values, words

if TYPE_CHECKING:
    from ..i18n import Messages


class Ordering(ExerciseBase):
    """Put items in order (Roberts' seven stages, the case-work process)."""

    type: Literal["ordering"]
    items: Annotated[tuple[Option, ...], Field(min_length=2)]

    _distinct = field_validator("items")(lambda cls, v: unique_values(v, "items"))


class OrderingKey(KeyBase):
    """pairwise: share of item pairs in the right relative order; exact: all or nothing.

    `feedback` (optional) says, per item, why it belongs where it does; it is
    shown when that item is out of place.
    """

    type: Literal["ordering"]
    order: Annotated[tuple[Slug, ...], Field(min_length=2)]
    scoring: Literal["pairwise", "exact"] = "pairwise"
    feedback: Mapping[str, Text] = Field(default_factory=dict)


def pairwise_fraction(answer: list[str], order: tuple[str, ...]) -> float:
    """Share of item pairs whose relative order in `answer` matches `order`."""
    position = {item: index for index, item in enumerate(answer)}
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
    agreeing = sum(1 for a, b in pairs if position[a] < position[b])
    return agreeing / len(pairs)


def out_of_place(answer: list[str], order: tuple[str, ...]) -> list[str]:
    """The fewest items to move to put `answer` in `order`: those outside its longest run already in order
    (a longest increasing subsequence of the key positions), in the key's order."""
    positions = [order.index(item) for item in answer]
    best: list[list[int]] = []  # best[i]: the longest increasing run ending at answer[i]
    for i, here in enumerate(positions):
        longest: list[int] = []
        for j in range(i):
            if positions[j] < here and len(best[j]) > len(longest):
                longest = best[j]
        best.append([*longest, here])
    keep: set[int] = set()
    for run in best:
        keep = set(run) if len(run) > len(keep) else keep
    return [item for item in order if order.index(item) not in keep]


class OrderingKind(ExerciseKind[Ordering, OrderingKey]):
    name = "ordering"
    exercise_model = Ordering
    key_model = OrderingKey
    widget = "swtrain.widgets.ordering.OrderingWidget"

    def key_problems(self, exercise: Ordering, key: OrderingKey, field: str) -> list[Problem]:
        in_order = [i.value for i in exercise.items]
        found = unknown_values(key.feedback, in_order, f"{field}.feedback", "items")
        if sorted(key.order) != sorted(in_order):
            found.append(Problem(f"{field}.order", list(key.order), f"each item exactly once: {', '.join(in_order)}"))
        return found

    def score(
        self, exercise: Ordering, key: OrderingKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        shown = labels(exercise.items, msg.language)
        answer = need_options(value, shown, msg)
        if sorted(answer) != sorted(shown):
            raise AnswerInvalid(msg("The saved order does not contain every item exactly once."))
        pairwise = pairwise_fraction(answer, key.order)
        fraction = (1.0 if tuple(answer) == key.order else 0.0) if key.scoring == "exact" else pairwise
        notes = []
        if fraction < 1:
            pairs = len(key.order) * (len(key.order) - 1) // 2
            notes.append(
                msg("{agree} of {pairs} pairs are in the right order.", agree=round(pairwise * pairs), pairs=pairs)
            )
            notes.extend(self.misplaced_notes(answer, key, shown, msg, reveal))
        return fraction, notes

    def misplaced_notes(
        self, answer: list[str], key: OrderingKey, shown: dict[str, str], msg: Messages, reveal: bool
    ) -> list[str]:
        """Each item out of place, with the key's note on it; where it belongs when the answer may be shown."""
        notes = []
        for item in out_of_place(answer, key.order):
            where = key.order.index(item)
            if not reveal:
                line = msg("“{item}” is out of place.", item=quoted(shown[item]))
            elif where == 0:
                line = msg("“{item}” comes first.", item=quoted(shown[item]))
            else:
                before = quoted(shown[key.order[where - 1]])
                line = msg("“{item}” belongs after “{before}”.", item=quoted(shown[item]), before=before)
            why = key.feedback.get(item)
            notes.append(sentences(line, why.get(msg.language) if why else None, msg=msg))
        return notes

    def answer_text(self, exercise: Ordering, value: Any, msg: Messages) -> str:
        return words(value, labels(exercise.items, msg.language), " → ")

    def demo_answer(
        self, exercise: Ordering, key: OrderingKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> list[str]:
        order = list(key.order)
        if not right:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return order


KIND = OrderingKind()
