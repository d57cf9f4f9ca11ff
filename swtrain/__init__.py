"""swtrain: bilingual medical social-work cases, answered in widgets, graded as data.

The public API. Each name is imported from its module when first used, so
`import swtrain` costs almost nothing and never loads pydantic, ipywidgets,
pandas, seaborn or matplotlib before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cases import (
        case_ids,
        casedata_dir,
        json_schema,
        load_case,
        load_case_file,
        load_key,
        load_key_file,
    )
    from .course_index import show_index
    from .errors import (
        CaseInvalid,
        CaseNotFound,
        DataFileError,
        InvalidTraineeId,
        KeyInvalid,
        KeyNotFound,
        ResponsesInvalid,
        SchemaVersionMismatch,
        SwtrainError,
        UnknownLanguage,
    )
    from .grading import grade
    from .i18n import available_languages, messages
    from .models import Case, Exercise, ExerciseGrade, Grade, Key, Responses
    from .notebook import CaseSession, open_case
    from .store import FileStore, MemoryStore, ResponseStore, check_trainee_id, parse_responses
    from .variants import derive_variant

__version__ = "0.1.0"

_EXPORTS = {
    "cases": ["case_ids", "casedata_dir", "json_schema", "load_case", "load_case_file", "load_key", "load_key_file"],
    "errors": [
        "CaseInvalid",
        "CaseNotFound",
        "DataFileError",
        "InvalidTraineeId",
        "KeyInvalid",
        "KeyNotFound",
        "ResponsesInvalid",
        "SchemaVersionMismatch",
        "SwtrainError",
        "UnknownLanguage",
    ],
    "grading": ["grade"],
    "i18n": ["available_languages", "messages"],
    "models": ["Case", "Exercise", "ExerciseGrade", "Grade", "Key", "Responses"],
    "course_index": ["show_index"],
    "notebook": ["CaseSession", "open_case"],
    "store": ["FileStore", "MemoryStore", "ResponseStore", "check_trainee_id", "parse_responses"],
    "variants": ["derive_variant"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'swtrain' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
