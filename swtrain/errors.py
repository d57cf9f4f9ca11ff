"""The exceptions swtrain raises, all under one base.

    SwtrainError
     ├── DataFileError              a file swtrain reads is wrong
     │    ├── CaseInvalid           case.yaml does not match the case schema
     │    ├── KeyInvalid            key.yaml does not match the case or the key schema
     │    ├── DatasetInvalid        a case's CSV file does not match its declared columns
     │    ├── ResponsesInvalid      an answer file is not a valid answer file
     │    ├── ReviewsInvalid        a reviewer's file of scores is not a valid review file
     │    ├── InstrumentInvalid     an instrument file or a band file does not match its schema
     │    ├── RosterInvalid         a roster CSV does not map trainees to LMS users
     │    └── SchemaVersionMismatch a file was written for another schema version
     ├── CaseNotFound               no case has the id asked for
     ├── KeyNotFound                a case has no key.yaml where one is needed
     ├── InstrumentNotFound         no instrument has the id asked for
     ├── InvalidTraineeId           a trainee id that cannot be a folder name
     ├── UnknownLanguage            a language swtrain has no text for
     ├── UnknownMode                a notebook mode other than practice, assessed and feedback
     ├── AnswerInvalid              a saved answer does not fit its exercise (grading scores it 0)
     ├── AnswersNotSaved            an answer could not be written (no rights, disk full, another save hung)
     ├── ScoringError               responses to an instrument that cannot be scored
     │    ├── InvalidResponse       a value that is not one of its item's response values
     │    ├── WrongResponses        a list of the wrong length, an unknown item, bands of another instrument
     │    └── TooManyMissing        more items missing than the instrument's rule allows
     └── NotCollected               a file or home `swtrain collect` leaves out, and why

Every message names the value found, what was expected and, where there is
one, a hint, so that it can be shown to a person as it is.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = [  # noqa: RUF022 (in tree order, as the docstring draws it)
    "SwtrainError",
    "DataFileError",
    "CaseInvalid",
    "KeyInvalid",
    "DatasetInvalid",
    "ResponsesInvalid",
    "ReviewsInvalid",
    "InstrumentInvalid",
    "RosterInvalid",
    "SchemaVersionMismatch",
    "CaseNotFound",
    "KeyNotFound",
    "InstrumentNotFound",
    "InvalidTraineeId",
    "UnknownLanguage",
    "UnknownMode",
    "AnswerInvalid",
    "AnswersNotSaved",
    "ScoringError",
    "InvalidResponse",
    "WrongResponses",
    "TooManyMissing",
    "NotCollected",
    "Problem",
    "did_you_mean",
    "nearest_line",
]


def _short(value: Any, limit: int = 60) -> str:
    """`value` as a case author reads it: nothing, a number without a needless `.0`, a quoted text, a mapping's
    field names rather than its contents."""
    if value is None:
        return "nothing"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    text = repr(value)
    if len(text) > limit and isinstance(value, dict):
        return "a mapping with fields " + ", ".join(map(str, list(value)[:6])) + (", ..." if len(value) > 6 else "")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint, or '' when nothing is close."""
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"Did you mean {close[0]!r}?" if close else ""


class SwtrainError(Exception):
    """Base of every error swtrain raises on purpose."""

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(message + (f" {hint}" if hint else ""))


class Problem:
    """One thing wrong in a data file: where, what was found, what was expected, and what to write instead."""

    __slots__ = ("expected", "field", "hint", "line", "value")

    def __init__(self, field: str, value: Any, expected: str, line: int | None = None, hint: str = "") -> None:
        self.field = field
        self.value = value
        self.expected = expected
        self.line = line
        self.hint = hint

    def sentence(self) -> str:
        """`found ..., expected ...` and the hint, without the place."""
        text = f"found {_short(self.value)}, expected {self.expected}"
        if not self.hint:
            return text
        return text + ("" if text.endswith((".", "?", "!")) else ".") + " " + self.hint

    def describe(self, path: Path | str) -> str:
        where = f"{path}:{self.line}" if self.line else f"{path}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.sentence()}"

    def __repr__(self) -> str:
        return f"Problem({self.field!r}, {self.value!r}, {self.expected!r}, line={self.line})"


