"""Grading a cohort: a batch where a third of the files are bad, from a folder and from a zip."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cli import SOME_FILES_NOT_GRADED, main
from swtrain.cohort import grade_cohort
from swtrain.grading import grade
from swtrain.models import Case, Key, Responses
from swtrain.store import FileStore, responses_json
from swtrain.variants import derive_variant

from .conftest import MINI_ROOT, answers

GOOD = {
    "t01": {"pick-one": "risk", "pick-many": ["a", "b"], "order": ["s1", "s2", "s3"], "total": 3},
    "t02": {"pick-one": "plan", "pick-many": ["a", "c"], "order": ["s2", "s1", "s3"]},
    "t03": {"sort": {"debt": "economy", "alone": "support"}, "plan": "Safety first, then the fund."},
    "t04": {},
    "t05": {"pick-one": "risk", "plan": "<script>alert('x')</script> 先确认安全"},  # escaped in every page
    "t06": {"pick-one": "close", "ghost-exercise": "x"},  # unknown exercise id: graded, warned
    "t07": {"pick-one": "no-such-option", "pick-many": ["a"]},  # option that does not exist: graded, warned
    "t08": {"pick-one": "close"},  # carries its own score and key: graded from the real key, warned
}
GRADED_WITH_WARNING = {"t06", "t07", "t08"}


def good_responses(trainee: str) -> Responses:
    return answers("mini", GOOD[trainee], trainee=trainee)  # the variant derived for the trainee


def write_batch(root: Path) -> dict[str, str]:
    """Eight good files and the bad ones of the issue; returns each bad file's path -> words its error must contain."""
    store = FileStore(root)
    for trainee in GOOD:
        store.save(good_responses(trainee))
    carried = json.loads(responses_json(good_responses("t08")))
    carried.update({"score": 100, "max_score": 100, "key": {"pick-one": "close"}})
    (root / "t08" / "mini.json").write_text(json.dumps(carried), encoding="utf-8")

    def bad(path: str, content: bytes | str) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())

    good_text = responses_json(answers("mini", {}, trainee="b05"))
    bad("b01/mini.json", '{"schema_version": 1, "answers": {')
    bad("b02/mini.json", "")
    bad("b03/mini.json", bytes(range(256)) * 4)
    bad("b04/mini.json", b"")
    os.truncate(root / "b04" / "mini.json", 50 * 1024 * 1024)  # a 50 MB file (sparse, so the test stays quick)
    bad("b05/mini.json", good_text.replace('"schema_version": 1', '"schema_version": 9'))
    bad("b06/child-crisis.json", responses_json(answers("child-crisis", {}, trainee="b06")))
    bad("b07/mini.json", responses_json(answers("mini", {}, trainee="someone-else")))
    return {
        "b01/mini.json": "not valid JSON",
        "b02/mini.json": "found 'an empty file'",
        "b03/mini.json": "not valid JSON",
        "b04/mini.json": "the file is 52,428,800 bytes; an answer file is at most 5,242,880 bytes",
        "b05/mini.json": "schema_version: found 9, expected 1",
        "b06/child-crisis.json": "'child-crisis' is not a known case",
        "b07/mini.json": "the folder 'b07' holds answers of trainee 'someone-else'",
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def all_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def check_outputs(out: Path, mini_case: Case, mini_key: Key, bad: dict[str, str], prefix: str = "") -> None:
    rows = {r["trainee_id"]: r for r in read_csv(out / "gradebook.csv")}
    assert set(rows) == set(GOOD)
    for trainee in GOOD:
        expected = grade(mini_case, mini_key, good_responses(trainee))
        assert float(rows[trainee]["score"]) == pytest.approx(expected.score, abs=0.01)
        assert int(rows[trainee]["needs_review"]) == expected.needs_review
        assert rows[trainee]["variant"] == str(derive_variant(trainee, "mini"))
    assert rows["t08"]["score"] == "0" and rows["t08"]["pick-one"] == "0"  # its own "score": 100 counts for nothing
    assert rows["t01"]["pick-one"] == "2" and rows["t03"]["plan"] == "review"
    assert list(rows["t01"])[:8] == [
        "trainee_id",
        "case_id",
        "variant",
        "language",
        "score",
        "max_score",
        "percent",
        "needs_review",
    ]

    problems = read_csv(out / "problems.csv")
    not_graded = {p["path"].removeprefix(prefix): p for p in problems if p["graded"] == "no"}
    for path, words in bad.items():
        assert words in not_graded[path]["error"], path
        assert not_graded[path]["hint"], path
    warned = {p["path"].split("/")[-2]: p["error"] for p in problems if p["graded"] == "yes"}
    assert set(warned) == GRADED_WITH_WARNING
    assert "ghost-exercise" in warned["t06"]
    assert "'no-such-option' is not an option of this exercise." in warned["t07"]
    assert "'score', 'max_score', 'key'" in warned["t08"]

    pages = sorted((out / "feedback").rglob("*.html"))
    assert [p.parent.name for p in pages] == sorted(GOOD)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html
    t05 = (out / "feedback" / "t05" / "mini.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; 先确认安全" in t05

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["graded"] == len(GOOD) and summary["not_graded"] == len(bad)
    assert summary["per_case"] == {"mini": len(GOOD)} and summary["versions"]["swtrain"]


def test_a_folder_where_a_third_of_the_files_are_bad(tmp_path: Path, mini_case: Case, mini_key: Key) -> None:
    source = tmp_path / "submissions"
    bad = write_batch(source)
    before = all_files(tmp_path)
    result = grade_cohort(source, tmp_path / "out", casedata=MINI_ROOT)
    assert result.graded == len(GOOD) and result.not_graded == len(bad)
    check_outputs(tmp_path / "out", mini_case, mini_key, bad)
    assert {p for p in all_files(tmp_path) - before if not p.is_relative_to(tmp_path / "out")} == set()


def test_a_zip_with_entries_that_escape_or_name_bad_folders(tmp_path: Path, mini_case: Case, mini_key: Key) -> None:
    source = tmp_path / "submissions"
    bad = write_batch(source)
    archive = tmp_path / "cohort.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(all_files(source)):
            zf.write(path, f"submissions/{path.relative_to(source)}")
        zf.writestr("../../escape/mini.json", responses_json(answers("mini", {}, trainee="escape")))
        zf.writestr("/etc/mini.json", "{}")
        zf.writestr("submissions/a\\b/mini.json", responses_json(answers("mini", {}, trainee="ab")))
        zf.writestr("submissions/../up/mini.json", "{}")
    bad.update(
        {
            "../../escape/mini.json": "the entry points outside the archive",
            "/etc/mini.json": "the entry points outside the archive",
            "submissions/a\\b/mini.json": "the entry points outside the archive",
            "submissions/../up/mini.json": "the entry points outside the archive",
        }
    )
    zip_bad = {(k if k.startswith(("..", "/", "submissions/")) else f"submissions/{k}"): v for k, v in bad.items()}
    before = all_files(tmp_path)
    result = grade_cohort(archive, tmp_path / "out", casedata=MINI_ROOT)
    assert result.graded == len(GOOD) and result.not_graded == len(bad)
    check_outputs(tmp_path / "out", mini_case, mini_key, zip_bad, prefix="cohort.zip:")
    assert {p for p in all_files(tmp_path) - before if not p.is_relative_to(tmp_path / "out")} == set()
    assert not (tmp_path / "escape").exists() and not (tmp_path.parent / "escape").exists()


def test_a_flat_folder_and_a_duplicate(tmp_path: Path) -> None:
    source = tmp_path / "flat"
    source.mkdir()
    for name, trainee in [("a.json", "t01"), ("b.json", "t02"), ("c.json", "t01")]:
        (source / name).write_text(responses_json(good_responses(trainee)), encoding="utf-8")
    result = grade_cohort(source, tmp_path / "out", casedata=MINI_ROOT)
    assert result.graded == 2
    assert [p.error for p in result.problems] == [
        "a second answer file of trainee 't01' for case 'mini' (the first was a.json)"
    ]


def test_the_command_grades_a_demo_cohort_and_says_by_exit_code_that_some_files_were_bad(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(
        main,
        [
            "demo-cohort",
            "--case",
            "child-in-crisis",
            "--n",
            "40",
            "--seed",
            "3",
            "--bad",
            "4",
            "--out",
            str(tmp_path / "subs"),
        ],
        catch_exceptions=False,
    )
    assert made.exit_code == 0 and "Wrote 36 answer files and 4 deliberately bad ones" in made.output
    result = runner.invoke(
        main, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == SOME_FILES_NOT_GRADED
    # One of the four bad kinds (an option that does not exist) is graded, with a warning.
    assert "Graded 37 of 40 files" in result.output and "3 files not graded" in result.output
    assert len(read_csv(tmp_path / "out" / "gradebook.csv")) == 37
    assert [p["graded"] for p in read_csv(tmp_path / "out" / "problems.csv")].count("yes") == 1
    languages = {r["language"] for r in read_csv(tmp_path / "out" / "gradebook.csv")}
    assert languages == {"en", "zh"}
    assert "--no-progress" not in result.output and "grading:" not in result.output  # no bar when not a terminal


def test_all_graded_exits_zero(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(
        main,
        ["demo-cohort", "--case", "child-in-crisis", "--n", "5", "--bad", "0", "--out", str(tmp_path / "subs")],
        catch_exceptions=False,
    )
    result = runner.invoke(
        main, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")], catch_exceptions=False
    )
    assert result.exit_code == 0 and "Graded 5 of 5 files" in result.output
    assert "Exit codes: 0 every file was graded; 3 some files could not be graded" in " ".join(
        runner.invoke(main, ["grade", "--help"]).output.split()
    )


def test_demo_cohort_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    from swtrain.demo import write_demo_cohort

    write_demo_cohort("child-in-crisis", 12, 7, tmp_path / "a")
    write_demo_cohort("child-in-crisis", 12, 7, tmp_path / "b")
    for path in sorted((tmp_path / "a").rglob("*.json")):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    assert os.listdir(tmp_path / "a")


def test_worker_processes_give_the_same_outputs_as_one(tmp_path: Path) -> None:
    from swtrain.demo import write_demo_cohort

    write_demo_cohort("child-in-crisis", 450, 5, tmp_path / "subs")  # more than two chunks of 200
    one = grade_cohort(tmp_path / "subs", tmp_path / "one", workers=1)
    two = grade_cohort(tmp_path / "subs", tmp_path / "two", workers=2)
    assert (one.graded, one.not_graded) == (two.graded, two.not_graded) and one.graded > 400
    for name in ("gradebook.csv", "problems.csv", "review_notes.csv", "item_analysis.csv", "item_analysis.html"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    pages = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one" / "feedback").rglob("*.html"))
    assert len(pages) == one.graded
    assert all((tmp_path / "one" / p).read_bytes() == (tmp_path / "two" / p).read_bytes() for p in pages)


def test_an_edited_variant_is_graded_with_the_derived_one_and_listed(tmp_path: Path) -> None:
    # mini's 'total' adds the figures the variant was given: variant 0 is given 1 and 2, variant 1 is given 3 and 4
    trainee = next(t for t in (f"t{n:03d}" for n in range(100)) if derive_variant(t, "mini") % 2 == 0)
    edited = answers("mini", {"total": 7}, trainee=trainee, variant=derive_variant(trainee, "mini") + 1)
    FileStore(tmp_path / "subs").save(edited)  # 7 is right only for the variant it was edited to
    result = grade_cohort(tmp_path / "subs", tmp_path / "out", casedata=MINI_ROOT)
    rows = {r["trainee_id"]: r for r in read_csv(tmp_path / "out" / "gradebook.csv")}
    assert rows[trainee]["total"] == "0" and rows[trainee]["variant"] == str(derive_variant(trainee, "mini"))
    assert [p.graded for p in result.problems] == [True] and "graded with" in result.problems[0].error
    trusted = grade_cohort(tmp_path / "subs", tmp_path / "out2", casedata=MINI_ROOT, derive_variants=False)
    assert trusted.problems == [] and read_csv(tmp_path / "out2" / "gradebook.csv")[0]["total"] == "1"


def test_one_file_handed_in_by_two_trainees_is_listed_for_both(tmp_path: Path) -> None:
    mine = answers("mini", {"pick-one": "risk", "plan": "My own plan, written tonight."}, trainee="t001")
    copied = mine.model_copy(update={"trainee_id": "t002", "variant": derive_variant("t002", "mini")})
    store = FileStore(tmp_path / "subs")
    store.save(mine)
    store.save(copied)
    store.save(answers("mini", {"pick-one": "risk"}, trainee="t003"))  # the same answer at another time: fine
    result = grade_cohort(tmp_path / "subs", tmp_path / "out", casedata=MINI_ROOT)
    listed = {p.path: p.error for p in result.problems}
    assert listed == {
        "t002/mini.json": "the same answers, at the same times, as the file of trainee 't001'",
        "t001/mini.json": "the same answers, at the same times, as the file of trainee 't002'",
    }
    assert result.graded == 3 and result.not_graded == 0
