"""Write the course notebooks from this file, so their cells stay thin and uniform.

Run after changing a notebook's text: `.venv/bin/python scripts/build_notebooks.py`.
tests/test_notebooks.py checks that the committed notebooks match this output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from swtrain.cases import cases_by_module, load_modules
from swtrain.course_index import CASES_FOLDER, index_markdown
from swtrain.models import Module

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = {"jupyter": {"source_hidden": True}, "tags": ["hide-input"]}

# JupyterLab shows a folded cell's first line: a short one (no case id, no horizontal scrollbar at 800 px).
PARAMETERS = """\
# parameters
case_id: str = "child-in-crisis"  # which case of this module: a folder under casedata/
trainee_id: str = "demo"  # whose answers to load and save
language: str = ""  # "en" or "zh"; "": the trainee's last choice, else English (they can switch in the notebook)
variant: "Optional[int]" = None  # None: derived from trainee_id and case_id
mode: str = "practice"  # practice | assessed | feedback
responses_dir: str = "responses"  # answers go to <responses_dir>/<trainee_id>/<case_id>.json"""

SETUP = """\
import swtrain
from swtrain.app import app_parameters

# In the web app (swtrain serve) the page's address picks case and language; elsewhere nothing changes.
# Elsewhere an empty language is the trainee's last choice.
case_id, trainee_id, language = app_parameters(case_id, trainee_id, language, responses_dir=responses_dir)
session = swtrain.open_case(case_id, trainee_id, language=language, variant=variant,
                            mode=mode, responses_dir=responses_dir)
session.show_header()"""


def course_notebook() -> nbformat.NotebookNode:
    """An empty notebook on the Python 3 kernel."""
    nb = new_notebook()
    nb.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    return nb


