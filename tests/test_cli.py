"""The command line, through click's CliRunner, with data set up through the API."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from swtrain.cli import main
from swtrain.store import FileStore

from .conftest import answers


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_command_has_help_text() -> None:
    for name, command in main.commands.items():
        assert command.help and len(command.help) > 20, name
        assert run(name, "--help").exit_code == 0


def test_schema_to_stdout_and_file(tmp_path: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert "exercises" in json.loads(result.output)["properties"]
    out = tmp_path / "key.schema.json"
    assert run("schema", "--kind", "key", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["properties"]["case"]


def test_cases_lists_the_shipped_case() -> None:
    result = run("cases")
    assert "child-in-crisis\tcrisis-intervention\t" in result.output
    assert "异地就医" in result.output


def test_grade_file_prints_scores(tmp_path: Path) -> None:
    FileStore(tmp_path).save(
        answers("child-in-crisis", {"first-priority": "lethality", "action-plan": "A plan."}, language="zh")
    )
    result = run("grade-file", str(tmp_path / "t001" / "child-in-crisis.json"))
    assert result.exit_code == 0
    assert "action-plan\tneeds a person/9\tneeds_review" in result.output
    assert "needs review: 1" in result.output


def test_grade_file_with_bad_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(main, ["grade-file", str(path)])
    assert result.exit_code == 1
    assert "Error: Invalid answer file:" in result.output
    assert "broken.json: found" in result.output and "not valid JSON" in result.output


def test_grade_file_with_unknown_case(tmp_path: Path) -> None:
    FileStore(tmp_path).save(answers("child-crisis", {}))
    result = CliRunner().invoke(main, ["grade-file", str(tmp_path / "t001" / "child-crisis.json")])
    assert result.exit_code == 1
    assert "Did you mean 'child-in-crisis'?" in result.output


def test_lab_builds_a_loopback_jupyterlab_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    seen: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda path, argv: seen.append(argv))
    assert run("lab", "--port", "9999", "--no-browser", "--ServerApp.open_browser=False").exit_code == 0
    argv = seen[0]
    assert argv[1:3] == ["-m", "jupyterlab"]
    assert "--ServerApp.ip=127.0.0.1" in argv and "--ServerApp.port=9999" in argv and "--no-browser" in argv
    assert any(a.startswith("--ServerApp.root_dir=") and a.endswith("notebooks") for a in argv)
    assert argv[-1] == "--ServerApp.open_browser=False"
    assert ("--allow-root" in argv) == (os.geteuid() == 0)


# --- grade-file: what is wrong with a submitted file, and what an instructor can do -----------------------------

TRAINEE_HINT = "fix or remove it to save new answers"


def saved_file(tmp_path: Path, edit: object = None) -> Path:
    """A trainee's answer file as the notebook saves it, then changed as a JSON object by `edit`."""
    FileStore(tmp_path).save(answers("child-in-crisis", {"first-priority": "lethality"}))
    path = tmp_path / "t001" / "child-in-crisis.json"
    if callable(edit):
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_grade_file_says_a_cut_off_file_is_to_be_collected_again(tmp_path: Path) -> None:
    path = saved_file(tmp_path)
    path.write_text(path.read_text(encoding="utf-8")[:120], encoding="utf-8")
    result = CliRunner().invoke(main, ["grade-file", str(path)])
    assert result.exit_code == 1
    assert "found 'a file cut off at line" in result.output
    assert "Collect it again from the trainee's responses folder (swtrain collect)" in result.output
    assert "ask the trainee to hand in responses/<trainee_id>/<case_id>.json again" in result.output
    assert TRAINEE_HINT not in result.output


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (lambda d: d["answers"]["first-priority"].pop("changed_at"), "first-priority.changed_at: found nothing"),
        (lambda d: d.pop("schema_version"), "schema_version: found nothing, expected 1"),
        (lambda d: d.update(schema_version=0), "schema_version: found 0, expected 1"),
    ],
)
def test_grade_file_says_an_edited_file_is_to_be_asked_for_again(tmp_path: Path, edit: object, said: str) -> None:
    result = CliRunner().invoke(main, ["grade-file", str(saved_file(tmp_path, edit))])
    assert result.exit_code == 1
    assert said in result.output
    assert "swtrain did not write this file as it is now: it was edited by hand or by another program" in result.output
    assert TRAINEE_HINT not in result.output and "swtrain schema" not in result.output


def test_grade_file_lists_what_grading_ignores_with_what_to_do(tmp_path: Path) -> None:
    def edit(data: dict[str, object]) -> None:
        data.update(score=100, variant=int(data["variant"]) + 1)  # type: ignore[call-overload]

    result = CliRunner().invoke(main, ["grade-file", str(saved_file(tmp_path, edit))])
    assert result.exit_code == 0
    assert "the file carries 'score', which grading ignores" in result.stderr
    assert "If your course set variants by hand, grade with --variants saved." in result.stderr
    assert "first-priority\t2/2\tcorrect" in result.stdout
    saved = CliRunner().invoke(main, ["grade-file", "--variants", "saved", str(saved_file(tmp_path, edit))])
    assert "variant" not in saved.stderr and "'score'" in saved.stderr


def test_grade_file_without_a_key_says_where_to_grade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from .conftest import ROOT

    casedata = tmp_path / "release" / "casedata"
    shutil.copytree(ROOT / "casedata", casedata)
    (casedata / "child-in-crisis" / "key.yaml").unlink()
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(casedata))
    result = CliRunner().invoke(main, ["grade-file", str(saved_file(tmp_path))])
    assert result.exit_code == 1
    assert "has no key file" in result.output
    assert "grade in the instructor's copy of the course (or set SWTRAIN_CASEDATA to its casedata folder)" in (
        result.output
    )


def test_the_trainees_own_file_keeps_the_trainees_hint(tmp_path: Path) -> None:
    from swtrain.errors import ResponsesInvalid

    path = saved_file(tmp_path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ResponsesInvalid) as info:
        FileStore(tmp_path).load("t001", "child-in-crisis")
    assert info.value.hint == "The file was left untouched; fix or remove it to save new answers."


def test_grade_lists_a_cut_off_file_with_the_instructors_hint(tmp_path: Path) -> None:
    import csv

    path = saved_file(tmp_path / "subs")
    path.write_text(path.read_text(encoding="utf-8")[:120], encoding="utf-8")
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    with (tmp_path / "out" / "problems.csv").open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert "a file cut off at line" in row["error"]
    assert row["hint"].endswith("or ask the trainee to hand in responses/<trainee_id>/<case_id>.json again, unchanged.")


def test_grade_file_refuses_a_feedback_language_it_has_no_text_for(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["grade-file", "--language", "fr", str(saved_file(tmp_path))])
    assert result.exit_code == 1
    assert "'fr' is not a language swtrain has text for. Known languages: en, zh." in result.output
