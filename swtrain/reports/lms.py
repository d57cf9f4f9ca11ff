"""Grades for a learning-management system: the gradebook as a Canvas and a Moodle import file.

    export_lms(OUT/gradebook.csv, read_roster(ROSTER), OUT, assignment="Crisis case") ->
        OUT/canvas.csv           Canvas gradebook import (when the roster has Canvas columns)
        OUT/moodle.csv           Moodle grade import (when the roster has a Moodle identity column)
        OUT/lms_unmatched.csv    trainee_id, reason: everyone in neither file, or left out of one

The roster is a CSV file (UTF-8; a byte-order mark from a spreadsheet is fine)
that maps each trainee to the LMS, one trainee a row:

    trainee_id      required: the id in the answer files and the gradebook
    name            Canvas: the student's name as Canvas shows it       } both needed
    canvas_id       Canvas: the Canvas user id (digits)                 } for canvas.csv
    sis_user_id     Canvas, optional: SIS User ID
    sis_login_id    Canvas, optional: SIS Login ID
    section         Canvas, optional: the section name
    username        Moodle: the user field the import matches on; the first of
    idnumber        username, idnumber, email that the roster has is used,
    email           and moodle.csv is written only when it has one

A roster must have `trainee_id` and the columns of at least one LMS. A
trainee_id may appear once; trainee_id, canvas_id and the Moodle identity may
not be empty, nor be given twice to different trainees.

Each trainee's grade is the total score of the case; with several cases in the
gradebook there is one assignment per case, titled "<assignment> · <case_id>".
Answers still waiting for a person count 0 so far: Canvas gets the number (its
import file has no feedback column), Moodle gets it with "2 answers wait for
review" in the feedback column. One unknown user aborts a whole Moodle import,
so moodle.csv holds only trainees on the roster with a submission. Canvas rows
are written for the whole roster; an empty grade leaves Canvas unchanged.
Nobody is dropped silently: a trainee in the gradebook but not on the roster,
or on the roster with no submission, is a row of lms_unmatched.csv.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..csvfile import write_csv
from ..errors import DataFileError, Problem, RosterInvalid, SwtrainError

__all__ = ["LmsExport", "Roster", "RosterEntry", "RosterInvalid", "export_lms", "read_roster"]

MOODLE_FIELDS = ("username", "idnumber", "email")
CANVAS_FIELDS = ("name", "canvas_id")
NOT_ON_ROSTER = "in the gradebook but not on the roster"
NO_SUBMISSION = "on the roster but no submission"
POINTS_POSSIBLE = "    Points Possible"
_GRADEBOOK_COLUMNS = ("trainee_id", "case_id", "score", "max_score", "needs_review")


@dataclass(frozen=True)
class RosterEntry:
    """One trainee and who they are in the LMS ('' where the roster has no such column)."""

    trainee_id: str
    line: int
    name: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    moodle_user: str = ""


@dataclass(frozen=True)
class Roster:
    """The trainees of a roster file in its order, and which LMS columns it has."""

    path: Path
    entries: tuple[RosterEntry, ...]
    columns: tuple[str, ...]
    moodle_field: str | None

    @property
    def has_canvas(self) -> bool:
        return all(c in self.columns for c in CANVAS_FIELDS)


@dataclass(frozen=True)
class LmsExport:
    """What export_lms wrote: the files, rows in each, and who is in lms_unmatched.csv."""

    canvas: Path | None
    moodle: Path | None
    unmatched: Path
    canvas_rows: int
    moodle_rows: int
    waiting_for_review: int
    not_on_roster: list[str] = field(default_factory=list)
    no_submission: list[str] = field(default_factory=list)


def read_roster(path: Path) -> Roster:
    """Read and check a roster CSV; every problem found is in the one RosterInvalid raised."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = tuple((c or "").strip() for c in reader.fieldnames or ())
        rows = [(reader.line_num, row) for row in reader]
    _check_columns(path, columns)
    moodle_field = next((c for c in MOODLE_FIELDS if c in columns), None)
    has_canvas = all(c in columns for c in CANVAS_FIELDS)
    problems: list[Problem] = []
    entries: list[RosterEntry] = []
    first_line: dict[tuple[str, str], int] = {}

    def unique(column: str, value: str, line: int) -> None:
        if not value:
            problems.append(Problem(column, value, "a value (this column may not be empty)", line))
        elif (column, value) in first_line:
            expected = f"each {column} once (line {first_line[column, value]} has it too)"
            problems.append(Problem(column, value, expected, line))
        else:
            first_line[column, value] = line

    for line, raw in rows:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str | None)}
        if not any(row.values()):
            continue
        entry = RosterEntry(
            trainee_id=row["trainee_id"],
            line=line,
            name=row.get("name", ""),
            canvas_id=row.get("canvas_id", ""),
            sis_user_id=row.get("sis_user_id", ""),
            sis_login_id=row.get("sis_login_id", ""),
            section=row.get("section", ""),
            moodle_user=row.get(moodle_field, "") if moodle_field else "",
        )
        unique("trainee_id", entry.trainee_id, line)
        if has_canvas:
            unique("canvas_id", entry.canvas_id, line)
            if entry.canvas_id and not entry.canvas_id.isdigit():
                problems.append(Problem("canvas_id", entry.canvas_id, "a Canvas user id (digits only)", line))
        if moodle_field:
            unique(moodle_field, entry.moodle_user, line)
        entries.append(entry)
    if problems:
        raise RosterInvalid(path, problems)
    return Roster(path, tuple(entries), columns, moodle_field)


