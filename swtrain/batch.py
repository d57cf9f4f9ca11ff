"""One answer file of a batch, through its stages: read it, check it, grade it, merge reviews, draw its page.

    grade_file(item, book, reviews) -> Graded | ProblemRow     what swtrain.cohort gathers, file by file
    grade_submission(item, book)   -> (answers, grade, warnings) | ProblemRow

A CaseBook holds the batch's cases and keys (each loaded once) and whether
variants are recomputed from trainee and case. Nothing here raises for a bad
file: every file becomes a graded outcome or a ProblemRow saying why not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .cases import load_case, load_key
from .errors import SwtrainError
from .exercises import kind_of
from .grading import grade
from .models import Case, Grade, Key, Responses
from .reports.cohort_files import PathRow, ProblemRow
from .reports.feedback_page import feedback_page
from .reports.gradebook import gradebook_row
from .reports.item_analysis import ItemScore, item_scores
from .reports.marker_agreement import Mark, double_marks
from .reviews import Review, apply_reviews
from .store import check_trainee_id, read_submission
from .submissions import Item, Unreadable
from .variants import derive_variant

Reviews = Mapping[tuple[str, str, str], list[tuple[str, Review]]]


class CaseBook:
    """Cases and keys, each loaded once per batch (an unknown case is remembered as its error), and whether the
    batch recomputes each file's variant."""

    def __init__(self, root: Path | None, derive_variants: bool = True) -> None:
        self.root = root
        self.derive_variants = derive_variants
        self.loaded: dict[str, tuple[Case, Key] | SwtrainError] = {}

    def get(self, case_id: str) -> tuple[Case, Key]:
        if case_id not in self.loaded:
            try:
                case = load_case(case_id, self.root)
                self.loaded[case_id] = (case, load_key(case, self.root))
            except SwtrainError as exc:
                self.loaded[case_id] = exc
        entry = self.loaded[case_id]
        if isinstance(entry, SwtrainError):
            raise entry
        return entry


@dataclass(frozen=True)
class Graded:
    """One graded file, as the batch needs it: its row, warnings, review notes, feedback page and paths."""

    source: str
    trainee_id: str
    case_id: str
    row: dict[str, object]
    warnings: list[tuple[str, str]]
    notes: list[str]
    needs_review: int
    page: str
    paths: list[PathRow]
    fingerprint: str = ""  # the answers with their times ('' for none): two trainees with one are listed
    items: tuple[ItemScore, ...] = ()  # each answer's score and options chosen, for the item analysis
    marks: tuple[Mark, ...] = ()  # the marks of answers two or more reviewers scored, for their agreement


def grade_file(item: Item, cases: CaseBook, reviews: Reviews) -> Graded | ProblemRow:
    """One file through the stages: read and grade it, merge the reviews, draw its page."""
    outcome = grade_submission(item, cases)
    if isinstance(outcome, ProblemRow):
        return outcome
    responses, graded, warnings = outcome
    case, key = cases.get(responses.case_id)
    marks = double_marks(graded, responses, reviews) if reviews else ()
    graded, notes = apply_reviews(graded, responses, reviews) if reviews else (graded, [])
    return Graded(
        item.source,
        graded.trainee_id,
        graded.case_id,
        gradebook_row(graded),
        warnings,
        notes,
        graded.needs_review,
        feedback_page(case, responses, graded),
        paths_taken(case, responses, graded),
        answers_fingerprint(responses),
        item_scores(case, key, responses, graded),
        marks,
    )


def answers_fingerprint(responses: Responses) -> str:
    """A digest of the case and every answer with its time: equal only for files with the very same answers."""
    if not responses.answers:
        return ""
    answers = {k: [a.value, a.changed_at.isoformat()] for k, a in responses.answers.items()}
    text = json.dumps([responses.case_id, answers], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def read_answers(item: Item, cases: CaseBook) -> tuple[Responses, list[tuple[str, str]]] | ProblemRow:
    """The answers in one file, with warnings for what grading ignores; or why the file cannot be graded."""
    if isinstance(item, Unreadable):
        return ProblemRow(item.source, item.error, item.hint, skipped=item.skipped)
    try:
        responses, untrusted = read_submission(item.data, item.source)
        check_trainee_id(responses.trainee_id)
        if item.folder is not None:
            check_trainee_id(item.folder)
            if item.folder != responses.trainee_id:
                return ProblemRow(
                    item.source,
                    f"the folder {item.folder!r} holds answers of trainee {responses.trainee_id!r}",
                    "Each trainee's files belong in a folder of their id.",
                )
        case, _ = cases.get(responses.case_id)
    except SwtrainError as exc:
        return ProblemRow(item.source, exc.message, exc.hint)
    warnings = _ignored_fields(case, responses, untrusted)
    derived = derive_variant(responses.trainee_id, responses.case_id)
    if cases.derive_variants and responses.variant != derived:
        warnings.append(
            (
                f"the file says variant {responses.variant}, but trainee {responses.trainee_id!r} has variant "
                f"{derived} of this case; graded with {derived}",
                "Variants come from trainee and case: an edited variant (or another trainee's file) gets no other "
                "figures or order. If your course set variants by hand, grade with --variants saved.",
            )
        )
        responses = responses.model_copy(update={"variant": derived})
    return responses, warnings


def grade_submission(item: Item, cases: CaseBook) -> tuple[Responses, Grade, list[tuple[str, str]]] | ProblemRow:
    """Grade one file: (answers, grade, warnings), or the reason it could not be graded."""
    read = read_answers(item, cases)
    if isinstance(read, ProblemRow):
        return read
    responses, warnings = read
    case, key = cases.get(responses.case_id)
    graded = grade(case, key, responses)
    return responses, graded, warnings + invalid_answer_warnings(graded)


def invalid_answer_warnings(graded: Grade) -> list[tuple[str, str]]:
    return [
        (f"exercise {e.exercise_id!r}: {' '.join(e.feedback)}", "Scored 0; the rest of the file was graded.")
        for e in graded.exercises
        if e.status == "invalid"
    ]


def _ignored_fields(case: Case, responses: Responses, untrusted: tuple[str, ...]) -> list[tuple[str, str]]:
    warnings = []
    if untrusted:
        warnings.append(
            (
                f"the file carries {', '.join(repr(f) for f in untrusted)}, which grading ignores",
                "Scores come from the key only; the file was graded as if the fields were absent.",
            )
        )
    known = {e.id for e in case.exercises}
    unknown = sorted(set(responses.answers) - known)
    if unknown:
        warnings.append(
            (
                f"answers to exercises the case does not have: {', '.join(unknown)}",
                "Those answers were ignored; check the file belongs to this case's current version.",
            )
        )
    return warnings


def paths_taken(case: Case, responses: Responses, graded: Grade) -> list[PathRow]:
    """The path of each answer walked through (a scenario), for the class debrief."""
    rows = []
    for result in graded.exercises:
        if result.status in ("invalid", "unanswered"):
            continue
        path = kind_of(result.type).path_taken(responses.value(result.exercise_id))
        if path is not None:
            rows.append(PathRow(graded.trainee_id, graded.case_id, result.exercise_id, " ".join(path), result.status))
    return rows
