"""Chart choice: each option is a chart drawn from the case's data; the trainee picks the one that answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator

from ..fields import Chart, Option, Slug, Text, unique_values
from .base import ExerciseBase, KeyBase
from .single_choice import OneRightOption

if TYPE_CHECKING:
    pass


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


class ChartChoiceKind(OneRightOption):
    name = "chart_choice"
    exercise_model = ChartChoice
    key_model = ChartChoiceKey
    widget = "swtrain.widgets.chart_choice.ChartChoiceWidget"

    def charts(self, exercise: ChartChoice) -> list[tuple[str, Chart]]:
        return [(f"options.{j}.chart", option.chart) for j, option in enumerate(exercise.options)]


KIND = ChartChoiceKind()
