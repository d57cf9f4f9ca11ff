"""The numbers behind the cohort report, from OUT/gradebook.csv and OUT/summary.json: no drawing here.

    read_gradebook(OUT)                   the gradebook: ids as text, totals as numbers, exercise cells as written
    pending_answers(gradebook, case)      True where an answer waits for a person to score it
    marked_percent(gradebook, cases)      each row's percent of the points marked so far (pending left out)
    full_credit_shares(gradebook, case)   per exercise, the share with full credit among the answers marked
    difficulty_rows(gradebook, case)      (title, share, marked, pending) per exercise, hardest first
    competency_shares(gradebook, cases)   per CSWE competency, the mean share of the points marked
    score_points(gradebook, lang)         per graded file: case title, percent marked, whether answers wait
    file_counts(OUT)                      files read, graded, not graded, skipped

An answer waiting for a person is never counted as 0 (nor as full marks): it is left out of the
points earned and of the points possible until it is scored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from ..cases import load_case
from ..errors import SwtrainError, did_you_mean
from ..models import Case
from .gradebook import FIXED_COLUMNS

Source: TypeAlias = Path | str | pd.DataFrame


def read_gradebook(out: Path | str) -> pd.DataFrame:
    """OUT/gradebook.csv with ids as text, totals as numbers and exercise cells as written (a score or 'review')."""
    frame = pd.read_csv(Path(out) / "gradebook.csv", dtype=str, keep_default_na=False)
    for column in ("variant", "score", "max_score", "percent", "needs_review"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def gradebook_of(source: Source) -> pd.DataFrame:
    return source if isinstance(source, pd.DataFrame) else read_gradebook(source)


def chosen_cases(gradebook: pd.DataFrame, cases: str | Sequence[str] | None) -> list[str]:
    present = sorted(set(gradebook["case_id"]))
    if isinstance(cases, str):
        cases = [c.strip() for c in cases.split(",")]
    chosen = [c for c in cases or () if c] or present
    for case_id in chosen:
        if case_id not in present:
            known = ", ".join(present) or "none"
            hint = did_you_mean(case_id, present) or f"Cases in the gradebook: {known}."
            raise SwtrainError(f"{case_id!r} is not a case in the gradebook.", hint)
    return chosen


def _exercise_column(gradebook: pd.DataFrame, case_id: str, exercise_id: str) -> str | None:
    """The gradebook column of an exercise: 'case/exercise', or the bare id in a one-case gradebook."""
    for column in (f"{case_id}/{exercise_id}", exercise_id):
        if column in gradebook.columns and column not in FIXED_COLUMNS:
            return column
    return None


def score_table(gradebook: pd.DataFrame, case: Case) -> pd.DataFrame:
    """The case's rows, one column per exercise: the score, or NaN where a person has yet to score."""
    rows = gradebook[gradebook["case_id"] == case.id]
    scores = {}
    for exercise in case.exercises:
        column = _exercise_column(gradebook, case.id, exercise.id)
        cells = rows[column] if column else pd.Series("", index=rows.index)
        scores[exercise.id] = pd.to_numeric(cells.where(cells != "review"), errors="coerce")
    return pd.DataFrame(scores, index=rows.index)


def full_credit_shares(gradebook: pd.DataFrame, case: Case) -> pd.Series:
    """Per exercise id, the share of trainees with full credit among those scored (NaN: all wait for a person)."""
    scores = score_table(gradebook, case)
    shares = {}
    for exercise in case.exercises:
        scored = scores[exercise.id].dropna()
        shares[exercise.id] = float((scored >= exercise.points - 1e-9).mean()) if len(scored) else float("nan")
    return pd.Series(shares, dtype=float)


