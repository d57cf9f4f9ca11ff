"""A case's datasets drawn for trainees: charts (seaborn) and tables, as HTML to show in place.

    chart_html(case, chart, language)     <figure> with the chart as an embedded PNG and its title
    table_html(case, dataset_id, language) the dataset as a table, headers and values in the language

Column labels and category values come from the case's dataset declaration,
so a chart reads in the trainee's language; categories keep the order they
are declared in. Images are embedded (data: URLs) so they survive a saved
notebook, nbconvert and Voilà. Results are cached per chart and language:
a language switch or a widget rebuilt on restart draws nothing twice.
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from html import escape
from pathlib import Path

import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from ..cases import case_dir
from ..datasets import read_dataset
from ..i18n import messages
from ..models import Case, Chart, Dataset
from .charts import _drawing

_PALETTE = "colorblind"


def dataset_frame(case: Case, dataset_id: str, language: str, folder: Path | None = None) -> pd.DataFrame:
    """The dataset with category values as labels in `language` (ordered categories), columns by name."""
    dataset = case.dataset(dataset_id)
    table = read_dataset(folder or case_dir(case.id), dataset)
    frame = pd.DataFrame({name: list(cells) for name, cells in table.columns.items()})
    for name, column in dataset.columns.items():
        if column.kind == "category":
            labels = {value: text.get(language) for value, text in column.values.items()}
            order = list(labels.values()) or sorted({str(v) for v in frame[name].dropna()})
            frame[name] = pd.Categorical(frame[name].map(lambda v, labels=labels: labels.get(v, v)), categories=order)
        else:
            frame[name] = pd.to_numeric(frame[name])
    return frame


def chart_html(case: Case, chart: Chart, language: str, folder: Path | None = None) -> str:
    """The chart as a <figure> with an embedded PNG; the alt text names what it shows."""
    folder = folder or case_dir(case.id)
    png = _png(case, chart.model_dump_json(), language, str(folder), _mtime(folder, case.dataset(chart.dataset)))
    title = chart.title.get(language) if chart.title else ""
    alt = title or describe(case, chart, language)
    caption = f'<figcaption style="font-size:90%;color:#3f3f46">{escape(title)}</figcaption>' if title else ""
    return (
        f'<figure class="swtrain-chart" data-kind="{chart.kind}" style="margin:8px 0">'
        f'<img alt="{escape(alt)}" style="max-width:100%;height:auto" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">{caption}</figure>'
    )


def describe(case: Case, chart: Chart, language: str) -> str:
    """What a chart shows in words (its alt text when it has no title)."""
    msg = messages(language)
    columns = case.dataset(chart.dataset).columns
    x = columns[chart.x].label.get(language)
    if chart.y is None:
        return msg("Distribution of {x}", x=x)
    return msg("{y} by {x}", y=columns[chart.y].label.get(language), x=x)


def table_html(case: Case, dataset_id: str, language: str, folder: Path | None = None) -> str:
    """The dataset as an HTML table with headers and category values in `language`; missing cells shown as –."""
    dataset = case.dataset(dataset_id)
    frame = dataset_frame(case, dataset_id, language, folder)
    frame.columns = [dataset.columns[name].label.get(language) for name in frame.columns]
    body = frame.to_html(index=False, na_rep="–", float_format=lambda v: f"{v:g}", classes="swtrain-table", border=0)
    title = escape(dataset.title.get(language))
    msg = messages(language)
    rows = msg("{rows} rows", rows=len(frame))
    note = f"<p>{escape(dataset.description.get(language))}</p>" if dataset.description else ""
    return (
        f'<details class="swtrain-dataset" open><summary><b>{title}</b> ({escape(rows)})</summary>{note}'
        f'<div style="max-height:360px;overflow:auto">{body}</div></details>'
    )


def _mtime(folder: Path, dataset: Dataset) -> float:
    return (folder / dataset.file).stat().st_mtime


@lru_cache(maxsize=128)
def _png(case: Case, chart_json: str, language: str, folder: str, mtime: float) -> bytes:
    chart = Chart.model_validate_json(chart_json)
    frame = dataset_frame(case, chart.dataset, language, Path(folder))
    columns = case.dataset(chart.dataset).columns
    with _drawing(language) as figure:
        figure.set_size_inches(5.6, 3.6)
        ax = figure.subplots()
        _draw(ax, frame, chart)
        ax.set_xlabel(columns[chart.x].label.get(language))
        msg = messages(language)
        ax.set_ylabel(columns[chart.y].label.get(language) if chart.y else msg("Count"))
        legend = ax.get_legend()
        if legend is not None and chart.hue:
            legend.set_title(columns[chart.hue].label.get(language))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=96)
    return out.getvalue()


def _draw(ax: Axes, frame: pd.DataFrame, chart: Chart) -> None:
    common = {"data": frame, "x": chart.x, "ax": ax}
    if chart.hue:
        common |= {"hue": chart.hue, "palette": _PALETTE}
    if chart.kind == "bar":
        sns.barplot(**common, y=chart.y, errorbar=("ci", 95), color=None if chart.hue else "#4f6fb0")
    elif chart.kind == "point":
        sns.pointplot(**common, y=chart.y, errorbar=("ci", 95), color=None if chart.hue else "#4f6fb0")
    elif chart.kind == "box":
        sns.boxplot(**common, y=chart.y, color=None if chart.hue else "#c9d5ee")
    elif chart.kind == "strip":
        sns.stripplot(**common, y=chart.y, jitter=0.15, color=None if chart.hue else "#4f6fb0")
    elif chart.kind == "line":
        # one line per unit (a member before and after); categories keep their declared order
        sns.lineplot(**common, y=chart.y, units=chart.units, estimator=None, marker="o", color="#4f6fb0", alpha=0.6)
    elif chart.kind == "hist":
        sns.histplot(**common, discrete=False, color=None if chart.hue else "#4f6fb0")
    else:
        sns.scatterplot(**common, y=chart.y, color=None if chart.hue else "#4f6fb0")
