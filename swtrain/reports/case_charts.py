"""A case's datasets drawn for trainees: charts (seaborn) and tables, as HTML to show in place.

    chart_html(case, chart, language)      <figure> with the chart as an embedded PNG, its title, alt text
                                           saying what kind of chart shows what, and its figures as a table
    table_html(case, dataset_id, language) the dataset as a table, headers and values in the language

Column labels and category values come from the case's dataset declaration,
so a chart reads in the trainee's language; categories keep the order they
are declared in. Images are embedded (data: URLs) so they survive a saved
notebook, nbconvert and Voilà.

Drawing takes about a second to load seaborn and a tenth of a second per
chart, so every chart is kept as a PNG file in the chart cache
($SWTRAIN_CACHE_DIR, else $XDG_CACHE_HOME/swtrain/charts, else
~/.cache/swtrain/charts), named by a hash of everything that shapes it: the
chart, the language, the dataset's declaration and its CSV file, and the
versions of swtrain, seaborn and matplotlib. A notebook whose charts are all
cached never imports pandas or seaborn; a cache that cannot be written is
simply not used.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import unicodedata
from functools import lru_cache
from html import escape
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from ..cases import case_dir
from ..datasets import read_dataset
from ..i18n import messages
from ..models import Case, Chart
from ..store import write_atomic
from .chart_text import chart_table, describe

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

_PALETTE = "colorblind"
_DPI = 120
_WIDTH_INCHES = 4.4
#: Part of every cache key: raise it when the drawing changes, so no cached chart is shown in the old style.
_DRAWING_VERSION = "2"
_COLOUR = "#4f6fb0"


def cache_dir() -> Path:
    configured = os.environ.get("SWTRAIN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "swtrain" / "charts"


def chart_html(case: Case, chart: Chart, language: str, folder: Path | None = None) -> str:
    """The chart as a <figure> with an embedded PNG; its text alternative is the alt text (what kind of
    chart shows what) and, under it, the figures it draws as a table a trainee can open."""
    folder = folder or case_dir(case.id)
    msg = messages(language)
    png = chart_png(case, chart, language, folder)
    title = chart.title.get(language) if chart.title else ""
    alt = describe(case, chart, language)
    if title:
        alt = msg("{title}. {description}", title=title, description=alt)
    caption = f'<figcaption style="font-size:90%;color:#3f3f46">{escape(title)}</figcaption>' if title else ""
    figures = chart_table(case, chart, read_dataset(folder, case.dataset(chart.dataset)), msg)
    return (
        f'<figure class="swtrain-chart" data-kind="{chart.kind}" style="margin:8px 0">'
        f'<img alt="{escape(alt)}" style="max-width:100%;height:auto" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">{caption}{figures}</figure>'
    )


def chart_png(case: Case, chart: Chart, language: str, folder: Path) -> bytes:
    """The chart's PNG: from the chart cache, else drawn (and cached)."""
    dataset = case.dataset(chart.dataset)
    data = (folder / dataset.file).stat()
    digest = _file_digest(folder / dataset.file, data.st_mtime_ns, data.st_size)
    cached = cache_dir() / f"{_cache_key(chart.model_dump_json(), language, dataset.model_dump_json(), digest)}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    png = _draw_png(case, chart, language, folder)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cached, png)
    except OSError:
        pass  # a read-only home: draw again next time
    return png


