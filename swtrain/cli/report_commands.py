"""The instructor's cohort report as a page without code: `swtrain report`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import SwtrainError
from . import fail, main


@main.command("report")
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write, e.g. report.html.",
)
@click.option(
    "--graded",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("graded"),
    show_default=True,
    help="Folder the cohort is graded into (gradebook.csv, feedback/, reviews/ ...); reviews in it are merged.",
)
@click.option("--language", default="en", show_default=True, help='The report\'s language: "en" or "zh".')
@click.option("--cases", default="", help="Comma-separated case ids to chart (default: every case graded).")
def report_command(submissions: Path, out: Path, graded: Path, language: str, cases: str) -> None:
    """Grade SUBMISSIONS with the cohort notebook and write its report as one HTML page with no code:
    the summary, the charts (each with its data as a table), the scenario debriefs and the files not graded,
    in one language. The executed notebook is kept as GRADED/cohort_report.ipynb."""
    from ..reports.report_export import export_report

    try:
        written = export_report(submissions, out, graded=graded, language=language, cases=cases)
    except SwtrainError as exc:
        raise fail(exc) from None
    click.echo(f"Wrote {written} (graded into {graded})")
