"""One widget per answer type, built from standard ipywidgets.

`exercise_widget(exercise, value=..., variant=..., msg=..., on_answer=...)`
picks the widget for the exercise's type; `.box` is what to display.
"""

from __future__ import annotations

from typing import Any

from ..i18n import Messages
from ..models import Case, Exercise
from .base import Draw, ExerciseWidget, OnAnswer
from .chart_choice import ChartChoiceWidget
from .choice import MultipleChoiceWidget, SingleChoiceWidget
from .classification import ClassificationWidget
from .ecomap import EcomapWidget
from .free_text import FreeTextWidget
from .numeric import NumericWidget, parse_number
from .ordering import OrderingWidget
from .scenario import ScenarioWidget
from .screening import ScreeningWidget

WIDGETS: dict[str, type[ExerciseWidget]] = {
    "single_choice": SingleChoiceWidget,
    "multiple_choice": MultipleChoiceWidget,
    "ordering": OrderingWidget,
    "classification": ClassificationWidget,
    "numeric": NumericWidget,
    "free_text": FreeTextWidget,
    "chart_choice": ChartChoiceWidget,
    "ecomap": EcomapWidget,
    "screening": ScreeningWidget,
    "scenario": ScenarioWidget,
}

__all__ = [
    "WIDGETS",
    "ChartChoiceWidget",
    "ClassificationWidget",
    "Draw",
    "EcomapWidget",
    "ExerciseWidget",
    "FreeTextWidget",
    "MultipleChoiceWidget",
    "NumericWidget",
    "OnAnswer",
    "OrderingWidget",
    "ScenarioWidget",
    "ScreeningWidget",
    "SingleChoiceWidget",
    "exercise_widget",
    "parse_number",
]


def exercise_widget(
    exercise: Exercise,
    *,
    value: Any,
    variant: int,
    msg: Messages,
    on_answer: OnAnswer,
    number: int | None = None,
    draw: Draw | None = None,
    practice: bool = False,
    case: Case | None = None,
) -> ExerciseWidget:
    """The widget for `exercise`, showing the saved `value`; `draw` draws the case's charts;
    `practice` shows what practice mode adds (the safety prompt of a screening form, playing a scenario again);
    `case` gives the people a scenario's scenes name."""
    widget_type: Any = WIDGETS[exercise.type]
    return widget_type(
        exercise,
        value=value,
        variant=variant,
        msg=msg,
        on_answer=on_answer,
        number=number,
        draw=draw,
        practice=practice,
        case=case,
    )
