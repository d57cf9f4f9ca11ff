"""What every exercise kind has: the fields all exercises share, and the parts a kind must provide.

A kind (papermill's engines are the model) is a subclass of `ExerciseKind`
in its own module of this package, with its case model and key model; the
registry (`swtrain.exercises`) lists it by name. Everything else looks the
kind up by the exercise's `type` and calls these methods; nothing outside a
kind's module and its widget names the kind.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from ..errors import AnswerInvalid, Problem, did_you_mean
from ..fields import Chart, Competency, Criterion, Frozen, Option, Points, Slug, Text

if TYPE_CHECKING:
    from ..i18n import Messages
    from ..models import Case

#: The fraction of an exercise's points earned (None: a person scores it) and the notes for the trainee.
Scored = tuple[float | None, list[str]]


class ExerciseBase(Frozen):
    """The fields every exercise has; each kind adds its own and narrows `type` to its name."""

    type: str
    id: Slug
    title: Text
    prompt: Text
    competency: Competency
    points: Points = 1.0
    content_note: Text | None = None
    chart: Chart | None = None


class KeyBase(Frozen):
    """The fields every key entry has; each kind adds its answer and narrows `type` to its name."""

    type: str
    explanation: Text | None = None


E = TypeVar("E", bound=ExerciseBase)
K = TypeVar("K", bound=KeyBase)


class ExerciseKind(ABC, Generic[E, K]):
    """One kind of exercise: everything about it that is not a screen.

    `name` is the `type` case files write; `exercise_model` and `key_model`
    validate its entries in case.yaml and key.yaml; `widget` is the dotted
    name of its widget class, imported only when a widget is built (so
    ipywidgets stays out of `import swtrain`).
    """

    name: ClassVar[str]
    exercise_model: ClassVar[type[ExerciseBase]]
    key_model: ClassVar[type[KeyBase]]
    widget: ClassVar[str]

    # --- checks a case author sees (swtrain check, loading) -----------------------------------

    def case_problems(self, exercise: E, field: str, case: Case) -> list[Problem]:
        """What the schema cannot see in the exercise itself (`field` is its place in case.yaml)."""
        return []

    @abstractmethod
    def key_problems(self, exercise: E, key: K, field: str) -> list[Problem]:
        """Every way the key entry does not fit the exercise (`field` is its place in key.yaml)."""

    # --- grading ----------------------------------------------------------------------------------

    @abstractmethod
    def score(self, exercise: E, key: K, value: Any, variant: int, msg: Messages, reveal: bool) -> Scored:
        """The fraction earned by a non-blank answer and the notes on it; AnswerInvalid if it does not fit.

        `reveal` False keeps the right answer out of the notes (practice mode, where the trainee may try again).
        """

    def rubric(self, key: K) -> tuple[Criterion, ...]:
        """The criteria a person scores the answer against (none for a kind graded automatically)."""
        return ()

    # --- the answer shown back: feedback, review, debrief ----------------------------------------------

    @abstractmethod
    def answer_text(self, exercise: E, value: Any, msg: Messages) -> str:
        """A non-blank saved answer in words, in the language of `msg`: labels, never ids."""

    def debrief(self, exercise: E, key: K, value: Any, msg: Messages) -> list[tuple[str, str]]:
        """Rows that set a finished answer beside the best one, step by step (none for most kinds)."""
        return []

    def drawing(self, exercise: E, value: Any, msg: Messages) -> str:
        """The answer drawn as HTML for feedback ('' for kinds that are not drawn)."""
        return ""

    def given_html(self, exercise: E, variant: int, msg: Messages) -> str:
        """What this variant is given under the prompt, as HTML ('' for kinds that give nothing)."""
        return ""

    def charts(self, exercise: E) -> list[tuple[str, Chart]]:
        """Charts the exercise draws besides its own `chart`, each with its field path inside the exercise."""
        return []

    def choices(self, exercise: E, key: K) -> tuple[tuple[Option, ...], frozenset[str], bool] | None:
        """For a choice item: its options, the keyed option values, and whether several may be picked.

        The item-writing cues (swtrain.item_cues) read choice items through this; None for other kinds.
        """
        return None

    def path_taken(self, value: Any) -> list[str] | None:
        """The choices made, in order, for the class debrief (None for kinds that are not walked through)."""
        return None

    # --- synthetic cohorts -----------------------------------------------------------------------------

    @abstractmethod
    def demo_answer(self, exercise: E, key: K, variant: int, right: bool, language: str, rng: random.Random) -> Any:
        """A synthetic trainee's answer (`right` says whether this one knows it), as the widget would save it."""

    # --- the screen ------------------------------------------------------------------------------------

    def widget_class(self) -> type:
        """The widget class that shows the exercise (imported now, not before)."""
        module, _, name = self.widget.rpartition(".")
        widget: type = getattr(import_module(module), name)
        return widget


def need_option(value: Any, allowed: Mapping[str, str], msg: Messages) -> str:
    """`value` if it is one of the `allowed` option values, else AnswerInvalid for the trainee."""
    if not isinstance(value, str):
        raise AnswerInvalid(msg("The saved answer is not one option (found {found}).", found=type(value).__name__))
    if value not in allowed:
        raise AnswerInvalid(msg("{value!r} is not an option of this exercise.", value=value))
    return value


def need_options(value: Any, allowed: Mapping[str, str], msg: Messages) -> list[str]:
    """`value` if it is a list of distinct `allowed` option values, else AnswerInvalid."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnswerInvalid(
            msg("The saved answer is not a list of options (found {found}).", found=type(value).__name__)
        )
    for item in value:
        need_option(item, allowed, msg)
    if len(set(value)) != len(value):
        raise AnswerInvalid(msg("The saved answer lists an option twice."))
    return value


def unknown_values(values: Iterable[str], allowed: Iterable[str], field: str, what: str) -> list[Problem]:
    """A problem for each of `values` (named in a key) that is not one of the exercise's `allowed` values."""
    known = set(allowed)
    listed = ", ".join(sorted(known))
    return [
        Problem(field, value, f"one of the {what} ({listed})", hint=did_you_mean(value, known))
        for value in values
        if value not in known
    ]


def words(value: Any, labels: Mapping[str, str], joiner: str = "; ") -> str:
    """An option value as its label, a list of them joined (a value the exercise lacks stays as the file has it)."""
    if isinstance(value, list):
        return joiner.join(words(v, labels) for v in value)
    return labels.get(str(value), str(value))


def about(label: str, text: str, msg: Messages) -> str:
    """A feedback line that names the option (or item) it is about: “label”: text (a label's closing full stop
    is left out, as a quotation inside a sentence drops it)."""
    return msg("“{option}”: {feedback}", option=quoted(label), feedback=text)


def quoted(label: str) -> str:
    """An option's label as it reads inside quotation marks: without a closing full stop, and without the
    quotation marks of a label that is itself a quotation (the feedback line adds its own)."""
    text = label.strip()
    for opening, closing in (('"', '"'), ("“", "”"), ("'", "'")):
        inner = text[1:-1]
        if len(text) > 2 and text[0] == opening and text[-1] == closing and closing not in inner:
            text = inner.strip()
            break
    return text.removesuffix(".").removesuffix("。")