def _check_columns(path: Path, columns: Sequence[str]) -> None:
    shown = ", ".join(columns) or "no header"
    if "trainee_id" not in columns:
        raise RosterInvalid(path, [Problem("trainee_id", shown, "a column named trainee_id", 1)])
    for present, missing in (("name", "canvas_id"), ("canvas_id", "name")):
        if present in columns and missing not in columns:
            expected = f"a column named {missing} (Canvas needs both name and canvas_id)"
            raise RosterInvalid(path, [Problem(missing, shown, expected, 1)])
    if "name" not in columns and not any(c in columns for c in MOODLE_FIELDS):
        expected = "columns name and canvas_id (Canvas) or one of username, idnumber, email (Moodle)"
        raise RosterInvalid(path, [Problem("header", shown, expected, 1)])


@dataclass(frozen=True)
class _Result:
    score: float
    max_score: float
    needs_review: int


def _read_gradebook(path: Path) -> dict[str, dict[str, _Result]]:
    """trainee_id -> case_id -> result, from the gradebook.csv that `swtrain grade` writes."""
    if not path.is_file():
        raise SwtrainError(
            f"No gradebook at {path}.", "Run `swtrain grade SUBMISSIONS --out OUT` first; it writes OUT/gradebook.csv."
        )
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in _GRADEBOOK_COLUMNS if c not in columns]
        if missing:
            found = ", ".join(columns) or "no header"
            raise DataFileError(path, [Problem(missing[0], found, f"a column named {missing[0]}", 1)])
        results: dict[str, dict[str, _Result]] = {}
        for row in reader:
            try:
                result = _Result(float(row["score"]), float(row["max_score"]), int(row["needs_review"] or 0))
            except ValueError as exc:
                raise DataFileError(
                    path,
                    [
                        Problem(
                            "score",
                            row["score"],
                            f"numbers in score, max_score and needs_review ({exc})",
                            reader.line_num,
                        )
                    ],
                    "Make the gradebook anew with `swtrain grade`.",
                ) from None
            results.setdefault(row["trainee_id"], {})[row["case_id"]] = result
    return results


