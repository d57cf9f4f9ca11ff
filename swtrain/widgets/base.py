"""What every exercise widget shares: prompt, save status, feedback.

Widgets never touch files. Each is handed the saved value and a callback
`on_answer(exercise_id, value)`; the callback saves and, in practice mode,
returns an ExerciseGrade for the widget to show (None shows nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape
from typing import Any, Generic, TypeVar

import ipywidgets as w

from .. import render
from ..errors import AnswersNotSaved
from ..exercises import ExerciseBase
from ..fields import Chart
from ..i18n import Messages
from ..models import AnswerValue, Case, ExerciseGrade
from .shared import html, vbox

# ipywidgets gives each radio and checkbox label one line's height and cuts
# long labels with an ellipsis: a long option then covers the button below it
# (a click picks the wrong option) or hides its own end. Options here are
# sentences, so they wrap; so do the labels of toggle buttons (categories,
# rating scales, chart choices), which wrap onto more rows at 800 px.
# A chosen toggle is told from the others by more than colour: dark fill, bold
# text and a tick (white on #1e3a8a is 10:1); the tick is decoration, so `/ ''`
# keeps it out of the button's accessible name. Every control shows a 3 px focus
# ring when reached with the keyboard (ipywidgets draws 1 px, or none).
WIDGET_CSS = (
    "<style>"
    ".swtrain-radio .widget-radio-box label{height:auto;display:flex;flex-direction:row-reverse;"
    "justify-content:flex-end;align-items:flex-start}"
    ".swtrain-radio .widget-radio-box input{float:none;flex:none}"
    ".swtrain-checks .widget-checkbox{height:auto}"
    ".swtrain-checks .widget-label-basic{height:auto;white-space:normal;overflow:visible;align-items:flex-start}"
    ".swtrain-checks .widget-label-basic span{white-space:normal;overflow:visible;text-overflow:clip}"
    ".swtrain-choice.jupyter-button{white-space:normal;text-align:left;justify-content:flex-start;line-height:1.4;"
    "padding:8px 12px;background:#fff;border:1px solid #71717a;border-radius:6px;color:#18181b}"
    ".swtrain-choice.jupyter-button:hover{background:#f4f4f5;border-color:#2563eb}"
    ".swtrain-toggles .btn-group,.swtrain-toggles .widget-toggle-buttons{display:flex;flex-wrap:wrap;gap:4px}"
    ".swtrain-toggles .jupyter-button,.swtrain-toggle.jupyter-button{white-space:normal;height:auto;"
    "min-height:32px;line-height:1.35;padding:4px 12px;overflow:visible;text-overflow:clip;margin:0 4px 4px 0;"
    "background:#fff;color:#18181b;border:1px solid #71717a;border-radius:4px;box-shadow:none}"
    ".swtrain-toggles .jupyter-button:hover,.swtrain-toggle.jupyter-button:hover{background:#eff6ff;"
    "border-color:#1d4ed8}"
    ".swtrain-toggles .jupyter-button.mod-active,.swtrain-toggle.jupyter-button.mod-active{background:#1e3a8a;"
    "color:#fff;font-weight:700;border:2px solid #0f172a}"
    ".swtrain-toggles .jupyter-button.mod-active::before{content:'\\2713\\00a0' / ''}"
    # the main action: white on #1d4ed8 is 6.7:1 (ipywidgets' "info" blue gave white text 2.3:1)
    ".swtrain-primary.jupyter-button{background:#1d4ed8;color:#fff;border:1px solid #1e3a8a}"
    ".swtrain-primary.jupyter-button:hover{background:#1e40af}"
    # a radio button is a 24 px target (WCAG 2.2 target size); its label stays clickable as before
    ".swtrain-radio .widget-radio-box input{width:24px;height:24px;margin:0 8px 0 0}"
    ".swtrain-radio .widget-radio-box label{min-height:28px}"
    # a drop-down as wide as its chosen text (a band's label and range), never cut off
    ".swtrain-fit-select select{field-sizing:content;flex:none;min-width:8em;max-width:100%}"
    # a control's name for screen readers that the row shows as text beside it (ecomap rows)
    ".swtrain-hidden-label .widget-label{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0);white-space:nowrap}"
    ".jupyter-widgets :is(button,input,select,textarea):focus-visible,"
    ".swtrain-exercise :is(button,input,select,textarea):focus-visible"
    "{outline:3px solid #1d4ed8 !important;outline-offset:2px}"
    "</style>"
)

OnAnswer = Callable[[str, AnswerValue], "ExerciseGrade | None"]
#: Draws a chart of the case as HTML in the widget's language (swtrain.reports.case_charts).
Draw = Callable[[Chart], str]


E = TypeVar("E", bound=ExerciseBase)


class ExerciseWidget(Generic[E]):
    """An exercise's prompt, its answer controls (`controls`), save status and feedback."""

    def __init__(
        self,
        exercise: E,
        *,
        variant: int,
        msg: Messages,
        on_answer: OnAnswer,
        number: int | None = None,
        draw: Draw | None = None,
        practice: bool = False,
        case: Case | None = None,
    ) -> None:
        self.exercise = exercise
        self.practice = practice
        self.case = case
        self.variant = variant
        self.msg = msg
        self.on_answer = on_answer
        self.draw = draw
        figure = draw(exercise.chart) if draw and exercise.chart else ""
        prompt = render.exercise_prompt(exercise, variant, msg, number, figure) + WIDGET_CSS
        self.prompt = html(prompt)
        self.status = html()
        self.feedback = html()
        # set by the subclass's _finish, once its controls are built
        self.controls: w.Widget
        self.box: w.VBox

    def _finish(self, controls: w.Widget) -> None:
        self.controls = controls
        self.box = vbox(
            [self.prompt, controls, self.status, self.feedback],
            "swtrain-exercise",
            f"swtrain-exercise-{self.exercise.id}",
            layout={"margin": "12px 0", "padding": "4px 0"},
        )

    @property
    def value(self) -> Any:
        """The answer as shown (None while nothing is answered)."""
        raise NotImplementedError

    def _answer(self, value: AnswerValue) -> None:
        """Hand a changed answer to the callback and show what came back."""
        try:
            result = self.on_answer(self.exercise.id, value)
        except AnswersNotSaved as exc:
            self.status.value = render.error_box(self.msg("Your answer was not saved."), not_saved_text(exc, self.msg))
            return
        except Exception as exc:  # shown in place: a trainee never sees a traceback
            self.status.value = unexpected_error_html(exc, self.msg)
            return
        self.show_saved(datetime.now(UTC))
        self.show(result)

    def show_saved(self, when: datetime) -> None:
        """Say that the answer was saved at `when` (also for an answer restored from the file)."""
        from ..progress import saved_time

        saved = self.msg("Saved at {time}", time=saved_time(when, self.msg))
        self.status.value = f'<span class="swtrain-saved" style="color:#15803d">✓ {render.escape(saved)}</span>'

    def show(self, result: ExerciseGrade | None) -> None:
        """Show a grade under the exercise (None clears it)."""
        if result is None:
            self.feedback.value = ""
        else:
            self.feedback.value = render.exercise_grade(result, self.msg)


