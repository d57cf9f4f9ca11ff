"""The data a case ships (CSV files beside case.yaml), read without pandas.

A case declares each dataset and the columns it uses; `read_dataset` checks
the file against that declaration and returns a `Table`. Charts are drawn
from tables by swtrain.reports.case_charts; a numeric key may name a figure
computed from a table (`DataStat`), resolved to a number when the key is
loaded, so grading stays pure and never reads a CSV.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import DatasetInvalid, KeyInvalid, Problem
from .exercises import kind_of
from .fields import Dataset, DataStat
from .models import Case, Key

#: A CSV file of a case is small teaching data; anything larger is a mistake.
MAX_DATASET_BYTES = 2 * 1024 * 1024

Cell = float | str | None


@dataclass(frozen=True)
class Table:
    """A dataset's declared columns: numbers (None where a cell is empty) or category strings."""

    dataset: Dataset
    columns: Mapping[str, tuple[Cell, ...]]

    @property
    def rows(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def matching(self, where: Mapping[str, str] | None = None) -> list[int]:
        """Indexes of the rows matching every `where` condition (column: value)."""
        keep = list(range(self.rows))
        for name, wanted in (where or {}).items():
            cells = self.columns[name]
            keep = [i for i in keep if cells[i] is not None and _text(cells[i]) == wanted]
        return keep

    def numbers(self, column: str, where: Mapping[str, str] | None = None) -> list[float]:
        """The non-missing numbers of `column` in the rows matching `where`."""
        cells = self.columns[column]
        return [cell for i in self.matching(where) if isinstance(cell := cells[i], float)]


def _text(cell: Cell) -> str:
    return f"{cell:g}" if isinstance(cell, float) else str(cell)


def reference_problems(case: Case) -> list[Problem]:
    """Tables and charts that name a dataset or column the case does not declare."""
    datasets = {d.id: d for d in case.datasets}
    named = ", ".join(sorted(datasets)) or "none is declared under datasets"
    problems = []
    for i, section in enumerate(case.sections):
        if section.table is not None and section.table not in datasets:
            problems.append(Problem(f"sections.{i}.table", section.table, f"a dataset id ({named})"))
    for where, chart in case.charts():
        dataset = datasets.get(chart.dataset)
        if dataset is None:
            problems.append(Problem(f"{where}.dataset", chart.dataset, f"a dataset id ({named})"))
            continue
        for column in chart.columns():
            if column not in dataset.columns:
                declared = ", ".join(dataset.columns)
                problems.append(Problem(f"{where}", column, f"a column of dataset {dataset.id!r} ({declared})"))
        if chart.y is not None and chart.y in dataset.columns:
            if dataset.columns[chart.y].kind != "number":
                problems.append(Problem(f"{where}.y", chart.y, "a number column (the chart shows its values)"))
    return problems


def stat_problems(case: Case, key: Key) -> list[Problem]:
    """Data-based numeric answers that name a dataset, column or value the case does not have."""
    problems = []
    datasets = {d.id: d for d in case.datasets}
    for exercise_id, name, stat in data_stats(key):
        problems.extend(_stat_problems(stat, datasets, f"exercises.{exercise_id}.{name}"))
    return problems


def data_stats(key: Key) -> list[tuple[str, str, DataStat]]:
    """(exercise id, field name, figure) for every field of a key entry that is a figure from the case's data."""
    return [
        (exercise_id, name, value)
        for exercise_id, entry in key.exercises.items()
        for name in type(entry).model_fields
        if isinstance(value := getattr(entry, name), DataStat)
    ]


def _stat_problems(stat: DataStat, datasets: Mapping[str, Dataset], field: str) -> list[Problem]:
    dataset = datasets.get(stat.dataset)
    if dataset is None:
        return [
            Problem(f"{field}.dataset", stat.dataset, f"a dataset id of the case ({', '.join(datasets) or 'none'})")
        ]
    problems = []
    declared = ", ".join(dataset.columns)
    column = dataset.columns.get(stat.column)
    if column is None:
        problems.append(Problem(f"{field}.column", stat.column, f"a column of dataset {dataset.id!r} ({declared})"))
    elif column.kind != "number" and stat.stat != "count":
        problems.append(Problem(f"{field}.column", stat.column, f"a number column for the {stat.stat}"))
    for name, value in stat.where.items():
        where_column = dataset.columns.get(name)
        if where_column is None:
            problems.append(Problem(f"{field}.where", name, f"a column of dataset {dataset.id!r} ({declared})"))
        elif where_column.values and value not in where_column.values:
            allowed = ", ".join(where_column.values)
            problems.append(Problem(f"{field}.where.{name}", value, f"one of the values of {name} ({allowed})"))
    if stat.minus is not None:
        problems.extend(_stat_problems(stat.minus, datasets, f"{field}.minus"))
    return problems


def read_dataset(folder: Path, dataset: Dataset) -> Table:
    """The dataset's file in the case `folder`, checked against its declared columns."""
    path = folder / dataset.file
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise DatasetInvalid(
            path, [Problem("file", dataset.file, f"a CSV file beside case.yaml (dataset {dataset.id!r})")]
        ) from None
    return _read_cached(path, mtime, dataset)


@lru_cache(maxsize=32)
def _read_cached(path: Path, mtime: float, dataset: Dataset) -> Table:
    if path.stat().st_size > MAX_DATASET_BYTES:
        raise DatasetInvalid(path, [Problem("file", path.stat().st_size, f"at most {MAX_DATASET_BYTES} bytes")])
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DatasetInvalid(path, [Problem("file", str(exc), "a UTF-8 CSV file")]) from None
    if not rows:
        raise DatasetInvalid(path, [Problem("header", None, "a header row naming the columns", 1)])
    header = [name.strip() for name in rows[0]]
    problems = [
        Problem(f"header.{name}", header, f"a column named {name!r} (declared in case.yaml)", 1)
        for name in dataset.columns
        if name not in header
    ]
    if problems:
        raise DatasetInvalid(path, problems)
    columns: dict[str, list[Cell]] = {name: [] for name in dataset.columns}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Problem("row", len(row), f"{len(header)} cells, one per column of the header", line))
            continue
        for name, declared in dataset.columns.items():
            text = row[header.index(name)].strip()
            cell, expected = _cell(text, declared.kind, tuple(declared.values))
            if expected:
                problems.append(Problem(name, text, expected, line))
            columns[name].append(cell)
    if problems:
        raise DatasetInvalid(path, problems[:20])
    return Table(dataset, {name: tuple(cells) for name, cells in columns.items()})


