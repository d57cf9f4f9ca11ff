"""The instructor's cohort report, section by section, as HTML in one language (the cohort notebook shows it).

    overview_html(OUT, lang)          title, files read and graded, the summary table, what "pending" means
    scores_html(OUT, lang)            the score distribution, with its data per case
    difficulty_html(OUT, lang)        the exercise difficulty chart, with its data per exercise
    competencies_html(OUT, lang)      the competency profile, with its data
    debriefs_html(OUT, lang)          each scenario's decisions and path map, with their data
    problems_html(OUT, lang)          the files not graded or graded with a warning
    missing_submissions_box(...)      what to pass when there are no answer files

Every chart is an image with alt text that says what it shows, a caption, and its
data as a table beside it (in a details element), so the page reads without the
images. Nothing on the page is an id from a case file. An answer waiting for a
person is "pending" and is left out of every percentage, which says so.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from ..cases import load_case
from ..i18n import messages, plural, sentences
from .charts import (
    competency_labels,
    competency_profile,
    difficulty_value,
    exercise_difficulty,
    problems_table,
    score_distribution,
    summary_table,
)
from .charts import missing_submissions_box as missing_submissions_box
from .cohort_data import competency_shares, difficulty_rows, file_counts, read_gradebook, score_points
from .debrief import debriefs
from .figures import figure_html, html_table, percent

_SECTION = '<section style="max-width:60em;margin-bottom:2em">'


def _heading(level: int, text: str) -> str:
    return f'<h{level} style="margin:1.2em 0 0.4em 0">{escape(text)}</h{level}>'


def _paragraph(text: str) -> str:
    return f'<p style="max-width:48em">{escape(text)}</p>'


def _chosen(gradebook: pd.DataFrame, cases: str) -> list[str]:
    wanted = [c.strip() for c in cases.split(",") if c.strip()]
    return wanted or sorted(set(gradebook["case_id"]))


def overview_html(out: Path | str, language: str, casedata: Path | None = None) -> str:
    """The report's title, how many files were read and graded, and the table of each case."""
    msg = messages(language)
    counts = file_counts(out)
    table = summary_table(out, language, casedata)
    read = plural(
        "{count} answer file read: {graded} graded, {not_graded} not graded.",
        "{count} answer files read: {graded} graded, {not_graded} not graded.",
        counts["files"],
        msg,
        count=counts["files"],
        graded=counts["graded"],
        not_graded=counts["not_graded"],
    )
    if counts["not_graded"]:
        read = sentences(read, msg("The files not graded are listed at the end, with what to do."), msg=msg)
    rows = [list(row) for row in table.itertuples(name=None)]  # row by row: counts stay whole numbers
    return "".join(
        [
            _SECTION,
            _heading(1, msg("Cohort report")),
            _paragraph(read),
            html_table(
                [str(table.index.name), *map(str, table.columns)],
                rows,
                caption=msg("Summary by case"),
                numeric=[False, True, True, True, True],
                row_headers=True,
            ),
            _paragraph(
                msg(
                    "Free-text answers are pending until a reviewer scores them in the review notebook and the "
                    "cohort is graded again. A pending answer is never counted as 0: every percent in this report "
                    "is of the points marked so far."
                )
            ),
            "</section>",
        ]
    )


