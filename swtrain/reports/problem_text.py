"""A line of problems.csv told to an instructor in the report's language, with what to do.

    problem_in(language, error, hint, path) -> (problem, what to do)

problems.csv keeps the grader's own words (English, with every detail: parser
messages, field paths); the report says what happened and what to do in the
instructor's language, names exercises by their titles, never by their ids, and
leaves the detail to the CSV. Each kind of line the grader writes has a rule
here; a line no rule knows is shown as it is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from ..i18n import Messages, messages

Rule = Callable[[re.Match[str], Messages, str], tuple[str, str]]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    def register(rule: Rule) -> Rule:
        _RULES.append((re.compile(pattern, re.DOTALL), rule))
        return rule

    return register


def problem_in(language: str, error: str, hint: str, path: str = "") -> tuple[str, str]:
    """(the problem, what to do) in `language`; the line as written if no rule knows it."""
    msg = messages(language)
    for pattern, rule in _RULES:
        found = pattern.search(error)
        if found:
            return rule(found, msg, hint + "\n" + path)
    return error, hint


def _ask_again(msg: Messages) -> str:
    return msg(
        "The file was not graded. Ask the trainee to hand in the answer file swtrain saved (a .json file) again."
    )


# --- answer files that cannot be read ------------------------------------------------------------------


@_rule(r"^Invalid answer file .*expected a JSON object \(the file is not valid JSON\)")
def _not_json(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    if "found 'an empty file'" in found.group(0):
        return msg("The file is empty."), _ask_again(msg)
    return msg("The file is damaged: it is not valid JSON, so it cannot be read."), _ask_again(msg)


@_rule(r"^Invalid answer file .*JSON nested too deep")
def _too_deep(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return msg("The file's JSON is nested far deeper than an answer file's."), _ask_again(msg)


@_rule(r"^Invalid answer file .*expected a JSON object$")
def _not_object(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return msg("The file holds JSON, but not an answer file."), _ask_again(msg)


@_rule(r"^Invalid answer file .*found '(?P<size>\d+) bytes', expected at most (?P<limit>\d+) bytes")
@_rule(r"^the file is (?P<size>[\d,]+) bytes; an answer file is at most (?P<limit>[\d,]+) bytes")
def _too_big(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    size, limit = (int(found.group(g).replace(",", "")) for g in ("size", "limit"))
    return (
        msg("The file is {size:,} bytes; an answer file is at most {limit:,} bytes.", size=size, limit=limit),
        msg("It is not an answer file saved by swtrain: ask the trainee to hand in the .json file again."),
    )


@_rule(r"^Invalid schema version in .*schema_version: found (?P<found>.+?), expected (?P<expected>\d+)")
def _version(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    version, expected = found.group("found"), found.group("expected")
    if version.isdigit() and int(version) > int(expected):
        return (
            msg(
                "The file was saved by a newer swtrain (file format {found}; this swtrain reads format {expected}).",
                found=version,
                expected=expected,
            ),
            msg("Upgrade swtrain, then grade again."),
        )
    return (
        msg(
            "The file's format version is {found}; this swtrain reads format {expected}.",
            found=version,
            expected=expected,
        ),
        _ask_again(msg),
    )


@_rule(r"^Invalid answer file [^:]+(?::\d+)?: schema_version: found None")
def _no_version(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return msg("The file does not say which format it is in (no schema_version)."), _ask_again(msg)


@_rule(r"^Invalid answer file \S+?(?::\d+)?: (?P<field>[^\s:]+): found")
def _bad_field(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg("The file's field {field} does not hold what an answer file needs.", field=found.group("field")),
        _ask_again(msg),
    )


@_rule(r"^Invalid review file ")
def _review_file(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg("A reviewer's file of scores cannot be read, so its scores were not applied."),
        msg("Fix or remove the file in the reviews folder (the review notebook writes it), then grade again."),
    )


# --- files of the wrong case, trainee or folder ----------------------------------------------------------


@_rule(r"^'(?P<case>[^']+)' is not a known case in ")
def _unknown_case(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    problem = msg("The file is for a case, {case}, that is not in the case folder.", case=found.group("case"))
    close = re.search(r"Did you mean '([^']+)'\?", context)
    if close:
        return problem, msg(
            "Did you mean {case}? The file was not graded: check which case it belongs to.", case=close.group(1)
        )
    return problem, msg("The file was not graded: check that swtrain reads the course's case folder.")


@_rule(r"^the folder '(?P<folder>[^']+)' holds answers of trainee '(?P<trainee>[^']+)'$")
def _wrong_folder(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg(
            "The folder {folder} holds answers of trainee {trainee}.",
            folder=found.group("folder"),
            trainee=found.group("trainee"),
        ),
        msg("Each trainee's files belong in a folder named with their id; the file was not graded."),
    )


@_rule(r"^Trainee id (?P<id>.+?) (is empty|contains|starts|is longer)")
def _bad_trainee_id(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg("The trainee id {id} in the file cannot be used.", id=found.group("id")),
        msg("A trainee id is letters and digits, with . _ - or @ inside; the file was not graded."),
    )


@_rule(r"^a second answer file of trainee '(?P<trainee>[^']+)' for case '[^']+' \(the first was (?P<first>.+)\)$")
def _second_file(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg(
            "A second answer file of trainee {trainee} for this case (the first is {first}).",
            trainee=found.group("trainee"),
            first=found.group("first"),
        ),
        msg("Keep one file per trainee and case; this one was not graded."),
    )


@_rule(r"^the same answers, at the same times, as the file of trainee '(?P<trainee>[^']+)'$")
def _same_answers(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg("The same answers, at the same times, as the file of trainee {trainee}.", trainee=found.group("trainee")),
        msg("Two trainees handed in one file: talk with both before the grades count."),
    )


# --- graded, with something to check -----------------------------------------------------------------------


@_rule(r"^the file says variant (?P<saved>\d+), but trainee '(?P<trainee>[^']+)' has variant (?P<own>\d+)")
def _variant(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg(
            "The file says variant {saved}, but trainee {trainee} has variant {own} of this case; it was graded "
            "with variant {own}.",
            saved=found.group("saved"),
            trainee=found.group("trainee"),
            own=found.group("own"),
        ),
        msg(
            "An edited file, or another trainee's, gets no other figures or order. If your course set variants by "
            "hand, grade with --variants saved."
        ),
    )


@_rule(r"^the file carries (?P<fields>.+), which grading ignores$")
def _untrusted(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    fields = ", ".join(re.findall(r"'([^']+)'", found.group("fields")))
    return (
        msg("The file carries fields that grading ignores: {fields}.", fields=fields),
        msg("Scores come from the key only; the file was graded as if those fields were absent."),
    )


@_rule(r"^answers to exercises the case does not have: (?P<ids>.+)$")
def _unknown_exercises(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return (
        msg("The file answers exercises this case does not have: {ids}.", ids=found.group("ids")),
        msg("Those answers were ignored; check that the file belongs to this case's current version."),
    )


@_rule(r"^exercise '(?P<exercise>[^']+)': ")
def _invalid_answer(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    title = _exercise_title(found.group("exercise"), context, msg)
    return (
        msg(
            "The answer to “{title}” does not fit the exercise (for example, an option it does not have).", title=title
        ),
        msg("That answer scored 0; the rest of the file was graded."),
    )


def _exercise_title(exercise_id: str, context: str, msg: Messages) -> str:
    """The exercise's title, from the case the file is named after; "an exercise" if that case is unknown."""
    from ..cases import load_case
    from ..errors import SwtrainError

    path = context.rsplit("\n", 1)[-1]
    case_id = PurePosixPath(path.rsplit(":", 1)[-1]).stem
    try:
        case = load_case(case_id)
        return case.exercise(exercise_id).title.get(msg.language)
    except (SwtrainError, KeyError, StopIteration, ValueError):
        return msg("an exercise")


