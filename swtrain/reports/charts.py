"""Cohort charts and tables from a graded folder (OUT of swtrain.cohort.grade_cohort), in English or Chinese.

    summary_table(OUT, lang)          DataFrame: per case, graded files, answers pending review, mean percent
                                      of the points marked so far
    problems_table(OUT, lang)         DataFrame: problems.csv in the language (swtrain.reports.problem_text)
    score_distribution(OUT, lang)     Figure: each trainee's percent of the points marked, one violin and strip
                                      per case; trainees with answers pending review drawn hollow
    exercise_difficulty(OUT, lang)    Figure: share of trainees with full credit, one bar per exercise, hardest
                                      first, each labelled with its value (or "pending")
    competency_profile(OUT, lang)     Figure: mean share of points earned per CSWE EPAS 2022 competency

An answer waiting for a person (a free-text answer before review) is never counted as 0: it is left
out of the points scored and of the points possible, and every chart and table says how many wait.

Chart functions accept the OUT folder or the gradebook as a DataFrame (cohort_data.read_gradebook). They return
matplotlib Figures made without pyplot, so nothing is shown or kept globally until a caller displays
or saves them; swtrain.reports.cohort_report puts them on the report page with a text alternative.

Only swtrain.reports imports pandas, seaborn and matplotlib (here, cohort_data, figures, debrief, path_map
and case_charts).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from ..i18n import Messages, messages
from ..render import error_box
from .cohort_data import (
    Source,
    chosen_cases,
    competency_shares,
    difficulty_rows,
    gradebook_of,
    load_cases,
    marked_percent,
    read_gradebook,
    score_points,
)
from .figures import BAR as BAR
from .figures import CJK_FAMILY as CJK_FAMILY
from .figures import LIGHT as LIGHT
from .figures import MUTED, SMALLEST, percent, wrap
from .figures import cjk_font_path as cjk_font_path
from .figures import drawing as drawing
from .figures import font_settings as font_settings
from .figures import use_cjk_font as use_cjk_font
from .problem_text import problem_in

#: Width of a label on a chart's left, in Latin letters (a Chinese character counts two).
LABEL_WIDTH = 40


def competency_labels(language: str) -> dict[int, str]:
    """The nine CSWE EPAS 2022 competencies as short labels, "7 Assess" / "7 预估"."""
    msg = messages(language)
    names = {
        1: msg("Ethics"),
        2: msg("Justice"),
        3: msg("ADEI"),
        4: msg("Research"),
        5: msg("Policy"),
        6: msg("Engage"),
        7: msg("Assess"),
        8: msg("Intervene"),
        9: msg("Evaluate"),
    }
    return {number: f"{number} {name}" for number, name in names.items()}


# --- tables ------------------------------------------------------------------


def summary_table(out: Path | str, language: str, casedata: Path | None = None) -> pd.DataFrame:
    """One row per case and a first row for all cases: graded files, answers pending review, trainees with
    every answer marked, and the mean percent of the points marked so far (pending answers left out)."""
    msg = messages(language)
    gradebook = read_gradebook(out)
    cases = load_cases(sorted(set(gradebook["case_id"])), casedata)
    marked = marked_percent(gradebook, cases)
    columns = [
        msg("Graded files"),
        msg("Answers pending review"),
        msg("Trainees with every answer marked"),
        msg("Mean percent of the points marked so far"),
    ]

    def row(rows: pd.DataFrame) -> list[Any]:
        return [
            len(rows),
            int(rows["needs_review"].sum()),
            int((rows["needs_review"] == 0).sum()),
            _mean(marked.loc[rows.index]),
        ]

    table_rows = {msg("All cases"): row(gradebook)}
    for case_id, group in gradebook.groupby("case_id", sort=True):
        table_rows[cases[str(case_id)].title.get(language)] = row(group)
    table = pd.DataFrame.from_dict(table_rows, orient="index", columns=columns)
    table.index.name = msg("Case")
    return table


def _mean(values: pd.Series) -> float | str:
    values = values.dropna()
    return round(float(values.mean()), 1) if len(values) else ""


def problems_table(out: Path | str, language: str) -> pd.DataFrame:
    """OUT/problems.csv: each file not graded, or graded with a warning; every text in `language`."""
    msg = messages(language)
    frame = pd.read_csv(Path(out) / "problems.csv", dtype=str, keep_default_na=False)
    shown = {"yes": msg("yes"), "no": msg("no"), "skipped": msg("skipped")}
    texts = [
        problem_in(language, error, hint, path)
        for error, hint, path in zip(frame["error"], frame["hint"], frame["path"], strict=True)
    ]
    return pd.DataFrame(
        {
            msg("File"): frame["path"],
            msg("Problem"): [error for error, _ in texts],
            msg("What to do"): [hint for _, hint in texts],
            msg("Graded"): frame["graded"].map(lambda v: shown.get(v, v)),
        }
    )


def missing_submissions_box(folder: str, language: str) -> str:
    """HTML telling an instructor that `folder` holds no answer files and what to pass instead."""
    msg = messages(language)
    return error_box(
        msg("No answer files to grade: {folder} does not exist.", folder=folder),
        msg(
            "Run this notebook with the folder (or .zip) of collected answer files, for example: "
            "papermill grade_cohort.ipynb graded.ipynb -p submissions_dir PATH -p language {language}",
            language=language,
        ),
    )


# --- charts ------------------------------------------------------------------


def score_distribution(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> Figure:
    """Each trainee's percent of the points marked so far as a dot (hollow: answers pending review), with the
    spread as a violin, one row per case."""
    msg = messages(language)
    gradebook = gradebook_of(source)
    chosen = chosen_cases(gradebook, cases)
    data = score_points(gradebook, language, chosen, casedata)
    order = [wrap(t, 30) for t in dict.fromkeys(load_cases(chosen, casedata)[c].title.get(language) for c in chosen)]
    data = data.assign(case=data["case"].map(lambda t: wrap(t, 30))).dropna(subset=["percent"])
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 1.6 + 1.0 * len(chosen))
        ax = figure.subplots()
        if data.empty:
            _no_data(ax, msg)
        else:
            sns.violinplot(
                data, x="percent", y="case", order=order, ax=ax, cut=0, inner=None, color=LIGHT, density_norm="width"
            )
            for pending, face in ((False, BAR), (True, "white")):
                part = data[data["pending"] == pending]
                if not part.empty:
                    sns.stripplot(
                        part,
                        x="percent",
                        y="case",
                        order=order,
                        ax=ax,
                        color=face,
                        edgecolor=BAR,
                        linewidth=1,
                        size=5,
                        jitter=0.15,
                    )
            handles = [
                Line2D([], [], marker="o", linestyle="", color=BAR, label=msg("every answer marked")),
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markerfacecolor="white",
                    markeredgecolor=BAR,
                    label=msg("answers pending review (left out)"),
                ),
            ]
            figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        ax.set_xlim(-2, 102)  # a dot at 0% or 100% is drawn whole
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.xaxis.set_major_formatter(PercentFormatter(100))
        ax.set_title(msg("Scores per case"))
        ax.set_xlabel(msg("Percent of the points marked so far"))
        ax.set_ylabel("")
    return figure


def exercise_difficulty(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> Figure:
    """The share of trainees with full credit on each exercise, hardest first and labelled with its value;
    an exercise whose answers all wait for a person says "pending review". One panel per case."""
    msg = messages(language)
    gradebook = gradebook_of(source)
    chosen = list(load_cases(chosen_cases(gradebook, cases), casedata).values())
    tables = [difficulty_rows(gradebook, case, language) for case in chosen]
    labels = [[_difficulty_label(row, msg) for row in table] for table in tables]
    heights = [sum(0.16 + 0.17 * label.count("\n") + 0.17 for label in panel) for panel in labels] or [1.0]
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 1.0 + sum(heights) + 0.55 * len(heights))
        axes = figure.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        if not chosen:
            _no_data(axes[0], msg)
        for ax, case, table, panel in zip(axes, chosen, tables, labels, strict=False):
            positions = np.arange(len(table))
            shares = np.array([0.0 if np.isnan(r[1]) else r[1] for r in table])
            ax.barh(positions, shares, height=0.62, color=BAR)
            for position, row in zip(positions, table, strict=True):
                share = row[1]
                ax.text(
                    (0.0 if np.isnan(share) else share) + 0.012,
                    position,
                    difficulty_value(row, msg),
                    va="center",
                    fontsize=SMALLEST + 0.5,
                    color=MUTED if np.isnan(share) else "#18181b",
                )
            ax.set_yticks(positions, panel, fontsize=SMALLEST + 0.5)
            ax.set_ylim(len(table) - 0.5, -0.5)  # the hardest at the top
            ax.set_xlim(0, 1.12)
            ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
            ax.xaxis.set_major_formatter(PercentFormatter(1))
            ax.grid(axis="y", visible=False)
            ax.set_title(wrap(case.title.get(language), 46), fontsize=11, loc="left")
        axes[-1].set_xlabel(msg("Share of trainees with full credit, of those marked"))
        figure.suptitle(msg("Exercise difficulty (hardest first)"))
    return figure


def difficulty_value(row: tuple[str, float, int, int], msg: Messages) -> str:
    """What a difficulty bar says: "62%", or "pending review" while no answer to it is marked."""
    return msg("pending review") if np.isnan(row[1]) else percent(row[1])


def _difficulty_label(row: tuple[str, float, int, int], msg: Messages) -> str:
    title, share, marked, pending = row
    if pending and np.isnan(share):
        title = msg("{title} ({count} pending)", title=title, count=pending)
    elif pending:
        title = msg("{title} ({marked} marked, {count} pending)", title=title, marked=marked, count=pending)
    return wrap(title, LABEL_WIDTH)


def competency_profile(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> Figure:
    """The cohort's mean share of points earned per CSWE EPAS 2022 competency the chosen cases assess,
    each bar labelled with its value; answers pending review are left out."""
    msg = messages(language)
    gradebook = gradebook_of(source)
    chosen = load_cases(chosen_cases(gradebook, cases), casedata)
    shares = competency_shares(gradebook, chosen)
    labels = competency_labels(language)
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 1.4 + 0.42 * max(len(shares), 1))
        ax = figure.subplots()
        if shares.empty:
            _no_data(ax, msg)
        else:
            positions = list(range(len(shares)))
            ax.barh(positions, shares.to_numpy(), height=0.62, color=BAR)
            for position, share in zip(positions, shares, strict=True):
                ax.text(share + 0.012, position, percent(share), va="center", fontsize=SMALLEST + 0.5)
            ax.set_yticks(positions, [labels[n] for n in shares.index])
            ax.set_ylim(len(shares) - 0.5, -0.5)
            ax.grid(axis="y", visible=False)
        ax.set_xlim(0, 1.1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.xaxis.set_major_formatter(PercentFormatter(1))
        ax.set_title(msg("Cohort profile by competency (CSWE EPAS 2022)"))
        ax.set_xlabel(msg("Mean share of the points marked so far"))
        ax.set_ylabel("")
    return figure


def _no_data(ax: Any, msg: Messages) -> None:
    ax.text(0.5, 0.5, msg("No graded answers to chart."), ha="center", va="center", transform=ax.transAxes)
    ax.set_yticks([])
