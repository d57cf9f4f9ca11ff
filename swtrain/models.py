"""The case, its key, a trainee's answers and a grade: immutable, no I/O.

Models validate once, where a file is read (swtrain.cases, swtrain.store);
everything downstream can trust them. Each stored file kind carries a
`schema_version`; the loaders check it before validating the rest. The
exercises and key entries inside are the models of the exercise kinds
(swtrain.exercises); the field types cases share are in swtrain.fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import ConfigDict, Field, model_validator

from .exercises import ExerciseBase, KeyBase, exercise_union, key_union, kind_of
from .fields import Chart, Dataset, Frozen, HashedByContent, Slug, Text, error_at

CASE_SCHEMA_VERSION = 1
KEY_SCHEMA_VERSION = 1
RESPONSES_SCHEMA_VERSION = 1

if TYPE_CHECKING:
    Exercise: TypeAlias = ExerciseBase
    ExerciseKey: TypeAlias = KeyBase
else:
    Exercise = exercise_union()
    ExerciseKey = key_union()


class Person(Frozen):
    """Someone in the case, by pseudonym or role label."""

    id: Slug
    name: Text
    role: Text
    description: Text


class TimelineEvent(Frozen):
    """What happened on a day counted from admission (day 0); never a date."""

    day: Annotated[int, Field(ge=-3650, le=3650)]
    event: Text


class Turn(Frozen):
    """One utterance in an interview; `speaker` is a person id or 'worker'."""

    speaker: Slug
    text: Text


class Interview(Frozen):
    id: Slug
    title: Text
    day: int | None = None
    content_note: Text | None = None
    turns: Annotated[tuple[Turn, ...], Field(min_length=1)]


class Section(Frozen):
    """A block of case text (markdown) such as the vignette or the setting,
    optionally followed by a dataset shown as a table and a chart."""

    id: Slug
    title: Text
    body: Text
    content_note: Text | None = None
    table: Slug | None = None
    chart: Chart | None = None


class Case(HashedByContent):
    """A teaching case: everything a trainee reads and answers, no key."""

    schema_version: Literal[1] = 1
    id: Slug
    module: Slug
    title: Text
    summary: Text
    practice_models: tuple[Text, ...] = ()
    distressing: bool = False
    content_note: Text | None = None
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    people: tuple[Person, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    interviews: tuple[Interview, ...] = ()
    datasets: tuple[Dataset, ...] = ()
    exercises: Annotated[tuple[Exercise, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        # each error names the field to change, so that a case author is pointed at its line
        if self.distressing and self.content_note is None:
            raise error_at(
                "content_note",
                None,
                "a content_note, since the case is marked distressing",
                "Write content_note: {en: ..., zh: ...} near the top: trainees read it before the case's material.",
                near="distressing",
            )
        first: dict[str, int] = {}
        for index, exercise in enumerate(self.exercises):
            if exercise.id in first:
                raise error_at(
                    f"exercises.{index}.id",
                    exercise.id,
                    f"an id no other exercise has ({exercise.id!r} is also the id of exercises.{first[exercise.id]})",
                    "Give this exercise an id of its own, and its key entry the same id.",
                )
            first[exercise.id] = index
        speakers = {p.id for p in self.people} | {"worker"}
        for i, interview in enumerate(self.interviews):
            for j, turn in enumerate(interview.turns):
                if turn.speaker not in speakers:
                    raise error_at(
                        f"interviews.{i}.turns.{j}.speaker",
                        turn.speaker,
                        f"worker or the id of a person under people ({', '.join(sorted(speakers))})",
                    )
        return self

    def charts(self) -> list[tuple[str, Chart]]:
        """Every chart of the case with where it is (a field path)."""
        found = [(f"sections.{i}.chart", s.chart) for i, s in enumerate(self.sections) if s.chart]
        for i, exercise in enumerate(self.exercises):
            if exercise.chart:
                found.append((f"exercises.{i}.chart", exercise.chart))
            found.extend((f"exercises.{i}.{where}", chart) for where, chart in kind_of(exercise).charts(exercise))
        return found

    def dataset(self, dataset_id: str) -> Dataset:
        return next(d for d in self.datasets if d.id == dataset_id)

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id (KeyError if none)."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)


class Module(Frozen):
    """A teaching module: one notebook that accepts every case of the module."""

    id: Slug
    title: Text
    description: Text
    introduction: Text | None = None
    notebook: Annotated[str, Field(pattern=r"^[A-Za-z0-9_/-]+\.ipynb$")]
    default_case: Slug | None = None  # the case the notebook opens on (default: the module's first case by id)


class ModuleList(Frozen):
    schema_version: Literal[1] = 1
    modules: Annotated[tuple[Module, ...], Field(min_length=1)]


# --- the key, answers and grades ---------------------------------------------------


class Key(Frozen):
    """The answer key of one case: instructor material, left out of assessed releases."""

    schema_version: Literal[1] = 1
    case: Slug
    exercises: Mapping[str, ExerciseKey]


# --- answers and grades ------------------------------------------------------

AnswerValue = str | float | list[str] | dict[str, str] | dict[str, dict[str, str]]


class Answer(Frozen):
    value: AnswerValue
    changed_at: datetime


class Responses(Frozen):
    """One trainee's answers to one case, as saved in the answer file.

    Any other field a submission carries (a score, a key, a grade) is
    dropped when the file is read: grading never trusts it.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: Literal[1] = 1
    trainee_id: str
    case_id: Slug
    variant: Annotated[int, Field(ge=0)]
    language: Annotated[str, Field(min_length=2, max_length=8)]
    answers: Mapping[str, Answer] = Field(default_factory=dict)

    def value(self, exercise_id: str) -> Any:
        answer = self.answers.get(exercise_id)
        return None if answer is None else answer.value

    def with_answer(self, exercise_id: str, value: AnswerValue, when: datetime) -> Responses:
        """A copy with one answer set (and its time stamped)."""
        answers = dict(self.answers)
        answers[exercise_id] = Answer(value=value, changed_at=when)
        return self.model_copy(update={"answers": answers})

    def with_language(self, language: str) -> Responses:
        return self.model_copy(update={"language": language})


