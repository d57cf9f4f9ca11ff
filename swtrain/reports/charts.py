"""Cohort charts and tables from a graded folder (OUT of swtrain.cohort.grade_cohort), in English or Chinese.

    summary_table(OUT, lang)          DataFrame: files, graded, not graded, answers waiting, mean percent per case
    problems_table(OUT, lang)         DataFrame: problems.csv with headers in the language
    score_distribution(OUT, lang)     Figure: each trainee's percent, one violin and strip per case
    exercise_difficulty(OUT, lang)    Figure: share of trainees with full credit, one bar per exercise
    competency_profile(OUT, lang)     Figure: mean share of points earned per CSWE EPAS 2022 competency

Chart functions accept the OUT folder or the gradebook as a DataFrame (read_gradebook). They return
matplotlib Figures made without pyplot, so nothing is shown or kept globally until a caller displays
or saves them. Chinese text is drawn in "Noto Sans CJK SC" (Debian's fonts-noto-cjk); the font is set
on each figure, never on matplotlib's global settings, unless a caller asks with use_cjk_font().

This module, case_charts and debrief (beside it) are the only ones in swtrain that import pandas, seaborn and
matplotlib.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias, cast

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import PercentFormatter

from ..cases import load_case
from ..errors import SwtrainError, did_you_mean
from ..i18n import Messages, messages
from ..models import Case
from ..render import error_box
from .gradebook import FIXED_COLUMNS

CJK_FAMILY = "Noto Sans CJK SC"
CJK_LANGUAGES = ("zh",)
Source: TypeAlias = Path | str | pd.DataFrame
BAR = "#4f6fb0"
LIGHT = "#c9d5ee"


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


# --- fonts -------------------------------------------------------------------


def cjk_font_path() -> str:
    """The file of the Chinese font; rebuilds matplotlib's font cache once if it predates the font's install."""
    prop = FontProperties(family=CJK_FAMILY)
    try:
        return str(font_manager.findfont(prop, fallback_to_default=False))
    except ValueError:
        pass
    # The cache lists the fonts installed when it was written; backends hold the one FontManager
    # instance, so the rebuilt lists are copied into it rather than replacing it.
    rebuilt = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
    vars(font_manager.fontManager).update(vars(rebuilt))
    font_manager.fontManager._findfont_cached.cache_clear()  # type: ignore[attr-defined]
    try:
        return str(font_manager.findfont(prop, fallback_to_default=False))
    except ValueError:
        raise SwtrainError(
            f"The font {CJK_FAMILY!r} that Chinese charts need is not installed.",
            "Install it (Debian/Ubuntu: apt-get install fonts-noto-cjk), then restart the kernel.",
        ) from None


def font_settings(language: str) -> dict[str, Any]:
    """matplotlib settings for text in `language` (empty for languages the default font covers)."""
    if language not in CJK_LANGUAGES:
        return {}
    cjk_font_path()
    return {"font.family": [CJK_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False}


def use_cjk_font() -> None:
    """Draw every later matplotlib figure of this process with the Chinese font (for a caller's own charts)."""
    cast(Any, matplotlib.rcParams).update(font_settings("zh"))


@contextmanager
def drawing(language: str) -> Iterator[Figure]:
    """A new figure built in the chart style and the language's font, the font fixed on every text."""
    settings = {**sns.axes_style("whitegrid"), **font_settings(language)}
    with matplotlib.rc_context(settings):
        figure = Figure(layout="constrained")
        yield figure
    family = settings.get("font.family")
    if family:
        # Tick labels are made when the figure is drawn, after this context has closed.
        for ax in figure.axes:
            ax.tick_params(labelfontfamily=family)
        for text in figure.findobj(Text):
            text.set_fontfamily(family)


# --- data --------------------------------------------------------------------


def read_gradebook(out: Path | str) -> pd.DataFrame:
    """OUT/gradebook.csv with ids as text, totals as numbers and exercise cells as written (a score or 'review')."""
    frame = pd.read_csv(Path(out) / "gradebook.csv", dtype=str, keep_default_na=False)
    for column in ("variant", "score", "max_score", "percent", "needs_review"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def _gradebook(source: Source) -> pd.DataFrame:
    return source if isinstance(source, pd.DataFrame) else read_gradebook(source)


def _chosen_cases(gradebook: pd.DataFrame, cases: str | Sequence[str] | None) -> list[str]:
    present = sorted(set(gradebook["case_id"]))
    if isinstance(cases, str):
        cases = [c.strip() for c in cases.split(",")]
    chosen = [c for c in cases or () if c] or present
    for case_id in chosen:
        if case_id not in present:
            known = ", ".join(present) or "none"
            hint = did_you_mean(case_id, present) or f"Cases in the gradebook: {known}."
            raise SwtrainError(f"{case_id!r} is not a case in the gradebook.", hint)
    return chosen


def _exercise_column(gradebook: pd.DataFrame, case_id: str, exercise_id: str) -> str | None:
    """The gradebook column of an exercise: 'case/exercise', or the bare id in a one-case gradebook."""
    for column in (f"{case_id}/{exercise_id}", exercise_id):
        if column in gradebook.columns and column not in FIXED_COLUMNS:
            return column
    return None


def _scores(gradebook: pd.DataFrame, case: Case) -> pd.DataFrame:
    """The case's rows, one column per exercise: the score, or NaN where a person has yet to score."""
    rows = gradebook[gradebook["case_id"] == case.id]
    scores = {}
    for exercise in case.exercises:
        column = _exercise_column(gradebook, case.id, exercise.id)
        cells = rows[column] if column else pd.Series("", index=rows.index)
        scores[exercise.id] = pd.to_numeric(cells.where(cells != "review"), errors="coerce")
    return pd.DataFrame(scores, index=rows.index)


def full_credit_shares(gradebook: pd.DataFrame, case: Case) -> pd.Series:
    """Per exercise id, the share of trainees with full credit among those scored (NaN: all wait for a person)."""
    scores = _scores(gradebook, case)
    shares = {}
    for exercise in case.exercises:
        scored = scores[exercise.id].dropna()
        shares[exercise.id] = float((scored >= exercise.points - 1e-9).mean()) if len(scored) else float("nan")
    return pd.Series(shares, dtype=float)


def competency_shares(gradebook: pd.DataFrame, cases: Mapping[str, Case]) -> pd.Series:
    """Per competency number, the mean over answer files of the share of points earned in that competency.

    Only scored exercises count: an answer waiting for a person is left out of both the points
    earned and the points possible, never counted as zero or full marks.
    """
    shares: dict[int, list[float]] = {}
    for case in cases.values():
        scores = _scores(gradebook, case)
        for _, row in scores.iterrows():
            earned: dict[int, float] = {}
            possible: dict[int, float] = {}
            for exercise in case.exercises:
                if pd.notna(row[exercise.id]):
                    earned[exercise.competency] = earned.get(exercise.competency, 0.0) + float(row[exercise.id])
                    possible[exercise.competency] = possible.get(exercise.competency, 0.0) + exercise.points
            for number, points in possible.items():
                shares.setdefault(number, []).append(earned[number] / points)
    return pd.Series({n: sum(v) / len(v) for n, v in sorted(shares.items())}, dtype=float)


# --- tables ------------------------------------------------------------------


def summary_table(out: Path | str, language: str, casedata: Path | None = None) -> pd.DataFrame:
    """One row per case and a first row for all files: files, graded, not graded, answers waiting, mean percent."""
    msg = messages(language)
    summary = json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))
    gradebook = read_gradebook(out)
    columns = [msg("Files"), msg("Graded"), msg("Not graded"), msg("Answers waiting for review"), msg("Mean percent")]
    rows = {
        msg("All files"): [
            summary["files"],
            summary["graded"],
            summary["not_graded"],
            int(gradebook["needs_review"].sum()),
            _mean(gradebook["percent"]),
        ]
    }
    for case_id, group in gradebook.groupby("case_id", sort=True):
        # A file that could not be read may not say its case: files and not graded are counted for all only.
        rows[_case_title(str(case_id), language, casedata)] = [
            "",
            len(group),
            "",
            int(group["needs_review"].sum()),
            _mean(group["percent"]),
        ]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table.index.name = msg("Case")
    return table


