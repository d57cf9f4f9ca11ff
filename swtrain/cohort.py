"""Grade a whole cohort in one process: read every answer file, grade it, write what instructors need.

    grade_cohort(SUBMISSIONS, OUT) ->
        OUT/gradebook.csv                       one row per trainee and case
        OUT/feedback/<trainee>/<case>.html      each trainee's feedback page
        OUT/problems.csv                        every file not graded (and graded files with a warning)
        OUT/summary.json                        counts, timings, versions
        OUT/review_notes.csv                    reviewers who disagree, reviews of changed answers
        OUT/scenario_paths.csv                  each trainee's path through each scenario (the class debrief)
        OUT/item_analysis.csv, .html            how each exercise worked (swtrain.reports.item_report)
        OUT/marker_agreement.csv                how alike reviewers scored the answers two or more of them scored

Scores a person gave (swtrain.reviews, the review notebook) are merged in
from `reviews_dir` (OUT/reviews by default).

Answer files are read one at a time and never executed. One bad file never
stops the batch: it becomes a row of problems.csv with the reason and a hint.
Each file goes through the stages in swtrain.batch.grade_file; the batch
through those in `grade_cohort`, whose writers live in swtrain.reports.
"""

from __future__ import annotations

import os
import platform
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .batch import CaseBook, Graded, Reviews, grade_file
from .errors import SwtrainError
from .i18n import check_language
from .reports.cohort_files import (
    PathRow,
    ProblemRow,
    write_problems,
    write_review_notes,
    write_scenario_paths,
    write_summary,
)
from .reports.feedback_page import write_feedback_page
from .reports.gradebook import write_gradebook
from .reports.item_analysis import ItemAnalysis, Record
from .reports.item_report import write_item_analysis
from .reports.marker_agreement import Mark
from .reviews import ReviewStore, index_reviews
from .store import max_answer_bytes
from .submissions import Item, Submission, Unreadable, iter_submissions

__all__ = ["CohortResult", "grade_cohort"]

T = TypeVar("T")


def grade_cohort(
    source: Path,
    out: Path,
    *,
    progress: bool = False,
    casedata: Path | None = None,
    reviews_dir: Path | None = None,
    workers: int | None = None,
    derive_variants: bool = True,
    language: str = "en",
    item_analysis: bool = True,
) -> CohortResult:
    """Grade every answer file in `source` (folder or .zip) and write the outputs under `out`.

    Large batches are graded by `workers` processes (default: up to two, one per
    core); results are taken in file order, so the outcome does not depend on it.
    With `derive_variants` (a course whose notebooks derive each trainee's
    variant, the default) a file's variant is recomputed from trainee and case;
    False trusts the variant in the file (a course that set variants by hand).
    The item analysis and marker agreement (`item_analysis`) are written in `language`.
    """
    started = time.perf_counter()
    max_answer_bytes()  # a bad $SWTRAIN_MAX_ANSWER_BYTES stops here, before any file is read
    check_language(language)
    out.mkdir(parents=True, exist_ok=True)
    found, damaged = ReviewStore(reviews_dir or out / "reviews").readable_reviews()
    reviews = index_reviews(found)
    files = chain(map(review_file_problem, damaged), iter_submissions(source))  # read submissions, one at a time
    book = CaseBook(casedata, derive_variants)
    memory: dict[str, float] = {}
    outcomes = _with_progress(_graded_in_order(files, book, reviews, workers, memory), progress)  # grade each
    outcomes = one_file_per_answer(outcomes)  # a second file of a trainee and case is not graded
    outcomes = write_feedback_pages(outcomes, out / "feedback")  # each page as it comes
    batch = Batch.gather(outcomes)
    write_gradebook(out / "gradebook.csv", batch.rows, batch.columns)
    write_problems(out / "problems.csv", batch.problems)
    analysis = None
    if item_analysis:
        analysis, notes = write_item_analysis(out, batch.records, batch.marks, book, language)
        batch.review_notes += notes
    write_review_notes(out / "review_notes.csv", batch.review_notes)
    write_scenario_paths(out / "scenario_paths.csv", batch.paths)
    result = batch.result(out, time.perf_counter() - started)
    result.item_analysis = analysis
    result.peak_mb, result.worker_peak_mb = peak_mb(), memory.get("worker_peak_mb")
    write_summary(out / "summary.json", summary(source, result))
    return result


