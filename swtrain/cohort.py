"""Grade a whole cohort in one process: read every answer file, grade it, write what instructors need.

    grade_cohort(SUBMISSIONS, OUT) ->
        OUT/gradebook.csv                       one row per trainee and case
        OUT/feedback/<trainee>/<case>.html      each trainee's feedback page
        OUT/problems.csv                        every file not graded (and graded files with a warning)
        OUT/summary.json                        counts, timings, versions
        OUT/review_notes.csv                    reviewers who disagree, reviews of changed answers
        OUT/scenario_paths.csv                  each trainee's path through each scenario (the class debrief)

Scores a person gave (swtrain.reviews, the review notebook) are merged in
from `reviews_dir` (OUT/reviews by default).

Answer files are read one at a time and never executed. One bad file never
stops the batch: it becomes a row of problems.csv with the reason and a hint.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import time
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar

from . import __version__
from .cases import load_case, load_key
from .errors import SwtrainError
from .grading import grade
from .models import Case, Grade, Key, Responses
from .reports.feedback_page import feedback_page
from .reports.gradebook import gradebook_row, write_gradebook
from .reviews import Review, ReviewStore, apply_reviews, index_reviews
from .store import check_trainee_id, read_submission
from .submissions import Item, Unreadable, iter_submissions

T = TypeVar("T")


@dataclass(frozen=True)
class ProblemRow:
    """A file that was not graded (graded False), or was graded with something to tell the instructor."""

    path: str
    error: str
    hint: str
    graded: bool = False


@dataclass
class CohortResult:
    """What a batch did: counts for the summary and the exit code."""

    out: Path
    files: int = 0
    graded: int = 0
    problems: list[ProblemRow] = field(default_factory=list)
    needs_review: int = 0
    per_case: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def not_graded(self) -> int:
        return sum(1 for p in self.problems if not p.graded)


class _Cases:
    """Cases and keys, each loaded once per batch; an unknown case is remembered as its error."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
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


