"""The gradebook CSV: one row per trainee and case, one column per exercise."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..csvfile import write_csv
from ..models import Grade

FIXED_COLUMNS = ("trainee_id", "case_id", "variant", "language", "score", "max_score", "percent", "needs_review")


def gradebook_row(grade: Grade) -> dict[str, object]:
    """A grade as one gradebook row; an answer waiting for a person shows as 'review'."""
    row: dict[str, object] = {
        "trainee_id": grade.trainee_id,
        "case_id": grade.case_id,
        "variant": grade.variant,
        "language": grade.language,
        "score": f"{round(grade.score, 2):g}",
        "max_score": f"{grade.max_score:g}",
        "percent": f"{grade.percent:g}",
        "needs_review": grade.needs_review,
    }
    for item in grade.exercises:
        row[f"{grade.case_id}/{item.exercise_id}"] = (
            "review" if item.status == "needs_review" else f"{round(item.score or 0, 2):g}"
        )
    return row


def write_gradebook(path: Path, rows: Sequence[dict[str, object]], exercise_columns: Iterable[str]) -> None:
    """Write the rows sorted by trainee and case. With one case the exercise columns are bare exercise ids."""
    columns = list(exercise_columns)
    cases = {c.split("/", 1)[0] for c in columns}
    header = {c: (c.split("/", 1)[1] if len(cases) == 1 else c) for c in columns}
    ordered = sorted(rows, key=lambda r: (str(r["trainee_id"]), str(r["case_id"])))
    cells = ([row.get(c, "") for c in FIXED_COLUMNS] + [row.get(c, "") for c in columns] for row in ordered)
    write_csv(path, [*FIXED_COLUMNS, *header.values()], cells)