def code(source: str, *tags: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata.update({"jupyter": {"source_hidden": True}, "tags": [*tags, "hide-input"]})
    return cell


# JupyterLab opens a notebook with nothing run; this says what to do first (the app runs everything itself).
START = (
    '<div class="swtrain-start" lang="en">\n\n'
    "> **▶ Start here:** choose **Run → Run All Cells** in the menu bar. The case and its exercises then appear "
    "below, in English or Chinese (switch with the Language buttons); every answer is saved as you give it.\n\n"
    '</div>\n<div class="swtrain-start" lang="zh-Hans">\n\n'
    "> **▶ 从这里开始：** 在菜单栏中选择 **Run → Run All Cells**（中文界面为 **运行 → 运行所有单元格**）。"
    "案例与练习随即显示在下方，可用“语言”按钮切换中英文；每个答案作答后都会自动保存。\n\n"
    "</div>"
)
# Once run, the notebook shows the cue's half in the trainee's language only (swtrain.notebook.start_cue_style).


def module_notebook(module: Module, default_case: str, responses_dir: str = "responses") -> nbformat.NotebookNode:
    """The notebook of a module: it takes any case of the module; `default_case` is the one it opens.

    `responses_dir` is relative to the notebook's folder (a JupyterLab kernel runs there), so a one-case
    notebook in cases/ saves to the same answer files as its module notebook.
    """
    nb = course_notebook()
    parameters = PARAMETERS.replace('"child-in-crisis"', f'"{default_case}"').replace(
        'responses_dir: str = "responses"', f'responses_dir: str = "{responses_dir}"'
    )
    nb.cells = [
        lab_only(new_markdown_cell(START)),
        code(parameters, "parameters"),
        code(SETUP),
        # the module's introduction and the exercises' heading come in the trainee's language from these calls
        code("session.show_case()"),
        code("session.show_exercises()"),
        code("session.show_summary()"),
    ]
    return nb


def in_each_language(en: str, zh: str) -> list[nbformat.NotebookNode]:
    """The same text as an English and a Chinese markdown cell: JupyterLab shows both, one after the other;
    the web app shows the one in the page's language (swtrain.app.page_setup_html)."""
    cells = [new_markdown_cell(en), new_markdown_cell(zh)]
    for cell, language in zip(cells, ("en", "zh"), strict=True):
        cell.metadata["tags"] = [f"lang-{language}"]
    return cells


def lab_only(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Mark a markdown cell as JupyterLab's: the web app hides it (its index widget says the same)."""
    cell.metadata["tags"] = ["lab-only"]
    return cell


def case_notebook(module: Module, case_id: str) -> nbformat.NotebookNode:
    """JupyterLab's notebook of one case: its module notebook with the case chosen, so the index links to it."""
    return module_notebook(module, case_id, responses_dir="../responses")


def index_notebook() -> nbformat.NotebookNode:
    nb = course_notebook()
    nb.cells = [
        *in_each_language("# swtrain: medical social-work training", "# swtrain：医务社会工作实训"),
        # JupyterLab's way in; the web app (swtrain serve) hides these two cells and shows its own list.
        lab_only(
            new_markdown_cell(
                "> **▶ Click a case to open it**, then choose **Run → Run All Cells** in it. "
                "To see how far you are in each case, choose **Run → Run All Cells** here.\n>\n"
                "> **▶ 点击案例即可打开**，然后在其中选择 **Run → Run All Cells**（运行 → 运行所有单元格）。"
                "在本页选择 **Run → Run All Cells**，即可看到你在各案例中的进度。"
            )
        ),
        # Written from casedata/ when the notebooks are built, so every case opens before anything runs.
        lab_only(new_markdown_cell("## Modules and cases · 模块与案例\n\n" + index_markdown())),
        # In JupyterLab: the trainee's progress in each case; in the app: a language switch and the list.
        code("from swtrain.course_index import show_course\n\nshow_course()"),
    ]
    return nb


def grade_cohort_notebook() -> nbformat.NotebookNode:
    """The instructor's cohort run: grade every answer file once, then the report, section by section.

    Every heading and sentence comes from swtrain.reports.cohort_report in the chosen language, so the
    page `swtrain report` exports from it (no code, no prompts) reads in one language throughout.
    """
    nb = course_notebook()
    parameters = (
        'submissions_dir: str = "submissions"  # folder (or .zip) of answer files: <trainee_id>/<case_id>.json\n'
        'out_dir: str = "graded"  # gradebook.csv, problems.csv, summary.json and feedback pages go here\n'
        'language: str = "en"  # "en" or "zh": the language of the whole report\n'
        'cases: str = ""  # comma-separated case ids to chart; empty: all'
    )
    # Without answer files (a fresh checkout, nbval) the notebook explains what to pass and charts nothing.
    setup = (
        "from swtrain.app import instructors_only\n\n"
        "instructors_only()  # the trainee app refuses to run this notebook\n"
        "from pathlib import Path\n\n"
        "from IPython.display import HTML, display\n\n"
        "from swtrain.cohort import grade_cohort\n"
        "from swtrain.reports import cohort_report as report\n\n"
        "out = Path(out_dir)\n"
        "graded = Path(submissions_dir).exists()\n"
        "if graded:\n"
        "    result = grade_cohort(Path(submissions_dir), out, language=language)\n"
        "    display(HTML(report.overview_html(out, language)))\n"
        "else:\n"
        "    display(HTML(report.missing_submissions_box(submissions_dir, language)))"
    )
    nb.cells = [
        code(parameters, "parameters"),
        # JupyterLab's cell only: `swtrain report` leaves it out of the page it exports.
        lab_only(
            new_markdown_cell(
                "# Cohort report · 学员整体报告\n\n"
                "Set the parameters in the first cell, then choose **Run → Run All Cells**. "
                "For the same report as a page without code: "
                "`swtrain report SUBMISSIONS --out report.html --language zh`.\n\n"
                "在第一个单元格中设置参数，然后选择菜单 **Run → Run All Cells**（运行全部单元格）。"
                "如需不含代码的网页版报告：`swtrain report SUBMISSIONS --out report.html --language zh`。"
            )
        ),
        code(setup),
        code("if graded:\n    display(HTML(report.scores_html(out, language, cases)))"),
        code("if graded:\n    display(HTML(report.difficulty_html(out, language, cases)))"),
        code("if graded:\n    display(HTML(report.competencies_html(out, language, cases)))"),
        code("if graded:\n    display(HTML(report.debriefs_html(out, language, cases)))"),
        # The item analysis (also OUT/item_analysis.html): what to look at before grades go out.
        code(
            "if graded:\n"
            "    from swtrain.reports import item_charts\n\n"
            "    display(HTML(item_charts.item_map_html(result.item_analysis, language, cases)))"
        ),
        code("if graded:\n    display(HTML(item_charts.options_html(result.item_analysis, language, cases)))"),
        code("if graded:\n    display(HTML(item_charts.dif_html(result.item_analysis, language, cases)))"),
        code("if graded:\n    display(HTML(item_charts.agreement_html(result.item_analysis, language, cases)))"),
        code("if graded:\n    display(HTML(report.problems_html(out, language)))"),
    ]
    return nb


def review_notebook() -> nbformat.NotebookNode:
    """The instructor's manual review: every answer that needs a person, one at a time."""
    nb = course_notebook()
    parameters = (
        'submissions_dir: str = "submissions"  # folder (or .zip) of answer files: <trainee_id>/<case_id>.json\n'
        'out_dir: str = "graded"  # reviews are saved to <out_dir>/reviews/<reviewer>.json\n'
        'reviewer: str = "instructor"  # your name or id: each reviewer has a file of their own\n'
        'language: str = "en"  # "en" or "zh"'
    )
    setup = (
        "from swtrain.app import instructors_only\n\n"
        "instructors_only()  # the trainee app refuses to run this notebook\n"
        "from html import escape\n"
        "from pathlib import Path\n\n"
        "from IPython.display import HTML, display\n\n"
        "from swtrain.render import error_box\n"
        "from swtrain.review_queue import review_panel\n\n"
        "if Path(submissions_dir).exists():\n"
        "    panel = review_panel(submissions_dir, out_dir, reviewer, language)\n"
        "    display(panel.box)\n"
        "else:\n"
        '    display(HTML(error_box(f"No answer files at {submissions_dir!r}",\n'
        '                           "Set submissions_dir to the folder you collected.")))'
    )
    nb.cells = [
        code(parameters, "parameters"),
        new_markdown_cell(
            "# Reviewing free-text answers · 评阅开放题答案\n\n"
            "For each rubric criterion, choose the level whose descriptor fits the answer, and add a comment for "
            "the trainee. A blank answer is 0 and never appears here. Every review is "
            "saved as soon as you press **Save and next**; reopening the notebook resumes where you stopped. "
            "Run `swtrain grade` again to merge the reviews into the gradebook and the feedback pages.\n\n"
            "请为每一项评分标准选出与答案相符的等级（每个等级都有描述），并给学员写评语。"
            "空白答案记 0 分，不会出现在这里。按下 **保存并继续** 即保存；"
            "重新打开笔记本会从上次停下的地方继续。"
            "再次运行 `swtrain grade` 即可把评阅结果并入成绩册与反馈页面。"
        ),
        code(setup),
    ]
    return nb


MODULES = {module.id: module for module in load_modules()}

NOTEBOOKS = {
    "notebooks/index.ipynb": index_notebook(),
    # One notebook per module of casedata/modules.yaml that has a case: a new module is data, not code.
    **{
        f"notebooks/{module.notebook}": module_notebook(
            module, module.default_case if module.default_case in {c.id for c in cases} else cases[0].id
        )
        for module in load_modules()
        if (cases := cases_by_module().get(module.id))
    },
    # One notebook per case, for JupyterLab's index: a case opens with one click, nothing to edit.
    **{
        f"notebooks/{CASES_FOLDER}/{case.id}.ipynb": case_notebook(MODULES[module_id], case.id)
        for module_id, cases in cases_by_module().items()
        if module_id in MODULES
        for case in cases
    },
    "notebooks/instructor/grade_cohort.ipynb": grade_cohort_notebook(),
    "notebooks/instructor/review.ipynb": review_notebook(),
}


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for relative, nb in NOTEBOOKS.items():
        path = ROOT / relative
        for number, cell in enumerate(nb.cells):
            cell.id = f"{path.stem.replace('_', '-')}-{number}"
        text = nbformat.writes(nb) + "\n"
        if check:
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                stale.append(relative)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    # A case that was removed or renamed leaves no notebook behind.
    orphans = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "notebooks" / CASES_FOLDER).glob("*.ipynb")
        if p.relative_to(ROOT).as_posix() not in NOTEBOOKS
    )
    for relative in orphans:
        if not check:
            (ROOT / relative).unlink()
    for relative in stale:
        print(f"{relative} differs from scripts/build_notebooks.py; run it to rebuild", file=sys.stderr)
    for relative in orphans if check else []:
        print(f"{relative} is for no case of casedata/; run scripts/build_notebooks.py to remove it", file=sys.stderr)
    return 1 if stale or (check and orphans) else 0


if __name__ == "__main__":
    raise SystemExit(main())
