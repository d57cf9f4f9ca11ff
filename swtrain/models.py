"""The case, its key, a trainee's answers and a grade: immutable, no I/O.

Models validate once, where a file is read (swtrain.cases, swtrain.store);
everything downstream can trust them. Each stored file kind carries a
`schema_version`; the loaders check it before validating the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CASE_SCHEMA_VERSION = 1
KEY_SCHEMA_VERSION = 1
RESPONSES_SCHEMA_VERSION = 1

#: Languages every trainee-facing text must exist in.
REQUIRED_LANGUAGES = ("en", "zh")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Competency = Annotated[int, Field(ge=1, le=9, description="CSWE EPAS 2022 competency, 1 to 9")]
Points = Annotated[float, Field(gt=0, le=1000)]


_CJK = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# YAML's folded style and markdown line breaks put a space between two lines;
# Chinese is written without one.
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])(?:[ \t]+\n?[ \t]*|\n[ \t]*)(?=[{_CJK}])")


def tidy_cjk(text: str) -> str:
    """`text` without the line breaks and spaces that fall between two Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HashedByContent(Frozen):
    """A frozen model with mappings inside, hashable (for caches) by its content, computed once."""

    @cached_property
    def _content_hash(self) -> int:
        return hash(self.model_dump_json())

    def __hash__(self) -> int:
        return self._content_hash


