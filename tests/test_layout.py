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


def test_module_notebook_starts_with_its_start_cue_then_parameters_then_setup() -> None:
    nb = json.loads((ROOT / "notebooks" / "crisis_intervention.ipynb").read_text(encoding="utf-8"))
    cue, first, second = nb["cells"][0], nb["cells"][1], nb["cells"][2]
    assert cue["cell_type"] == "markdown" and "Run → Run All Cells" in "".join(cue["source"])
    assert "parameters" in first["metadata"]["tags"]
    assert "".join(second["source"]).startswith("import swtrain")
    for cell in nb["cells"][3:]:
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


# --- the package's structure: where things are allowed to be ----------------------------------------

PACKAGE = ROOT / "swtrain"
SOURCES = sorted(PACKAGE.rglob("*.py"))
PYTHON_FILES = sorted([*SOURCES, *(ROOT / "tests").glob("*.py"), *(ROOT / "scripts").glob("*.py")])


def relative(path) -> str:  # type: ignore[no-untyped-def]
    return str(path.relative_to(ROOT))


def syntax(path):  # type: ignore[no-untyped-def]
    import ast

    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_no_module_is_over_400_lines(path) -> None:  # type: ignore[no-untyped-def]
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


@pytest.mark.parametrize("path", PYTHON_FILES, ids=relative)
def test_no_module_imports_another_modules_private_names(path) -> None:  # type: ignore[no-untyped-def]
    import ast

    private = [
        f"{node.module}.{alias.name}"
        for node in ast.walk(syntax(path))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert private == []


#: Raising these is a protocol of the language or of a library, not an error of swtrain's.
PROTOCOL_RAISES = {
    "AttributeError": "a module's __getattr__ for a name it does not have",
    "KeyError": "a lookup by id (Case.exercise, Instrument.item), as a mapping does",
    "NotImplementedError": "a widget property each widget defines",
    "ClickException": "click turns it into a message and exit code 1",
    "UsageError": "click turns it into a usage message and exit code 2",
}
#: Modules whose ValueErrors are raised in pydantic validators, which turn them into the file's error.
VALIDATING = {"swtrain/fields.py", "swtrain/models.py", "swtrain/instruments/registry.py"}
#: What a validator raises: a ValueError, or fields.error_at (pydantic's error naming a field inside the model).
VALIDATOR_RAISES = {"ValueError", "error_at"}


@pytest.mark.parametrize("path", SOURCES, ids=relative)
def test_every_error_raised_is_in_the_exception_tree(path) -> None:  # type: ignore[no-untyped-def]
    import ast

    import swtrain.errors as errors

    tree_names = set(errors.__all__)
    validating = relative(path) in VALIDATING or relative(path).startswith("swtrain/exercises/")
    outside = []
    for node in ast.walk(syntax(path)):
        if not isinstance(node, ast.Raise) or not isinstance(node.exc, ast.Call):
            continue  # a bare raise or a raised variable passes on an error already made
        func = node.exc.func
        # Error(...), module.Error(...), Error.for_x(...)
        names = {func.id} if isinstance(func, ast.Name) else {func.attr}
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            names.add(func.value.id)
        if names & tree_names or names & set(PROTOCOL_RAISES) or (validating and names & VALIDATOR_RAISES):
            continue
        if names & {"error", "fail", "_skip_for", "_invalid"}:
            continue  # a tree class passed in (type[DataFileError]) or built by a helper typed to return one
        outside.append(f"line {node.lineno}: {', '.join(sorted(names))}")
    assert outside == []


def test_the_exception_tree_is_drawn_in_tree_order_and_every_class_is_in_it() -> None:
    import swtrain.errors as errors

    classes = [name for name in errors.__all__ if isinstance(getattr(errors, name), type)]
    classes = [name for name in classes if issubclass(getattr(errors, name), BaseException)]
    drawn = [line.split("── ")[1].split()[0] for line in errors.__doc__.splitlines() if "── " in line]  # type: ignore[union-attr]
    assert classes == ["SwtrainError", *drawn]
    for name in classes[1:]:
        parent = getattr(errors, name).__mro__[1].__name__
        assert classes.index(parent) < classes.index(name), name
        assert getattr(errors, name).__doc__, name


def test_a_kind_is_named_only_in_its_own_modules() -> None:
    """Outside swtrain/exercises and a kind's widget, no code names a kind: no isinstance chain, no name list."""
    import ast

    from swtrain.exercises import KINDS

    #: Modules that may name one kind, and why.
    allowed = {
        "swtrain/reports/debrief.py": {"scenario"},  # the class debrief is a report on scenarios
        "swtrain/reports/scenario_paths.py": {"scenario"},  # the class's paths through a scenario, for the debrief
    }
    found = []
    for path in SOURCES:
        where = relative(path)
        if where.startswith("swtrain/exercises/"):
            continue
        tree = syntax(path)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        named = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        named |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        named |= {a.name.rsplit(".", 1)[-1] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        strings = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
        }
        for name, kind in KINDS.items():
            if where == f"swtrain/widgets/{name}.py" or name in allowed.get(where, set()):
                continue
            if {kind.exercise_model.__name__, kind.key_model.__name__} & named or name in strings:
                found.append(f"{where}: {name}")
    assert found == []
