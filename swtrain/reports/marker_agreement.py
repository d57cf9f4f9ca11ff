"""Marker agreement: where two or more reviewers scored the same answers, did they apply the rubric alike?

    double_marks(grade, responses, reviews) -> the Marks of one graded file's answers scored by two or more
    agreement(marks, book)                  -> Agreement: per criterion weighted kappa (two markers) or
                                               Krippendorff's alpha (more), the ICC of the totals, each marker's
                                               lean, and every answer where markers differ by more than a level

Levels are the criterion's rubric levels, counted from 0 (no credit) up; a score
between two levels counts as the nearer one. Thresholds follow ../DOMAIN.md
section 10: a criterion is flagged when its kappa or alpha is under 0.667
(Krippendorff's lowest for tentative conclusions), the totals when the ICC is under
0.5 (Koo and Li 2016: poor), a marker when they lean half a level or more from
the others on the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Literal, Protocol

from ..exercises import kind_of
from ..fields import Criterion
from ..models import Case, Exercise, Grade, Key, Responses
from ..reviews import Review, fitting_reviews
from .item_stats import icc_absolute, krippendorff_alpha, weighted_kappa

#: Under this kappa or Krippendorff's alpha a criterion's levels are not applied alike.
LEVELS_AGREE = 0.667
#: Under this ICC(A,1) the markers' totals agree poorly.
TOTALS_AGREE = 0.5
#: A marker whose levels are on average this far from the others' on the same answers leans.
LEAN = 0.5


@dataclass(frozen=True, slots=True)
class Mark:
    """One reviewer's points per rubric criterion for one answer that more than one reviewer scored."""

    trainee_id: str
    case_id: str
    exercise_id: str
    reviewer: str
    scores: tuple[tuple[str, float], ...]


def double_marks(
    grade: Grade, responses: Responses, reviews: Mapping[tuple[str, str, str], list[tuple[str, Review]]]
) -> tuple[Mark, ...]:
    """The marks of each answer of `grade` (before reviews are merged) that two or more reviewers scored as it
    stands."""
    marks: list[Mark] = []
    for result in grade.exercises:
        if result.status != "needs_review":
            continue
        found = reviews.get((grade.trainee_id, grade.case_id, result.exercise_id), [])
        fitting = fitting_reviews(found, responses, result.exercise_id)
        if len({who for who, _ in fitting}) >= 2:
            marks.extend(
                Mark(grade.trainee_id, grade.case_id, result.exercise_id, who, tuple(sorted(r.scores.items())))
                for who, r in fitting
            )
    return tuple(marks)


class CaseSource(Protocol):
    def get(self, case_id: str) -> tuple[Case, Key]: ...


@dataclass(frozen=True)
class CriterionAgreement:
    case: Case
    exercise: Exercise
    criterion: Criterion
    markers: tuple[str, ...]
    answers: int  # answers two or more of the markers scored
    statistic: Literal["kappa", "alpha"]  # weighted kappa for two markers, Krippendorff's alpha for more
    value: float | None  # None: undefined (every level the same)
    lean: Mapping[str, float]  # each marker's mean level minus the others' on the same answers

    @property
    def poor(self) -> bool:
        return self.value is not None and self.value < LEVELS_AGREE


@dataclass(frozen=True)
class TotalAgreement:
    case: Case
    exercise: Exercise
    markers: tuple[str, ...]
    answers: int  # answers every one of the markers scored (the ICC needs complete rows)
    icc: float | None

    @property
    def poor(self) -> bool:
        return self.icc is not None and self.icc < TOTALS_AGREE


@dataclass(frozen=True)
class Disagreement:
    """One answer's criterion where the markers' levels are more than one level apart."""

    trainee_id: str
    case: Case
    exercise: Exercise
    criterion: Criterion
    levels: tuple[tuple[str, int, float], ...]  # (marker, level from 0, points)

    @property
    def spread(self) -> int:
        return max(level for _, level, _ in self.levels) - min(level for _, level, _ in self.levels)


@dataclass(frozen=True)
class Agreement:
    criteria: tuple[CriterionAgreement, ...] = ()
    totals: tuple[TotalAgreement, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()


def level_of(criterion: Criterion, points: float) -> int:
    """The rubric level `points` stand for, 0 for the lowest; the nearer level for points between two."""
    ladder = sorted(level.points for level in criterion.levels) or [0.0, criterion.points]
    return min(range(len(ladder)), key=lambda i: (abs(ladder[i] - points), i))


def agreement(marks: Iterable[Mark], book: CaseSource) -> Agreement:
    """How alike the markers scored, per case, exercise and criterion, from every double-marked answer."""
    by_exercise: dict[tuple[str, str], dict[str, dict[str, Mapping[str, float]]]] = defaultdict(dict)
    for mark in marks:
        by_exercise[(mark.case_id, mark.exercise_id)].setdefault(mark.trainee_id, {})[mark.reviewer] = dict(mark.scores)
    criteria, totals, disagreements = [], [], []
    for (case_id, exercise_id), answers in sorted(by_exercise.items()):
        case, key = book.get(case_id)
        exercise = case.exercise(exercise_id)
        rubric = kind_of(exercise).rubric(key.exercises[exercise_id])
        markers = tuple(sorted({who for scored in answers.values() for who in scored}))
        for criterion in rubric:
            levels = {
                trainee: {who: level_of(criterion, s.get(criterion.id, 0.0)) for who, s in scored.items()}
                for trainee, scored in answers.items()
            }
            criteria.append(_criterion(case, exercise, criterion, markers, levels))
            disagreements += [
                Disagreement(
                    trainee,
                    case,
                    exercise,
                    criterion,
                    tuple((who, level, answers[trainee][who].get(criterion.id, 0.0)) for who, level in given.items()),
                )
                for trainee, given in sorted(levels.items())
                if max(given.values()) - min(given.values()) > 1
            ]
        rows = [
            [sum(scored[who].values()) for who in markers] for scored in answers.values() if set(scored) >= set(markers)
        ]
        totals.append(TotalAgreement(case, exercise, markers, len(rows), icc_absolute(rows)))
    return Agreement(tuple(criteria), tuple(totals), tuple(disagreements))


def _criterion(
    case: Case,
    exercise: Exercise,
    criterion: Criterion,
    markers: Sequence[str],
    levels: Mapping[str, Mapping[str, int]],
) -> CriterionAgreement:
    ladder = list(range(max(len(criterion.levels), 2)))
    if len(markers) == 2:
        pairs = [(given[markers[0]], given[markers[1]]) for given in levels.values() if len(given) == 2]
        value = weighted_kappa([a for a, _ in pairs], [b for _, b in pairs], ladder)
        statistic: Literal["kappa", "alpha"] = "kappa"
    else:
        table = [[levels[t].get(who) for t in levels] for who in markers]
        value = krippendorff_alpha([[None if v is None else float(v) for v in row] for row in table])
        statistic = "alpha"
    lean = {}
    for who in markers:
        gaps = [given[who] - mean(v for w, v in given.items() if w != who) for given in levels.values() if who in given]
        lean[who] = mean(gaps) if gaps else 0.0
    return CriterionAgreement(case, exercise, criterion, tuple(markers), len(levels), statistic, value, lean)
