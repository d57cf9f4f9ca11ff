"""The item analysis as seaborn charts for the cohort notebook (and the page `swtrain report` exports from it).

    item_map(analysis, lang)            Figure: difficulty against item-rest r per exercise, one panel per case,
                                        flagged exercises labelled with their number
    option_chart(case_analysis, lang)   Figure: each choice exercise's options, chosen by the upper and the lower
                                        27%, the key marked
    dif_chart(analysis, lang)           Figure: the ETS delta of each exercise between English and Chinese answers,
                                        with the A, B and C bands
    *_html(...)                         each chart as a <figure> with alt text, a caption and its data as a table;
                                        agreement_html: the markers' agreement tables

Each takes the ItemAnalysis that grade_cohort returns (CohortResult.item_analysis).
Severity is never shown by colour alone: each has its own marker shape and a legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from ..i18n import Messages, messages
from .agreement_page import agreement_section
from .figures import BAR, LIGHT, MUTED, SMALLEST, drawing, figure_html, html_table, percent, wrap
from .item_analysis import CaseAnalysis, ExerciseAnalysis, ItemAnalysis
from .item_flags import EASY, HARD, WEAK, exercise_flags
from .item_page import what_to_look_at_first
from .page_text import SECTION, heading, paragraph

#: Severity: (colour, marker); "ok" for an exercise with no flag worth a look.
STYLES = {"severe": ("#b91c1c", "X"), "check": ("#b45309", "^"), "ok": (BAR, "o")}


def severity(item: ExerciseAnalysis, msg: Messages) -> str:
    flags = [f.severity for f in exercise_flags(item, msg)]
    return "severe" if "severe" in flags else "check" if "check" in flags else "ok"


def _legend_words(msg: Messages) -> dict[str, str]:
    return {"severe": msg("Look before grades go out"), "check": msg("Worth a look"), "ok": msg("Worked as intended")}


def item_map(analysis: ItemAnalysis, language: str) -> Figure:
    """Difficulty p (x) against the item-rest r (y), a panel per case; exercises flagged labelled by number."""
    msg = messages(language)
    cases = [c for c in analysis.cases if any(e.item_rest_r is not None for e in c.exercises)]
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 0.9 + 3.4 * max(1, len(cases)))
        axes = figure.subplots(max(1, len(cases)), 1, squeeze=False)[:, 0]
        if not cases:
            axes[0].text(0.5, 0.5, msg("No exercise has figures yet."), ha="center", va="center")
            axes[0].set_axis_off()
        for ax, case in zip(axes, cases, strict=False):
            _item_map_panel(ax, case, msg)
        words = _legend_words(msg)
        handles = [
            Line2D([], [], linestyle="", marker=marker, color=colour, markersize=8, label=words[name])
            for name, (colour, marker) in STYLES.items()
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=SMALLEST + 0.5, frameon=False)
        figure.suptitle(msg("Item map: difficulty and discrimination"))
    return figure


def _item_map_panel(ax: Any, case: CaseAnalysis, msg: Messages) -> None:
    points = [
        (number, item, severity(item, msg))
        for number, item in enumerate(case.exercises, start=1)
        if item.mean is not None and item.item_rest_r is not None
    ]
    for name, (colour, marker) in STYLES.items():
        chosen = [(item.mean, item.item_rest_r) for _, item, s in points if s == name]
        if chosen:
            ax.scatter(*zip(*chosen, strict=True), s=60, c=colour, marker=marker, zorder=3)
    lowest = min([-0.2] + [item.item_rest_r or 0.0 for _, item, _ in points]) - 0.1
    highest = max([0.8] + [item.item_rest_r or 0.0 for _, item, _ in points]) + 0.1
    ax.set_ylim(lowest, highest)
    ax.set_xlim(0, 1.05)
    ax.axhline(WEAK, color=MUTED, linestyle="--", linewidth=1)
    ax.axhline(0, color=MUTED, linewidth=0.8)
    for edge in (HARD, EASY):
        ax.axvline(edge, color=MUTED, linestyle=":", linewidth=1)
    ax.xaxis.set_major_formatter(PercentFormatter(1))
    ax.set_xlabel(msg("Difficulty p: mean share of the points"), fontsize=SMALLEST + 1)
    ax.set_ylabel(msg("Item-rest r"), fontsize=SMALLEST + 1)
    ax.set_title(wrap(case.case.title.get(msg.language), 60), fontsize=11, loc="left")
    _label_points(
        ax, [(str(number), item.mean or 0.0, item.item_rest_r or 0.0) for number, item, s in points if s != "ok"]
    )


#: A label's box in axes fractions: per character and its height (10-point type on a 6.5 × 2.6 inch panel).
_CHAR, _LINE = 0.014, 0.075
#: Where a label may go round its point, in axes fractions, tried in turn.
_PLACES = [(0.012, 0.02), (0.012, -0.085), (-0.02, 0.02), (-0.02, -0.085), (0.012, 0.09), (-0.02, 0.09)]


def _label_points(ax: Any, labels: Sequence[tuple[str, float, float]]) -> None:
    """Each label beside its point, at the first place round it where it covers no label placed before and no
    point (boxes estimated in axes fractions, so the result does not depend on the renderer)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def fraction(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0), (y - y0) / (y1 - y0)

    points = [fraction(x, y) for _, x, y in labels]
    placed: list[tuple[float, float, float, float]] = []
    for (text, _x, _y), (px, py) in zip(labels, points, strict=True):
        width = _CHAR * len(text)
        boxes = []
        for dx, dy in _PLACES:
            left = px + dx if dx > 0 else px + dx - width
            box = (left, py + dy, left + width, py + dy + _LINE * 0.8)
            boxes.append(box)
            clear = all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed)
            away = all(
                not (box[0] - 0.01 <= qx <= box[2] + 0.01 and box[1] - 0.02 <= qy <= box[3] + 0.02) for qx, qy in points
            )
            if clear and away and 0 <= box[0] and box[2] <= 1 and 0 <= box[1] and box[3] <= 1:
                break
        else:
            box = boxes[0]
        placed.append(box)
        ax.text(box[0], box[1], text, transform=ax.transAxes, fontsize=SMALLEST + 1, va="bottom", ha="left")