class DataFileError(SwtrainError):
    """A file swtrain reads (case, key or answers) is wrong; names file and fields."""

    what = "data file"

    def __init__(self, path: Path | str, problems: Sequence[Problem], hint: str = "") -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        first = self.problems[0]
        self.field = first.field
        self.value = first.value
        self.expected = first.expected
        lines = [p.describe(self.path) for p in self.problems]
        more = f" (and {len(lines) - 1} more problem(s))" if len(lines) > 1 else ""
        message = f"Invalid {self.what} {lines[0]}{more}"
        super().__init__(message, hint or self.default_hint)
        self.details = lines

    def __str__(self) -> str:
        text = "\n  ".join([f"Invalid {self.what}:", *self.details])
        return text + (f"\n  Hint: {self.hint}" if self.hint else "")

    @classmethod
    def from_validation_error(
        cls,
        path: Path | str,
        exc: ValidationError,
        lines: dict[str, int] | None = None,
        hint: str = "",
    ) -> DataFileError:
        """Turn pydantic's error list into one error naming each dotted field, said for a case author."""
        from .validation import problem_from_pydantic  # the wording of pydantic's errors lives there

        errors = exc.errors(include_url=False)
        failing = [e["loc"] for e in errors if e["type"] != "too_short"]
        problems = [
            problem_from_pydantic(err, lines)
            for err in errors
            # pydantic also calls a list "too short" when its only item failed
            if not (err["type"] == "too_short" and any(loc[: len(err["loc"])] == err["loc"] for loc in failing))
        ]
        return cls(path, problems, hint)

    default_hint = ""


def nearest_line(lines: dict[str, int] | None, field: str) -> int | None:
    """The line of `field` in a file, or of the nearest enclosing field that has one."""
    if not lines:
        return None
    parts = field.split(".")
    while parts:
        line = lines.get(".".join(parts))
        if line is not None:
            return line
        parts.pop()
    return lines.get("")


class CaseInvalid(DataFileError):
    """A case.yaml that does not match the case schema."""

    what = "case file"
    default_hint = "Run `swtrain schema` for the schema your editor can check against."


class KeyInvalid(DataFileError):
    """A key.yaml that does not match its case or the key schema."""

    what = "key file"
    default_hint = "Each key entry needs the id and type of an exercise in case.yaml."


class DatasetInvalid(DataFileError):
    """A CSV file of a case that does not match the columns case.yaml declares."""

    what = "dataset file"
    default_hint = "The header row names the columns; each column used must be declared under datasets in case.yaml."


class ResponsesInvalid(DataFileError):
    """An answer file that is not valid JSON or not a valid answer file."""

    what = "answer file"
    default_hint = "The file was left untouched; fix or remove it to save new answers."


class ReviewsInvalid(DataFileError):
    """A reviewer's file of scores that is not valid JSON or not a valid review file."""

    what = "review file"
    default_hint = "The review notebook writes these files; fix or remove this one and review again."


class InstrumentInvalid(DataFileError):
    """An instrument file (or a user's band file) that does not match its schema."""

    what = "instrument file"
    default_hint = "Compare the file with a shipped one in swtrain/instruments/data/."


class RosterInvalid(DataFileError):
    """A roster CSV that does not map trainees to LMS users."""

    what = "roster"
    default_hint = (
        "A roster needs a trainee_id column and, for Canvas, name and canvas_id; "
        "for Moodle, one of username, idnumber or email."
    )


class SchemaVersionMismatch(DataFileError):
    """A file written for a schema version this swtrain does not read."""

    what = "schema version in"

    @classmethod
    def for_file(cls, path: Path | str, found: Any, expected: int) -> SchemaVersionMismatch:
        """The error for a file whose schema_version is not `expected`."""
        newer = isinstance(found, int) and found > expected
        hint = (
            "The file was written by a newer swtrain: upgrade swtrain to read it."
            if newer
            else f"Set schema_version: {expected} after checking the file against `swtrain schema`."
        )
        return cls(path, [Problem("schema_version", found, f"{expected}")], hint)


class CaseNotFound(SwtrainError):
    """No case has the id asked for."""

    @classmethod
    def for_id(cls, case_id: str, known: Sequence[str], where: Path) -> CaseNotFound:
        """The error for an unknown id, suggesting the closest known id."""
        hint = did_you_mean(case_id, known) or f"Known cases: {', '.join(sorted(known)) or 'none'}."
        err = cls(f"{case_id!r} is not a known case in {where}.", hint)
        err.case_id = case_id
        return err

    case_id: str = ""


class KeyNotFound(SwtrainError):
    """A case has no key file where one is needed (practice or feedback)."""


