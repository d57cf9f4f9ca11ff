"""Case text and grades as HTML, in one language.

Used by the widgets (live), by feedback mode (static output that survives
nbconvert) and by feedback pages. Case text is markdown with raw HTML
escaped; every value a trainee wrote is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .exercises import kind_of
from .fields import Text
from .grading import is_blank
from .i18n import Messages, figure, plural
from .markdown_text import to_html
from .models import Case, Exercise, ExerciseGrade, Grade, Interview, Module, Section

STYLE = {
    "note": "border-left:4px solid #b45309;background:#fff7ed;padding:6px 10px;margin:6px 0;color:#7c2d12",
    "box": "border:1px solid #d4d4d8;border-radius:6px;padding:8px 12px;margin:6px 0",
    "correct": "border-left:4px solid #15803d;background:#f0fdf4;padding:6px 10px;margin:4px 0",
    "partial": "border-left:4px solid #ca8a04;background:#fefce8;padding:6px 10px;margin:4px 0",
    "incorrect": "border-left:4px solid #b91c1c;background:#fef2f2;padding:6px 10px;margin:4px 0",
    "neutral": "border-left:4px solid #52525b;background:#f4f4f5;padding:6px 10px;margin:4px 0",
    "error": "border:2px solid #b91c1c;background:#fef2f2;padding:8px 12px;margin:6px 0;color:#7f1d1d",
}


# Markdown tables carry no style of their own; in a widget no page style reaches them either. A cell is at
# least five characters wide so that a short Chinese name ("支持性小组") is not broken over two lines.
_TABLE_CSS = (
    "<style>.swtrain-markdown table{border-collapse:collapse;margin:8px 0}"
    ".swtrain-markdown th,.swtrain-markdown td{border:1px solid #d4d4d8;padding:4px 10px;text-align:left;"
    "vertical-align:top;line-height:1.5;min-width:5em}.swtrain-markdown th{background:#f4f4f5;font-weight:600}</style>"
)


def markdown(text: str) -> str:
    """Case markdown as HTML; raw HTML in it is shown as text, not run."""
    html = to_html(text)
    style = _TABLE_CSS if "<table>" in html else ""
    return f'{style}<div class="swtrain-markdown">{html}</div>'


def content_note(note: Text | None, msg: Messages) -> str:
    if note is None:
        return ""
    label = escape(msg("Content note"))
    text = escape(note.get(msg.language))
    return f'<div class="swtrain-content-note" style="{STYLE["note"]}"><b>⚠ {label}:</b> {text}</div>'


def case_header(case: Case, msg: Messages) -> str:
    lang = msg.language
    models = ", ".join(escape(m.get(lang)) for m in case.practice_models)
    label = escape(msg("Practice models"))
    models_line = f"<p><i>{label}: {models}</i></p>" if models else ""
    return (
        f'<div class="swtrain-case-header"><h2>{escape(case.title.get(lang))}</h2>'
        f"{markdown(case.summary.get(lang))}{models_line}{content_note(case.content_note, msg)}</div>"
    )


def start_cue_style(msg: Messages) -> str:
    """Once a module notebook has run, JupyterLab shows its "Start here" cue (written in both languages, each
    half marked with its `lang`) in the session's language only."""
    return f"<style>.swtrain-start:not(:lang({msg.language})) {{ display: none; }}</style>"


def module_intro(module: Module, msg: Messages) -> str:
    """The module's title and introduction (its description when it has none), above the case material."""
    intro = module.introduction or module.description
    return (
        f'<div class="swtrain-module-intro"><h2>{escape(module.title.get(msg.language))}</h2>'
        f"{markdown(intro.get(msg.language))}</div>"
    )


def exercises_heading(msg: Messages, answering: bool) -> str:
    """The heading above the exercises; `answering`: with what to do in them (not on a feedback page)."""
    title = msg("Exercises")
    what_to_do = msg("Answer in the widgets below; every answer is saved as you go.")
    line = f"<p>{escape(what_to_do)}</p>" if answering else ""
    return f'<div class="swtrain-heading-exercises"><h2>{escape(title)}</h2>{line}</div>'