def competency_shares(gradebook: pd.DataFrame, cases: Mapping[str, Case]) -> pd.Series:
    """Per competency number, the mean over answer files of the share of points earned in that competency.

    Only scored exercises count: an answer waiting for a person is left out of both the points
    earned and the points possible, never counted as zero or full marks.
    """
    shares: dict[int, list[float]] = {}
    for case in cases.values():
        scores = score_table(gradebook, case)
        for _, row in scores.iterrows():
            earned: dict[int, float] = {}
            possible: dict[int, float] = {}
            for exercise in case.exercises:
                if pd.notna(row[exercise.id]):
                    earned[exercise.competency] = earned.get(exercise.competency, 0.0) + float(row[exercise.id])
                    possible[exercise.competency] = possible.get(exercise.competency, 0.0) + exercise.points
            for number, points in possible.items():
                shares.setdefault(number, []).append(earned[number] / points)
    return pd.Series({n: sum(v) / len(v) for n, v in sorted(shares.items())}, dtype=float)


def pending_answers(gradebook: pd.DataFrame, case: Case) -> pd.DataFrame:
    """The case's rows, one column per exercise: True where the answer waits for a person to score it."""
    rows = gradebook[gradebook["case_id"] == case.id]
    pending = {}
    for exercise in case.exercises:
        column = _exercise_column(gradebook, case.id, exercise.id)
        pending[exercise.id] = rows[column] == "review" if column else pd.Series(False, index=rows.index)
    return pd.DataFrame(pending, index=rows.index, dtype=bool)


def marked_percent(gradebook: pd.DataFrame, cases: Mapping[str, Case]) -> pd.Series:
    """Per gradebook row of `cases`, the percent of the points marked so far that the trainee earned.

    An answer pending review is left out of both the points earned and the points possible; a row
    with every answer pending has no percent (NaN). With nothing pending it is the gradebook's percent.
    """
    result = pd.Series(np.nan, index=gradebook.index, dtype=float)
    for case in cases.values():
        pending = pending_answers(gradebook, case)
        points = pd.Series({e.id: e.points for e in case.exercises}, dtype=float)
        pending_points = pending.astype(float).mul(points, axis=1).sum(axis=1)
        rows = gradebook.loc[pending.index]
        possible = rows["max_score"] - pending_points
        share = (rows["score"] / possible.where(possible > 0)) * 100
        result.loc[pending.index] = share
    return result


def load_cases(case_ids: Sequence[str], casedata: Path | None) -> dict[str, Case]:
    return {case_id: load_case(case_id, casedata) for case_id in case_ids}


def score_points(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> pd.DataFrame:
    """The score distribution's data: one row per graded file of the chosen cases, with the case's title,
    the percent of the points marked so far, and whether answers are pending review."""
    gradebook = gradebook_of(source)
    chosen = load_cases(chosen_cases(gradebook, cases), casedata)
    rows = gradebook[gradebook["case_id"].isin(list(chosen))]
    return pd.DataFrame(
        {
            "trainee_id": rows["trainee_id"],
            "case": rows["case_id"].map(lambda c: chosen[c].title.get(language)),
            "percent": marked_percent(rows, chosen),
            "pending": rows["needs_review"] > 0,
        }
    )


def difficulty_rows(gradebook: pd.DataFrame, case: Case, language: str) -> list[tuple[str, float, int, int]]:
    """(exercise title, share with full credit, trainees marked, answers pending) per exercise, hardest first:
    the lowest share first, then exercises with every answer pending review (no share: NaN)."""
    shares = full_credit_shares(gradebook, case)
    marked = score_table(gradebook, case).notna().sum()
    pending = pending_answers(gradebook, case).sum()
    rows = [(e.title.get(language), float(shares[e.id]), int(marked[e.id]), int(pending[e.id])) for e in case.exercises]
    return sorted(rows, key=lambda r: (np.isnan(r[1]), 0.0 if np.isnan(r[1]) else r[1]))


def file_counts(out: Path | str) -> dict[str, int]:
    """From OUT/summary.json: files read, graded, not graded, and folders skipped."""
    summary = json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))
    return {key: int(summary.get(key, 0)) for key in ("files", "graded", "not_graded", "skipped")}