def review_file_problem(exc: SwtrainError) -> Unreadable:
    """A review file that cannot be read, as a line of problems.csv (its scores are not merged)."""
    return Unreadable(
        str(getattr(exc, "path", "reviews")),
        exc.message,
        "That reviewer's scores were not applied: fix or remove the file, then grade again.",
    )


def one_file_per_answer(outcomes: Iterable[Graded | ProblemRow]) -> Iterator[Graded | ProblemRow]:
    """The outcomes, with a second file of one trainee and case turned into a problem (the first one counts)."""
    seen: dict[tuple[str, str], str] = {}
    for outcome in outcomes:
        if isinstance(outcome, Graded):
            pair = (outcome.trainee_id, outcome.case_id)
            if pair in seen:
                yield ProblemRow(
                    outcome.source,
                    f"a second answer file of trainee {pair[0]!r} for case {pair[1]!r} (the first was {seen[pair]})",
                    "Keep one file per trainee and case; this one was not graded.",
                )
                continue
            seen[pair] = outcome.source
        yield outcome


def write_feedback_pages(outcomes: Iterable[Graded | ProblemRow], folder: Path) -> Iterator[Graded | ProblemRow]:
    """The outcomes, each graded file's feedback page written as it passes."""
    for outcome in outcomes:
        if isinstance(outcome, Graded):
            write_feedback_page(folder, outcome.trainee_id, outcome.case_id, outcome.page)
        yield outcome


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
    peak_mb: float = 0.0  # the grading process's peak memory
    worker_peak_mb: float | None = None  # the largest worker's peak (None: no worker was started)
    item_analysis: ItemAnalysis | None = None  # what item_analysis.csv and .html were written from

    @property
    def not_graded(self) -> int:
        return sum(1 for p in self.problems if not p.graded and not p.skipped)

    @property
    def skipped(self) -> int:
        return sum(1 for p in self.problems if p.skipped)


@dataclass
class Batch:
    """Everything the batch's files are written from, gathered as outcomes pass (pages are already written)."""

    rows: list[dict[str, object]] = field(default_factory=list)
    columns: dict[str, None] = field(default_factory=dict)
    problems: list[ProblemRow] = field(default_factory=list)
    review_notes: list[tuple[str, str, str]] = field(default_factory=list)
    paths: list[PathRow] = field(default_factory=list)
    records: dict[str, list[Record]] = field(default_factory=dict)  # per case, for the item analysis
    marks: list[Mark] = field(default_factory=list)
    files: int = 0
    needs_review: int = 0
    per_case: Counter[str] = field(default_factory=Counter)

    @classmethod
    def gather(cls, outcomes: Iterable[Graded | ProblemRow]) -> Batch:
        batch = cls()
        first_with: dict[str, tuple[str, str]] = {}  # fingerprint -> (source, trainee): never the page
        for outcome in outcomes:
            batch.files += 1
            if isinstance(outcome, ProblemRow):
                batch.problems.append(outcome)
                continue
            batch.problems.extend(_same_answers(outcome, first_with))
            batch.problems.extend(
                ProblemRow(outcome.source, text, hint, graded=True) for text, hint in outcome.warnings
            )
            batch.review_notes.extend((outcome.trainee_id, outcome.case_id, note) for note in outcome.notes)
            batch.paths.extend(outcome.paths)
            language = str(outcome.row["language"])
            batch.records.setdefault(outcome.case_id, []).append(Record(outcome.trainee_id, language, outcome.items))
            batch.marks.extend(outcome.marks)
            batch.rows.append(outcome.row)
            batch.columns.update(dict.fromkeys(k for k in outcome.row if "/" in k))
            batch.needs_review += outcome.needs_review
            batch.per_case[outcome.case_id] += 1
        return batch

    def result(self, out: Path, seconds: float) -> CohortResult:
        graded = sum(self.per_case.values())
        return CohortResult(out, self.files, graded, self.problems, self.needs_review, self.per_case, seconds)