def export_lms(
    gradebook_csv: Path,
    roster: Roster,
    out_dir: Path,
    *,
    assignment: str,
    canvas_assignment_id: int | None = None,
) -> LmsExport:
    """Write canvas.csv, moodle.csv (each when the roster has its columns) and lms_unmatched.csv into out_dir."""
    results = _read_gradebook(gradebook_csv)
    cases = sorted({case for by_case in results.values() for case in by_case})
    if canvas_assignment_id is not None and len(cases) > 1:
        raise SwtrainError(
            f"A Canvas assignment id ({canvas_assignment_id}) names one assignment, "
            f"but {gradebook_csv} has {len(cases)} cases: {', '.join(cases)}.",
            "Leave out the Canvas id: each case's column is then matched to a Canvas assignment by its title.",
        )
    titles = {case: assignment if len(cases) == 1 else f"{assignment} · {case}" for case in cases}
    max_scores = {case: max(r[case].max_score for r in results.values() if case in r) for case in cases}
    on_roster = {e.trainee_id for e in roster.entries}
    not_on_roster = sorted(set(results) - on_roster)
    no_submission = [e.trainee_id for e in roster.entries if e.trainee_id not in results]
    submitted = [e for e in roster.entries if e.trainee_id in results]
    out_dir.mkdir(parents=True, exist_ok=True)

    canvas = None
    if roster.has_canvas:
        canvas = out_dir / "canvas.csv"
        _write(canvas, _canvas_rows(roster, results, cases, titles, max_scores, canvas_assignment_id))
    moodle = None
    if roster.moodle_field:
        moodle = out_dir / "moodle.csv"
        _write(moodle, _moodle_rows(roster.moodle_field, submitted, results, cases, titles))
    unmatched = out_dir / "lms_unmatched.csv"
    _write(
        unmatched,
        [
            ["trainee_id", "reason"],
            *([t, NOT_ON_ROSTER] for t in not_on_roster),
            *([t, NO_SUBMISSION] for t in no_submission),
        ],
    )
    waiting = sum(1 for e in submitted if any(r.needs_review for r in results[e.trainee_id].values()))
    return LmsExport(
        canvas=canvas,
        moodle=moodle,
        unmatched=unmatched,
        canvas_rows=len(roster.entries) if canvas else 0,
        moodle_rows=len(submitted) if moodle else 0,
        waiting_for_review=waiting,
        not_on_roster=not_on_roster,
        no_submission=no_submission,
    )


def _canvas_rows(
    roster: Roster,
    results: dict[str, dict[str, _Result]],
    cases: list[str],
    titles: dict[str, str],
    max_scores: dict[str, float],
    assignment_id: int | None,
) -> list[list[str]]:
    # Canvas reads SIS User ID only with SIS Login ID after it, and Section must be the last student column.
    sis = [c for c in ("sis_user_id", "sis_login_id") if c in roster.columns]
    if sis == ["sis_user_id"]:
        sis.append("sis_login_id")
    sis_headers = {"sis_user_id": "SIS User ID", "sis_login_id": "SIS Login ID"}
    assignments = [f"{titles[c]} ({assignment_id})" if assignment_id is not None else titles[c] for c in cases]
    rows = [
        ["Student", "ID", *(sis_headers[c] for c in sis), "Section", *assignments],
        [POINTS_POSSIBLE, "", *("" for _ in sis), "", *(_number(max_scores[c]) for c in cases)],
    ]
    for e in roster.entries:
        by_case = results.get(e.trainee_id, {})
        grades = [_number(by_case[c].score) if c in by_case else "" for c in cases]
        rows.append([e.name, e.canvas_id, *(getattr(e, c) for c in sis), e.section, *grades])
    return rows


def _moodle_rows(
    moodle_field: str,
    entries: list[RosterEntry],
    results: dict[str, dict[str, _Result]],
    cases: list[str],
    titles: dict[str, str],
) -> list[list[str]]:
    rows = [[moodle_field, *(h for c in cases for h in (titles[c], f"Feedback: {titles[c]}"))]]
    for e in entries:
        cells = [e.moodle_user]
        for case in cases:
            result = results[e.trainee_id].get(case)
            if result is None:
                cells += ["-", ""]  # '-' is "no grade" to Moodle's import
            else:
                cells += [f"{result.score:.2f}", _waiting(result.needs_review)]
        rows.append(cells)
    return rows


def _waiting(count: int) -> str:
    if not count:
        return ""
    return "1 answer waits for review" if count == 1 else f"{count} answers wait for review"


def _number(value: float) -> str:
    """A score as Canvas reads it: no exponent, no trailing zeros ('17', '3.5')."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _write(path: Path, rows: list[list[str]]) -> None:
    write_csv(path, None, rows)
