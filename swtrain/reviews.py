"""Scores a person gives to answers that need one, kept per reviewer, merged into grades.

A review file per reviewer, `<reviews_dir>/<reviewer>.json`, saved atomically
after each answer reviewed. A review names the answer it scored by a hash of
the answer text, so a review of an answer the trainee later changed is not
applied (it is listed as stale). Where two reviewers scored one answer, both
are kept, the grade takes their mean, and the disagreement is listed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from .errors import Problem, ReviewsInvalid, SchemaVersionMismatch
from .fields import Frozen
from .i18n import messages
from .models import ExerciseGrade, Grade, Responses, Status
from .store import check_trainee_id, write_atomic

REVIEWS_SCHEMA_VERSION = 1


class Review(Frozen):
    """One reviewer's score and comment per rubric criterion of one answer."""

    trainee_id: str
    case_id: str
    exercise_id: str
    answer_sha256: str
    scores: Mapping[str, Annotated[float, Field(ge=0)]]
    comments: Mapping[str, str] = Field(default_factory=dict)
    reviewed_at: datetime

    @property
    def total(self) -> float:
        return round(sum(self.scores.values()), 4)

    @property
    def target(self) -> tuple[str, str, str]:
        return (self.trainee_id, self.case_id, self.exercise_id)


class ReviewFile(Frozen):
    schema_version: Literal[1] = 1
    reviewer: str
    reviews: tuple[Review, ...] = ()


def answer_hash(value: object) -> str:
    """A stable hash of an answer's value, to tell whether a review still fits it."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class ReviewStore:
    """The review files of one folder: read all, save one reviewer's after each change."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, reviewer: str) -> Path:
        return self.folder / f"{check_trainee_id(reviewer)}.json"

    def load(self, reviewer: str) -> ReviewFile:
        path = self.path(reviewer)
        if not path.exists():
            return ReviewFile(reviewer=reviewer)
        return _parse(path)

    def save(self, reviews: ReviewFile) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path(reviews.reviewer), reviews.model_dump_json(indent=1) + "\n")

    def record(self, reviewer: str, review: Review) -> ReviewFile:
        """Add or replace this reviewer's review of one answer, and save at once."""
        current = self.load(reviewer)
        kept = tuple(r for r in current.reviews if r.target != review.target)
        updated = current.model_copy(update={"reviews": (*kept, review)})
        self.save(updated)
        return updated

    def all_reviews(self) -> list[tuple[str, Review]]:
        """(reviewer, review) for every review in the folder, in reviewer order; ReviewsInvalid for a bad file."""
        found, damaged = self.readable_reviews()
        if damaged:
            raise damaged[0]
        return found

    def readable_reviews(self) -> tuple[list[tuple[str, Review]], list[ReviewsInvalid | SchemaVersionMismatch]]:
        """(reviewer, review) for every review in the files that can be read, and the error of each that cannot."""
        if not self.folder.is_dir():
            return [], []
        found: list[tuple[str, Review]] = []
        damaged: list[ReviewsInvalid | SchemaVersionMismatch] = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                review_file = _parse(path)
            except (ReviewsInvalid, SchemaVersionMismatch) as exc:
                damaged.append(exc)
                continue
            found.extend((review_file.reviewer, r) for r in review_file.reviews)
        return found, damaged


def _parse(path: Path) -> ReviewFile:
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise ReviewsInvalid(path, [Problem("", exc.strerror or str(exc), "a review file that can be read")]) from None
    except (ValueError, RecursionError) as exc:
        raise ReviewsInvalid(path, [Problem("", str(exc), "a JSON review file")]) from None
    if isinstance(data, dict) and data.get("schema_version") not in (None, REVIEWS_SCHEMA_VERSION):
        raise SchemaVersionMismatch.for_file(path, data.get("schema_version"), REVIEWS_SCHEMA_VERSION)
    try:
        return ReviewFile.model_validate(data)
    except ValidationError as exc:
        raise ReviewsInvalid.from_validation_error(path, exc) from None


def index_reviews(reviews: Iterable[tuple[str, Review]]) -> dict[tuple[str, str, str], list[tuple[str, Review]]]:
    by_target: dict[tuple[str, str, str], list[tuple[str, Review]]] = {}
    for reviewer, review in reviews:
        by_target.setdefault(review.target, []).append((reviewer, review))
    return by_target


def fitting_reviews(
    found: Iterable[tuple[str, Review]], responses: Responses, exercise_id: str
) -> list[tuple[str, Review]]:
    """The reviews of the answer as it stands (a review of an earlier version of it does not fit)."""
    current = answer_hash(responses.value(exercise_id))
    return [(who, r) for who, r in found if r.answer_sha256 == current]


def apply_reviews(
    grade: Grade, responses: Responses, reviews: Mapping[tuple[str, str, str], list[tuple[str, Review]]]
) -> tuple[Grade, list[str]]:
    """The grade with reviewed answers scored (mean of reviewers), and notes on stale or disputed reviews."""
    msg = messages(grade.language)
    notes: list[str] = []
    exercises = []
    for item in grade.exercises:
        found = reviews.get((grade.trainee_id, grade.case_id, item.exercise_id), [])
        fitting = fitting_reviews(found, responses, item.exercise_id)
        if len(fitting) < len(found):
            notes.append(f"{item.exercise_id}: a review of an earlier version of the answer was not applied")
        if item.status != "needs_review" or not fitting:
            exercises.append(item)
            continue
        totals = [min(r.total, item.max_score) for _, r in fitting]
        score = round(sum(totals) / len(totals), 4)
        if len(set(totals)) > 1:
            notes.append(
                f"{item.exercise_id}: reviewers disagree: "
                + ", ".join(f"{who} {min(r.total, item.max_score):g}" for who, r in fitting)
            )
        rubric = tuple(
            line.model_copy(
                update={
                    "given": round(sum(r.scores.get(line.id, 0.0) for _, r in fitting) / len(fitting), 4),
                    "comments": tuple(c for _, r in fitting if (c := r.comments.get(line.id, "").strip())),
                }
            )
            for line in item.rubric
        )
        known = {line.id for line in item.rubric}
        # a comment on a criterion the rubric no longer has is kept, as a line of its own
        lines = [
            msg("{criterion}: {comment}", criterion=criterion, comment=comment)
            for _, review in fitting
            for criterion, comment in review.comments.items()
            if criterion not in known and comment.strip()
        ]
        status: Status = "correct" if score >= item.max_score else "incorrect" if score <= 0 else "partial"
        exercises.append(
            ExerciseGrade(
                exercise_id=item.exercise_id,
                type=item.type,
                score=score,
                max_score=item.max_score,
                status=status,
                feedback=(msg("Scored by your instructor against the rubric."), *lines),
                rubric=rubric,
            )
        )
    return grade.model_copy(update={"exercises": tuple(exercises)}), notes