class Text(BaseModel):
    """A trainee-facing text in every required language (more may be added)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    en: Annotated[str, Field(min_length=1)]
    zh: Annotated[str, Field(min_length=1)]

    @field_validator("en", "zh")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a non-empty text")
        return tidy_cjk(value)

    @model_validator(mode="after")
    def _extra_languages_are_text(self) -> Text:
        for code, value in (self.model_extra or {}).items():
            if not (code.replace("-", "").isalpha() and len(code) <= 8):
                raise ValueError(f"language codes such as 'en' or 'zh', not {code!r}")
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"a non-empty text for language {code!r}")
        return self

    def get(self, language: str) -> str:
        """The text in `language`, falling back to English."""
        if language in ("en", "zh"):
            return self.zh if language == "zh" else self.en
        extra = self.model_extra or {}
        return tidy_cjk(str(extra.get(language, self.en)))


class Option(Frozen):
    """A choice, an item to order or a statement to classify: a value and its label."""

    value: Slug
    label: Text


def _unique_values(options: tuple[Option, ...], what: str) -> tuple[Option, ...]:
    seen: set[str] = set()
    for option in options:
        if option.value in seen:
            raise ValueError(f"{what} with distinct values; {option.value!r} appears twice")
        seen.add(option.value)
    return options


# --- data a case ships: tables, and charts drawn from them ----------------------

ColumnName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]


class Column(Frozen):
    """A column of a dataset: its label, and for a category its values in display order."""

    label: Text
    kind: Literal["number", "category"] = "number"
    values: Mapping[str, Text] = Field(default_factory=dict)


class Dataset(HashedByContent):
    """A CSV file in the case folder (`file`), with every column it uses declared.

    The file's header names its columns; a declared column must be there,
    a number column holds numbers (an empty cell is a missing value), a
    category column with `values` holds only those values.
    """

    id: Slug
    file: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.csv$")]
    title: Text
    description: Text | None = None
    columns: Annotated[Mapping[ColumnName, Column], Field(min_length=1)]


ChartKind = Literal["bar", "box", "point", "strip", "line", "hist", "scatter"]


class Chart(Frozen):
    """A chart swtrain draws from a dataset (seaborn): a trainee reads it, never codes it.

    bar and point show the mean of `y` per `x` with a 95% interval; box and
    strip its spread; line draws one line per `units` (each member before and
    after); hist the distribution of `x`; scatter `y` against `x`.
    """

    dataset: Slug
    kind: ChartKind
    x: ColumnName
    y: ColumnName | None = None
    hue: ColumnName | None = None
    units: ColumnName | None = None
    title: Text | None = None

    @model_validator(mode="after")
    def _columns_fit_kind(self) -> Chart:
        if self.kind == "hist" and self.y is not None:
            raise ValueError("no y for a hist chart (it counts the values of x)")
        if self.kind != "hist" and self.y is None:
            raise ValueError(f"a y column for a {self.kind} chart")
        if self.units is not None and self.kind != "line":
            raise ValueError("units only for a line chart (one line per unit)")
        return self

    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.x, self.y, self.hue, self.units) if c is not None)


class ExerciseBase(Frozen):
    id: Slug
    title: Text
    prompt: Text
    competency: Competency
    points: Points = 1.0
    content_note: Text | None = None
    chart: Chart | None = None


class SingleChoice(ExerciseBase):
    """Pick exactly one option."""

    type: Literal["single_choice"]
    options: Annotated[tuple[Option, ...], Field(min_length=2)]

    _check = field_validator("options")(lambda cls, v: _unique_values(v, "options"))


class MultipleChoice(ExerciseBase):
    """Pick every option that applies."""

    type: Literal["multiple_choice"]
    options: Annotated[tuple[Option, ...], Field(min_length=2)]

    _check = field_validator("options")(lambda cls, v: _unique_values(v, "options"))


class Ordering(ExerciseBase):
    """Put items in order (Roberts' seven stages, the case-work process)."""

    type: Literal["ordering"]
    items: Annotated[tuple[Option, ...], Field(min_length=2)]

    _check = field_validator("items")(lambda cls, v: _unique_values(v, "items"))


class Classification(ExerciseBase):
    """Sort statements into categories (the four problem areas, A/B/C)."""

    type: Literal["classification"]
    categories: Annotated[tuple[Option, ...], Field(min_length=2)]
    items: Annotated[tuple[Option, ...], Field(min_length=1)]

    _check_c = field_validator("categories")(lambda cls, v: _unique_values(v, "categories"))
    _check_i = field_validator("items")(lambda cls, v: _unique_values(v, "items"))


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


class ChartOption(Option):
    """An option that is a chart: the trainee picks the chart that answers the question."""

    chart: Chart


class ChartChoice(ExerciseBase):
    """Pick the one chart (drawn from the case's data) that answers the question."""

    type: Literal["chart_choice"]
    options: Annotated[tuple[ChartOption, ...], Field(min_length=2, max_length=6)]

    _check = field_validator("options")(lambda cls, v: _unique_values(v, "options"))


EcomapKind = Literal["strong", "tenuous", "stressful"]
EcomapFlow = Literal["to_centre", "from_centre", "both", "none"]
ECOMAP_KINDS: tuple[EcomapKind, ...] = ("strong", "tenuous", "stressful")
ECOMAP_FLOWS: tuple[EcomapFlow, ...] = ("to_centre", "from_centre", "both", "none")


class Ecomap(ExerciseBase):
    """Build a family's ecomap (Hartman): place systems around the household,
    set each link's kind and the direction resources or energy flow.

    The answer maps each placed system to {"kind": ..., "flow": ...};
    `flow` is seen from the centre: to_centre means the system gives to the household.
    """

    type: Literal["ecomap"]
    centre: Text
    systems: Annotated[tuple[Option, ...], Field(min_length=2, max_length=12)]

    _check = field_validator("systems")(lambda cls, v: _unique_values(v, "systems"))


class Screening(ExerciseBase):
    """Fill in a screening instrument for a client from the case, score it and interpret it.

    `instrument` is an id of the registry (swtrain.instruments); the form
    shows item wording only where the instrument's licence allows. The
    answer holds the trainee's rating of each item ({"items": {"1": "2"}})
    and their result ({"result": {"total": "11", "band": "2", "next": "refer"}},
    band being the index of a band of the instrument).
    """

    type: Literal["screening"]
    instrument: Slug
    client: Text
    next_steps: Annotated[tuple[Option, ...], Field(min_length=2)]

    _check = field_validator("next_steps")(lambda cls, v: _unique_values(v, "next_steps"))


class ScenarioCounter(Frozen):
    """A named quantity a scenario's choices change (rapport, risk known, the family's budget)."""

    id: Slug
    label: Text
    initial: int = 0
    shown: bool = True
    unit: Text | None = None


class ScenarioChoice(Frozen):
    """One choice at a decision point: where it leads and how it changes the counters."""

    id: Slug
    label: Text
    goto: Slug
    effects: Mapping[str, int] = Field(default_factory=dict)


class Scene(Frozen):
    """A moment of the scenario. With choices it is a decision point (two to four); without, an end."""

    id: Slug
    text: Text
    speaker: Slug | None = None
    content_note: Text | None = None
    choices: tuple[ScenarioChoice, ...] = ()
    allow_back: bool = False

    @field_validator("choices")
    @classmethod
    def _two_to_four(cls, value: tuple[ScenarioChoice, ...]) -> tuple[ScenarioChoice, ...]:
        if value and not 2 <= len(value) <= 4:
            raise ValueError(f"two to four choices at a decision point (or none at an end scene), not {len(value)}")
        return value

    @property
    def is_end(self) -> bool:
        return not self.choices


class Scenario(ExerciseBase):
    """A branching interview: each choice leads to another scene and changes the counters.

    The answer is the path: the ids of the choices made, in order. Choice ids
    are unique in the scenario, so a path reads on its own. `swtrain check`
    (swtrain.scenario.problems) checks that every scene is reachable, every
    path can end, no loop lacks an exit and every counter is declared.
    """

    type: Literal["scenario"]
    start: Slug
    counters: tuple[ScenarioCounter, ...] = ()
    scenes: Annotated[tuple[Scene, ...], Field(min_length=2)]

    def scene(self, scene_id: str) -> Scene:
        return next(s for s in self.scenes if s.id == scene_id)


class FreeText(ExerciseBase):
    """A written answer, scored by a person against the key's rubric."""

    type: Literal["free_text"]
    min_words: Annotated[int, Field(ge=0, le=2000)] = 0


Exercise = Annotated[
    SingleChoice
    | MultipleChoice
    | Ordering
    | Classification
    | Numeric
    | FreeText
    | ChartChoice
    | Ecomap
    | Screening
    | Scenario,
    Field(discriminator="type"),
]
ExerciseType = Literal[
    "single_choice",
    "multiple_choice",
    "ordering",
    "classification",
    "numeric",
    "free_text",
    "chart_choice",
    "ecomap",
    "screening",
    "scenario",
]


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
        if self.distressing and self.content_note is None:
            raise ValueError("a content_note, since the case is marked distressing")
        ids = [e.id for e in self.exercises]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"distinct exercise ids; repeated: {', '.join(duplicates)}")
        speakers = {p.id for p in self.people} | {"worker"}
        for interview in self.interviews:
            for turn in interview.turns:
                if turn.speaker not in speakers:
                    raise ValueError(
                        f"interview {interview.id!r}: speaker {turn.speaker!r} to be 'worker' "
                        f"or a person id ({', '.join(sorted(speakers))})"
                    )
        return self

    def charts(self) -> list[tuple[str, Chart]]:
        """Every chart of the case with where it is (a field path)."""
        found = [(f"sections.{i}.chart", s.chart) for i, s in enumerate(self.sections) if s.chart]
        for i, exercise in enumerate(self.exercises):
            if exercise.chart:
                found.append((f"exercises.{i}.chart", exercise.chart))
            if isinstance(exercise, ChartChoice):
                found.extend((f"exercises.{i}.options.{j}.chart", o.chart) for j, o in enumerate(exercise.options))
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