def section(sec: Section, msg: Messages, figures: str = "") -> str:
    """A section's title, content note and body; then `figures` (its table and chart, drawn)."""
    return (
        f'<div class="swtrain-section" id="section-{sec.id}"><h3>{escape(sec.title.get(msg.language))}</h3>'
        f"{content_note(sec.content_note, msg)}{markdown(sec.body.get(msg.language))}{figures}</div>"
    )


def people(case: Case, msg: Messages) -> str:
    lang = msg.language
    rows = "".join(
        f"<tr><td><b>{escape(p.name.get(lang))}</b></td><td>{escape(p.role.get(lang))}</td>"
        f"<td>{escape(p.description.get(lang))}</td></tr>"
        for p in case.people
    )
    cells = "".join(f"<th>{escape(text)}</th>" for text in (msg("Person"), msg("Role"), msg("About")))
    title = escape(msg("People"))
    return f'<div class="swtrain-people"><h3>{title}</h3><table><tr>{cells}</tr>{rows}</table></div>'


def timeline(case: Case, msg: Messages) -> str:
    rows = "".join(
        f"<tr><td>{escape(day_label(e.day, msg))}</td><td>{escape(e.event.get(msg.language))}</td></tr>"
        for e in sorted(case.timeline, key=lambda e: e.day)
    )
    title = escape(msg("Timeline"))
    return f'<div class="swtrain-timeline"><h3>{title}</h3><table>{rows}</table></div>'


def day_label(day: int, msg: Messages) -> str:
    if day == 0:
        return msg("Day 0 (admission)")
    if day < 0:
        return msg("{days} days before admission", days=-day)
    return msg("Day {day}", day=day)


def interview(case: Case, item: Interview, msg: Messages) -> str:
    lang = msg.language
    turns = []
    for turn in item.turns:
        person = case.person(turn.speaker)
        who = person.name.get(lang) if person else msg("Social worker")
        turns.append(f"<p><b>{escape(who)}:</b> {escape(turn.text.get(lang))}</p>")
    when = f" <small>({escape(day_label(item.day, msg))})</small>" if item.day is not None else ""
    return (
        f'<div class="swtrain-interview" id="interview-{item.id}"><h3>{escape(item.title.get(lang))}{when}</h3>'
        f'{content_note(item.content_note, msg)}<div style="{STYLE["box"]}">{"".join(turns)}</div></div>'
    )


def exercise_prompt(
    exercise: Exercise, variant: int, msg: Messages, number: int | None = None, figure: str = ""
) -> str:
    """Title, points, content note and prompt; then `figure` (the exercise's chart, drawn) and what the
    variant is given (the figures of a numeric exercise)."""
    return exercise_heading(exercise, msg, number) + figure + given_html(exercise, variant, msg)


def given_html(exercise: Exercise, variant: int, msg: Messages) -> str:
    """What this variant is given under the prompt ('' for most exercises)."""
    return kind_of(exercise).given_html(exercise, variant, msg)


def exercise_heading(exercise: Exercise, msg: Messages, number: int | None = None) -> str:
    """Title, points, content note and prompt: the part of the prompt every variant shares."""
    lang = msg.language
    prefix = f"{number}. " if number is not None else ""
    points = plural("{points} point", "{points} points", exercise.points, msg, points=figure(exercise.points))
    return (
        f'<h4>{prefix}{escape(exercise.title.get(lang))} <small style="color:#52525b">({escape(points)})</small></h4>'
        f"{content_note(exercise.content_note, msg)}{markdown(exercise.prompt.get(lang))}"
    )


def exercise_grade(grade: ExerciseGrade, msg: Messages, answer: str = "") -> str:
    """One exercise's feedback box: the answer given, the score, notes, the debrief of a path, the rubric."""
    style = {"correct": "correct", "partial": "partial", "incorrect": "incorrect", "invalid": "incorrect"}.get(
        grade.status, "neutral"
    )
    score = (
        msg("Score: {score} of {max}", score=figure(grade.score), max=figure(grade.max_score))
        if grade.score is not None
        else msg("Score: needs a person (out of {max})", max=figure(grade.max_score))
    )
    notes = "".join(f"<li>{escape(line)}</li>" for line in grade.feedback)
    label = escape(msg("Your answer:"))
    # a written answer keeps its line breaks (its numbered steps, its paragraphs)
    answer_html = f'<p style="white-space:pre-line"><b>{label}</b> {escape(answer)}</p>' if answer else ""
    return (
        f'<div class="swtrain-feedback swtrain-{grade.status}" style="{STYLE[style]}">'
        f"{answer_html}<b>{escape(score)}</b><ul>{notes}</ul>{debrief_table(grade, msg)}"
        f"{rubric_html(grade, msg)}</div>"
    )


