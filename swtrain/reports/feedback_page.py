"""A trainee's graded feedback as one self-contained HTML page in the answer's language."""

from __future__ import annotations

from html import escape

from .. import render
from ..i18n import Messages, messages
from ..models import Case, Grade, Numeric, Responses

_PAGE_CSS = (
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',system-ui,sans-serif;"
    "max-width:860px;margin:24px auto;padding:0 16px;line-height:1.6;color:#18181b}"
    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;vertical-align:top}"
)


_PROMPTS: dict[tuple[str, str, str, int, int], str] = {}


def _prompt(case: Case, exercise_id: str, language: str, given: int, number: int) -> str:
    # Markdown is rendered once per exercise, language and set of given figures, not once per trainee.
    key = (case.id, exercise_id, language, given, number)
    if key not in _PROMPTS:
        _PROMPTS[key] = render.exercise_prompt(case.exercise(exercise_id), given, messages(language), number)
    return _PROMPTS[key]


def feedback_page(case: Case, responses: Responses, grade: Grade) -> str:
    """The page: case title, trainee, total, then each exercise with the answer, score, feedback and rubric."""
    msg: Messages = messages(grade.language)
    language = msg.language
    parts = []
    for number, (exercise, result) in enumerate(zip(case.exercises, grade.exercises, strict=True), start=1):
        given = responses.variant % len(exercise.given_sets) if isinstance(exercise, Numeric) else 0
        value = responses.value(exercise.id)
        answer = render.answer_text(exercise, value, responses.variant, msg) or msg("(no answer)")
        parts.append(
            f'<section class="swtrain-exercise-feedback">{_prompt(case, exercise.id, language, given, number)}'
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
