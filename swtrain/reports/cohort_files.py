"""The files a cohort's grading writes beside the gradebook and the pages: problems, review notes, paths, summary.

write_problems(OUT/problems.csv, rows)              every file not graded, and graded files with a warning
write_review_notes(OUT/review_notes.csv, notes)     reviewers who disagree, reviews of changed answers
write_scenario_paths(OUT/scenario_paths.csv, paths) each trainee's path through each scenario (the debrief)
write_summary(OUT/summary.json, summary)            counts, timings, versions
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..csvfile import write_csv


@dataclass(frozen=True)
class ProblemRow:
    """A file that was not graded (graded False), was graded with something to tell the instructor, or a
    folder left out on purpose (`skipped`: a hidden or linked folder)."""

    path: str
    error: str
    hint: str
    graded: bool = False
    skipped: bool = False


@dataclass(frozen=True)
class PathRow:
    """One trainee's path through one scenario: the choice ids in order, space-separated, and the answer's status."""

    trainee_id: str
    case_id: str
    exercise_id: str
    path: str
    status: str


def write_problems(path: Path, problems: Iterable[ProblemRow]) -> None:
    rows = [(p.path, p.error, p.hint, "skipped" if p.skipped else "yes" if p.graded else "no") for p in problems]
    write_csv(path, ("path", "error", "hint", "graded"), rows)


def write_review_notes(path: Path, notes: Iterable[tuple[str, str, str]]) -> None:
    """(trainee, case, note) for each review that was not applied as it stands."""
    write_csv(path, ("trainee_id", "case_id", "note"), notes)


def write_scenario_paths(path: Path, paths: Iterable[PathRow]) -> None:
    rows = [(p.trainee_id, p.case_id, p.exercise_id, p.path, p.status) for p in paths]
    write_csv(path, ("trainee_id", "case_id", "exercise_id", "path", "status"), rows)


def write_summary(path: Path, summary: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