def debrief_table(grade: ExerciseGrade, msg: Messages) -> str:
    """The trainee's path beside the best path, a decision per row ('' when the grade has no debrief)."""
    if not grade.debrief:
        return ""
    mine_label, best_label = escape(msg("Your path")), escape(msg("The best path"))
    head = f"<tr><th>{mine_label}</th><th>{best_label}</th></tr>"
    cell = "text-align:left;vertical-align:top;padding:4px 8px;border-top:1px solid #d4d4d8"
    rows = "".join(
        f'<tr><td style="{cell}">{escape(yours)}</td><td style="{cell}">{escape(best)}</td></tr>'
        for yours, best in grade.debrief
    )
    return (
        f'<table class="swtrain-debrief" style="border-collapse:collapse;margin:6px 0;width:100%">{head}{rows}</table>'
    )


def rubric_html(grade: ExerciseGrade, msg: Messages) -> str:
    """The rubric: each criterion with its points, its levels, and the level a person gave where one did."""
    if not grade.rubric:
        return ""
    items = []
    for line in grade.rubric:
        points = plural("{points} point", "{points} points", line.points, msg, points=figure(line.points))
        levels = "".join(
            f"<li{' class=swtrain-level-given style=font-weight:600' if line.given == at else ''}>"
            f"{escape(figure(at))} · {escape(text)}</li>"
            for at, text in line.levels
        )
        given = ""
        if line.given is not None:
            descriptor = line.level_given()
            given = msg("Given: {points} of {max}", points=figure(line.given), max=figure(line.points))
            given = (
                f"<br><i>{escape(given)}{escape(msg(': {feedback}', feedback=descriptor)) if descriptor else ''}</i>"
            )
        for comment in line.comments:
            said = msg("Comment: {comment}", comment=comment)
            given += f'<br><span class="swtrain-comment">{escape(said)}</span>'

        items.append(
            f"<li>{escape(line.text)} ({escape(points)}){given}"
            + (f'<ul class="swtrain-levels">{levels}</ul>' if levels else "")
            + "</li>"
        )
    title = escape(msg("Rubric:"))
    return f"<p><b>{title}</b></p><ul>{''.join(items)}</ul>"


def grade_summary(grade: Grade, msg: Messages) -> str:
    count = grade.needs_review
    waiting = (
        plural(
            "{count} answer waits for your instructor.",
            "{count} answers wait for your instructor.",
            count,
            msg,
            count=count,
        )
        if count
        else ""
    )
    total = msg(
        "Total: {score} of {max} ({percent}%)",
        score=figure(grade.score),
        max=figure(grade.max_score),
        percent=figure(grade.percent),
    )
    return (
        f'<div class="swtrain-summary" style="{STYLE["box"]}"><b>{escape(total)}</b>'
        f"{'<br>' + escape(waiting) if waiting else ''}</div>"
    )


def error_box(title: str, detail: str) -> str:
    body = f'<pre style="white-space:pre-wrap">{escape(detail)}</pre>'
    return f'<div class="swtrain-error" style="{STYLE["error"]}"><b>{escape(title)}</b>{body}</div>'


def answer_drawing(exercise: Exercise, value: Any, msg: Messages) -> str:
    """The trainee's answer drawn as they left it, where the kind draws one (an ecomap): feedback shows it."""
    return "" if is_blank(value) else kind_of(exercise).drawing(exercise, value, msg)


def answer_text(exercise: Exercise, value: Any, msg: Messages) -> str:
    """A trainee's saved answer in words, for feedback and review ('' when blank)."""
    return "" if is_blank(value) else kind_of(exercise).answer_text(exercise, value, msg)
