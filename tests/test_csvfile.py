"""No CSV swtrain writes holds a cell a spreadsheet would run as a formula (OWASP), file by file."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from swtrain.cohort import grade_cohort
from swtrain.collect import collect
from swtrain.csvfile import safe_cell, write_csv
from swtrain.errors import InvalidTraineeId
from swtrain.feedback_notebooks import feedback_notebooks
from swtrain.reports.cohort_files import PathRow, write_review_notes, write_scenario_paths
from swtrain.reports.gradebook import write_gradebook
from swtrain.reports.lms import export_lms, read_roster
from swtrain.store import FileStore, check_trainee_id

from .conftest import MINI_ROOT, answers

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(1+2)", "\t=1", "\r=1"]


def cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def runnable(path: Path) -> list[str]:
    """Cells of `path` that a spreadsheet would read as a formula."""
    return [c for c in cells(path) if c.startswith(("=", "+", "-", "@", "\t", "\r")) and len(c) > 1 and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_cell_is_kept_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["-1.5", "+3", "17", "-", "", "t001", "Smith, Ann", "陈梅"])
def test_numbers_a_lone_dash_and_plain_text_are_left_alone(text: str) -> None:
    assert safe_cell(text) == text


def test_a_file_name_that_is_not_utf8_is_written_not_refused(tmp_path: Path) -> None:
    name = os.fsdecode(b"t01/\xff\xfe.json")
    write_csv(tmp_path / "x.csv", ["path"], [[name]])
    assert cells(tmp_path / "x.csv") == ["path", "t01/\\udcff\\udcfe.json"]


@pytest.mark.parametrize("text", HOSTILE)
def test_ids_cannot_start_a_formula_at_the_source(text: str) -> None:
    with pytest.raises(InvalidTraineeId):
        check_trainee_id(text)


def test_gradebook(tmp_path: Path) -> None:
    rows = [{"trainee_id": t, "case_id": "mini", "score": "-1"} for t in HOSTILE]
    write_gradebook(tmp_path / "gradebook.csv", rows, ["mini/=cmd()"])
    assert runnable(tmp_path / "gradebook.csv") == []
    assert "'+1+2" in cells(tmp_path / "gradebook.csv") and "-1" in cells(tmp_path / "gradebook.csv")


def test_problems_of_a_cohort(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    for text in ("=HYPERLINK(1)", "+1+2", "@SUM(1+2)"):
        (subs / f"{text}.json").write_text("{broken", encoding="utf-8")
    FileStore(subs).save(answers("mini", {"pick-one": "risk"}, trainee="t01"))
    grade_cohort(subs, tmp_path / "out", casedata=MINI_ROOT, workers=1)
    found = cells(tmp_path / "out" / "problems.csv")
    assert "'=HYPERLINK(1).json" in found and "'@SUM(1+2).json" in found
    assert runnable(tmp_path / "out" / "problems.csv") == []


def test_review_notes_and_scenario_paths(tmp_path: Path) -> None:
    write_review_notes(tmp_path / "review_notes.csv", [(t, "mini", t) for t in HOSTILE])
    write_scenario_paths(tmp_path / "scenario_paths.csv", [PathRow(t, "mini", "walk", t, "partial") for t in HOSTILE])
    assert runnable(tmp_path / "review_notes.csv") == [] and runnable(tmp_path / "scenario_paths.csv") == []


def test_lms_exports(tmp_path: Path) -> None:
    FileStore(tmp_path / "subs").save(answers("mini", {"pick-one": "risk"}, trainee="t01"))
    grade_cohort(tmp_path / "subs", tmp_path / "out", casedata=MINI_ROOT, workers=1)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        'trainee_id,name,canvas_id,username\nt01,"=HYPERLINK(""http://x"")",1,@admin\n+1+2,-2+3,2,=cmd\n',
        encoding="utf-8",
    )
    export_lms(tmp_path / "out" / "gradebook.csv", read_roster(roster), tmp_path / "out", assignment="=A1")
    for name in ("canvas.csv", "moodle.csv", "lms_unmatched.csv"):
        assert runnable(tmp_path / "out" / name) == [], name
    assert "'@admin" in cells(tmp_path / "out" / "moodle.csv")


def test_collect_problems(tmp_path: Path) -> None:
    homes = tmp_path / "homes"
    (homes / "@SUM(1+2)").mkdir(parents=True)
    (homes / "t01" / "course" / "notebooks" / "responses" / "t01").mkdir(parents=True)
    (homes / "t01" / "course" / "notebooks" / "responses" / "t01" / "=x.json").write_text("{}", encoding="utf-8")
    collect(homes, tmp_path / "out")
    path = tmp_path / "out" / "collect_problems.csv"
    assert "'@SUM(1+2)" in cells(path) and runnable(path) == []


def test_notebook_problems(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "=cmd().json").write_text("{broken", encoding="utf-8")
    feedback_notebooks(subs, tmp_path / "out", workers=1)
    path = tmp_path / "out" / "notebook_problems.csv"
    assert "'=cmd().json" in cells(path) and runnable(path) == []
