"""new-case writes a skeleton that passes check once filled; an assessed release holds no key value."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from swtrain.authoring import new_case, release
from swtrain.cases import load_case, load_key
from swtrain.checks import check_case_dir
from swtrain.cli import main
from swtrain.errors import SwtrainError
from swtrain.fields import Text

from .conftest import ROOT


@pytest.fixture
def casedata(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "casedata", tmp_path / "casedata")
    return tmp_path / "casedata"


def test_a_new_case_validates_and_passes_check_once_its_todos_are_written(casedata: Path) -> None:
    folder = new_case("hospice-family", "case-work", casedata)
    load_key(load_case("hospice-family", casedata), casedata)  # valid from the start
    findings = check_case_dir(folder)
    assert findings and all(f.message == "a TODO text still to write" for f in findings)
    assert {f.path.name for f in findings} == {"case.yaml", "key.yaml"}
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"TODO[:：]\s*", "Written: ", text)
        path.write_text(text, encoding="utf-8")
    assert check_case_dir(folder) == []


def test_new_case_errors(casedata: Path) -> None:
    with pytest.raises(SwtrainError, match=r"'case-wrok' is not a module .* Did you mean 'case-work'\?"):
        new_case("x", "case-wrok", casedata)
    with pytest.raises(SwtrainError, match="already exists"):
        new_case("child-in-crisis", "crisis-intervention", casedata)
    with pytest.raises(SwtrainError, match="is not a case id"):
        new_case("../x", "case-work", casedata)


def key_texts(casedata: Path) -> set[str]:
    """Every text of every key: explanations, feedback, rubrics, model answers."""
    texts: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, Text):
            texts.update(t for t in (value.en, value.zh) if len(t) > 12)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for folder in sorted(p for p in casedata.iterdir() if (p / "key.yaml").is_file()):
        walk(load_key(load_case(folder.name, casedata), casedata))
    return texts


def test_an_assessed_release_holds_no_key_value(casedata: Path, tmp_path: Path) -> None:
    out = tmp_path / "release"
    written = release(out, "assessed", root=casedata, notebooks=ROOT / "notebooks")
    assert not list(out.rglob("key.yaml")) and not list(out.rglob("instructor"))
    texts = key_texts(casedata)
    assert len(texts) > 20
    for path in written:
        content = path.read_text(encoding="utf-8")
        content = content if path.suffix != ".ipynb" else json.dumps(json.loads(content), ensure_ascii=False)
        leaked = [t for t in texts if t in content or json.dumps(t, ensure_ascii=False)[1:-1] in content]
        assert leaked == [], path
    for notebook in ("crisis_intervention.ipynb", "cases/kidney-ward-group.ipynb"):  # one-case notebooks too
        nb = json.loads((out / "notebooks" / notebook).read_text(encoding="utf-8"))
        parameters = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
        assert 'mode: str = "assessed"  # practice | assessed | feedback' in parameters["source"]
        assert all(c.get("outputs", []) == [] for c in nb["cells"])


def test_a_practice_release_keeps_keys_and_the_cli_refuses_a_used_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["release", str(tmp_path / "r"), "--mode", "practice"], catch_exceptions=False)
    assert result.exit_code == 0 and "practice release" in result.output
    assert (tmp_path / "r" / "casedata" / "child-in-crisis" / "key.yaml").is_file()
    again = CliRunner().invoke(main, ["release", str(tmp_path / "r"), "--mode", "assessed"])
    assert again.exit_code == 1 and "is not empty" in again.output