def option_chart(case: CaseAnalysis, language: str) -> Figure | None:
    """Each choice exercise of the case: per option, the share of the upper and of the lower 27% who chose it."""
    msg = messages(language)
    items = [(n, item) for n, item in enumerate(case.exercises, start=1) if item.options]
    if not items:
        return None
    rows = (len(items) + 1) // 2
    groups = {"upper": msg("Upper 27%"), "lower": msg("Lower 27%")}
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 1.0 + 2.3 * rows)
        axes = figure.subplots(rows, 2, squeeze=False).ravel()
        for ax, (number, item) in zip(axes, items, strict=False):
            table = pd.DataFrame(
                [
                    (msg("{letter} (key)", letter=o.letter) if o.keyed else o.letter, groups[group], share)
                    for o in item.options
                    for group, share in (("upper", o.upper), ("lower", o.lower))
                ],
                columns=["option", "group", "share"],
            )
            sns.barplot(
                data=table, y="option", x="share", hue="group", ax=ax, palette=[BAR, LIGHT], legend=False, orient="h"
            )
            ax.set_xlim(0, 1)
            ax.xaxis.set_major_formatter(PercentFormatter(1))
            ax.set_xticks([0, 0.5, 1])
            ax.set_xlabel("")
            ax.set_ylabel("")
            ax.tick_params(labelsize=SMALLEST + 0.5)
            title = msg("{number}. {title}", number=number, title=item.exercise.title.get(language))
            ax.set_title(wrap(title, 36, max_lines=2), fontsize=SMALLEST + 1, loc="left")
        for ax in axes[len(items) :]:
            ax.set_axis_off()
        handles = [
            Line2D([], [], linewidth=8, color=colour, label=groups[g])
            for g, colour in (("upper", BAR), ("lower", LIGHT))
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=SMALLEST + 0.5, frameon=False)
        figure.suptitle(wrap(msg("Options chosen: {case}", case=case.case.title.get(language)), 70))
    return figure


