"""The module notebook run headless by papermill: en and zh times the three modes; HTML conversion."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest

from swtrain.notebook import MODES
from swtrain.store import FileStore

from .conftest import ROOT, answers

NOTEBOOK = ROOT / "notebooks" / "crisis_intervention.ipynb"
PAPERMILL = [sys.executable, "-m", "papermill"]
pytestmark = pytest.mark.notebook

EXPECTED = {
    # (language, mode): texts the output must contain
    ("en", "practice"): [
        "A child in crisis far from home",
        "Practice mode: you see feedback as you answer.",
        "Roberts",
        "Check all my answers",
    ],
    ("zh", "practice"): ["异地就医中的危机儿童", "练习模式：作答时即可看到反馈。", "罗伯茨", "检查我的全部答案"],
    ("en", "assessed"): ["Assessed mode: your answers are saved as you go", "Your answers are saved in"],
    ("zh", "assessed"): ["考核模式", "请按教师要求提交此文件。"],
    ("en", "feedback"): ["Feedback for trainee t001.", "Score: 2 of 2", "Rubric", "Total: "],
    ("zh", "feedback"): ["学员 t001 的反馈。", "得分：2 / 2", "评分标准", "总分："],
}


def outputs_text(nb: Any) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts.append(str(data.get("text/html", "")) + str(data.get("text/plain", "")) + str(output.get("text", "")))
    return "\n".join(parts)


def widget_state_text(nb: Any) -> str:
    """The text inside every widget model papermill stored with the notebook (labels, HTML)."""
    return json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False)


def widget_views(nb: Any) -> int:
    return sum(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
    )


ANSWERS = {"first-priority": "lethality", "distress-total": 1.0, "action-plan": "<b>plan</b>"}


def saved_answers(folder: Path, language: str) -> Path:
    """`folder` holding trainee t001's answers, saved in `language`."""
    FileStore(folder).save(answers("child-in-crisis", ANSWERS, trainee="t001", language=language))
    return folder


@pytest.fixture(scope="module")
def responses_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return saved_answers(tmp_path_factory.mktemp("responses"), "zh")


def run_module(tmp_path: Path, notebook: Path = NOTEBOOK, output: str = "out.ipynb", **parameters: object) -> Any:
    """A module notebook executed by papermill in `tmp_path` with `parameters`."""
    return papermill.execute_notebook(
        str(notebook),
        str(tmp_path / output),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        parameters=parameters,
    )


@pytest.mark.parametrize(("language", "mode"), sorted(EXPECTED))
def test_papermill_runs_each_language_and_mode(language: str, mode: str, tmp_path: Path) -> None:
    # The answer file's language decides the feedback language: save it in the one under test.
    folder = saved_answers(tmp_path / "saved", language) if mode == "feedback" else tmp_path / "R"
    nb = run_module(
        tmp_path, case_id="child-in-crisis", trainee_id="t001", language=language, mode=mode, responses_dir=str(folder)
    )
    text = outputs_text(nb) + widget_state_text(nb)
    for expected in EXPECTED[(language, mode)]:
        assert expected in text
    assert "Traceback" not in text
    if mode == "feedback":
        assert widget_views(nb) == 0
        assert "&lt;b&gt;plan&lt;/b&gt;" in text
    else:
        assert widget_views(nb) >= 3
        assert "swtrain-feedback" not in text  # nothing answered yet, and assessed mode never shows any
        assert not (tmp_path / "R").exists()  # opening a case saves nothing until the trainee answers


def test_feedback_output_survives_conversion_to_html(tmp_path: Path, responses_dir: Path) -> None:
    from nbconvert import HTMLExporter

    nb = run_module(tmp_path, trainee_id="t001", mode="feedback", responses_dir=str(responses_dir))
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert "swtrain-feedback" in html and "swtrain-summary" in html and "得分" in html
    assert html.count("swtrain-exercise") == 0