def unexpected_error_html(exc: Exception, msg: Messages) -> str:
    """An answer not saved for a reason no one foresaw: what to do in the trainee's language; the error's own
    (English) words only folded away, for the instructor."""
    said = msg(
        "Something went wrong while saving. Your earlier answers are safe. Tell your instructor, then answer again."
    )
    detail = escape(f"{type(exc).__name__}: {exc}")
    summary = escape(msg("Details for your instructor"))
    folded = (
        f'<details style="margin-top:4px"><summary>{summary}</summary>'
        f'<pre style="white-space:pre-wrap">{detail}</pre></details>'
    )
    return render.error_box(msg("Your answer was not saved."), said).replace("</div>", folded + "</div>", 1)


def not_saved_text(exc: AnswersNotSaved, msg: Messages) -> str:
    """Why an answer was not saved and what to do, in the trainee's language (no server path)."""
    reasons = {
        "permission": msg("The answers folder cannot be written (permission denied)."),
        "read_only": msg("The answers folder is on a read-only disk."),
        "disk_full": msg("The disk is full."),
        "quota": msg("Your disk quota is used up."),
        "too_big": msg("The answer file would be larger than this system allows."),
        "busy": msg("Another window is still saving your answers to this case. Wait a moment and answer again."),
    }
    reason = reasons.get(exc.reason, msg("The answer file could not be written."))
    if exc.reason == "busy":
        return reason
    then = msg("Your earlier answers are safe. Tell your instructor, then answer again.")
    return f"{reason} {then}"
