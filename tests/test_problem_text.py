"""Each kind of line the grader writes to problems.csv reads in the report's language, names no exercise id, and
says what to do; a line no rule knows is shown as written."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from swtrain.cases import load_case
from swtrain.cohort import grade_cohort
from swtrain.demo import write_demo_cohort
from swtrain.reports.problem_text import UNREADABLE, problem_in

CASE = "child-in-crisis"
# A run of three Latin words: an English sentence, or part of one, in a Chinese text (a case id, a file name or
# an option of the command line is a name, and may stay).
LATIN_RUN = re.compile(r"[A-Za-z]+(?:[\s,.;:'()]+[A-Za-z]+){2,}")


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    """problems.csv of a cohort with every kind of file the grader lists."""
    root = tmp_path_factory.mktemp("faults")
    subs = root / "subs"
    write_demo_cohort(CASE, 8, 2, subs, bad=4)  # broken JSON, an unknown case, a newer format, an unknown option
    good = sorted(p for p in subs.glob(f"*/{CASE}.json") if _readable(p))
    (subs / "t900").mkdir()
    shutil.copy(good[0], subs / "t900" / f"{CASE}.json")  # another trainee's answers in this folder
    edited = {**json.loads(good[1].read_text(encoding="utf-8")), "score": 100}  # a score grading ignores
    edited["variant"] += 1  # and a variant the trainee does not have
    good[1].write_text(json.dumps(edited), encoding="utf-8")
    unknown = json.loads(good[2].read_text(encoding="utf-8"))
    unknown["answers"]["no-such-exercise"] = next(iter(unknown["answers"].values()))
    good[2].write_text(json.dumps(unknown), encoding="utf-8")
    (subs / "t001" / "deeper").mkdir()
    (subs / "t001" / "deeper" / f"{CASE}.json").write_text("{}", encoding="utf-8")  # nested too deep
    (subs / "t002" / "folder.json").mkdir()  # a folder named like an answer file
    (subs / ".hidden").mkdir()
    os.symlink(good[3], subs / "t003" / "link.json")
    (subs / "t004" / "empty.json").write_text("", encoding="utf-8")
    grade_cohort(subs, root / "out", workers=1)
    with (root / "out" / "problems.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _readable(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return False
    first = next(iter(data["answers"].values()), {})
    return data["schema_version"] == 1 and first.get("value") != "no-such-option"


def test_the_cohort_has_every_kind_of_problem(problems: list[dict[str, str]]) -> None:
    errors = " | ".join(row["error"] for row in problems)
    for kind in (
        "not valid JSON",
        "is not a known case",
        "schema_version: found 99",
        "'no-such-option'",
        "holds answers of trainee",
        "says variant",
        "which grading ignores",
        "exercises the case does not have",
        "nested deeper",
        "a folder named like an answer file",
        "a hidden folder",
        "a symbolic link",
        "an empty file",
    ):
        assert kind in errors, f"no {kind!r} line to translate"


def test_every_problem_reads_in_chinese_with_what_to_do(problems: list[dict[str, str]]) -> None:
    for row in problems:
        problem, hint = problem_in("zh", row["error"], row["hint"], row["path"])
        for text in (problem, hint):
            assert not LATIN_RUN.search(text.replace("--variants saved", "")), f"English left in {text!r}"
            assert text.endswith(("。", "？", "）")), f"not a finished sentence: {text!r}"


def test_in_english_an_exercise_is_named_by_its_title_not_its_id(problems: list[dict[str, str]]) -> None:
    invalid = next(row for row in problems if "'no-such-option'" in row["error"])
    exercise_id = re.search(r"exercise '([^']+)'", invalid["error"]).group(1)  # type: ignore[union-attr]
    problem, hint = problem_in("en", invalid["error"], invalid["hint"], invalid["path"])
    title = load_case(CASE).exercise(exercise_id).title.en
    assert problem == f"The answer to “{title}” does not fit the exercise (for example, an option it does not have)."
    assert exercise_id not in problem and hint == "That answer scored 0; the rest of the file was graded."
    zh, _ = problem_in("zh", invalid["error"], invalid["hint"], invalid["path"])
    assert load_case(CASE).exercise(exercise_id).title.zh in zh


def test_a_newer_format_says_to_upgrade_and_an_unknown_case_suggests_the_near_one(
    problems: list[dict[str, str]],
) -> None:
    newer = next(row for row in problems if "found 99" in row["error"])
    assert problem_in("zh", newer["error"], newer["hint"]) == (
        "该文件由较新版本的 swtrain 保存（文件格式 99；当前 swtrain 读取格式 1）。",
        "请升级 swtrain，然后重新评分。",
    )
    unknown = next(row for row in problems if "is not a known case" in row["error"])
    problem, hint = problem_in("zh", unknown["error"], unknown["hint"])
    assert problem == "该文件所属的案例 child-crisis 不在案例文件夹中。"
    assert hint == "是否指 child-in-crisis？该文件未评分：请核对它属于哪个案例。"


def test_a_line_no_rule_knows_is_shown_as_written() -> None:
    assert problem_in("zh", "something new went wrong", "Try again.") == ("something new went wrong", "Try again.")


@pytest.mark.parametrize(
    "error",
    [
        *UNREADABLE,
        "it cannot be read: Input/output error",
        "the archive cannot be read: File is not a zip file",
        "the entry is damaged (Bad magic number for file header)",
        "the file is 6,000,000 bytes; an answer file is at most 5,242,880 bytes",
        "Invalid review file reviews/ann.json: found 'Expecting value: line 1', expected a JSON object",
        "Trainee id '=cmd' starts with '='; expected a plain name such as 't001' or 'wang.li'.",
        "a second answer file of trainee 't001' for case 'child-in-crisis' (the first was t001/a.json)",
        "the same answers, at the same times, as the file of trainee 't002'",
    ],
)
def test_what_the_grader_cannot_read_reads_in_chinese(error: str) -> None:
    problem, hint = problem_in("zh", error, "An English hint.")
    assert problem != error and hint != "An English hint."
    assert not LATIN_RUN.search(problem + hint), f"English left in {problem!r} {hint!r}"