def test_the_papermill_command_line_from_the_readme(tmp_path: Path, responses_dir: Path) -> None:
    result = subprocess.run(
        [
            *PAPERMILL,
            str(NOTEBOOK),
            "out.ipynb",
            "-p",
            "case_id",
            "child-in-crisis",
            "-p",
            "trainee_id",
            "t001",
            "-p",
            "language",
            "zh",
            "-p",
            "mode",
            "feedback",
            "-p",
            "responses_dir",
            str(responses_dir),
            "--no-progress-bar",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert "得分" in outputs_text(nb)


def test_help_notebook_lists_every_parameter_with_type_and_comment() -> None:
    result = subprocess.run([*PAPERMILL, "--help-notebook", str(NOTEBOOK)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    out = result.stdout
    for line in [
        'case_id: str (default "child-in-crisis")',
        'trainee_id: str (default "demo")',
        'language: str (default "")',
        "variant: Optional[int] (default None)",
        'mode: str (default "practice")',
        'responses_dir: str (default "responses")',
    ]:
        assert line in out
    for comment in [
        "which case of this module",
        "whose answers to load and save",
        "derived from trainee_id",
        "practice | assessed | feedback",
        "the trainee's last choice, else English",
        "<responses_dir>/<trainee_id>/<case_id>.json",
    ]:
        assert comment in out


def test_an_unknown_case_fails_with_a_readable_message_not_a_traceback_wall(tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError):
        run_module(tmp_path, case_id="child-crisis")
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    setup = next(c for c in nb.cells if c.source.startswith("import swtrain"))
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in setup.outputs)
    assert "swtrain-error" in html and "Did you mean &#x27;child-in-crisis&#x27;?" in html
    assert not any(o.get("output_type") == "error" and len(o.get("traceback", [])) > 2 for o in setup.outputs)
    assert json.dumps(setup.outputs).count("File ") == 0


def case_notebooks() -> list[tuple[str, str]]:
    from swtrain.cases import case_ids, load_case, load_modules

    notebooks = {m.id: m.notebook for m in load_modules()}
    return [(case_id, notebooks[load_case(case_id).module]) for case_id in case_ids()]


CASE_RUNS = [(c, nb, language, mode) for c, nb in case_notebooks() for language in ("en", "zh") for mode in MODES]


@pytest.mark.parametrize(("case_id", "notebook", "language", "mode"), CASE_RUNS)
def test_every_case_runs_in_its_module_notebook_in_each_language_and_mode(
    case_id: str, notebook: str, language: str, mode: str, tmp_path: Path
) -> None:
    from swtrain.cases import load_case

    case = load_case(case_id)
    path = ROOT / "notebooks" / notebook
    responses = tmp_path / "R"
    if mode == "feedback":  # feedback grades saved answers: an empty answer file in the language under test
        FileStore(responses).save(answers(case_id, {}, trainee="t001", language=language))
    nb = run_module(
        tmp_path,
        path,
        f"{mode}.ipynb",
        case_id=case_id,
        trainee_id="t001",
        language=language,
        mode=mode,
        responses_dir=str(responses),
    )
    text = outputs_text(nb)
    assert "Traceback" not in text and "swtrain-error" not in text
    if mode == "feedback":
        # static HTML: every exercise's feedback, every exercise chart drawn
        assert html.escape(case.title.get(language)) in text
        assert text.count("swtrain-feedback") == len(case.exercises)
        assert text.count("data:image/png;base64,") >= sum(1 for e in case.exercises if e.chart)
        return
    state = widget_state_text(nb)
    for title in (case.title.get(language), case.exercises[-1].title.get(language)):
        assert html.escape(title) in state  # shown in HTML widgets, escaped
    # every chart of the case is drawn (an embedded PNG each), and every ecomap starts empty
    assert state.count("data:image/png;base64,") >= len(case.charts())
    assert state.count('class=\\"swtrain-ecomap-drawing\\"') == sum(e.type == "ecomap" for e in case.exercises)
    assert "swtrain-feedback" not in state  # nothing answered yet: no feedback in either mode
