"""A feedback notebook per trainee, run by papermill in parallel worker processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cli import SOME_FILES_NOT_GRADED, main
from swtrain.store import FileStore

from .conftest import answers

pytestmark = pytest.mark.notebook


def test_a_notebook_per_trainee_and_bad_files_listed_not_run(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "subs")
    for trainee, language in [("t1", "en"), ("t2", "zh"), ("t3", "zh")]:
        store.save(answers("child-in-crisis", {"first-priority": "lethality"}, trainee=trainee, language=language))
    (tmp_path / "subs" / "t4").mkdir()
    (tmp_path / "subs" / "t4" / "child-in-crisis.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["feedback-notebooks", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--workers", "2"],
        catch_exceptions=False,
    )
    assert result.exit_code == SOME_FILES_NOT_GRADED
    assert "Wrote 3 notebooks" in result.output and "1 problems" in result.output
    for trainee, expected in [("t1", "Score: 2 of 2"), ("t2", "得分：2 / 2"), ("t3", "得分：2 / 2")]:
        nb = json.loads((tmp_path / "out" / "notebooks" / trainee / "child-in-crisis.ipynb").read_text("utf-8"))
        text = json.dumps(nb, ensure_ascii=False)
        assert expected in text and f"{trainee}" in text
    problems = (tmp_path / "out" / "notebook_problems.csv").read_text(encoding="utf-8")
    assert "t4/child-in-crisis.json" in problems and "not valid JSON" in problems
    assert not (tmp_path / "out" / "notebooks" / "t4").exists()