Status = Literal["correct", "partial", "incorrect", "unanswered", "needs_review", "invalid"]


class RubricLine(Frozen):
    """A rubric criterion as a grade shows it, in the grade's language: its levels (points, descriptor), the
    points a person gave (the mean where two did) and their comments on it."""

    id: str
    text: str
    points: float
    levels: tuple[tuple[float, str], ...] = ()
    given: float | None = None
    comments: tuple[str, ...] = ()  # what the reviewers wrote to the trainee about this criterion

    def level_given(self) -> str | None:
        """The descriptor of the level given (None when no level matches the points given)."""
        return next((text for points, text in self.levels if self.given is not None and points == self.given), None)


class ExerciseGrade(Frozen):
    """The grade of one exercise; `score` None means a person must score it.

    `debrief` holds, side by side, each step of the trainee's path and of the best path (a finished scenario).
    """

    exercise_id: str
    type: str
    score: float | None
    max_score: float
    status: Status
    feedback: tuple[str, ...] = ()
    rubric: tuple[RubricLine, ...] = ()
    debrief: tuple[tuple[str, str], ...] = ()


class Grade(Frozen):
    """A trainee's grade on one case, with feedback in the answer's language."""

    case_id: str
    trainee_id: str
    variant: int
    language: str
    exercises: tuple[ExerciseGrade, ...]

    @property
    def score(self) -> float:
        """Points scored automatically so far (exercises waiting for a person count 0)."""
        return round(sum(e.score for e in self.exercises if e.score is not None), 4)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 4)

    @property
    def needs_review(self) -> int:
        """How many answers wait for a person."""
        return sum(1 for e in self.exercises if e.status == "needs_review")

    @property
    def percent(self) -> float:
        return round(100 * self.score / self.max_score, 1) if self.max_score else 0.0
