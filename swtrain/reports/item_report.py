"""The item analysis and marker agreement of a graded cohort, as files an instructor reads before grades go out.

    write_item_analysis(OUT, records, marks, book, language) ->
        OUT/item_analysis.csv       a row per case, per exercise and per option of a choice item (column `level`)
        OUT/marker_agreement.csv    a row per criterion and per exercise total that two or more markers scored
        OUT/item_analysis.html      the same in words and tables, in the instructor's language
    and returns the lines it adds to review_notes.csv (agreement per criterion, answers markers differ on).

The statistics are in swtrain.reports.item_analysis and marker_agreement, the
words in item_flags; the page's sections (item_analysis_html) are also shown by
the cohort notebook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from ..csvfile import write_csv
from ..i18n import Messages, check_language, figure, messages
from ..models import Case
from .agreement_page import criterion_sentence, disagreement_sentence
from .item_analysis import ExerciseAnalysis, ItemAnalysis, Record, analyse_cohort
from .item_flags import SEVERITIES, Flag, case_flags, exercise_flags
from .item_page import item_analysis_html
from .marker_agreement import Agreement, CaseSource, Mark

ITEM_COLUMNS = (
    "level",
    "case_id",
    "exercise_id",
    "option",
    "keyed",
    "trainees",
    "answered",
    "pending",
    "marked",
    "difficulty",
    "full_credit",
    "item_rest_r",
    "upper_lower_d",
    "alpha_if_deleted",
    "case_alpha",
    "chosen",
    "chosen_upper",
    "chosen_lower",
    "answers_en",
    "answers_zh",
    "mh_odds_ratio",
    "ets_delta",
    "mh_p",
    "ets_class",
    "severity",
    "flags",
)
AGREEMENT_COLUMNS = ("case_id", "exercise_id", "criterion", "markers", "answers", "statistic", "value", "lean")


def write_item_analysis(
    out: Path,
    records: Mapping[str, Sequence[Record]],
    marks: Sequence[Mark],
    book: CaseSource,
    language: str = "en",
) -> tuple[ItemAnalysis, list[tuple[str, str, str]]]:
    """Write the three files under `out`; return the analysis and the review notes on agreement (trainee, case,
    note)."""
    msg = messages(check_language(language))
    analysis = analyse_cohort(records, marks, book)
    write_csv(out / "item_analysis.csv", ITEM_COLUMNS, item_rows(analysis, msg))
    write_csv(out / "marker_agreement.csv", AGREEMENT_COLUMNS, agreement_rows(analysis.agreement))
    (out / "item_analysis.html").write_text(item_analysis_page(analysis, msg), encoding="utf-8")
    return analysis, agreement_notes(analysis.agreement, msg)


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def severity_of(flags: Sequence[Flag]) -> str:
    """The most serious of the flags ('' for none)."""
    return next((s for s in SEVERITIES if any(f.severity == s for f in flags)), "")


def item_rows(analysis: ItemAnalysis, msg: Messages) -> list[list[object]]:
    rows: list[list[object]] = []
    blank: list[object] = [""] * len(ITEM_COLUMNS)
    for case in analysis.cases:
        flags = case_flags(case, msg)
        row: dict[str, object] = dict(zip(ITEM_COLUMNS, blank, strict=True))
        row.update(level="case", case_id=case.case.id, trainees=case.trainees, case_alpha=_number(case.alpha))
        row.update(severity=severity_of(flags), flags=" ".join(f.text for f in flags))
        rows.append(list(row.values()))
        for item in case.exercises:
            rows.append(list(_exercise_row(case.case, item, msg, blank).values()))
            for option in item.options:
                row = dict(zip(ITEM_COLUMNS, blank, strict=True))
                row.update(level="option", case_id=case.case.id, exercise_id=item.exercise.id, option=option.value)
                row.update(keyed="yes" if option.keyed else "no", chosen=_number(option.share))
                row.update(chosen_upper=_number(option.upper), chosen_lower=_number(option.lower))
                rows.append(list(row.values()))
    return rows


def _exercise_row(case: Case, item: ExerciseAnalysis, msg: Messages, blank: list[object]) -> dict[str, object]:
    flags = exercise_flags(item, msg)
    row: dict[str, object] = dict(zip(ITEM_COLUMNS, blank, strict=True))
    row.update(level="exercise", case_id=case.id, exercise_id=item.exercise.id, trainees=item.graded)
    row.update(answered=item.answered, pending=item.pending, marked=item.marked)
    row.update(difficulty=_number(item.mean), full_credit=_number(item.full_credit))
    row.update(item_rest_r=_number(item.item_rest_r), upper_lower_d=_number(item.upper_lower))
    row.update(alpha_if_deleted=_number(item.alpha_if_deleted), case_alpha=_number(item.case_alpha))
    if item.dif is not None:
        row.update(answers_en=item.dif.reference, answers_zh=item.dif.focal)
        if item.dif.dif is not None and not item.dif.too_small:
            dif = item.dif.dif
            row.update(mh_odds_ratio=_number(dif.odds_ratio), ets_delta=_number(dif.delta))
            row.update(mh_p=_number(dif.p_value, 4), ets_class=dif.category)
    row.update(severity=severity_of(flags), flags=" ".join(f.text for f in flags))
    return row


def agreement_rows(found: Agreement) -> list[list[object]]:
    rows: list[list[object]] = []
    for c in found.criteria:
        lean = "; ".join(f"{who} {value:+.2f}" for who, value in c.lean.items())
        where = [c.case.id, c.exercise.id, c.criterion.id, " ".join(c.markers)]
        rows.append([*where, c.answers, c.statistic, _number(c.value), lean])
    for t in found.totals:
        rows.append([t.case.id, t.exercise.id, "", " ".join(t.markers), t.answers, "icc", _number(t.icc), ""])
    return rows


def agreement_notes(found: Agreement, msg: Messages) -> list[tuple[str, str, str]]:
    """review_notes.csv lines: each criterion's agreement (trainee blank) and each answer markers differ on."""
    notes = []
    for c in found.criteria:
        notes.append(("", c.case.id, f"{c.exercise.id}/{c.criterion.id}: {criterion_sentence(c, msg)}"))
    for t in found.totals:
        if t.icc is not None:
            text = msg(
                "totals of {markers}: ICC {icc} over {count} answers",
                markers=", ".join(t.markers),
                icc=figure(t.icc),
                count=t.answers,
            )
            notes.append(("", t.case.id, f"{t.exercise.id}: {text}"))
    for d in found.disagreements:
        notes.append((d.trainee_id, d.case.id, f"{d.exercise.id}/{d.criterion.id}: {disagreement_sentence(d, msg)}"))
    return notes


def item_analysis_page(analysis: ItemAnalysis, msg: Messages) -> str:
    language = msg.language
    lang_attr = "zh-Hans" if language == "zh" else escape(language)
    title = escape(msg("Item analysis"))
    font = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif' if language == "zh" else "system-ui, sans-serif"
    return (
        f'<!doctype html>\n<html lang="{lang_attr}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font-family:{font};max-width:64em;margin:0 auto;padding:1em 1.5em;"
        "line-height:1.5;color:#18181b}</style></head><body>"
        f"{item_analysis_html(analysis, msg)}</body></html>\n"
    )