def dif_chart(analysis: ItemAnalysis, language: str) -> Figure | None:
    """The ETS delta of each exercise with a DIF figure, a panel per case, over the A, B and C bands."""
    msg = messages(language)
    panels = [(c, _dif_rows(c, msg)) for c in analysis.cases]
    panels = [(c, rows) for c, rows in panels if rows]
    if not panels:
        return None
    heights = [0.6 + 0.32 * len(rows) for _, rows in panels]
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 1.2 + sum(heights))
        axes = figure.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})[:, 0]
        reach = max(3.0, *(abs(delta) + 0.5 for _, rows in panels for _, delta, _ in rows))
        for ax, (case, rows) in zip(axes, panels, strict=True):
            for low, high, shade in ((0, 1, "#f4f4f5"), (1, 1.5, "#fef3c7"), (1.5, reach, "#fee2e2")):
                ax.axvspan(low, high, color=shade, zorder=0)
                ax.axvspan(-high, -low, color=shade, zorder=0)
            for position, (_label, delta, category) in enumerate(rows):
                colour, marker = STYLES["severe" if category == "C" else "check" if category == "B" else "ok"]
                ax.scatter([delta], [position], s=60, c=colour, marker=marker, zorder=3)
            ax.set_yticks(range(len(rows)), [label for label, _, _ in rows], fontsize=SMALLEST + 0.5)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_xlim(-reach, reach)
            ax.axvline(0, color=MUTED, linewidth=0.8)
            ax.grid(axis="y", visible=False)
            ax.set_title(wrap(case.case.title.get(language), 60), fontsize=11, loc="left")
        axes[-1].set_xlabel(
            wrap(msg("ETS delta: below 0 easier in English, above 0 easier in Chinese, for equally able trainees"), 60)
        )
        figure.suptitle(msg("English and Chinese answers compared (ETS classes A, B, C)"))
    return figure


def _dif_rows(case: CaseAnalysis, msg: Messages) -> list[tuple[str, float, str]]:
    rows = []
    for number, item in enumerate(case.exercises, start=1):
        result = item.dif
        if result is not None and not result.too_small and result.dif is not None:
            label = wrap(msg("{number}. {title}", number=number, title=item.exercise.title.get(msg.language)), 30, 1)
            rows.append((label, result.dif.delta, result.dif.category))
    return rows


# --- the charts on a page ---------------------------------------------------------------------------------


def chosen(analysis: ItemAnalysis, cases: str) -> ItemAnalysis:
    """The analysis of the cases named (comma-separated ids; empty: all), with their markers' agreement."""
    wanted = {c.strip() for c in cases.split(",") if c.strip()}
    if not wanted:
        return analysis
    agreement = analysis.agreement
    return ItemAnalysis(
        tuple(c for c in analysis.cases if c.case.id in wanted),
        type(agreement)(
            tuple(c for c in agreement.criteria if c.case.id in wanted),
            tuple(t for t in agreement.totals if t.case.id in wanted),
            tuple(d for d in agreement.disagreements if d.case.id in wanted),
        ),
    )


