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
