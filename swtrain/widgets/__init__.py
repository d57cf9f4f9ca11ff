"""One widget per exercise kind, built from standard ipywidgets, plus the review panel.

`exercise_widget(exercise, value=..., variant=..., msg=..., on_answer=...)`
builds the widget the exercise's kind names (swtrain.exercises); `.box` is
what to display. Each widget module is imported when its kind is first shown.
"""

from __future__ import annotations

from typing import Any

from ..exercises import kind_of
from ..i18n import Messages
from ..models import Case, Exercise
from .base import Draw, ExerciseWidget, OnAnswer

__all__ = ["Draw", "ExerciseWidget", "OnAnswer", "exercise_widget"]


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
    widget_type: Any = kind_of(exercise).widget_class()
    widget: ExerciseWidget = widget_type(
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
    return widget
