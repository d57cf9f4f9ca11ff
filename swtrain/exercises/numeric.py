"""Numeric: compute a number from given figures (each variant may get other figures) or read it from a chart."""

from __future__ import annotations

import math
import random
from html import escape
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from ..errors import AnswerInvalid, Problem, SwtrainError
from ..fields import DataStat, Frozen, Text
from ..i18n import figure
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored

if TYPE_CHECKING:
    from ..i18n import Messages


class Numeric(ExerciseBase):
    """Compute a number from given figures (each variant may get other figures),
    or read one from the exercise's chart (no given figures)."""

    type: Literal["numeric"]
    given_labels: tuple[Text, ...] = ()
    given_sets: Annotated[tuple[tuple[float, ...], ...], Field(min_length=1)] = ((),)
    unit: Text | None = None

    @model_validator(mode="after")
    def _sets_match_labels(self) -> Numeric:
        for number, values in enumerate(self.given_sets):
            if len(values) != len(self.given_labels):
                raise ValueError(
                    f"given_sets.{number} to have {len(self.given_labels)} values, "
                    f"one per given label, not {len(values)}"
                )
        return self

    def given_for(self, variant: int) -> tuple[float, ...]:
        """The figures a trainee with this variant is shown."""
        return self.given_sets[variant % len(self.given_sets)]


class ValueFeedback(Frozen):
    """Feedback for answers in a range: a known mistake (counting filled shifts instead of delivered hours).

    `min` and `max` bound the range (either may be left open); with
    `relative`, they are differences from the right answer of the variant
    (-1 to -1: one less than the answer).
    """

    min: float | None = None
    max: float | None = None
    relative: bool = False
    feedback: Text

    @model_validator(mode="after")
    def _a_range(self) -> ValueFeedback:
        if self.min is None and self.max is None:
            raise ValueError("a range: min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min no greater than max, not {self.min:g} > {self.max:g}")
        return self

    def covers(self, value: float, expected: float) -> bool:
        shift = expected if self.relative else 0.0
        low = -math.inf if self.min is None else self.min + shift
        high = math.inf if self.max is None else self.max + shift
        return low - 1e-9 <= value <= high + 1e-9


class NumericKey(KeyBase):
    """`answer` is a number, 'sum' of the figures the variant was given, or a
    figure computed from the case's data (resolved to a number when the key is loaded)."""

    type: Literal["numeric"]
    answer: float | Literal["sum"] | DataStat
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    feedback: tuple[ValueFeedback, ...] = ()

    def expected(self, exercise: Numeric, variant: int) -> float:
        """The right answer for this variant."""
        if self.answer == "sum":
            return float(sum(exercise.given_for(variant)))
        if isinstance(self.answer, DataStat):
            raise SwtrainError(
                f"The answer to {exercise.id!r} is a figure from the case's data, not resolved yet.",
                "Load keys with swtrain.cases.load_key, which computes data-based answers.",
            )
        return float(self.answer)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class NumericKind(ExerciseKind[Numeric, NumericKey]):
    name = "numeric"
    exercise_model = Numeric
    key_model = NumericKey
    widget = "swtrain.widgets.numeric.NumericWidget"

    def key_problems(self, exercise: Numeric, key: NumericKey, field: str) -> list[Problem]:
        if key.answer == "sum" and not exercise.given_labels:
            return [Problem(f"{field}.answer", "sum", "a number or a data figure: the exercise gives no figures")]
        if isinstance(key.answer, DataStat):
            return []  # the figure is known once the data are read: load_key checks it then
        found = []
        for index, hint in enumerate(key.feedback):
            for variant in range(len(exercise.given_sets)):
                expected = key.expected(exercise, variant)
                if any(hint.covers(expected + d, expected) for d in (-key.tolerance, 0.0, key.tolerance)):
                    where = f"{field}.feedback.{index}"
                    found.append(Problem(where, expected, "a range for a mistake, without the right answer in it"))
                    break
        return found

    def score(
        self, exercise: Numeric, key: NumericKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        if not is_number(value):
            raise AnswerInvalid(msg("The saved answer is not a number (found {found}).", found=type(value).__name__))
        expected = key.expected(exercise, variant)
        right = abs(float(value) - expected) <= key.tolerance + 1e-9
        notes = []
        if not right:
            hint = next((f for f in key.feedback if f.covers(float(value), expected)), None)
            notes.extend([hint.feedback.get(msg.language)] if hint else [])
            notes.extend([msg("The answer: {answer}", answer=figure(expected))] if reveal else [])
        return (1.0 if right else 0.0), notes

    def answer_text(self, exercise: Numeric, value: Any, msg: Messages) -> str:
        return figure(value) if is_number(value) else str(value)

    def given_html(self, exercise: Numeric, variant: int, msg: Messages) -> str:
        if not exercise.given_labels:
            return ""
        rows = "".join(
            f"<tr><td style='padding:2px 16px 2px 4px'>{escape(label.get(msg.language))}</td>"
            f"<td style='text-align:right;padding:2px 4px'>{value:g}</td></tr>"
            for label, value in zip(exercise.given_labels, exercise.given_for(variant), strict=True)
        )
        return f'<table class="swtrain-given" style="border-collapse:collapse;margin:4px 0 8px">{rows}</table>'

    def demo_answer(
        self, exercise: Numeric, key: NumericKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> float:
        expected = key.expected(exercise, variant)
        typed = round(expected, 2)  # what a trainee types: two decimals at most, within the tolerance
        typed = typed if abs(typed - expected) <= key.tolerance else expected
        return typed if right else typed + rng.choice([-3, -1, 1, 2])


KIND = NumericKind()
