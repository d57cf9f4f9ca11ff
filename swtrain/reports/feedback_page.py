"""A trainee's graded feedback as one self-contained HTML page in the answer's language, and writing the pages."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .. import render
from ..i18n import Messages, messages
from ..models import Case, Grade, Responses

# A Latin face first on an English page (a CJK face would draw “quotes” full width), a CJK face first in Chinese.
_PAGE_CSS = (
    "body{font-family:'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans','Noto Sans CJK SC',sans-serif;"
    "max-width:860px;margin:24px auto;padding:0 16px;line-height:1.6;color:#18181b}"
    "html:lang(zh) body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif}"
    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}"
)


_HEADINGS: dict[tuple[str, str, str, int], str] = {}


def _heading(case: Case, exercise_id: str, language: str, number: int) -> str:
    # Markdown is rendered once per exercise and language, not once per trainee.
    key = (case.id, exercise_id, language, number)
    if key not in _HEADINGS:
        _HEADINGS[key] = render.exercise_heading(case.exercise(exercise_id), messages(language), number)
    return _HEADINGS[key]


def feedback_page(case: Case, responses: Responses, grade: Grade) -> str:
    """The page: case title, trainee, total, then each exercise with the answer, score, feedback and rubric."""
    msg: Messages = messages(grade.language)
    language = msg.language
    parts = []
    for number, (exercise, result) in enumerate(zip(case.exercises, grade.exercises, strict=True), start=1):
        value = responses.value(exercise.id)
        answer = render.answer_text(exercise, value, msg) or msg("(no answer)")
        prompt = _heading(case, exercise.id, language, number) + render.given_html(exercise, responses.variant, msg)
        parts.append(
            f'<section class="swtrain-exercise-feedback">{prompt}'
            f"{render.exercise_grade(result, msg, answer)}{render.answer_drawing(exercise, value, msg)}</section>"
        )
    title = escape(case.title.get(language))
    heading = escape(msg("Feedback for trainee {trainee}.", trainee=grade.trainee_id))
    lang_attr = "zh-Hans" if language == "zh" else escape(language)
    return (
        f'<!doctype html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · {escape(grade.trainee_id)}</title><style>{_PAGE_CSS}</style></head><body>"
        f"<h1>{title}</h1><p>{heading}</p>{render.grade_summary(grade, msg)}{''.join(parts)}</body></html>\n"
    )


def write_feedback_page(folder: Path, trainee_id: str, case_id: str, page: str) -> None:
    """Write one page as `folder/<trainee_id>/<case_id>.html` (ids already checked: no separators, no dot first)."""
    (folder / trainee_id).mkdir(parents=True, exist_ok=True)
    # Outputs are made anew by every run, so a plain write will do (no fsync per page).
    (folder / trainee_id / f"{case_id}.html").write_text(page, encoding="utf-8")
