"""How far a trainee is through each case, read from their answer files, and the language they chose.

    progress = case_progress(case, saved)      # answered / total, last saved, from one answer file
    course = trainee_progress(store, "t001", cases)
    progress_text(progress, msg)               # "3 of 8 answered · last saved 14 May 2025 14:02"

An exercise counts as answered when its saved answer says something (a blank
text, an empty list or mapping counts as unanswered, as grading counts it).
A broken answer file never stops the course index: its case says the file
cannot be read.

The language a trainee last chose is kept beside their answer files, in
`<responses_dir>/<trainee_id>/.language`: hidden and not `*.json`, so
`swtrain collect` and `swtrain grade` pass it by without a line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import SwtrainError
from .grading import is_blank
from .i18n import Messages, available_languages, plural
from .models import Case, Exercise, Responses
from .render import STYLE, escape
from .store import ResponseStore, check_trainee_id, write_atomic

LANGUAGE_FILE = ".language"


@dataclass(frozen=True)
class CaseProgress:
    """One trainee's progress in one case: exercises answered of the total, when they last saved."""

    case_id: str
    answered: int
    total: int
    last_saved: datetime | None = None
    #: Why the answer file could not be read (None when it could, or when there is none).
    problem: str | None = None

    @property
    def started(self) -> bool:
        return self.answered > 0


def unanswered(case: Case, saved: Responses | None) -> list[tuple[int, Exercise]]:
    """The case's exercises without an answer, each with its number as the page shows it (1, 2, ...)."""
    return [
        (number, exercise)
        for number, exercise in enumerate(case.exercises, start=1)
        if saved is None or is_blank(saved.value(exercise.id))
    ]


# A link to an exercise scrolls its own page (JupyterLab may show two notebooks) and puts the keyboard there.
_GO_TO = (
    "var page=this.closest('.jp-Notebook')||document;"
    "var box=page.querySelector('.swtrain-exercise-{id}');"
    "if(box){{box.scrollIntoView({{block:'start'}});"
    "var first=box.querySelector('input,textarea,select,button');if(first){{first.focus({{preventScroll:true}});}}}}"
    "return false;"
)


def unanswered_html(case: Case, saved: Responses | None, msg: Messages) -> str:
    """The exercises still without an answer, each a link that scrolls to it (or that every one has one)."""
    missing = unanswered(case, saved)
    if not missing:
        text = msg("Every exercise has an answer.")
        return f'<div class="swtrain-unanswered" style="{STYLE["correct"]}">{escape(text)}</div>'
    links = "".join(
        f'<li><a href="#swtrain-exercise-{e.id}" onclick="{escape(_GO_TO.format(id=e.id))}" '
        f'style="color:#1d4ed8;text-decoration:underline">{number}. {escape(e.title.get(msg.language))}</a></li>'
        for number, e in missing
    )
    count = len(missing)
    heading = plural(
        "{count} exercise still has no answer:", "{count} exercises still have no answer:", count, msg, count=count
    )
    return (
        f'<div class="swtrain-unanswered" style="{STYLE["partial"]}">'
        f'<b>{escape(heading)}</b><ul style="margin:4px 0">{links}</ul></div>'
    )


def case_progress(case: Case, saved: Responses | None) -> CaseProgress:
    """Answered / total and the last save of `saved`, the trainee's answers to `case` (None: no answer file)."""
    total = len(case.exercises)
    if saved is None:
        return CaseProgress(case.id, 0, total)
    known = {e.id for e in case.exercises}
    times = [answer.changed_at for exercise_id, answer in saved.answers.items() if exercise_id in known]
    return CaseProgress(case.id, total - len(unanswered(case, saved)), total, max(times) if times else None)


def trainee_progress(store: ResponseStore, trainee_id: str, cases: Iterable[Case]) -> dict[str, CaseProgress]:
    """Each case's progress for `trainee_id`, by case id; a file that cannot be read is a problem, not an error."""
    found = {}
    for case in cases:
        try:
            found[case.id] = case_progress(case, store.load(trainee_id, case.id))
        except SwtrainError as exc:
            found[case.id] = CaseProgress(case.id, 0, len(case.exercises), problem=exc.message)
    return found


def saved_time(when: datetime, msg: Messages, now: datetime | None = None) -> str:
    """`when` in local time as a trainee reads it: the time alone today (14:02:11), else the date and time."""
    local = when.astimezone()
    today = (now or datetime.now().astimezone()).date()
    if local.date() == today:
        return local.strftime("%H:%M:%S")
    return f"{medium_date(local.date(), msg.language)} {local.strftime('%H:%M')}"


#: CLDR's medium date for the course's languages (en_GB "2 Mar 2026", zh_Hans_CN "2026年3月2日"), written out:
#: babel would load its locale data (about 10 MiB) into every trainee's kernel for them.
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec")


def medium_date(day: date, language: str) -> str:
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    if language == "en":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    from babel.dates import format_date

    return str(format_date(day, "medium", locale=language))


def progress_text(progress: CaseProgress, msg: Messages, now: datetime | None = None) -> str:
    """One line on a trainee's progress in a case, in their language."""
    if progress.problem is not None:
        return msg("Your answer file for this case cannot be read; tell your instructor.")
    if not progress.started:
        return plural(
            "Not started: {total} exercise", "Not started: {total} exercises", progress.total, msg, total=progress.total
        )
    answered = msg("{answered} of {total} answered", answered=progress.answered, total=progress.total)
    if progress.last_saved is None:
        return answered
    when = msg("last saved {time}", time=saved_time(progress.last_saved, msg, now))
    return f"{answered} · {when}"


# --- the language a trainee chose -----------------------------------------------------------------


def language_file(responses_dir: str | Path, trainee_id: str) -> Path:
    return Path(responses_dir) / check_trainee_id(trainee_id) / LANGUAGE_FILE


def remembered_language(responses_dir: str | Path, trainee_id: str) -> str | None:
    """The language `trainee_id` last chose (None: never chose, or the file holds no known language)."""
    try:
        text = language_file(responses_dir, trainee_id).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text in available_languages() else None


def remember_language(responses_dir: str | Path, trainee_id: str, language: str) -> None:
    """Keep `language` as the trainee's choice; a folder that cannot be written keeps the old choice, silently
    (the answers say where they could not be saved; a language is not worth a second error box)."""
    path = language_file(responses_dir, trainee_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, language + "\n")
    except OSError:
        pass