# --- the key -----------------------------------------------------------------


class KeyBase(Frozen):
    explanation: Text | None = None


class SingleChoiceKey(KeyBase):
    type: Literal["single_choice"]
    answer: Slug
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class MultipleChoiceKey(KeyBase):
    """`scoring` says how partial credit works, so the key states its rule.

    all_or_nothing: full points only for exactly the right set.
    per_option: each option judged right (ticked if correct, left if not)
      earns points / number of options.
    right_minus_wrong: (correct ticked - wrong ticked) / number correct,
      never below zero.
    """

    type: Literal["multiple_choice"]
    answers: Annotated[tuple[Slug, ...], Field(min_length=1)]
    scoring: Literal["all_or_nothing", "per_option", "right_minus_wrong"]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class OrderingKey(KeyBase):
    """pairwise: share of item pairs in the right relative order; exact: all or nothing."""

    type: Literal["ordering"]
    order: Annotated[tuple[Slug, ...], Field(min_length=2)]
    scoring: Literal["pairwise", "exact"] = "pairwise"


class ClassificationKey(KeyBase):
    type: Literal["classification"]
    answers: Mapping[str, Slug]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class DataStat(Frozen):
    """A figure computed from a case's dataset: `stat` of `column` over the rows
    matching `where`, minus another such figure if `minus` is given
    (the mean change from before to after)."""

    dataset: Slug
    column: ColumnName
    stat: Literal["mean", "median", "sum", "count", "min", "max"]
    where: Mapping[ColumnName, str] = Field(default_factory=dict)
    minus: DataStat | None = None


