"""The shape of the project: light imports, thin hidden notebooks, the lines the design forbids crossing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT

HEAVY = ("pandas", "seaborn", "matplotlib", "ipywidgets")


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_import_swtrain_loads_no_heavy_library() -> None:
    assert not {m for m in imported_after("import swtrain") if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize("module", ["swtrain.models", "swtrain.cases", "swtrain.store", "swtrain.grading"])
def test_core_modules_import_no_widget_or_data_library(module: str) -> None:
    loaded = {m.split(".")[0] for m in imported_after(f"import {module}")}
    assert not loaded & set(HEAVY)
    assert "IPython" not in loaded


def test_grading_imports_no_widget_store_or_notebook_module() -> None:
    loaded = imported_after("import swtrain.grading")
    assert not {"swtrain.widgets", "swtrain.store", "swtrain.notebook"} & loaded


def test_public_api_names_resolve() -> None:
    import swtrain

    for name in swtrain.__all__:
        assert getattr(swtrain, name) is not None
    with pytest.raises(AttributeError):
        swtrain.no_such_name  # noqa: B018


NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_hide_code_and_commit_no_outputs(path) -> None:  # type: ignore[no-untyped-def]
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code:
        assert cell["metadata"]["jupyter"]["source_hidden"] is True
        assert "hide-input" in cell["metadata"]["tags"]
        assert cell["outputs"] == [] and cell["execution_count"] is None
    assert not path.name.startswith("Untitled")


def test_module_notebook_starts_with_parameters_then_setup() -> None:
    nb = json.loads((ROOT / "notebooks" / "crisis_intervention.ipynb").read_text(encoding="utf-8"))
    first, second = nb["cells"][0], nb["cells"][1]
    assert "parameters" in first["metadata"]["tags"]
    assert "".join(second["source"]).startswith("import swtrain")
    for cell in nb["cells"][2:]:
        if cell["cell_type"] == "code":
            assert len("".join(cell["source"]).splitlines()) <= 2  # short calls into swtrain only


def test_committed_notebooks_match_their_builder() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_notebooks.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_seed_spam_token_is_nowhere() -> None:
    token = "xg" + "111"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        path = ROOT / name
        if path.is_file() and path.suffix in {".py", ".yaml", ".md", ".ipynb", ".po", ".json", ".txt"}:
            assert token not in path.read_text(encoding="utf-8"), name
