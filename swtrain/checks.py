"""`swtrain check`: what a case author must fix before a case is used, each as `file:line: field: message`.

Rules: TODO texts left from `swtrain new-case`; the schema; bilingual gaps (a
text with one language missing or empty, or written under a key swtrain does
not read, such as `zh-Hans:`); a module that the case data folder's
modules.yaml does not list (the case would be in no notebook and no index);
key gaps (an auto-graded exercise without a valid key, a key for an exercise
that does not exist); anonymisation (swtrain.anonymise); a case marked
distressing without a content note; datasets (a CSV file that does not fit its
declared columns, a chart naming a column that is not declared, an identifier
in a cell); Markdown that would not show as its author meant
(swtrain.markdown_text: marks shown as typed, a table that stays lines of `|`).
Every case folder is checked in full: one finding never hides the next file's.
Item-writing cues in choice items (swtrain.item_cues) are warnings: they fail
only `check --strict`.
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
from .cases import (
    CASE_FILE,
    KEY_FILE,
    MODULES_FILE,
    case_problems,
    key_problems,
    load_case_file,
    load_key_file,
    load_modules,
)
from .errors import CaseInvalid, DataFileError, DatasetInvalid, KeyInvalid, Problem, did_you_mean, nearest_line
from .fields import REQUIRED_LANGUAGES, language_key_problem, tidy_cjk
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
        field = f"{self.field}: " if self.field else ""  # a whole-file problem (not YAML, not UTF-8) has none
        return f"{where}: {field}{'warning: ' if self.warning else ''}{self.message}"


def check_case_dir(folder: Path) -> list[Finding]:
    """Every finding in one case folder (case.yaml, key.yaml if present, and the CSV files the case declares)."""
    case_path = folder / CASE_FILE
    if not case_path.is_file():
        return [Finding(case_path, None, "", "no case.yaml in this folder")]
    found: list[Finding] = []
    case, case_lines, case_data = _load(case_path, Case, CaseInvalid, found)
    if case is not None:
        # what the schema cannot see: undeclared data in charts, unknown instruments, broken scenarios
        found.extend(_finding(case_path, p, case_lines) for p in case_problems(case))
    module = case_data.get("module")
    if isinstance(module, str) and not any(f.field == "module" for f in found):  # even if the rest is not valid yet
        found.extend(_module_findings(module, case_path, case_lines))
    key_path = folder / KEY_FILE
    if key_path.is_file():
        key, key_lines, _ = _load(key_path, Key, KeyInvalid, found)
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
    return Finding(path, line, problem.field, problem.sentence())


def _module_findings(module: str, case_path: Path, lines: dict[str, int]) -> Iterator[Finding]:
    """The case's module, if the modules.yaml beside the case folders does not list it: such a case is in no
    module notebook and on no index page."""
    root = case_path.parent.parent
    line = lines.get("module")
    if not (root / MODULES_FILE).is_file():
        yield Finding(
            case_path,
            line,
            "module",
            f"found {module!r}, expected a module listed in {root / MODULES_FILE}, but there is no such file. "
            "Keep each case folder in the case data folder (casedata/), beside modules.yaml.",
        )
        return
    try:
        known = [m.id for m in load_modules(root)]
    except DataFileError as exc:
        yield from (_finding(exc.path, p) for p in exc.problems)
        return
    if module not in known:
        hint = did_you_mean(module, known) or f"Or add the module to {root / MODULES_FILE}."
        yield Finding(
            case_path,
            line,
            "module",
            f"found {module!r}, expected a module listed in {root / MODULES_FILE}: {', '.join(sorted(known))}. "
            f"A case of another module is in no notebook and on no index page. {hint}",
        )


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
) -> tuple[Any, dict[str, int], dict[str, Any]]:
    """The validated file (None if it is not valid), its line map and its data as read ({} if it is not YAML);
    every problem goes to `found`."""
    try:
        data, lines = read_yaml(path, error)
    except DataFileError as exc:
        found.extend(_finding(path, p) for p in exc.problems)
        return None, {}, {}
    if data.get("schema_version") is None:  # the model would take 1; the loaders insist on it
        found.append(
            Finding(path, 1, "schema_version", "found nothing, expected 1. Start the file with: schema_version: 1")
        )
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
        return model.model_validate(data), lines, data
    except ValidationError as exc:
        reported = {g.field for g in gaps}
        problems = error.from_validation_error(path, exc, lines).problems
        found.extend(_finding(path, p) for p in problems if not any(p.field.startswith(field) for field in reported))
        return None, lines, data


def _bilingual_gaps(data: Any, path: str, file: Path, lines: dict[str, int]) -> Iterator[Finding]:
    """Texts ({en: ..., zh: ...}) where a required language is missing or blank, or written under another key."""
    if isinstance(data, dict):
        if any(code in data for code in REQUIRED_LANGUAGES) and all(
            isinstance(v, (str, type(None))) for v in data.values()
        ):
            wrong_key = language_key_problem(data)
            if wrong_key is not None:  # `zh-Hans:` for `zh:`, or a text cut at a comma: name that key
                key, expected, hint = wrong_key
                field = f"{path}.{key}" if path else key
                problem = Problem(field, key, expected, nearest_line(lines, field), hint)
                yield Finding(file, problem.line, path or key, problem.sentence())
                return
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
