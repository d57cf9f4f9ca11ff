"""`swtrain check`: what a case author must fix before a case is used, each as `file:line: field: message`.

Rules: TODO texts left from `swtrain new-case`; the schema; bilingual gaps (a text with one language missing or
empty); key gaps (an auto-graded exercise without a valid key, a key for an
exercise that does not exist); anonymisation (swtrain.anonymise); a case
marked distressing without a content note; datasets (a CSV file that does not
fit its declared columns, a chart naming a column that is not declared, an
identifier in a cell); Markdown that would not show as its author meant
(swtrain.markdown_text: marks shown as typed, a table that stays lines of `|`).
Every case folder is checked in
full: one finding never hides the next file's. Item-writing cues in choice
items (swtrain.item_cues) are warnings: they fail only `check --strict`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import datasets
from .anonymise import findings as anonymisation_findings
from .cases import CASE_FILE, KEY_FILE, case_problems, key_problems, load_case_file, load_key_file
from .errors import CaseInvalid, DataFileError, DatasetInvalid, KeyInvalid, Problem, nearest_line
from .fields import REQUIRED_LANGUAGES, tidy_cjk
from .item_cues import cue_warnings
from .markdown_text import is_markdown_field, plain_text_problems, problems
from .models import Case, Key
from .yamlfile import read_yaml


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    field: str
    message: str
    #: A warning (an item-writing cue) fails `swtrain check` only with --strict.
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.field or '(file)'}: {'warning: ' if self.warning else ''}{self.message}"


def check_case_dir(folder: Path) -> list[Finding]:
    """Every finding in one case folder (case.yaml, key.yaml if present, and the CSV files the case declares)."""
    case_path = folder / CASE_FILE
    if not case_path.is_file():
        return [Finding(case_path, None, "", "no case.yaml in this folder")]
    found: list[Finding] = []
    case, case_lines = _load(case_path, Case, CaseInvalid, found)
    if case is not None:
        # what the schema cannot see: undeclared data in charts, unknown instruments, broken scenarios
        found.extend(_finding(case_path, p, case_lines) for p in case_problems(case))
    key_path = folder / KEY_FILE
    if key_path.is_file():
        key, key_lines = _load(key_path, Key, KeyInvalid, found)
        if case is not None and key is not None:
            found.extend(_finding(key_path, p, key_lines) for p in key_problems(case, key))
    if case is not None and case.id != folder.name:
        found.append(Finding(case_path, 1, "id", f"found {case.id!r}, expected {folder.name!r}, the folder's name"))
    if case is not None:
        found.extend(_dataset_findings(case, folder))
    return found


def cue_findings(folders: list[Path]) -> list[Finding]:
    """Item-writing cues (swtrain.item_cues) in the valid cases of these folders, as warnings."""
    pairs: list[tuple[Case, Key]] = []
    lines: dict[str, tuple[Path, dict[str, int]]] = {}
    for folder in folders:
        try:
            case = load_case_file(folder / CASE_FILE)
            key = load_key_file(folder / KEY_FILE, case)
            _, case_lines = read_yaml(folder / CASE_FILE, CaseInvalid)
        except (DataFileError, OSError):
            continue  # the folder's own findings say why
        pairs.append((case, key))
        lines[case.id] = (folder / CASE_FILE, case_lines)
    found = []
    for cue in cue_warnings(pairs):
        path, case_lines = lines[cue.case_id]
        field = f"{cue.field}.options"
        message = f"{cue.exercise_id}: {cue.message}"
        found.append(Finding(path, nearest_line(case_lines, field), cue.field, message, warning=True))
    return found


def _finding(path: Path, problem: Problem, lines: dict[str, int] | None = None) -> Finding:
    line = problem.line or nearest_line(lines, problem.field)
    return Finding(path, line, problem.field, f"found {problem.value!r}, expected {problem.expected}")


def _dataset_findings(case: Case, folder: Path) -> Iterator[Finding]:
    """CSV files that do not fit their declared columns, and identifiers in a cell."""
    for dataset in case.datasets:
        try:
            datasets.read_dataset(folder, dataset)
        except DatasetInvalid as exc:
            yield from (_finding(exc.path, p) for p in exc.problems)
        path = folder / dataset.file
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            for line, row in enumerate(csv.reader(handle), start=1):
                for message in anonymisation_findings(" ".join(row)):
                    yield Finding(path, line, "row", message)


def _load(
    path: Path, model: type[Case] | type[Key], error: type[DataFileError], found: list[Finding]
) -> tuple[Any, dict[str, int]]:
    """The validated file (None if it is not valid) and its line map; every problem goes to `found`."""
    try:
        data, lines = read_yaml(path, error)
    except DataFileError as exc:
        found.extend(_finding(path, p) for p in exc.problems)
        return None, {}
    gaps = list(_bilingual_gaps(data, "", path, lines))
    found.extend(gaps)
    for field, text in _strings(data, ""):
        if "TODO" in text:
            found.append(Finding(path, nearest_line(lines, field), field, "a TODO text still to write"))
        found.extend(
            Finding(path, nearest_line(lines, field), field, message) for message in anonymisation_findings(text)
        )
        found.extend(_markdown_findings(path, lines, field, text))
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        reported = {g.field for g in gaps}
        problems = error.from_validation_error(path, exc, lines).problems
        for p in problems:
            if any(p.field.startswith(r) for r in reported):
                continue
            if p.expected.startswith("a content_note"):  # a rule of the whole case: say it plainly
                found.append(
                    Finding(
                        path,
                        p.line,
                        "content_note",
                        "the case is marked distressing but has no content note before its material",
                    )
                )
            else:
                found.append(Finding(path, p.line, p.field, f"found {_short(p.value)}, expected {p.expected}"))
        return None, lines


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _bilingual_gaps(data: Any, path: str, file: Path, lines: dict[str, int]) -> Iterator[Finding]:
    """Texts ({en: ..., zh: ...}) where a required language is missing or blank."""
    if isinstance(data, dict):
        if any(code in data for code in REQUIRED_LANGUAGES) and all(
            isinstance(v, (str, type(None))) for v in data.values()
        ):
            for code in REQUIRED_LANGUAGES:
                value = data.get(code)
                if not isinstance(value, str) or not value.strip():
                    other = next((c for c in REQUIRED_LANGUAGES if c != code and data.get(c)), "")
                    field = f"{path}.{code}" if path else code
                    yield Finding(
                        file,
                        nearest_line(lines, field) or nearest_line(lines, path),
                        field,
                        f"bilingual gap: no {code} text" + (f" beside the {other} text" if other else ""),
                    )
            return
        for key, value in data.items():
            yield from _bilingual_gaps(value, f"{path}.{key}" if path else str(key), file, lines)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _bilingual_gaps(value, f"{path}.{index}" if path else str(index), file, lines)


def _strings(data: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{path}.{index}" if path else str(index))


def _markdown_findings(path: Path, lines: dict[str, int], field: str, text: str) -> Iterator[Finding]:
    """Markdown in one text that a trainee would see other than its author meant, at the line it is on."""
    shown = tidy_cjk(text)  # as the case's models hold it
    found = problems(shown) if is_markdown_field(path.name, field) else plain_text_problems(shown)
    if not found:
        return
    file_lines = path.read_text(encoding="utf-8").splitlines()
    start = nearest_line(lines, field) or 1
    for problem in found:
        yield Finding(path, _line_in_file(file_lines, start, shown, problem.line), field, problem.message)


def _line_in_file(file_lines: list[str], start: int, text: str, line: int) -> int:
    """The file's line (from 1) holding line `line` of a text that starts at line `start`: the text's
    lines are found in order (a folded or quoted text may differ in spaces and escapes); `start` if lost."""
    at = start - 1
    for row in text.splitlines()[:line]:
        key = row.strip()[:8]
        if not key:
            continue
        at = next((i for i in range(at, len(file_lines)) if key in file_lines[i]), -1)
        if at < 0:
            return start
    return at + 1
