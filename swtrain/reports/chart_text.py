"""A case chart in words: what it shows (its alt text) and the figures it draws, as a table under it.

    describe(case, chart, language)          "Box plot: the spread of Self-efficacy at each Time"
    chart_table(case, chart, table, msg)     <details> holding what the chart draws, as numbers

A trainee who cannot see the image (a screen reader, a picture that did not
load) reads the same figures: bar, point, box and strip charts give each
group's count, mean, lowest, median and highest value; a line chart one row
per unit with its value at each point; a histogram the count in each of its
bins (numpy's "auto" bins, as seaborn draws them); a scatter plot every pair.
Plain Python on the case's table: no pandas, so a notebook whose chart images
are cached still loads none.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from html import escape

from ..datasets import Cell, Table
from ..i18n import Messages, figure, messages
from ..models import Case, Chart

#: A cell as a trainee reads it: (column, cell) -> text.
Shown = Callable[[str, Cell], str]


def describe(case: Case, chart: Chart, language: str) -> str:
    """What kind of chart it is and what it shows, in words (its alt text)."""
    msg = messages(language)
    columns = case.dataset(chart.dataset).columns

    def label(name: str | None) -> str:
        return columns[name].label.get(language) if name else ""

    kinds = {  # templates, filled below: msg() without values leaves the {names} in place
        "bar": msg("Bar chart: the mean of {y} for each {x}, with 95% intervals"),
        "point": msg("Point chart: the mean of {y} for each {x}, with 95% intervals"),
        "box": msg("Box plot: the spread of {y} for each {x}"),
        "strip": msg("Strip chart: every value of {y} for each {x}"),
        "line": msg("Line chart: one line for each {units}, joining their {y} at each {x}"),
        "hist": msg("Histogram: how many values of {x} fall in each range"),
        "scatter": msg("Scatter plot: {y} against {x}"),
    }
    text = kinds[chart.kind].format(x=label(chart.x), y=label(chart.y), units=label(chart.units))
    if chart.hue:
        text = msg("{chart}; colours show {hue}", chart=text, hue=label(chart.hue))
    return text


def chart_table(case: Case, chart: Chart, table: Table, msg: Messages) -> str:
    """The figures the chart draws as an HTML table in a closed <details> (the chart's text alternative)."""
    lang = msg.language
    columns = case.dataset(chart.dataset).columns
    names = {name: column.label.get(lang) for name, column in columns.items()}
    values = {name: {v: t.get(lang) for v, t in column.values.items()} for name, column in columns.items()}

    def shown(name: str, cell: Cell) -> str:
        if cell is None:
            return "–"
        return figure(cell) if isinstance(cell, float) else values[name].get(cell, cell)

    if chart.kind == "hist":
        head, rows = _bins(chart.x, table, names, msg)
    elif chart.kind == "scatter" and chart.y:
        head = [names[n] for n in (chart.x, chart.y, chart.hue) if n]
        keep = [i for i in range(table.rows) if table.columns[chart.x][i] is not None]
        keep.sort(key=lambda i: _rank(table.columns[chart.x][i], []))
        rows = [[shown(n, table.columns[n][i]) for n in (chart.x, chart.y, chart.hue) if n] for i in keep]
    elif chart.kind == "line" and chart.units and chart.y:
        head, rows = _per_unit(chart, table, names, shown)
    else:
        head, rows = _per_group(chart, table, names, values, shown, msg)
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    title = escape(msg("The chart's figures as a table"))
    return (
        f'<details class="swtrain-chart-data"><summary>{title}</summary>'
        f'<div style="max-height:300px;overflow:auto"><table class="swtrain-table">'
        f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def _groups(table: Table, by: Sequence[str], values: Mapping[str, Mapping[str, str]]) -> list[tuple[Cell, ...]]:
    """The distinct combinations of the `by` columns: categories in their declared order, numbers ascending."""
    found = {tuple(table.columns[name][i] for name in by) for i in range(table.rows)}
    return sorted(
        (g for g in found if None not in g),
        key=lambda group: tuple(_rank(cell, list(values[n])) for n, cell in zip(by, group, strict=True)),
    )


def _rank(cell: Cell, declared: list[str]) -> tuple[int, float, str]:
    """Where a cell sorts: a declared category by its place, then numbers ascending, then other text."""
    if cell in declared:
        return declared.index(str(cell)), 0.0, ""
    return len(declared), cell if isinstance(cell, float) else 0.0, str(cell)


def _per_group(
    chart: Chart,
    table: Table,
    names: Mapping[str, str],
    values: Mapping[str, Mapping[str, str]],
    shown: Shown,
    msg: Messages,
) -> tuple[list[str], list[list[str]]]:
    assert chart.y is not None
    by = [n for n in (chart.x, chart.hue) if n]
    head = [names[n] for n in by] + [msg("Values"), msg("Average"), msg("Lowest"), msg("Median"), msg("Highest")]
    rows = []
    for group in _groups(table, by, values):
        where = dict(zip(by, group, strict=True))
        numbers = [
            cell
            for i in range(table.rows)
            if all(table.columns[n][i] == v for n, v in where.items())
            and isinstance(cell := table.columns[chart.y][i], float)
        ]
        if not numbers:
            continue
        stats = (statistics.fmean(numbers), min(numbers), statistics.median(numbers), max(numbers))
        rows.append([shown(n, v) for n, v in where.items()] + [str(len(numbers))] + [figure(s) for s in stats])
    return head, rows


def _per_unit(chart: Chart, table: Table, names: Mapping[str, str], shown: Shown) -> tuple[list[str], list[list[str]]]:
    assert chart.units is not None and chart.y is not None
    points: list[Cell] = []
    for cell in table.columns[chart.x]:
        if cell is not None and cell not in points:
            points.append(cell)
    declared = list(table.dataset.columns[chart.x].values)
    points.sort(key=lambda cell: _rank(cell, declared))
    units: dict[Cell, dict[Cell, Cell]] = {}
    for i in range(table.rows):
        unit = table.columns[chart.units][i]
        if unit is not None:
            units.setdefault(unit, {})[table.columns[chart.x][i]] = table.columns[chart.y][i]
    head = [names[chart.units]] + [f"{names[chart.y]} · {shown(chart.x, p)}" for p in points]
    rows = [[shown(chart.units, unit)] + [shown(chart.y, at.get(p)) for p in points] for unit, at in units.items()]
    return head, rows


def _bins(column: str, table: Table, names: Mapping[str, str], msg: Messages) -> tuple[list[str], list[list[str]]]:
    import numpy as np

    numbers = [c for c in table.columns[column] if isinstance(c, float)]
    if not numbers:
        return [names[column], msg("Count")], []
    counts, edges = np.histogram(numbers, bins="auto")
    last = len(counts) - 1
    # every bin holds its lower edge, not its upper one; the last holds both
    below, through = msg("{low} to under {high}"), msg("{low} to {high}")
    ranges = [
        (through if i == last else below).format(low=figure(low), high=figure(high))
        for i, (low, high) in enumerate(zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True))
    ]
    rows = [[text, str(int(count))] for text, count in zip(ranges, counts.tolist(), strict=True)]
    return [names[column], msg("Count")], rows