def _cell(text: str, kind: str, values: tuple[str, ...]) -> tuple[Cell, str]:
    if kind == "category":
        if values and text not in values:
            return None, f"one of {', '.join(values)}"
        return text, ""
    if text == "":
        return None, ""
    try:
        number = float(text)
    except ValueError:
        return None, "a number, or an empty cell for a missing value"
    if not math.isfinite(number):
        return None, "a finite number"
    return number, ""


_SUMMARIES: dict[str, Callable[[list[float]], float]] = {
    "mean": statistics.fmean,
    "median": statistics.median,
    "sum": math.fsum,
    "min": min,
    "max": max,
}


def read_datasets(case: Case, folder: Path) -> dict[str, Table]:
    return {d.id: read_dataset(folder, d) for d in case.datasets}


def compute(stat: DataStat, tables: Mapping[str, Table]) -> float | None:
    """The figure `stat` names, from the case's tables (None where no row has a value to compute it from)."""
    table = tables[stat.dataset]
    if stat.stat == "count":
        cells = table.columns[stat.column]
        value = float(sum(1 for i in table.matching(stat.where) if cells[i] is not None))
    else:
        numbers = table.numbers(stat.column, stat.where)
        if not numbers:
            return None
        value = _SUMMARIES[stat.stat](numbers)
    if stat.minus is not None:
        other = compute(stat.minus, tables)
        if other is None:
            return None
        value -= other
    return float(value)


def resolve_key(key: Key, case: Case, key_path: Path) -> Key:
    """`key` with every figure from the case's data (a numeric answer) replaced by its number;
    KeyInvalid naming the field where the data hold no value to compute a figure from."""
    figures = data_stats(key)
    if not figures:
        return key
    tables = read_datasets(case, key_path.parent)
    exercises = dict(key.exercises)
    for exercise_id, name, stat in figures:
        value = compute(stat, tables)
        if value is None:
            where = f" where {', '.join(f'{k} is {v}' for k, v in stat.where.items())}" if stat.where else ""
            problem = Problem(
                f"exercises.{exercise_id}.{name}", stat.column, f"a column with values in {stat.dataset!r}{where}"
            )
            raise KeyInvalid(key_path, [problem])
        exercises[exercise_id] = exercises[exercise_id].model_copy(update={name: round(value, 6)})
    resolved = key.model_copy(update={"exercises": exercises})
    # what a kind checks against a number (a mistake's range must not hold the right answer) is checked now
    problems = [
        problem
        for exercise_id in {figure[0] for figure in figures}
        for problem in kind_of(case.exercise(exercise_id)).key_problems(
            case.exercise(exercise_id), resolved.exercises[exercise_id], f"exercises.{exercise_id}"
        )
    ]
    if problems:
        raise KeyInvalid(key_path, problems)
    return resolved
