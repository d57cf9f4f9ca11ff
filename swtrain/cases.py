"""Find, load and validate case and key files; the JSON Schema for authors.

Layout: `<casedata>/<case-id>/case.yaml` and `key.yaml`. The case data folder
is `$SWTRAIN_CASEDATA`, else a `casedata/` found above the working directory
(a release or a checkout), else the one beside the swtrain package.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import datasets
from .errors import (
    CaseInvalid,
    CaseNotFound,
    DataFileError,
    KeyInvalid,
    KeyNotFound,
    Problem,
    SchemaVersionMismatch,
    did_you_mean,
    nearest_line,
)
from .exercises import kind_of
from .models import CASE_SCHEMA_VERSION, KEY_SCHEMA_VERSION, Case, Key, Module, ModuleList
from .yamlfile import read_yaml

CASE_FILE = "case.yaml"
KEY_FILE = "key.yaml"
MODULES_FILE = "modules.yaml"


def casedata_dir() -> Path:
    """The folder holding one sub-folder per case.

    A `casedata/` above the working directory wins over the one beside the
    package, so a notebook opened in a release (`swtrain release`) reads the
    release's cases, never the instructor's keys.
    """
    configured = os.environ.get("SWTRAIN_CASEDATA")
    if configured:
        return Path(configured).resolve()
    for folder in [Path.cwd(), *Path.cwd().parents]:
        if (folder / "casedata" / "modules.yaml").is_file():
            return folder / "casedata"
    return Path(__file__).resolve().parent.parent / "casedata"


def case_ids(root: Path | None = None) -> list[str]:
    """Ids of every case under `root` (the case data folder by default), sorted."""
    root = root or casedata_dir()
    if not root.is_dir():
        return []
    return sorted(p.parent.name for p in root.glob(f"*/{CASE_FILE}"))


def case_dir(case_id: str, root: Path | None = None) -> Path:
    """The folder of a case; CaseNotFound with a suggestion if there is none."""
    root = root or casedata_dir()
    folder = root / case_id
    if "/" in case_id or "\\" in case_id or case_id in ("", ".", "..") or not (folder / CASE_FILE).is_file():
        raise CaseNotFound.for_id(case_id, case_ids(root), root)
    return folder


def load_case_file(path: Path) -> Case:
    """The case in `path`, validated, with its datasets checked; CaseInvalid naming
    file, line and field (DatasetInvalid for a CSV file beside it)."""
    data, lines = read_yaml(path, CaseInvalid)
    _require_version(path, data, lines, CASE_SCHEMA_VERSION, CaseInvalid)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        raise CaseInvalid.from_validation_error(path, exc, lines) from None
    problems = case_problems(case)
    for problem in problems:
        problem.line = nearest_line(lines, problem.field)
    if problems:
        raise CaseInvalid(path, problems)
    datasets.read_datasets(case, path.parent)
    return case


def case_problems(case: Case) -> list[Problem]:
    """What the schema cannot see: tables and charts naming undeclared data, and each exercise's own checks
    (an instrument the registry lacks, a scenario with scenes no path reaches)."""
    problems = datasets.reference_problems(case)
    for index, exercise in enumerate(case.exercises):
        problems.extend(kind_of(exercise).case_problems(exercise, f"exercises.{index}", case))
    return problems


def _require_version(
    path: Path, data: dict[str, Any], lines: dict[str, int], expected: int, error: type[DataFileError]
) -> None:
    found = data.get("schema_version")
    if found is None:
        raise error(path, [Problem("schema_version", None, f"{expected} (every file states its schema version)", 1)])
    if found != expected:
        mismatch = SchemaVersionMismatch.for_file(path, found, expected)
        mismatch.problems[0].line = lines.get("schema_version")
        raise mismatch


def load_key_file(path: Path, case: Case) -> Key:
    """The key in `path`, validated on its own and against `case`."""
    data, lines = read_yaml(path, KeyInvalid)
    _require_version(path, data, lines, KEY_SCHEMA_VERSION, KeyInvalid)
    try:
        key = Key.model_validate(data)
    except ValidationError as exc:
        raise KeyInvalid.from_validation_error(path, exc, lines) from None
    problems = key_problems(case, key)
    for problem in problems:
        problem.line = problem.line or nearest_line(lines, problem.field)
    if problems:
        raise KeyInvalid(path, problems)
    return datasets.resolve_key(key, case, path)


def key_problems(case: Case, key: Key) -> list[Problem]:
    """Every way `key` does not fit `case`: missing, extra or impossible answers."""
    problems: list[Problem] = []
    if key.case != case.id:
        problems.append(Problem("case", key.case, f"{case.id!r}, the id of the case beside it"))
    known = {e.id for e in case.exercises}
    for exercise_id in key.exercises:
        if exercise_id not in known:
            expected = f"an exercise id of the case ({', '.join(sorted(known))})"
            problems.append(
                Problem(f"exercises.{exercise_id}", exercise_id, expected, hint=did_you_mean(exercise_id, known))
            )
    for exercise in case.exercises:
        entry = key.exercises.get(exercise.id)
        field = f"exercises.{exercise.id}"
        if entry is None:
            hint = f"Add {exercise.id}: under exercises in key.yaml, with type: {exercise.type} and its answer."
            problems.append(Problem(field, None, f"a key for {exercise.type} exercise {exercise.id!r}", hint=hint))
        elif entry.type != exercise.type:
            problems.append(Problem(f"{field}.type", entry.type, f"{exercise.type!r}, the type in case.yaml"))
        else:
            problems.extend(kind_of(exercise).key_problems(exercise, entry, field))
    problems.extend(datasets.stat_problems(case, key))
    return problems


@lru_cache(maxsize=64)
def _load_case_cached(path: Path, mtime: float) -> Case:
    return load_case_file(path)


@lru_cache(maxsize=64)
def _load_key_cached(path: Path, mtime: float, case: Case) -> Key:
    return load_key_file(path, case)


def load_case(case_id: str, root: Path | None = None) -> Case:
    """The case with this id from the case data folder."""
    path = case_dir(case_id, root) / CASE_FILE
    case = _load_case_cached(path, path.stat().st_mtime)
    if case.id != case_id:
        raise CaseInvalid(path, [Problem("id", case.id, f"{case_id!r}, the name of its folder", 1)])
    return case


def has_key(case_id: str, root: Path | None = None) -> bool:
    return (case_dir(case_id, root) / KEY_FILE).is_file()


def load_key(case: Case, root: Path | None = None) -> Key:
    """The key of `case`; KeyNotFound where the release has none."""
    path = case_dir(case.id, root) / KEY_FILE
    if not path.is_file():
        raise KeyNotFound(
            f"Case {case.id!r} has no key file ({path}).",
            "Practice and feedback modes need the key; assessed mode does not. Grading needs it too: grade in the "
            "instructor's copy of the course (or set SWTRAIN_CASEDATA to its casedata folder).",
        )
    return _load_key_cached(path, path.stat().st_mtime, case)


def load_modules(root: Path | None = None) -> tuple[Module, ...]:
    """The teaching modules listed in `<casedata>/modules.yaml`."""
    path = (root or casedata_dir()) / MODULES_FILE
    data, lines = read_yaml(path, CaseInvalid)
    _require_version(path, data, lines, 1, CaseInvalid)
    try:
        return ModuleList.model_validate(data).modules
    except ValidationError as exc:
        raise CaseInvalid.from_validation_error(path, exc, lines) from None


def cases_by_module(root: Path | None = None) -> dict[str, list[Case]]:
    """Every case, grouped by module id, in case id order."""
    grouped: dict[str, list[Case]] = {}
    for case_id in case_ids(root):
        case = load_case(case_id, root)
        grouped.setdefault(case.module, []).append(case)
    return grouped


def json_schema(kind: str = "case") -> dict[str, Any]:
    """The JSON Schema of a case or key file, for a case author's editor."""
    schema = (Case if kind == "case" else Key).model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"swtrain {kind} file (schema_version {CASE_SCHEMA_VERSION})"
    return schema


def json_schema_text(kind: str = "case") -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