def item_map_html(analysis: ItemAnalysis, language: str, cases: str = "") -> str:
    """What to look at first, the item map and its data."""
    msg = messages(language)
    analysis = chosen(analysis, cases)
    rows = [
        [
            msg("{number}. {title}", number=number, title=item.exercise.title.get(language)),
            _number(item.mean, percent),
            _number(item.item_rest_r),
            _number(item.upper_lower),
            _legend_words(msg)[severity(item, msg)],
        ]
        for case in analysis.cases
        for number, item in enumerate(case.exercises, start=1)
    ]
    columns = [msg("Exercise"), "p", "r", "D", msg("Verdict")]
    table = html_table(columns, rows, numeric=[False, True, True, True, False], row_headers=True)
    return "".join(
        [
            SECTION,
            heading(2, msg("Item analysis")),
            what_to_look_at_first(analysis, msg),
            figure_html(
                item_map(analysis, language),
                alt=msg(
                    "Scatter chart, one panel per case: each exercise's difficulty (mean share of the points) "
                    "against its item-rest correlation. Exercises to look at are labelled with their number; the "
                    "table under the chart lists every exercise's figures."
                ),
                caption=msg(
                    "Good items sit above the dashed line (r = 0.2) and between the dotted lines (p from 0.2 "
                    "to 0.9). Answers waiting for a marker are left out."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            ),
            "</section>",
        ]
    )


def _number(value: float | None, shown: Any = None) -> str:
    if value is None:
        return ""
    return shown(value) if shown else f"{value:.2f}"


def options_html(analysis: ItemAnalysis, language: str, cases: str = "") -> str:
    """The option chart of each case, with every option's text and shares as a table."""
    msg = messages(language)
    analysis = chosen(analysis, cases)
    parts = [SECTION, heading(2, msg("Options chosen"))]
    for case in analysis.cases:
        figure = option_chart(case, language)
        if figure is None:
            continue
        rows = [
            [
                msg("{number}. {title}", number=number, title=item.exercise.title.get(language)),
                o.letter + (" ✓" if o.keyed else ""),
                o.label.get(language),
                percent(o.share),
                percent(o.upper),
                percent(o.lower),
            ]
            for number, item in enumerate(case.exercises, start=1)
            for o in item.options
        ]
        columns = [msg("Exercise"), msg("Option"), msg("Text"), msg("All"), msg("Upper 27%"), msg("Lower 27%")]
        table = html_table(columns, rows, numeric=[False, False, False, True, True, True], row_headers=True)
        parts.append(
            figure_html(
                figure,
                alt=msg(
                    "Bar charts, one per choice exercise of {case}: for each option, the share of the upper and "
                    "of the lower 27% of trainees who chose it; the key is marked. The table under the chart gives "
                    "each option's text and shares.",
                    case=case.case.title.get(language),
                ),
                caption=msg(
                    "A key the upper group chooses less than the lower, or a distractor it chooses more, is worth "
                    "a look."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            )
        )
    parts.append("</section>")
    return "".join(parts)


def dif_html(analysis: ItemAnalysis, language: str, cases: str = "") -> str:
    """The DIF chart, or why there is none (too few answers in one language)."""
    msg = messages(language)
    analysis = chosen(analysis, cases)
    parts = [SECTION, heading(2, msg("English and Chinese answers compared"))]
    figure = dif_chart(analysis, language)
    if figure is None:
        parts.append(
            paragraph(msg("No comparison yet: it needs at least 20 answers in English and 20 in Chinese per case."))
        )
    else:
        rows = [
            [label, f"{delta:.2f}", category]
            for case in analysis.cases
            for label, delta, category in _dif_rows(case, msg)
        ]
        table = html_table([msg("Exercise"), msg("ETS delta"), msg("Class")], rows, numeric=[False, True, False])
        parts.append(
            figure_html(
                figure,
                alt=msg(
                    "Dot chart, one panel per case: each exercise's ETS delta between equally able trainees "
                    "answering in English and in Chinese, over the bands of class A (under 1), B and C (1.5 and "
                    "over). The table under the chart gives each delta and class."
                ),
                caption=msg(
                    "Class C: the item is much easier in one language for trainees of equal ability; compare its "
                    "two texts (listed in item_analysis.html)."
                ),
                table=table,
                table_label=msg("The chart's data as a table"),
            )
        )
    parts.append("</section>")
    return "".join(parts)


def agreement_html(analysis: ItemAnalysis, language: str, cases: str = "") -> str:
    """The markers' agreement per criterion and on the totals, and the answers they differ on."""
    return agreement_section(chosen(analysis, cases).agreement, messages(language))
