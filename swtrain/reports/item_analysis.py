"""Item analysis of one case over a graded cohort: how each exercise worked, in figures, before grades go out.

    item_scores(case, key, responses, grade)  -> the ItemScores a graded file contributes (swtrain.batch)
    analyse_case(case, key, records)          -> CaseAnalysis: per exercise n, mean, difficulty, discrimination,
                                                 option choices by upper and lower group, alpha if deleted, DIF

The figures follow ../DOMAIN.md section 10 and come from swtrain.reports.item_stats
(maintained libraries). An answer waiting for a marker is left out of every figure:
an exercise with any answer pending is analysed on its marked answers, and the
total that ranks trainees (and Cronbach's alpha) is taken over the exercises whose
answers are all marked. Upper and lower groups are ranked, like the item-rest r, by
the rest of that total (the exercise left out), so an item never ranks trainees
by itself. Nothing here knows about words or files: flags are named
in swtrain.reports.item_flags, written in swtrain.reports.item_report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exercises import kind_of
from ..fields import Text
from ..models import Case, Exercise, Grade, Key, Responses
from .item_stats import (
    MIN_DIF_GROUP,
    Dif,
    alpha_if_deleted,
    cronbach_alpha,
    groups,
    item_total_correlation,
    mantel_haenszel_dif,
    upper_lower_index,
)
from .marker_agreement import Agreement, CaseSource, Mark, agreement

#: The language answers are compared against (reference group) and the one compared (focal group).
REFERENCE_LANGUAGE = "en"
FOCAL_LANGUAGE = "zh"
#: At most this many rest-score strata for the Mantel-Haenszel statistic ("thick matching", Donoghue & Allen
#: 1993): with partial credit, a stratum per distinct rest score would leave most strata with one group only.
MAX_STRATA = 10
#: An exercise with answers waiting for a marker gets figures once this many answers (not blanks) are marked.
MIN_ANSWERS = 10
#: Full credit: a score within this of the maximum (scores are rounded to 4 decimals).
FULL = 1e-6


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One answer as the analysis needs it: the score (None: waiting for a marker) and the options chosen."""

    exercise_id: str
    score: float | None
    max_score: float
    answered: bool
    chosen: tuple[str, ...] | None = None  # a choice item's options picked (None: not a choice item, or blank)


@dataclass(frozen=True, slots=True)
class Record:
    """One graded file of a case: who, in which language, and each answer's score."""

    trainee_id: str
    language: str
    items: tuple[ItemScore, ...]


def item_scores(case: Case, key: Key, responses: Responses, grade: Grade) -> tuple[ItemScore, ...]:
    """Each exercise's score in `grade` (after reviews are merged), with the options chosen for choice items."""
    items = []
    for result in grade.exercises:
        exercise = case.exercise(result.exercise_id)
        choices = kind_of(exercise).choices(exercise, key.exercises[exercise.id])
        value = responses.value(exercise.id)
        chosen = None
        if choices is not None and result.status not in ("unanswered", "invalid"):
            chosen = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
        score = None if result.status == "needs_review" else float(result.score or 0.0)
        items.append(ItemScore(exercise.id, score, result.max_score, result.status != "unanswered", chosen))
    return tuple(items)


@dataclass(frozen=True)
class OptionStats:
    """How often one option of a choice item was chosen: by everyone, by the upper and by the lower 27%."""

    value: str
    letter: str  # A, B, C… in the case file's order
    label: Text
    keyed: bool
    share: float
    upper: float
    lower: float


@dataclass(frozen=True)
class DifResult:
    """Mantel-Haenszel DIF between the languages (None: a group is too small, or no stratum has both)."""

    reference: int  # trainees who answered in the reference language (English)
    focal: int  # in the focal language (Chinese)
    dif: Dif | None

    @property
    def too_small(self) -> bool:
        return min(self.reference, self.focal) < MIN_DIF_GROUP


@dataclass(frozen=True)
class ExerciseAnalysis:
    """The figures of one exercise; None where a figure is undefined (too few answers, no spread)."""

    exercise: Exercise
    graded: int  # files of the case graded
    answered: int  # of them, with an answer (blank answers score 0 and are counted in the figures)
    pending: int  # answers waiting for a marker: left out of every figure
    marked: int  # answers in the figures (none while too few answers other than blanks are marked)
    mean: float | None  # mean score as a share of the exercise's points: the difficulty p
    full_credit: float | None  # the share of marked answers with full credit
    item_rest_r: float | None  # corrected item-total correlation
    upper_lower: float | None  # Kelley's 27% index (groups by the rest of the case)
    alpha_if_deleted: float | None
    case_alpha: float | None  # the case's alpha with every fully marked exercise
    in_alpha: bool  # whether the exercise is one of those Cronbach's alpha is taken over
    options: tuple[OptionStats, ...] = ()
    multiple: bool = False
    dif: DifResult | None = None


@dataclass(frozen=True)
class CaseAnalysis:
    """The figures of one case: Cronbach's alpha over its fully marked exercises, and each exercise's figures."""

    case: Case
    trainees: int
    alpha: float | None
    alpha_items: int  # exercises alpha is taken over
    exercises: tuple[ExerciseAnalysis, ...] = field(default=())


