"""Chart choice: each option is a chart drawn from the case's data; the trainee picks the one that answers."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import Problem
from ..fields import Chart, Option, Slug, Text, labels, unique_values
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, words
from .single_choice import one_option, one_right, one_right_problems

if TYPE_CHECKING:
    from ..i18n import Messages


class ChartOption(Option):
    """An option that is a chart: the trainee picks the chart that answers the question."""

    chart: Chart


class ChartChoice(ExerciseBase):
    """Pick the one chart (drawn from the case's data) that answers the question."""

    type: Literal["chart_choice"]
    options: Annotated[tuple[ChartOption, ...], Field(min_length=2, max_length=6)]

    _distinct = field_validator("options")(lambda cls, v: unique_values(v, "options"))


class ChartChoiceKey(KeyBase):
    type: Literal["chart_choice"]
    answer: Slug
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class ChartChoiceKind(ExerciseKind[ChartChoice, ChartChoiceKey]):
    name = "chart_choice"
    exercise_model = ChartChoice
    key_model = ChartChoiceKey
    widget = "swtrain.widgets.chart_choice.ChartChoiceWidget"

    def key_problems(self, exercise: ChartChoice, key: ChartChoiceKey, field: str) -> list[Problem]:
        return one_right_problems(exercise.options, key.answer, key.feedback, field)

    def score(
        self, exercise: ChartChoice, key: ChartChoiceKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        return one_right(exercise.options, key.answer, key.feedback, value, msg, reveal)

    def answer_text(self, exercise: ChartChoice, value: Any, msg: Messages) -> str:
        return words(value, labels(exercise.options, msg.language))

    def charts(self, exercise: ChartChoice) -> list[tuple[str, Chart]]:
        return [(f"options.{j}.chart", option.chart) for j, option in enumerate(exercise.options)]

    def demo_answer(
        self, exercise: ChartChoice, key: ChartChoiceKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> str:
        return one_option(exercise.options, key.answer, right, rng)


KIND = ChartChoiceKind()