def scores_html(out: Path | str, language: str, cases: str = "", casedata: Path | None = None) -> str:
    """Each trainee's percent of the points marked so far, per case, and the same figures as a table."""
    msg = messages(language)
    gradebook = read_gradebook(out)
    chosen = _chosen(gradebook, cases)
    figure = score_distribution(gradebook, language, chosen, casedata)
    points = score_points(gradebook, language, chosen, casedata)
    rows = []
    for title, group in points.groupby("case", sort=False):
        marked = group["percent"].dropna()
        rows.append(
            [
                title,
                len(group),
                int(group["pending"].sum()),
                _figure(marked.mean()),
                _figure(marked.median()),
                _figure(marked.min()),
                _figure(marked.max()),
            ]
        )
    columns = [
        msg("Case"),
        msg("Trainees"),
        msg("With answers pending"),
        msg("Mean %"),
        msg("Median %"),
        msg("Lowest %"),
        msg("Highest %"),
    ]
    table = html_table(columns, rows, numeric=[False, *[True] * 6], row_headers=True)
    return "".join(
        [
            _SECTION,
            _heading(2, msg("Scores per case")),
            _paragraph(
                msg(
                    "Each dot is one trainee's percent of the points marked so far; a hollow dot is a trainee "
                    "with answers pending review, which are left out until they are scored."
                )
            ),
            figure_html(
                figure,
                alt=msg(
                    "Dot and violin chart of each trainee's percent of the points marked so far, one row per case. "
                    "The table under it gives the mean, median, lowest and highest percent of each case."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            ),
            "</section>",
        ]
    )


def _figure(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.1f}"


def difficulty_html(out: Path | str, language: str, cases: str = "", casedata: Path | None = None) -> str:
    """The share of trainees with full credit on each exercise, hardest first, and the same as a table."""
    msg = messages(language)
    gradebook = read_gradebook(out)
    chosen = _chosen(gradebook, cases)
    figure = exercise_difficulty(gradebook, language, chosen, casedata)
    rows = []
    for case_id in chosen:
        case = load_case(case_id, casedata)
        for row in difficulty_rows(gradebook, case, language):
            title, _share, marked, pending = row
            rows.append([case.title.get(language), title, difficulty_value(row, msg), marked, pending])
    columns = [msg("Case"), msg("Exercise"), msg("Full credit"), msg("Answers marked"), msg("Answers pending")]
    table = html_table(columns, rows, numeric=[False, False, True, True, True])
    return "".join(
        [
            _SECTION,
            _heading(2, msg("Exercise difficulty")),
            _paragraph(
                msg(
                    "The share of trainees with full credit on each exercise, among the answers marked so far; "
                    "the hardest exercise of each case comes first. An exercise whose answers all wait for a "
                    "reviewer says \u201cpending review\u201d instead of a bar."
                )
            ),
            figure_html(
                figure,
                alt=msg(
                    "Bar chart of the share of trainees with full credit on each exercise, one panel per case, "
                    "hardest first, each bar labelled with its percent. The table under it gives the same values."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            ),
            "</section>",
        ]
    )


def competencies_html(out: Path | str, language: str, cases: str = "", casedata: Path | None = None) -> str:
    """The cohort's mean share of points per CSWE EPAS 2022 competency, and the same as a table."""
    msg = messages(language)
    gradebook = read_gradebook(out)
    chosen = _chosen(gradebook, cases)
    figure = competency_profile(gradebook, language, chosen, casedata)
    shares = competency_shares(gradebook, {c: load_case(c, casedata) for c in chosen})
    labels = competency_labels(language)
    table = html_table(
        [msg("Competency"), msg("Mean share of the points marked so far")],
        [[labels[number], percent(share)] for number, share in shares.items()],
        numeric=[False, True],
        row_headers=True,
    )
    return "".join(
        [
            _SECTION,
            _heading(2, msg("Competencies")),
            _paragraph(
                msg(
                    "The mean share of the points marked so far, per CSWE EPAS 2022 competency that the cases "
                    "assess; answers pending review are left out."
                )
            ),
            figure_html(
                figure,
                alt=msg(
                    "Bar chart of the cohort's mean share of points per competency, each bar labelled with its "
                    "percent. The table under it gives the same values."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            ),
            "</section>",
        ]
    )


def debriefs_html(out: Path | str, language: str, cases: str = "", casedata: Path | None = None) -> str:
    """For each scenario: how the class decided at each decision point, and the map of the class's paths."""
    msg = messages(language)
    parts = [
        _SECTION,
        _heading(2, msg("Class debrief of the scenarios")),
        _paragraph(
            msg(
                "For each decision point, how many trainees made each choice (the key's best choice in green), "
                "then the map of the class's paths through the scenes."
            )
        ),
    ]
    found = False
    for debrief in debriefs(out, language, cases, casedata):
        found = True
        counts = debrief.counts
        choice_rows = counts[
            [msg("Decision point"), msg("Letter"), msg("Choice"), msg("Best choice (key)"), msg("Trainees")]
        ]
        scene_rows = [[name, opening, reached] for name, opening, reached in debrief.scenes]
        parts += [
            _heading(3, debrief.heading),
            figure_html(
                debrief.choices,
                alt=msg(
                    "Bar charts of how many trainees made each choice, one per decision point, titled with the "
                    "opening words of its scene. The table under it gives the same counts."
                ),
                table=html_table(
                    [msg("Decision point"), msg("Letter"), msg("Choice"), msg("Best choice (key)"), msg("Trainees")],
                    [list(row) for row in choice_rows.itertuples(index=False, name=None)],
                    numeric=[False, False, False, False, True],
                ),
                table_label=msg("The chart's data as a table"),
            ),
            figure_html(
                debrief.paths,
                alt=msg(
                    "Map of the scenes as numbered boxes from the start down, with an arrow for each step the "
                    "class took, as thick as the number of trainees who took it. The tables under it name each "
                    "scene and each step."
                ),
                caption=plural(
                    "{count} trainee's path is drawn.",
                    "{count} trainees' paths are drawn.",
                    debrief.trainees,
                    msg,
                    count=debrief.trainees,
                ),
                table=html_table(
                    [msg("Scene"), msg("What happens"), msg("Trainees who reached it")],
                    scene_rows,
                    caption=msg("The scenes of the map"),
                    numeric=[False, False, True],
                    row_headers=True,
                )
                + html_table(
                    [str(c) for c in debrief.routes.columns],
                    [list(row) for row in debrief.routes.itertuples(index=False, name=None)],
                    caption=msg("The steps the class took"),
                    numeric=[False, False, False, True],
                ),
                table_label=msg("The map's scenes and steps as tables"),
            ),
        ]
    if not found:
        parts.append(_paragraph(msg("No scenario was answered in these files.")))
    parts.append("</section>")
    return "".join(parts)


def problems_html(out: Path | str, language: str) -> str:
    """The files not graded, or graded with a warning: the reason and what to do, in the language."""
    msg = messages(language)
    table = problems_table(out, language)
    parts = [_SECTION, _heading(2, msg("Files not graded, and files graded with a warning"))]
    if table.empty:
        parts.append(_paragraph(msg("Every file was graded, with nothing to check.")))
    else:
        parts.append(_paragraph(msg("Each file with the reason and what to do.")))
        parts.append(html_table([str(c) for c in table.columns], [list(r) for r in table.itertuples(index=False)]))
    parts.append("</section>")
    return "".join(parts)