def _same_answers(outcome: Graded, first_with: dict[str, tuple[str, str]]) -> list[ProblemRow]:
    """Lines for a file whose answers, times included, are another trainee's: one file handed in twice."""
    if not outcome.fingerprint:
        return []
    source, trainee = first_with.setdefault(outcome.fingerprint, (outcome.source, outcome.trainee_id))
    if trainee == outcome.trainee_id:
        return []
    hint = "Two trainees handed in one file: talk with both before the grades count."
    same = "the same answers, at the same times, as the file of trainee"
    return [
        ProblemRow(outcome.source, f"{same} {trainee!r}", hint, True),
        ProblemRow(source, f"{same} {outcome.trainee_id!r}", hint, True),
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summary(source: Path, result: CohortResult) -> dict[str, Any]:
    """What summary.json says of a batch: counts, timing and the versions that graded it."""
    import pydantic

    return {
        "source": str(source),
        "files": result.files,
        "graded": result.graded,
        "not_graded": result.not_graded,
        "skipped": result.skipped,
        "graded_with_warnings": len({p.path for p in result.problems if p.graded}),
        "answers_waiting_for_review": result.needs_review,
        "per_case": dict(sorted(result.per_case.items())),
        "seconds": round(result.seconds, 3),
        "memory_mb": {"main": round(result.peak_mb, 1), "largest_worker": _rounded(result.worker_peak_mb)},
        "files_per_second": round(result.files / result.seconds, 1) if result.seconds else None,
        "versions": {"swtrain": __version__, "python": platform.python_version(), "pydantic": pydantic.VERSION},
    }


# --- running files through grade_file, in worker processes when the batch is large ---------------------

#: A chunk sent to a worker: this many files, or this many bytes of them, whichever comes first.
_CHUNK_FILES = 200
_CHUNK_BYTES = 8 * 1024 * 1024
_worker_state: tuple[CaseBook, Reviews] | None = None


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _start_worker(book: CaseBook, reviews: Reviews) -> None:
    global _worker_state
    _worker_state = (CaseBook(book.root, book.derive_variants), reviews)


def _grade_chunk(items: list[Item]) -> tuple[list[Graded | ProblemRow], float]:
    assert _worker_state is not None
    cases, reviews = _worker_state
    return [grade_file(item, cases, reviews) for item in items], peak_mb()


def _chunks(items: Iterator[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    size = 0
    for item in items:
        chunk.append(item)
        size += len(item.data) if isinstance(item, Submission) else 0
        if len(chunk) >= _CHUNK_FILES or size >= _CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _graded_in_order(
    items: Iterator[Item], book: CaseBook, reviews: Reviews, workers: int | None, memory: dict[str, float]
) -> Iterator[Graded | ProblemRow]:
    """Each file's outcome in file order; chunks go to worker processes when the batch has more than one.

    At most two chunks a worker are in flight, and a chunk holds at most 8 MB of files, so memory stays
    bounded whatever the files; `memory["worker_peak_mb"]` gets the largest worker's peak.
    """
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    chunks = _chunks(items)
    first, second = next(chunks, []), next(chunks, None)
    if workers <= 1 or second is None:
        for chunk in chain([first], [second] if second else [], chunks):
            yield from (grade_file(item, book, reviews) for item in chunk)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(book, reviews)) as pool:
        pending = deque([pool.submit(_grade_chunk, first)])
        for chunk in chain([second], chunks):
            pending.append(pool.submit(_grade_chunk, chunk))
            if len(pending) >= 2 * workers:
                yield from _taken(pending.popleft().result(), memory)
        while pending:
            yield from _taken(pending.popleft().result(), memory)


def _taken(done: tuple[list[Graded | ProblemRow], float], memory: dict[str, float]) -> list[Graded | ProblemRow]:
    outcomes, worker_peak = done
    memory["worker_peak_mb"] = max(memory.get("worker_peak_mb", 0.0), worker_peak)
    return outcomes


def _with_progress(items: Iterator[T], progress: bool) -> Iterator[T]:
    if not progress:
        return items
    from tqdm import tqdm

    return iter(tqdm(items, unit=" files", desc="grading", leave=False))
