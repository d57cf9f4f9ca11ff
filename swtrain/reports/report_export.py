"""The cohort report as one HTML page with no code: the cohort notebook run by papermill, exported by nbconvert.

    export_report(SUBMISSIONS, report.html, graded=OUT, language="zh")

The notebook (notebooks/instructor/grade_cohort.ipynb) grades SUBMISSIONS into OUT
and draws the report in the language; the executed notebook is kept as
OUT/cohort_report.ipynb, to open in JupyterLab. The page keeps only the
notebook's output: no code, no prompts, no cell meant for JupyterLab alone (tag
`lab-only`), no script fetched from the internet, `lang` set to the language.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SwtrainError
from ..feedback_notebooks import notebooks_dir
from ..i18n import check_language, messages

#: The cohort notebook, under the course's notebooks folder.
COHORT_NOTEBOOK = Path("instructor") / "grade_cohort.ipynb"

# nbconvert's JupyterLab page without the scripts it would fetch from a CDN (require.js, MathJax, widgets):
# the report is text, tables and images, and opens offline.
_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}
<style>
  body.jp-Notebook { max-width: 64em; margin: 0 auto; padding: 1em 1.5em; }
  .jp-Cell { padding: 0; }
  .jp-OutputArea-output { overflow-x: visible; }
  html:lang(zh) body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif; }
</style>
{%- endblock extra_css -%}
"""


def export_report(submissions: Path, target: Path, *, graded: Path, language: str = "en", cases: str = "") -> Path:
    """Grade `submissions` into `graded` with the cohort notebook and write its report to `target` as HTML."""
    import papermill
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    check_language(language)
    notebook = notebooks_dir() / COHORT_NOTEBOOK
    if not notebook.is_file():
        raise SwtrainError(
            f"The cohort notebook {notebook} is not there.",
            "Run swtrain from the course folder (the one with casedata/ and notebooks/), or set SWTRAIN_CASEDATA.",
        )
    if not submissions.exists():
        raise SwtrainError(
            f"No answer files to grade: {submissions} does not exist.",
            "Give the folder (or .zip) of collected answer files.",
        )
    graded.mkdir(parents=True, exist_ok=True)
    executed_path = graded / "cohort_report.ipynb"
    try:
        executed = papermill.execute_notebook(
            str(notebook),
            str(executed_path),
            parameters={
                "submissions_dir": str(submissions.resolve()),
                "out_dir": str(graded.resolve()),
                "language": language,
                "cases": cases,
            },
            kernel_name="python3",
            progress_bar=False,
            cwd=str(graded.resolve()),
        )
    except papermill.PapermillExecutionError as exc:
        raise SwtrainError(
            f"The cohort notebook stopped: {exc.ename}: {exc.evalue}",
            f"Open {executed_path} in JupyterLab to see the cell that failed.",
        ) from None
    executed.metadata["title"] = messages(language)("Cohort report")
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"swtrain_report.html.j2": _TEMPLATE})],
        template_file="swtrain_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=language,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={"lab-only", "parameters", "injected-parameters"}, enabled=True),
        enabled=True,
    )
    body, _resources = exporter.from_notebook_node(executed)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(body, encoding="utf-8")
    return target