class NumericKey(KeyBase):
    """`answer` is a number, 'sum' of the figures the variant was given, or a
    figure computed from the case's data (resolved to a number when the key is loaded)."""

    type: Literal["numeric"]
    answer: float | Literal["sum"] | DataStat
    tolerance: Annotated[float, Field(ge=0)] = 0.0

    def expected(self, exercise: Numeric, variant: int) -> float:
        """The right answer for this variant."""
        if self.answer == "sum":
            return float(sum(exercise.given_for(variant)))
        if isinstance(self.answer, DataStat):
            raise ValueError("a data-based answer is resolved when the key is loaded (swtrain.cases.load_key_file)")
        return float(self.answer)


class ChartChoiceKey(KeyBase):
    type: Literal["chart_choice"]
    answer: Slug
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class EcomapLink(Frozen):
    kind: EcomapKind
    flow: EcomapFlow


class EcomapKey(KeyBase):
    """The links the ecomap should have; a system not listed should not be linked.

    Each system counts equally: half for its kind (or for leaving it out
    when the key has no link), half for the direction of flow.
    """

    type: Literal["ecomap"]
    links: Annotated[Mapping[str, EcomapLink], Field(min_length=1)]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class Criterion(Frozen):
    id: Slug
    description: Text
    points: Points


class FreeTextKey(KeyBase):
    type: Literal["free_text"]
    rubric: Annotated[tuple[Criterion, ...], Field(min_length=1)]
    model_answer: Text | None = None


class ScreeningKey(KeyBase):
    """The ratings the case material supports, and the right next step.

    Grading (points split): ratings 40% (the share of items within
    `item_tolerance` of the key), total 20% and band 20% (each judged against
    the trainee's own ratings, so a slip in one step is not counted twice;
    an instrument without bands gives the band's share to the total), next
    step 20%. If the trainee rates an item that calls for a safety check
    (PHQ-9 item 9) above its lowest answer, the right next step is
    `safety_step`, whatever `next_step` says.
    """

    type: Literal["screening"]
    items: Annotated[Mapping[int, int], Field(min_length=1)]
    item_tolerance: Annotated[int, Field(ge=0, le=3)] = 0
    next_step: Slug
    safety_step: Slug | None = None
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class CounterRule(Frozen):
    """A counter that must stand at or above (or at or below) a value when the path reaches a scene.

    For example: risk_known at least 1 on reaching the scene of Roberts'
    stage 5 (the lethality assessment came first). `weight` is its share of
    the exercise's points. A finished path that never reaches the scene
    breaks the rule (it ended before the milestone) unless `unreached` is
    "not_judged" (the scene lies on only one of several good routes); an
    unfinished path is judged once it gets there.
    """

    id: Slug
    at_scene: Slug
    counter: Slug
    at_least: int | None = None
    at_most: int | None = None
    weight: Annotated[float, Field(gt=0, lt=1)]
    feedback: Text
    unreached: Literal["fails", "not_judged"] = "fails"

    @model_validator(mode="after")
    def _has_a_bound(self) -> CounterRule:
        if self.at_least is None and self.at_most is None:
            raise ValueError("at_least or at_most (the value the counter must reach or keep under)")
        return self


class ScenarioKey(KeyBase):
    """Credit (0 to 1) and feedback per choice, and rules on counters.

    The score: the rules' weights judged on the path, and the rest shared by
    the decisions: the mean credit of the choices made, where an unfinished
    path counts the fewest decisions still needed to reach an end as 0.
    """

    type: Literal["scenario"]
    credit: Annotated[Mapping[str, Annotated[float, Field(ge=0, le=1)]], Field(min_length=1)]
    feedback: Mapping[str, Text] = Field(default_factory=dict)
    rules: tuple[CounterRule, ...] = ()

    @model_validator(mode="after")
    def _weights_leave_room(self) -> ScenarioKey:
        if sum(r.weight for r in self.rules) >= 1:
            raise ValueError("rules whose weights add up to less than 1 (the rest is the decisions' share)")
        return self


ExerciseKey = Annotated[
    SingleChoiceKey
    | MultipleChoiceKey
    | OrderingKey
    | ClassificationKey
    | NumericKey
    | FreeTextKey
    | ChartChoiceKey
    | EcomapKey
    | ScreeningKey
    | ScenarioKey,
    Field(discriminator="type"),
]


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


class ExerciseGrade(Frozen):
    """The grade of one exercise; `score` None means a person must score it."""

    exercise_id: str
    type: ExerciseType
    score: float | None
    max_score: float
    status: Status
    feedback: tuple[str, ...] = ()
    rubric: tuple[tuple[str, float], ...] = ()


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