# --- what swtrain grade cannot read in the submissions folder ----------------------------------------------

#: What swtrain.submissions writes for a file or folder it does not read, each with the report's words.
UNREADABLE = (
    "not a folder or a .zip file",
    "it cannot be read (permission denied)",
    "nested deeper than <trainee_id>/<case_id>.json",
    "a folder named like an answer file",
    "a symbolic link",
    "a hidden folder, not read",
    "not a regular file (a pipe or a device)",
    "the entry points outside the archive",
    "the entry is encrypted",
    "the entry is compressed in a way swtrain cannot read",
    "the entry is longer than its header says",
)


def _unreadable_texts(msg: Messages) -> dict[str, tuple[str, str]]:
    return {
        "not a folder or a .zip file": (
            msg("The submissions given are not a folder or a .zip file."),
            msg("Give the folder or the .zip you collected."),
        ),
        "it cannot be read (permission denied)": (
            msg("The file cannot be read: permission denied."),
            msg("Give the user who grades read access to it."),
        ),
        "nested deeper than <trainee_id>/<case_id>.json": (
            msg("The file lies deeper than trainee folder / case file."),
            msg("Collect into one folder per trainee; the file was not read."),
        ),
        "a folder named like an answer file": (
            msg("A folder named like an answer file."),
            msg("Answer files are files; this folder was not read."),
        ),
        "a symbolic link": (
            msg("A symbolic link."),
            msg("Copy the file itself into the submissions folder."),
        ),
        "a hidden folder, not read": (
            msg("A hidden folder, not read."),
            msg("Answer files are not kept in hidden folders."),
        ),
        "not a regular file (a pipe or a device)": (
            msg("Not a regular file (a pipe or a device)."),
            msg("Answer files are plain files."),
        ),
        "the entry points outside the archive": (
            msg("The entry in the .zip points outside it."),
            msg("Make the .zip again from the folder."),
        ),
        "the entry is encrypted": (
            msg("The entry in the .zip is encrypted."),
            msg("Make the .zip again without a password."),
        ),
        "the entry is compressed in a way swtrain cannot read": (
            msg("The entry in the .zip is compressed in a way swtrain cannot read."),
            msg("Make the .zip again with plain zip (deflate)."),
        ),
        "the entry is longer than its header says": (
            msg("The entry in the .zip is damaged."),
            msg("Make the .zip again."),
        ),
    }


@_rule("^(" + "|".join(re.escape(text) for text in UNREADABLE) + ")$")
def _unreadable(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return _unreadable_texts(msg)[found.group(0)]


@_rule(r"^it cannot be read: ")
def _cannot_read(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return msg("The file cannot be read."), msg("Copy the file again, then grade again.")


@_rule(r"^the archive cannot be read|^the entry is damaged")
def _bad_zip(found: re.Match[str], msg: Messages, context: str) -> tuple[str, str]:
    return msg("The .zip file is damaged."), msg("Make the .zip again from the folder.")