def grade_cohort(
    source: Path,
    out: Path,
    *,
    progress: bool = False,
    casedata: Path | None = None,
    reviews_dir: Path | None = None,
    workers: int | None = None,
) -> CohortResult:
    """Grade every answer file in `source` (folder or .zip) and write the outputs under `out`.

    Large batches are graded by `workers` processes (default: up to two, one per
    core); results are taken in file order, so the outcome does not depend on it.
    """
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    reviews = index_reviews(ReviewStore(reviews_dir or out / "reviews").all_reviews())
    review_notes: list[tuple[str, str, str]] = []
    paths: list[tuple[str, str, str, str, str]] = []
    result = CohortResult(out=out)
    rows: list[dict[str, object]] = []
    columns: dict[str, None] = {}
    seen: dict[tuple[str, str], str] = {}
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    for outcome in _with_progress(_outcomes(iter_submissions(source), casedata, reviews, workers), progress):
        result.files += 1
        if isinstance(outcome, ProblemRow):
            result.problems.append(outcome)
            continue
        pair = (outcome.trainee_id, outcome.case_id)
        if pair in seen:
            result.problems.append(
                ProblemRow(
                    outcome.source,
                    f"a second answer file of trainee {pair[0]!r} for case {pair[1]!r} (the first was {seen[pair]})",
                    "Keep one file per trainee and case; this one was not graded.",
                )
            )
            continue
        seen[pair] = outcome.source
        result.problems.extend(ProblemRow(outcome.source, text, hint, graded=True) for text, hint in outcome.warnings)
        review_notes.extend((*pair, note) for note in outcome.notes)
        paths.extend((*pair, *path) for path in outcome.paths)
        rows.append(outcome.row)
        columns.update(dict.fromkeys(k for k in outcome.row if "/" in k))
        folder = out / "feedback" / outcome.trainee_id  # trainee ids were checked: no separators, no dot first
        folder.mkdir(parents=True, exist_ok=True)
        # Outputs are made anew by every run, so a plain write will do (no fsync per page).
        (folder / f"{outcome.case_id}.html").write_text(outcome.page, encoding="utf-8")
        result.graded += 1
        result.needs_review += outcome.needs_review
        result.per_case[outcome.case_id] += 1
    write_gradebook(out / "gradebook.csv", rows, columns)
    _write_problems(out / "problems.csv", result.problems)
    with (out / "review_notes.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("trainee_id", "case_id", "note"), *review_notes])
    with (out / "scenario_paths.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("trainee_id", "case_id", "exercise_id", "path", "status"), *paths])
    result.seconds = time.perf_counter() - start
    _write_summary(out / "summary.json", source, result)
    return result


@dataclass(frozen=True)
class _Graded:
    """One graded file, as the batch needs it: its row, warnings, review notes and feedback page."""

    source: str
    trainee_id: str
    case_id: str
    row: dict[str, object]
    warnings: list[tuple[str, str]]
    notes: list[str]
    needs_review: int
    page: str
    paths: list[tuple[str, str, str]]  # (exercise id, choice ids joined by spaces, status) per scenario answered


Reviews = dict[tuple[str, str, str], list[tuple[str, Review]]]
_CHUNK = 200


def _grade_item(item: Item, cases: _Cases, reviews: Reviews) -> _Graded | ProblemRow:
    outcome = grade_submission(item, cases)
    if isinstance(outcome, ProblemRow):
        return outcome
    responses, graded, warnings = outcome
    notes: list[str] = []
    if reviews:
        graded, notes = apply_reviews(graded, responses, reviews)
    page = feedback_page(cases.get(responses.case_id)[0], responses, graded)
    paths: list[tuple[str, str, str]] = [
        (g.exercise_id, " ".join(responses.value(g.exercise_id)), g.status)
        for g in graded.exercises
        if g.type == "scenario" and g.status not in ("invalid", "unanswered")
    ]
    return _Graded(
        item.source,
        graded.trainee_id,
        graded.case_id,
        gradebook_row(graded),
        warnings,
        notes,
        graded.needs_review,
        page,
        paths,
    )


_worker_state: tuple[_Cases, Reviews] | None = None


def _start_worker(casedata: Path | None, reviews: Reviews) -> None:
    global _worker_state
    _worker_state = (_Cases(casedata), reviews)


def _grade_chunk(items: list[Item]) -> list[_Graded | ProblemRow]:
    assert _worker_state is not None
    cases, reviews = _worker_state
    return [_grade_item(item, cases, reviews) for item in items]


def _outcomes(
    items: Iterator[Item], casedata: Path | None, reviews: Reviews, workers: int
) -> Iterator[_Graded | ProblemRow]:
    """Each file's outcome in file order; chunks go to worker processes when the batch is large."""
    chunks = iter(lambda: list(islice(items, _CHUNK)), [])
    first = next(chunks, [])
    if workers <= 1 or len(first) < _CHUNK:
        cases = _Cases(casedata)
        for chunk in chain([first], chunks):
            yield from (_grade_item(item, cases, reviews) for item in chunk)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(casedata, reviews)) as pool:
        # At most two chunks a worker in flight: files are read as they are graded, not all at once.
        pending = deque([pool.submit(_grade_chunk, first)])
        for chunk in chunks:
            pending.append(pool.submit(_grade_chunk, chunk))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def grade_submission(item: Item, cases: _Cases) -> tuple[Responses, Grade, list[tuple[str, str]]] | ProblemRow:
    """Grade one file: (answers, grade, warnings), or the reason it could not be graded."""
    if isinstance(item, Unreadable):
        return ProblemRow(item.source, item.error, item.hint)
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
        case, key = cases.get(responses.case_id)
    except SwtrainError as exc:
        return ProblemRow(item.source, exc.message, exc.hint)
    warnings = _warnings(case, responses, untrusted)
    graded = grade(case, key, responses)
    warnings.extend(
        (f"exercise {e.exercise_id!r}: {' '.join(e.feedback)}", "Scored 0; the rest of the file was graded.")
        for e in graded.exercises
        if e.status == "invalid"
    )
    return responses, graded, warnings


def _warnings(case: Case, responses: Responses, untrusted: tuple[str, ...]) -> list[tuple[str, str]]:
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


def _write_problems(path: Path, problems: list[ProblemRow]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["path", "error", "hint", "graded"])
        for p in problems:
            writer.writerow([p.path, p.error, p.hint, "yes" if p.graded else "no"])


def _write_summary(path: Path, source: Path, result: CohortResult) -> None:
    import pydantic

    summary = {
        "source": str(source),
        "files": result.files,
        "graded": result.graded,
        "not_graded": result.not_graded,
        "graded_with_warnings": len({p.path for p in result.problems if p.graded}),
        "answers_waiting_for_review": result.needs_review,
        "per_case": dict(sorted(result.per_case.items())),
        "seconds": round(result.seconds, 3),
        "files_per_second": round(result.files / result.seconds, 1) if result.seconds else None,
        "versions": {"swtrain": __version__, "python": platform.python_version(), "pydantic": pydantic.VERSION},
    }
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _with_progress(items: Iterator[T], progress: bool) -> Iterator[T]:
    if not progress:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, unit=" files", desc="grading", leave=False))
