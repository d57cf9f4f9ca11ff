"""LMS grade export: a gradebook from the real grader, rosters from tests/data/rosters, Canvas and Moodle files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cli import main
from swtrain.cohort import grade_cohort
from swtrain.errors import DataFileError, SwtrainError
from swtrain.reports.lms import RosterInvalid, export_lms, read_roster
from swtrain.store import FileStore
from swtrain.variants import derive_variant

from .conftest import MINI_ROOT, TESTS, answers

ROSTERS = TESTS / "data" / "rosters"
BOTH = ROSTERS / "valid-canvas-and-moodle.csv"

# t01 scores 10 of 19; t02 0; t03 2 with its free-text plan waiting for a person; x09 is on no roster.
COHORT = {
    "t01": {"pick-one": "risk", "pick-many": ["a", "b"], "order": ["s1", "s2", "s3"], "total": "right"},
    "t02": {"pick-one": "plan", "pick-many": ["a", "c"]},
    "t03": {"sort": {"debt": "economy", "alone": "support"}, "plan": "Safety first, then the fund."},
    "x09": {"pick-one": "risk"},
}


def graded(tmp_path: Path, cases: dict[str, dict[str, dict[str, object]]], casedata: Path = MINI_ROOT) -> Path:
    """Grade {case_id: {trainee: answers}} with the real grader; returns the OUT folder holding gradebook.csv."""
    store = FileStore(tmp_path / "subs")
    for case_id, cohort in cases.items():
        for trainee, values in cohort.items():
            if values.get("total") == "right":  # mini gives variant 0 the figures 1 and 2, variant 1 3 and 4
                values = {**values, "total": 3 if derive_variant(trainee, case_id) % 2 == 0 else 7}
            store.save(answers(case_id, values, trainee=trainee))
    out = tmp_path / "out"
    result = grade_cohort(tmp_path / "subs", out, casedata=casedata, workers=1)
    assert result.not_graded == 0
    return out


def text(path: Path) -> str:
    """A written CSV exactly as bytes, decoded: csv writes CRLF line ends."""
    return path.read_bytes().decode("utf-8")


def test_canvas_file_has_the_import_header_points_possible_and_every_roster_entry(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    done = export_lms(
        out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis case", canvas_assignment_id=12345
    )
    assert done.canvas == out / "canvas.csv" and done.canvas_rows == 4
    assert text(out / "canvas.csv") == (
        "Student,ID,SIS User ID,SIS Login ID,Section,Crisis case (12345)\r\n"
        "    Points Possible,,,,,19\r\n"
        '"Smith, Ann",123456,S-1,asmith,Period 2,10\r\n'
        "Bo Li,123457,S-2,boli,Period 2,0\r\n"
        "Chen Mei 陈梅,123458,S-3,cmei,Period 3,2\r\n"
        "Dana Roe,123459,S-4,droe,Period 3,\r\n"  # no submission: an empty grade leaves Canvas unchanged
    )


def test_canvas_without_an_assignment_id_uses_the_bare_title(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    export_lms(out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis case")
    assert text(out / "canvas.csv").split("\r\n")[0] == "Student,ID,SIS User ID,SIS Login ID,Section,Crisis case"


def test_moodle_file_has_only_mapped_trainees_two_decimals_and_review_feedback(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    done = export_lms(out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis case")
    assert done.moodle_rows == 3 and done.waiting_for_review == 1
    assert text(out / "moodle.csv") == (
        "username,Crisis case,Feedback: Crisis case\r\n"
        "asmith,10.00,\r\n"
        "boli,0.00,\r\n"
        "cmei,2.00,1 answer waits for review\r\n"
    )


def test_nobody_is_dropped_unmatched_lists_both_directions(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    done = export_lms(out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis case")
    assert done.not_on_roster == ["x09"] and done.no_submission == ["r04"]
    assert text(out / "lms_unmatched.csv") == (
        "trainee_id,reason\r\nx09,in the gradebook but not on the roster\r\nr04,on the roster but no submission\r\n"
    )
    assert "x09" not in text(out / "canvas.csv") + text(out / "moodle.csv")
    assert "droe" not in text(out / "moodle.csv")  # Moodle aborts on a row it cannot use: no submission, no row


def test_a_moodle_only_roster_uses_email_and_writes_no_canvas_file(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    roster = read_roster(ROSTERS / "valid-moodle-only-email.csv")  # starts with a byte-order mark
    assert roster.moodle_field == "email" and [e.trainee_id for e in roster.entries] == ["t01", "t03"]
    done = export_lms(out / "gradebook.csv", roster, out, assignment="Crisis case")
    assert done.canvas is None and not (out / "canvas.csv").exists() and done.canvas_rows == 0
    assert text(out / "moodle.csv") == (
        "email,Crisis case,Feedback: Crisis case\r\n"
        "ann@example.edu,10.00,\r\n"
        "mei@example.edu,2.00,1 answer waits for review\r\n"
    )
    assert done.not_on_roster == ["t02", "x09"] and done.no_submission == []


def test_several_cases_give_one_assignment_per_case(tmp_path: Path) -> None:
    casedata = tmp_path / "casedata"
    shutil.copytree(MINI_ROOT, casedata)
    shutil.copytree(casedata / "mini", casedata / "mini2")
    for name in ("case.yaml", "key.yaml"):
        path = casedata / "mini2" / name
        path.write_text(re.sub(r"^(id|case): mini$", r"\1: mini2", path.read_text("utf-8"), flags=re.M), "utf-8")
    # t01 answered both cases, t03 only the second: Canvas leaves t03's first grade empty, Moodle writes '-'.
    out = graded(
        tmp_path,
        {"mini": {"t01": COHORT["t01"]}, "mini2": {"t01": COHORT["t02"], "t03": COHORT["t03"]}},
        casedata,
    )
    done = export_lms(out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis")
    canvas = text(out / "canvas.csv").split("\r\n")
    assert canvas[:3] == [
        "Student,ID,SIS User ID,SIS Login ID,Section,Crisis · mini,Crisis · mini2",
        "    Points Possible,,,,,19,19",
        '"Smith, Ann",123456,S-1,asmith,Period 2,10,0',
    ]
    assert canvas[4] == "Chen Mei 陈梅,123458,S-3,cmei,Period 3,,2"
    assert text(out / "moodle.csv") == (
        "username,Crisis · mini,Feedback: Crisis · mini,Crisis · mini2,Feedback: Crisis · mini2\r\n"
        "asmith,10.00,,0.00,\r\n"
        "cmei,-,,2.00,1 answer waits for review\r\n"
    )
    assert done.no_submission == ["t02", "r04"] and done.not_on_roster == []
    with pytest.raises(SwtrainError, match=r"names one assignment, but .*gradebook.csv has 2 cases: mini, mini2"):
        export_lms(out / "gradebook.csv", read_roster(BOTH), out, assignment="Crisis", canvas_assignment_id=9)


INVALID = {
    "invalid-missing-trainee_id.csv": [
        ":1: trainee_id: found 'trainee, name, canvas_id', expected a column named trainee_id"
    ],
    "invalid-duplicate-trainee_id.csv": [
        ":4: trainee_id: found 't01', expected each trainee_id once (line 2 has it too)"
    ],
    "invalid-empty-ids.csv": [
        ":3: trainee_id: found '', expected a value (this column may not be empty)",
        ":4: canvas_id: found '', expected a value (this column may not be empty)",
    ],
    "invalid-canvas_id-without-name.csv": [
        ":1: name: found 'trainee_id, canvas_id, username', expected a column named name"
    ],
    "invalid-no-lms-columns.csv": [
        ":1: header: found 'trainee_id, section', expected columns name and canvas_id (Canvas) "
        "or one of username, idnumber, email (Moodle)"
    ],
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_an_invalid_roster_names_file_line_column_and_what_was_expected(name: str) -> None:
    path = ROSTERS / name
    with pytest.raises(RosterInvalid) as caught:
        read_roster(path)
    message = str(caught.value)
    assert message.startswith("Invalid roster:")
    for detail in INVALID[name]:
        assert f"{path}{detail}" in message
    assert len(caught.value.problems) == len(INVALID[name])
    assert "Hint: A roster needs a trainee_id column" in message


def test_every_invalid_roster_fixture_is_checked() -> None:
    assert sorted(p.name for p in ROSTERS.glob("invalid-*.csv")) == sorted(INVALID)


def test_a_missing_gradebook_says_to_grade_first(tmp_path: Path) -> None:
    with pytest.raises(SwtrainError, match=r"No gradebook at .*Run `swtrain grade SUBMISSIONS --out OUT` first"):
        export_lms(tmp_path / "gradebook.csv", read_roster(BOTH), tmp_path, assignment="Crisis case")


def test_a_gradebook_without_its_columns_is_a_data_file_error(tmp_path: Path) -> None:
    (tmp_path / "gradebook.csv").write_text("trainee_id,case_id\nt01,mini\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"gradebook.csv:1: score: found 'trainee_id, case_id', expected a column"):
        export_lms(tmp_path / "gradebook.csv", read_roster(BOTH), tmp_path, assignment="Crisis case")


def test_the_command_writes_the_three_files_and_prints_counts(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    result = CliRunner().invoke(
        main,
        ["export-lms", str(out), "--roster", str(BOTH), "--assignment", "Crisis case", "--canvas-id", "12345"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    assert "Canvas: 4 rows; Moodle: 3 rows; 1 wait for review" in result.output
    assert f"Not on the roster: 1; no submission: 1 (see {out / 'lms_unmatched.csv'})" in result.output
    assert text(out / "canvas.csv").startswith("Student,ID,SIS User ID,SIS Login ID,Section,Crisis case (12345)\r\n")
    assert text(out / "moodle.csv").startswith("username,Crisis case,Feedback: Crisis case\r\n")


def test_the_command_turns_a_bad_roster_into_an_error_message(tmp_path: Path) -> None:
    out = graded(tmp_path, {"mini": COHORT})
    bad = ROSTERS / "invalid-duplicate-trainee_id.csv"
    result = CliRunner().invoke(
        main, ["export-lms", str(out), "--roster", str(bad), "--assignment", "Crisis case"], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert f"{bad}:4: trainee_id: found 't01', expected each trainee_id once" in result.output
    assert not (out / "canvas.csv").exists()


def test_the_command_help_explains_the_roster_columns() -> None:
    result = CliRunner().invoke(main, ["export-lms", "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for words in ("trainee_id", "name, canvas_id", "sis_user_id", "username|idnumber|email", "--canvas-id"):
        assert words in result.output