@lru_cache(maxsize=64)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    """The SHA-256 of a dataset's file, read once per version of the file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cache_key(chart: str, language: str, dataset: str, data_digest: str) -> str:
    versions = "|".join([_DRAWING_VERSION, *(_version(p) for p in ("swtrain", "seaborn", "matplotlib"))])
    parts = "\0".join((versions, chart, language, dataset, data_digest))
    return hashlib.sha256(parts.encode()).hexdigest()[:40]


@lru_cache(maxsize=8)
def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # swtrain run from a source tree it was not installed from
        return "unknown"


def table_html(case: Case, dataset_id: str, language: str, folder: Path | None = None) -> str:
    """The dataset as an HTML table with headers and category values in `language`; missing cells shown as –."""
    dataset = case.dataset(dataset_id)
    table = read_dataset(folder or case_dir(case.id), dataset)
    msg = messages(language)
    labels = {
        name: {value: text.get(language) for value, text in column.values.items()}
        for name, column in dataset.columns.items()
    }
    head = "".join(f"<th>{escape(c.label.get(language))}</th>" for c in dataset.columns.values())
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(_cell(table.columns[name][row], labels[name]))}</td>" for name in dataset.columns)
        + "</tr>"
        for row in range(table.rows)
    )
    note = f"<p>{escape(dataset.description.get(language))}</p>" if dataset.description else ""
    rows = msg("{rows} rows", rows=table.rows)
    return (
        f'<details class="swtrain-dataset" open><summary><b>{escape(dataset.title.get(language))}</b> '
        f"({escape(rows)})</summary>{note}"
        # a box that scrolls is reached with the keyboard too (Tab, then the arrow keys), under the data's name
        f'<div style="max-height:360px;overflow:auto" tabindex="0" role="region" '
        f'aria-label="{escape(dataset.title.get(language))}"><table class="swtrain-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def _cell(value: float | str | None, labels: dict[str, str]) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return labels.get(value, value)


def dataset_frame(case: Case, dataset_id: str, language: str, folder: Path | None = None) -> pd.DataFrame:
    """The dataset with category values as labels in `language` (ordered categories), columns by name."""
    import pandas as pd

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


def _draw_png(case: Case, chart: Chart, language: str, folder: Path) -> bytes:
    from .charts import drawing

    frame = dataset_frame(case, chart.dataset, language, folder)
    columns = case.dataset(chart.dataset).columns
    with drawing(language) as figure:
        # small and sharp: shown in a 320 px chart-choice card its text stays readable
        figure.set_size_inches(_WIDTH_INCHES, 3.0)
        ax = figure.subplots()
        _draw(ax, frame, chart)
        ax.set_xlabel(columns[chart.x].label.get(language))
        msg = messages(language)
        ax.set_ylabel(columns[chart.y].label.get(language) if chart.y else msg("Count"))
        legend = ax.get_legend()
        if legend is not None and chart.hue:
            import seaborn as sns

            # above the plot, in as many columns as fit the width: inside it the legend hid points and intervals
            sns.move_legend(ax, "lower center", bbox_to_anchor=(0.5, 1.0), ncol=_legend_columns(legend), frameon=False)
            moved = ax.get_legend()
            if moved is not None:
                moved.set_title(columns[chart.hue].label.get(language))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=_DPI, metadata={"Software": None})
    return out.getvalue()


def _legend_columns(legend: Legend) -> int:
    """How many legend entries fit side by side across the figure (an estimate from the labels' lengths)."""
    texts = legend.get_texts()
    size = float(texts[0].get_fontsize()) * _DPI / 72 if texts else 12.0
    widths = sorted((_text_em(t.get_text()) * size + 3 * size for t in texts), reverse=True)
    room = 0.95 * _WIDTH_INCHES * _DPI
    columns = len(widths)
    while columns > 1 and sum(widths[:columns]) > room:
        columns -= 1
    return max(columns, 1)


def _text_em(text: str) -> float:
    """About how many ems `text` takes: a Chinese character one, another letter six tenths."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.6 for c in text)


def _draw(ax: Axes, frame: pd.DataFrame, chart: Chart) -> None:
    import seaborn as sns

    common = {"data": frame, "x": chart.x, "ax": ax}
    single = None if chart.hue else _COLOUR
    if chart.hue:
        common |= {"hue": chart.hue, "palette": _PALETTE}
    if chart.kind == "bar":
        sns.barplot(**common, y=chart.y, errorbar=("ci", 95), color=single)
    elif chart.kind == "point":
        sns.pointplot(**common, y=chart.y, errorbar=("ci", 95), color=single)
    elif chart.kind == "box":
        sns.boxplot(**common, y=chart.y, color=None if chart.hue else "#c9d5ee")
    elif chart.kind == "strip":
        sns.stripplot(**common, y=chart.y, jitter=0.15, color=single)
    elif chart.kind == "line":
        # one line per unit (a member before and after); categories keep their declared order
        sns.lineplot(**common, y=chart.y, units=chart.units, estimator=None, marker="o", color=_COLOUR, alpha=0.6)
    elif chart.kind == "hist":
        sns.histplot(**common, discrete=False, color=single)
    else:
        sns.scatterplot(**common, y=chart.y, color=single)