def _mean(values: pd.Series) -> float | str:
    return round(float(values.mean()), 1) if len(values) else ""


def problems_table(out: Path | str, language: str) -> pd.DataFrame:
    """OUT/problems.csv: each file not graded, or graded with a warning; headers and yes/no in `language`."""
    msg = messages(language)
    frame = pd.read_csv(Path(out) / "problems.csv", dtype=str, keep_default_na=False)
    frame["graded"] = frame["graded"].map({"yes": msg("yes"), "no": msg("no")})
    return frame.rename(
        columns={"path": msg("File"), "error": msg("Problem"), "hint": msg("Hint"), "graded": msg("Graded")}
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
    """Each trainee's percent of the total score as a dot, with the spread as a violin, one row per case."""
    msg = messages(language)
    gradebook = _gradebook(source)
    chosen = _chosen_cases(gradebook, cases)
    data = gradebook[gradebook["case_id"].isin(chosen)].assign(
        case=lambda f: f["case_id"].map(lambda c: _case_title(c, language, casedata))
    )
    order = [_case_title(c, language, casedata) for c in chosen]
    with drawing(language) as figure:
        figure.set_size_inches(8, 1.4 + 1.1 * len(chosen))
        ax = figure.subplots()
        if data.empty:
            _no_data(ax, msg)
        else:
            sns.violinplot(data, x="percent", y="case", order=order, ax=ax, cut=0, inner=None, color=LIGHT)
            sns.stripplot(data, x="percent", y="case", order=order, ax=ax, color=BAR, size=4, jitter=0.15)
        ax.set_xlim(0, 100)
        ax.xaxis.set_major_formatter(PercentFormatter(100))
        ax.set_title(msg("Scores per case"))
        ax.set_xlabel(msg("Percent of the total score"))
        ax.set_ylabel("")
    return figure


def exercise_difficulty(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> Figure:
    """The share of trainees with full credit on each exercise, labelled by its title; one panel per case."""
    msg = messages(language)
    gradebook = _gradebook(source)
    chosen = [load_case(c, casedata) for c in _chosen_cases(gradebook, cases)]
    heights = [len(case.exercises) for case in chosen] or [1]
    with drawing(language) as figure:
        figure.set_size_inches(8, 1.2 + 0.38 * sum(heights) + 0.5 * len(heights))
        axes = figure.subplots(len(heights), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        if not chosen:
            _no_data(axes[0], msg)
        for ax, case in zip(axes, chosen, strict=False):
            shares = full_credit_shares(gradebook, case)
            waiting = _scores(gradebook, case).isna().sum()
            labels = [e.title.get(language) for e in case.exercises]
            sns.barplot(x=shares.fillna(0).to_numpy(), y=labels, ax=ax, orient="h", color=BAR)
            for position, (share, count) in enumerate(zip(shares.fillna(0), waiting, strict=True)):
                if count:
                    note = msg("{count} waiting for review", count=count)
                    ax.text(share + 0.01, position, note, va="center", color="#52525b", fontsize=9)
            ax.set_xlim(0, 1)
            ax.xaxis.set_major_formatter(PercentFormatter(1))
            ax.set_title(case.title.get(language), fontsize=11)
            ax.set_xlabel("")
            ax.set_ylabel("")
        axes[-1].set_xlabel(msg("Share of trainees with full credit"))
        figure.suptitle(msg("Exercise difficulty"))
    return figure


def competency_profile(
    source: Source, language: str, cases: str | Sequence[str] | None = None, casedata: Path | None = None
) -> Figure:
    """The cohort's mean share of points earned per CSWE EPAS 2022 competency the chosen cases assess."""
    msg = messages(language)
    gradebook = _gradebook(source)
    chosen = {c: load_case(c, casedata) for c in _chosen_cases(gradebook, cases)}
    shares = competency_shares(gradebook, chosen)
    labels = competency_labels(language)
    with drawing(language) as figure:
        figure.set_size_inches(8, 1.6 + 0.45 * max(len(shares), 1))
        ax = figure.subplots()
        if shares.empty:
            _no_data(ax, msg)
        else:
            sns.barplot(x=shares.to_numpy(), y=[labels[n] for n in shares.index], ax=ax, orient="h", color=BAR)
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1))
        ax.set_title(msg("Cohort profile by competency (CSWE EPAS 2022)"))
        ax.set_xlabel(msg("Mean share of points earned"))
        ax.set_ylabel("")
    return figure


def _case_title(case_id: str, language: str, casedata: Path | None) -> str:
    try:
        return load_case(case_id, casedata).title.get(language)
    except SwtrainError:
        return case_id  # a case graded from another case data folder: its id still tells it apart


def _no_data(ax: Any, msg: Messages) -> None:
    ax.text(0.5, 0.5, msg("No graded answers to chart."), ha="center", va="center", transform=ax.transAxes)
    ax.set_yticks([])
