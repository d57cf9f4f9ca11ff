"""The few calls a module notebook makes.

    session = open_case(case_id, trainee_id, language=..., mode=..., responses_dir=...)
    session.show_header()     # title, language switch, what the mode means
    session.show_case()       # sections, people, timeline, interviews
    session.show_exercises()  # a widget per exercise (feedback mode: the graded feedback)
    session.show_summary()    # practice: check all; assessed: where answers are; feedback: total

In practice and assessed mode every view is a widget that is rebuilt when
the trainee switches language; in feedback mode everything is static HTML,
so it survives conversion to HTML. Answers are saved on every change and
every widget starts from the saved answer file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import render
from .cases import load_case, load_key
from .errors import SwtrainError, UnknownMode
from .grading import grade, grade_exercise
from .i18n import available_languages, check_language, known_or_english, language_name, messages, separator
from .models import AnswerValue, Case, Chart, ExerciseGrade, Key, Responses, Section
from .progress import remember_language, unanswered_html
from .store import FileStore, ResponseStore, check_trainee_id
from .variants import derive_variant

MODES = ("practice", "assessed", "feedback")

# "Run All Cells" leaves JupyterLab's view at the last cell (11,000 px down a case whose outputs were saved);
# the last cell's output takes it back to the top, where the case begins. Voilà's page starts there anyway.
BACK_TO_TOP = """<script>
(function (here) {
  var view = here && here.closest('.jp-WindowedPanel-outer');
  if (view) { view.scrollTop = 0; }
})(document.currentScript);
</script>"""


def open_case(
    case_id: str,
    trainee_id: str = "demo",
    *,
    language: str = "en",
    variant: int | None = None,
    mode: str = "practice",
    responses_dir: str | Path = "responses",
    store: ResponseStore | None = None,
) -> CaseSession:
    """Load a case for a trainee and their saved answers; errors are shown readably."""
    show_errors_readably()
    if mode not in MODES:
        raise UnknownMode.for_mode(mode, MODES)
    check_language(language)
    check_trainee_id(trainee_id)
    case = load_case(case_id)
    key = load_key(case) if mode in ("practice", "feedback") else None
    store = store if store is not None else FileStore(responses_dir)
    saved = store.load(trainee_id, case_id)
    if saved is None and mode == "feedback":
        where = store.path(trainee_id, case_id) if isinstance(store, FileStore) else "the store"
        raise SwtrainError(
            f"No answers saved for trainee {trainee_id!r} in case {case_id!r} ({where}).",
            "Check `trainee_id` and `responses_dir`.",
        )
    responses = saved or Responses(
        trainee_id=trainee_id,
        case_id=case_id,
        variant=derive_variant(trainee_id, case_id) if variant is None else variant,
        language=language,
    )
    # The answer file fixes the variant: options keep the order the trainee saw.
    if mode != "feedback":
        responses = responses.with_language(language)
    return CaseSession(case, key, store, responses, mode)


class CaseSession:
    """One trainee working on one case in one notebook kernel."""

    def __init__(self, case: Case, key: Key | None, store: ResponseStore, responses: Responses, mode: str) -> None:
        self.case = case
        self.key = key
        self.store = store
        self.responses = responses
        self.mode = mode
        self.msg = messages(known_or_english(responses.language))
        self._views: list[tuple[Any, Callable[[], list[Any]]]] = []
        self.exercise_widgets: dict[str, Any] = {}
        self._exercise_view: Any = None
        #: Exercises whose answers another window or tab saved, not yet shown here.
        self.saved_elsewhere: list[str] = []
        self._elsewhere_note: Any = None

    # --- answers -------------------------------------------------------------

    def answer(self, exercise_id: str, value: AnswerValue) -> ExerciseGrade | None:
        """Save one answer now; in practice mode return its feedback.

        The store keeps what other sessions saved (another tab, the app and
        JupyterLab at once); answers that came from them are listed in
        `saved_elsewhere` and a note offers to show them.
        """
        mine = self.responses.with_answer(exercise_id, value, datetime.now(UTC))
        self.responses = self.store.save(mine)
        came = [e.id for e in self.case.exercises if self.responses.answers.get(e.id) != mine.answers.get(e.id)]
        if came:
            self.saved_elsewhere = sorted(set(self.saved_elsewhere) | set(came), key=self._position)
            self._show_elsewhere_note()
        return self._practice_feedback(exercise_id)

    def refresh(self) -> None:
        """Show the answers saved so far, wherever they were given (another tab, the app), in every widget."""
        saved = self.store.load(self.responses.trainee_id, self.case.id)
        if saved is not None:
            self.responses = saved.with_language(self.msg.language)
        self.saved_elsewhere = []
        built = self._exercise_widgets()
        if self._exercise_view is not None:
            self._rebuild([(self._exercise_view, lambda: built)])

    def _position(self, exercise_id: str) -> int:
        return next(n for n, e in enumerate(self.case.exercises) if e.id == exercise_id)

    def _show_elsewhere_note(self) -> None:
        if self._elsewhere_note is None:
            return
        shown = separator(self.msg).join(
            f"{self._position(e) + 1}. {self.case.exercise(e).title.get(self.msg.language)}"
            for e in self.saved_elsewhere
        )
        text = self.msg(
            "Answers you gave in another window or tab are saved too: {exercises}. Press the button to show them here.",
            exercises=shown,
        )
        note, _button = self._elsewhere_note.children
        note.value = f'<div style="{render.STYLE["partial"]}">{render.escape(text)}</div>'
        self._elsewhere_note.layout.display = ""

    def _practice_feedback(self, exercise_id: str) -> ExerciseGrade | None:
        if self.mode != "practice" or self.key is None or self.responses.value(exercise_id) is None:
            return None
        exercise = self.case.exercise(exercise_id)
        return grade_exercise(
            exercise,
            self.key.exercises[exercise_id],
            self.responses.value(exercise_id),
            self.responses.variant,
            self.msg,
            reveal=False,
        )

    def set_language(self, language: str) -> None:
        """Switch every view to `language`; the answer file records it, and the next page opens in it."""
        self.msg = messages(check_language(language))
        self.responses = self.responses.with_language(language)
        if self.responses.answers:
            self.responses = self.store.save(self.responses)
        if isinstance(self.store, FileStore):
            remember_language(self.store.root, self.responses.trainee_id, language)
        self.saved_elsewhere = []  # every view is built again from what is saved
        self._rebuild(self._views)

    def _rebuild(self, views: list[tuple[Any, Callable[[], list[Any]]]]) -> None:
        """Build each view's widgets again; the old ones are closed."""
        from .widgets.shared import replace_children

        for box, build in views:
            replace_children(box, build())

    def grade(self) -> Any:
        """The grade of the answers saved so far (needs the key)."""
        if self.key is None:
            raise SwtrainError("Assessed mode has no key, so answers are not graded here.")
        return grade(self.case, self.key, self.responses.with_language(self.msg.language))

    # --- views -----------------------------------------------------------------

    def _show(self, build: Callable[[], list[Any]], static: Callable[[], str]) -> Any:
        from IPython.display import HTML, display

        if self.mode == "feedback":
            display(HTML(static()))
            return None
        from .widgets.shared import vbox

        box = vbox(build())
        self._views.append((box, build))
        display(box)
        return box

    def show_header(self) -> None:
        """Title, summary, content note, the language switch and what this mode means."""
        self._show(self._header_widgets, self._header_html)

    def _header_html(self) -> str:
        return render.case_header(self.case, self.msg) + self._mode_note_html() + render.start_cue_style(self.msg)

    def _mode_note_html(self) -> str:
        msg = self.msg
        text = {
            "practice": msg("Practice mode: you see feedback as you answer. Your answers are saved as you go."),
            "assessed": msg("Assessed mode: your answers are saved as you go; feedback comes after grading."),
            "feedback": msg("Feedback for trainee {trainee}.", trainee=self.responses.trainee_id),
        }[self.mode]
        return f'<div style="{render.STYLE["neutral"]}">{render.escape(text)}</div>'

    def _header_widgets(self) -> list[Any]:
        import ipywidgets as w

        from .widgets.shared import html, make

        switch = make(
            w.ToggleButtons,
            "swtrain-language",
            options=[(language_name(code), code) for code in available_languages()],
            value=self.msg.language,
            description=self.msg("Language"),
            style={"button_width": "auto"},
        )
        switch.observe(lambda change: self.set_language(change["new"]), names="value")
        from .app import back_link_html, in_app

        # in the app, the way back to the course index, in the language now chosen
        back = [html(back_link_html(self.msg.language))] if in_app() else []
        return [*back, switch, html(self._header_html())]

    def _draw(self, chart: Chart) -> str:
        """A chart of the case's data, drawn in the session's language (pandas loads only for a case with data)."""
        from .reports.case_charts import chart_html

        return chart_html(self.case, chart, self.msg.language)

    def _section_figures(self, section: Section) -> str:
        if not (section.table or section.chart):
            return ""
        from .reports.case_charts import table_html

        table = table_html(self.case, section.table, self.msg.language) if section.table else ""
        return table + (self._draw(section.chart) if section.chart else "")

    def _module_intro_html(self) -> str:
        """The module's title and introduction in the session's language ('' if the module is not listed)."""
        from .cases import load_modules

        module = next((m for m in load_modules() if m.id == self.case.module), None)
        return render.module_intro(module, self.msg) if module is not None else ""

    def _case_html(self) -> str:
        parts = [self._module_intro_html()]
        parts.extend(render.section(s, self.msg, self._section_figures(s)) for s in self.case.sections)
        if self.case.people:
            parts.append(render.people(self.case, self.msg))
        if self.case.timeline:
            parts.append(render.timeline(self.case, self.msg))
        parts.extend(render.interview(self.case, i, self.msg) for i in self.case.interviews)
        return "".join(parts)

    def show_case(self) -> None:
        """The case material: sections, people, timeline and interviews."""
        from .widgets.shared import html

        self._show(lambda: [html(self._case_html())], self._case_html)

    def show_exercises(self) -> None:
        """A widget per exercise, filled from the answer file (feedback mode: graded feedback)."""
        self._exercise_view = self._show(self._exercise_widgets, self._feedback_html)

    def _exercise_widgets(self) -> list[Any]:
        from .widgets import exercise_widget
        from .widgets.shared import html

        self.exercise_widgets = {}
        for number, exercise in enumerate(self.case.exercises, start=1):
            widget = exercise_widget(
                exercise,
                value=self.responses.value(exercise.id),
                variant=self.responses.variant,
                msg=self.msg,
                on_answer=self.answer,
                number=number,
                draw=self._draw,
                practice=self.mode == "practice",
                case=self.case,
            )
            widget.show(self._practice_feedback(exercise.id))
            saved = self.responses.answers.get(exercise.id)
            if saved is not None:  # rebuilt (a new language, a new kernel): still says when it was saved
                widget.show_saved(saved.changed_at)
            self.exercise_widgets[exercise.id] = widget
        heading = html(render.exercises_heading(self.msg, answering=True))
        return [heading, self._note_box(), *(w.box for w in self.exercise_widgets.values())]

    def _note_box(self) -> Any:
        """The note that other windows saved answers, with the button that shows them (hidden until needed)."""
        import ipywidgets as w

        from .widgets.shared import AUTO, html, make, vbox

        button = make(w.Button, description=self.msg("Show my latest answers"), icon="refresh", layout=AUTO)
        button.on_click(lambda _b: self.refresh())
        # hidden until needed: a layout of its own
        self._elsewhere_note = vbox([html(), button], "swtrain-saved-elsewhere", layout=w.Layout(display="none"))
        if self.saved_elsewhere:
            self._show_elsewhere_note()
        return self._elsewhere_note

    def _feedback_html(self) -> str:
        graded = self.grade()
        parts = [render.exercises_heading(self.msg, answering=False)]
        for number, (exercise, result) in enumerate(zip(self.case.exercises, graded.exercises, strict=True), start=1):
            answer = render.answer_text(exercise, self.responses.value(exercise.id), self.msg)
            figure = self._draw(exercise.chart) if exercise.chart else ""
            parts.append(
                render.exercise_prompt(exercise, self.responses.variant, self.msg, number, figure)
                + render.exercise_grade(result, self.msg, answer or self.msg("(no answer)"))
                + render.answer_drawing(exercise, self.responses.value(exercise.id), self.msg)
            )
        return "".join(parts)

    def show_summary(self) -> None:
        """Practice: a button that totals the answers; assessed: where they are saved; feedback: the total.

        The notebook's last call: in JupyterLab it also brings the view back to the case's beginning, where
        "Run All Cells" had left it at the last cell.
        """
        self._show(self._summary_widgets, lambda: render.grade_summary(self.grade(), self.msg))
        if self.mode != "feedback":
            from IPython.display import HTML, display

            display(HTML(BACK_TO_TOP))

    def _summary_widgets(self) -> list[Any]:
        import ipywidgets as w

        from .widgets.shared import AUTO, html, make

        if self.mode == "assessed":
            where = (
                self.store.path(self.responses.trainee_id, self.case.id) if isinstance(self.store, FileStore) else "-"
            )
            text = self.msg("Your answers are saved in {path}. Hand in this file as your instructor asks.", path=where)
            return [html(f'<div style="{render.STYLE["neutral"]}">{render.escape(text)}</div>')]
        result = html()
        button = make(
            w.Button, "swtrain-primary", description=self.msg("Check all my answers"), icon="check", layout=AUTO
        )
        button.on_click(lambda _b: self._check_all(result))
        return [button, result]

    def _check_all(self, result: Any) -> None:
        """The total of every answer saved so far and the exercises still unanswered, each a link to it;
        answers another window gave are shown here first."""
        if self.saved_elsewhere:
            self.refresh()
        result.value = render.grade_summary(self.grade(), self.msg) + unanswered_html(
            self.case, self.responses, self.msg
        )


def show_errors_readably(language: str | None = None) -> None:
    """In IPython, show swtrain's errors as a message box instead of a traceback.

    The box's title is in `language`, else in the notebook's `language` variable.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> list[str]:
        from IPython.display import HTML, display

        from .app import back_link_html, in_app, without_paths

        msg = messages(known_or_english(language or getattr(shell, "user_ns", {}).get("language") or "en"))
        title = msg("Something needs fixing")
        if in_app():  # a trainee sees no server folder, and a way back to the course index
            display(HTML(back_link_html(msg.language) + render.error_box(title, without_paths(str(value)))))
        else:
            display(HTML(render.error_box(title, str(value))))
        return [f"{etype.__name__}: {value}"]

    shell.set_custom_exc((SwtrainError,), handler)