class InstrumentNotFound(SwtrainError):
    """No instrument has the id asked for."""

    @classmethod
    def for_id(cls, instrument_id: str, known: list[str]) -> InstrumentNotFound:
        """The error for an unknown id, suggesting the closest known id."""
        hint = did_you_mean(instrument_id.lower(), known) or f"Known instruments: {', '.join(known)}."
        return cls(f"{instrument_id!r} is not a known instrument.", hint)


class InvalidTraineeId(SwtrainError):
    """A trainee id that cannot safely be a folder name."""


class UnknownLanguage(SwtrainError):
    """A language code swtrain has no interface text or case text for."""


class UnknownMode(SwtrainError):
    """A notebook mode other than practice, assessed and feedback."""

    @classmethod
    def for_mode(cls, mode: str, known: Sequence[str]) -> UnknownMode:
        """The error for an unknown mode, suggesting the closest known one."""
        hint = did_you_mean(mode, known) or "Set the notebook's `mode` parameter to one of them."
        return cls(f"Mode {mode!r} is not one of {', '.join(known)}.", hint)


class AnswerInvalid(SwtrainError):
    """A saved answer that does not fit its exercise; the message says why, for the trainee."""


class AnswersNotSaved(SwtrainError):
    """An answer that could not be written; `reason` (a key of REASONS) says why, no message names a server path."""

    path: str = ""
    reason: str = "other"
    REASONS: ClassVar[dict[str, str]] = {
        "permission": "the answers folder cannot be written (permission denied)",
        "read_only": "the answers folder is on a read-only disk",
        "disk_full": "the disk is full",
        "quota": "your disk quota is used up",
        "too_big": "the answer file would be larger than this system allows",
        "busy": "another window is still saving your answers to this case",
        "other": "the answer file could not be written",
    }
    _BY_ERRNO: ClassVar[dict[int, str]] = {1: "permission", 13: "permission", 30: "read_only", 28: "disk_full"}

    @classmethod
    def for_reason(cls, reason: str, path: Path | str) -> AnswersNotSaved:
        """The error for one of REASONS; `path` is kept for the log, out of the message."""
        safe = "Your earlier answers are safe. Tell your instructor, then answer again."
        err = cls(
            f"Your answer was not saved: {cls.REASONS[reason]}.",
            "Wait a moment and answer again." if reason == "busy" else safe,
        )
        err.path, err.reason = str(path), reason
        return err

    @classmethod
    def for_os_error(cls, exc: OSError, path: Path | str) -> AnswersNotSaved:
        """The error for a failed write (EACCES, EPERM, EROFS, ENOSPC, EDQUOT, EFBIG named; others 'other')."""
        reason = {errno.EDQUOT: "quota", errno.EFBIG: "too_big"}.get(exc.errno or 0)
        return cls.for_reason(reason or cls._BY_ERRNO.get(exc.errno or 0, "other"), path)


class ScoringError(SwtrainError):
    """Responses to an instrument that cannot be scored."""


#: How to leave an instrument's item unanswered, for the hints of scoring errors.
MISSING_HINT = "Leave a missing answer blank: None, '' or '-'."


class InvalidResponse(ScoringError):
    """A value that is not one of its item's response values."""

    item: str = ""
    allowed: tuple[int, ...] = ()

    @classmethod
    def for_value(
        cls, instrument_id: str, item: str, value: Any, allowed: tuple[int, ...], described: str
    ) -> InvalidResponse:
        """The error naming the item, the value found and the values allowed (`described` in words)."""
        err = cls(f"{instrument_id} item {item}: found {value!r}; allowed: {described}.", MISSING_HINT)
        err.item, err.allowed = item, allowed
        return err


class WrongResponses(ScoringError):
    """A list of the wrong length, an item the instrument lacks, or bands meant for another instrument."""


class TooManyMissing(ScoringError):
    """More items missing than the instrument's missing-item rule allows."""

    missing: tuple[int, ...] = ()

    @classmethod
    def for_items(cls, instrument_id: str, missing: list[int], max_missing: int) -> TooManyMissing:
        """The error naming the missing items and the rule."""
        rule = f"at most {max_missing} may be missing" if max_missing else "every item must be answered"
        items = ", ".join(map(str, missing))
        err = cls(f"{instrument_id} is not scored: {len(missing)} item(s) missing ({items}); {rule}.")
        err.missing = tuple(missing)
        return err


class NotCollected(SwtrainError):
    """A file or home `swtrain collect` leaves out; the message is the reason, the hint what to do."""