def analyse_case(case: Case, key: Key, records: Sequence[Record]) -> CaseAnalysis:
    """The item analysis of `case` from its graded files."""
    import numpy as np

    ids = [e.id for e in case.exercises]
    column = {exercise_id: j for j, exercise_id in enumerate(ids)}
    scores = np.full((len(records), len(ids)), np.nan)
    answered = np.zeros((len(records), len(ids)), dtype=bool)
    chosen: list[list[tuple[str, ...] | None]] = [[None] * len(ids) for _ in records]
    for i, record in enumerate(records):
        for item in record.items:
            j = column.get(item.exercise_id)
            if j is None:
                continue
            scores[i, j] = math.nan if item.score is None else item.score
            answered[i, j] = item.answered
            chosen[i][j] = item.chosen
    marked = ~np.isnan(scores)
    complete = [j for j in range(len(ids)) if len(records) and marked[:, j].all()]
    total = scores[:, complete].sum(axis=1) if complete else np.zeros(len(records))
    full_alpha = cronbach_alpha(scores[:, complete].tolist()) if len(records) else None
    deleted = dict(zip(complete, alpha_if_deleted(scores[:, complete].tolist()), strict=True)) if records else {}
    languages = np.array([r.language for r in records])
    exercises = []
    for j, exercise in enumerate(case.exercises):
        rows = marked[:, j]
        if not rows.all() and (rows & answered[:, j]).sum() < MIN_ANSWERS:
            rows = np.zeros_like(rows)  # the marked answers are mostly blanks (0 without a marker): no figures
        item = scores[rows, j]
        points = exercise.points
        rest = total[rows] - (item if j in complete else 0.0)
        exercises.append(
            ExerciseAnalysis(
                exercise=exercise,
                graded=len(records),
                answered=int(answered[:, j].sum()),
                pending=int((~marked[:, j]).sum()),
                marked=int(rows.sum()),
                mean=float(item.mean() / points) if rows.any() else None,
                full_credit=float((item >= points - FULL).mean()) if rows.any() else None,
                item_rest_r=item_total_correlation(item.tolist(), rest.tolist()) if rows.sum() >= 3 else None,
                upper_lower=upper_lower_index(item.tolist(), rest.tolist(), points),
                alpha_if_deleted=deleted.get(j),
                case_alpha=full_alpha,
                in_alpha=j in complete,
                **_options(exercise, key, [chosen[i][j] for i in np.flatnonzero(rows)], rest.tolist()),
                dif=_dif(item >= points - FULL, rest, languages[rows]) if rows.any() else None,
            )
        )
    return CaseAnalysis(case, len(records), full_alpha, len(complete), tuple(exercises))


def _options(exercise: Exercise, key: Key, chosen: Sequence[tuple[str, ...] | None], rest: Sequence[float]) -> Any:
    """`options` and `multiple` of a choice item's ExerciseAnalysis (nothing for other kinds); the upper and
    lower groups by the `rest` score."""
    choices = kind_of(exercise).choices(exercise, key.exercises[exercise.id])
    if choices is None or not chosen:
        return {}
    options, keyed, multiple = choices
    lower, upper = groups(rest)

    def share(group: Iterable[int], value: str) -> float:
        members = list(group)
        return sum(1 for i in members if value in (chosen[i] or ())) / len(members) if members else 0.0

    everyone = range(len(chosen))
    stats = tuple(
        OptionStats(
            option.value,
            chr(ord("A") + n),
            option.label,
            option.value in keyed,
            share(everyone, option.value),
            share(upper, option.value),
            share(lower, option.value),
        )
        for n, option in enumerate(options)
    )
    return {"options": stats, "multiple": multiple}


def _dif(right: Any, rest: Any, languages: Any) -> DifResult:
    """Mantel-Haenszel DIF of full credit between English and Chinese answers, stratified on the rest score."""
    import numpy as np

    reference = languages == REFERENCE_LANGUAGE
    focal = languages == FOCAL_LANGUAGE
    counts = (int(reference.sum()), int(focal.sum()))
    if min(counts) < MIN_DIF_GROUP:
        return DifResult(*counts, None)
    strata = _strata(rest)
    tables = []
    for stratum in np.unique(strata):
        inside = strata == stratum
        ref, foc = right[inside & reference], right[inside & focal]
        tables.append([[ref.sum(), (~ref).sum()], [foc.sum(), (~foc).sum()]])
    return DifResult(*counts, mantel_haenszel_dif(tables))


def _strata(rest: Any) -> Any:
    """Each trainee's rest-score stratum: the rest score itself, or one of at most MAX_STRATA quantile bands."""
    import numpy as np

    levels = np.unique(rest)
    if len(levels) <= MAX_STRATA:
        return rest
    cuts = np.unique(np.quantile(rest, np.linspace(0, 1, MAX_STRATA + 1)[1:-1]))
    return np.searchsorted(cuts, rest, side="right")


@dataclass(frozen=True)
class ItemAnalysis:
    """Everything the files and the page are written from."""

    cases: tuple[CaseAnalysis, ...]
    agreement: Agreement


def analyse_cohort(records: Mapping[str, Sequence[Record]], marks: Sequence[Mark], book: CaseSource) -> ItemAnalysis:
    """The item analysis of every case graded (in case order), and the markers' agreement."""
    cases = []
    for case_id in sorted(records):
        case, key = book.get(case_id)
        cases.append(analyse_case(case, key, records[case_id]))
    return ItemAnalysis(tuple(cases), agreement(marks, book))
