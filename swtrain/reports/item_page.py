"""The item analysis as HTML sections in one language: what to look at first, each case's exercises and options,
the two language versions of an item that behaves differently in them, and the markers' agreement.

    item_analysis_html(analysis, msg) -> str     the whole page body (OUT/item_analysis.html)
    what_to_look_at_first(analysis, msg) -> str  the severe flags of every exercise and marker (also in the notebook)

The markers' agreement section comes from swtrain.reports.agreement_page.

Nothing on the page is an id from a case file: exercises, options and criteria
are named by their titles and texts. Trainee and reviewer ids are shown, as in
the gradebook.
"""

from __future__ import annotations

from html import escape

from ..i18n import Messages, figure, plural
from ..models import Exercise
from .agreement_page import agreement_flags, agreement_section
from .item_analysis import CaseAnalysis, ExerciseAnalysis, ItemAnalysis
from .item_flags import ALPHA_OK, SEVERITIES, Flag, case_flags, exercise_flags
from .marker_agreement import LEVELS_AGREE, TOTALS_AGREE
from .page_text import SECTION, flag_list, heading, html_table, paragraph, percent


def _exercise_name(number: int, exercise: Exercise, msg: Messages) -> str:
    return msg("{number}. {title}", number=number, title=exercise.title.get(msg.language))


def what_to_look_at_first(analysis: ItemAnalysis, msg: Messages) -> str:
    """The severe flags of every exercise and marker, as a list ('nothing' said in words when there is none)."""
    first: list[tuple[str, Flag]] = []
    for case in analysis.cases:
        for number, item in enumerate(case.exercises, start=1):
            where = msg(
                "{case} › {exercise}",
                case=case.case.title.get(msg.language),
                exercise=_exercise_name(number, item.exercise, msg),
            )
            first += [(where, f) for f in exercise_flags(item, msg) if f.severity == "severe"]
    first += [(where, f) for where, f in agreement_flags(analysis.agreement, msg) if f.severity == "severe"]
    if not first:
        return paragraph(msg("No exercise and no marker needs a look before the grades go out."))
    return heading(3, msg("Look at these first")) + flag_list(first, msg)


def item_analysis_html(analysis: ItemAnalysis, msg: Messages) -> str:
    """The page body: what to look at first, then each case, then the markers' agreement, then how to read it."""
    parts = [
        SECTION,
        heading(1, msg("Item analysis")),
        paragraph(
            msg(
                "How each exercise worked in this cohort: how hard it was, whether it separated stronger from "
                "weaker trainees, which options were chosen, whether it behaved alike in English and Chinese, and "
                "whether markers scored free text alike. Answers waiting for a marker are left out of every figure."
            )
        ),
        what_to_look_at_first(analysis, msg),
        "</section>",
    ]
    parts += [_case_section(case, msg) for case in analysis.cases]
    parts.append(agreement_section(analysis.agreement, msg))
    parts.append(_reading_guide(msg))
    return "".join(parts)


def _case_section(case: CaseAnalysis, msg: Messages) -> str:
    alpha = (
        msg(
            "Cronbach's alpha {alpha} over the {count} exercises whose answers are all marked.",
            alpha=figure(case.alpha),
            count=case.alpha_items,
        )
        if case.alpha is not None
        else msg("Cronbach's alpha cannot be computed yet: it needs two exercises with every answer marked.")
    )
    graded = plural("{count} trainee graded.", "{count} trainees graded.", case.trainees, msg, count=case.trainees)
    flags = [(case.case.title.get(msg.language), f) for f in case_flags(case, msg)]
    rows = []
    for number, item in enumerate(case.exercises, start=1):
        rows.append(
            [
                _exercise_name(number, item.exercise, msg),
                item.marked,
                item.pending,
                _share(item.mean),
                _share(item.full_credit),
                _figure(item.item_rest_r),
                _figure(item.upper_lower),
                _figure(item.alpha_if_deleted),
                _dif_cell(item, msg),
            ]
        )
        flags += [(_exercise_name(number, item.exercise, msg), f) for f in exercise_flags(item, msg)]
    columns = [
        msg("Exercise"),
        msg("Marked"),
        msg("Pending"),
        "p",
        msg("Full credit"),
        "r",
        "D",
        msg("α if deleted"),
        "DIF",
    ]
    caption = msg(
        "p: difficulty, the mean share of the points; r: item-rest correlation; D: upper-lower index; α if "
        "deleted: Cronbach's alpha without the exercise; DIF: the ETS class between English and Chinese answers."
    )
    table = html_table(columns, rows, caption=caption, numeric=[False, *[True] * 7, False], row_headers=True)
    flags.sort(key=lambda pair: SEVERITIES.index(pair[1].severity))
    options = "".join(
        _options_table(number, item, msg) for number, item in enumerate(case.exercises, start=1) if item.options
    )
    texts = "".join(
        _texts_side_by_side(number, item, msg)
        for number, item in enumerate(case.exercises, start=1)
        if item.dif is not None and item.dif.dif is not None and item.dif.dif.category == "C" and not item.dif.too_small
    )
    return "".join(
        [
            SECTION,
            heading(2, case.case.title.get(msg.language)),
            paragraph(msg("{graded} {alpha}", graded=graded, alpha=alpha)),
            table,
            heading(3, msg("What the figures say")),
            flag_list(flags, msg) if flags else paragraph(msg("Every exercise worked as intended.")),
            heading(3, msg("Options chosen")) if options else "",
            paragraph(
                msg(
                    "For each choice exercise: the share of all trainees, of the upper 27% and of the lower 27% "
                    "(ranked by the rest of the case) who chose each option. The keyed options are marked."
                )
            )
            if options
            else "",
            options,
            texts,
            "</section>",
        ]
    )


def _share(value: float | None) -> str:
    return "" if value is None else percent(value)


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _dif_cell(item: ExerciseAnalysis, msg: Messages) -> str:
    result = item.dif
    if result is None:
        return ""
    if result.too_small or result.dif is None:
        return msg("n/a")
    return result.dif.category


def _options_table(number: int, item: ExerciseAnalysis, msg: Messages) -> str:
    rows = [
        [
            o.letter,
            o.label.get(msg.language),
            msg("key") if o.keyed else "",
            percent(o.share),
            percent(o.upper),
            percent(o.lower),
        ]
        for o in item.options
    ]
    columns = [msg("Option"), msg("Text"), msg("Key"), msg("All"), msg("Upper 27%"), msg("Lower 27%")]
    flagged = any(f.severity != "note" for f in exercise_flags(item, msg))
    return (
        f'<details{" open" if flagged else ""} style="margin:0.4em 0">'
        f'<summary style="cursor:pointer">{escape(_exercise_name(number, item.exercise, msg))}</summary>'
        f"{html_table(columns, rows, numeric=[False, False, False, True, True, True], row_headers=True)}</details>"
    )


def _texts_side_by_side(number: int, item: ExerciseAnalysis, msg: Messages) -> str:
    """An item in large DIF: its prompt and options in English and in Chinese, side by side (each cell marked
    with its language, for screen readers and fonts)."""
    exercise = item.exercise
    rows = [(msg("Prompt"), exercise.prompt)]
    rows += [(msg("Option {letter}", letter=o.letter), o.label) for o in item.options]
    cell = 'style="padding:0.3em 0.6em;border-bottom:1px solid #d4d4d8;vertical-align:top;text-align:left"'
    row_head = cell[:-1] + ';white-space:nowrap"'
    body = "".join(
        f'<tr><th scope="row" {row_head}>{escape(name)}</th><td lang="en" {cell}>{escape(text.en)}</td>'
        f'<td lang="zh-Hans" {cell}>{escape(text.zh)}</td></tr>'
        for name, text in rows
    )
    head = (
        f'<tr><th scope="col" {cell}></th><th scope="col" lang="en" {cell}>English</th>'
        f'<th scope="col" lang="zh-Hans" {cell}>中文</th></tr>'
    )
    title = msg("{exercise}: the two texts", exercise=_exercise_name(number, exercise, msg))
    table = f'<table style="border-collapse:collapse;margin:0.5em 0"><thead>{head}</thead><tbody>{body}</tbody></table>'
    return heading(3, title) + table


def _reading_guide(msg: Messages) -> str:
    lines = [
        msg("Difficulty p: the mean share of the exercise's points; above 0.9 very easy, under 0.2 very hard."),
        msg(
            "Item-rest r: how the exercise's score goes with the rest of the case (the exercise left out of the "
            "total); under 0.2 weak, negative suspect."
        ),
        msg(
            "Upper-lower D: the mean share of the points earned by the upper 27% of trainees, ranked by the rest "
            "of the case, minus that of the lower 27%."
        ),
        msg(
            "Alpha if deleted: Cronbach's alpha of the case without the exercise; {ok} is acceptable for a "
            "classroom test.",
            ok=figure(ALPHA_OK),
        ),
        msg(
            "DIF (the ETS class): the Mantel-Haenszel comparison of equally able trainees answering in English and "
            "in Chinese; A negligible, B moderate, C large."
        ),
        msg(
            "Marker agreement: weighted kappa for two markers, Krippendorff's alpha for more ({least} the "
            "lowest for tentative use), the ICC of the totals (under {poor} poor).",
            least=figure(LEVELS_AGREE),
            poor=figure(TOTALS_AGREE),
        ),
    ]
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    title = heading(2, msg("How to read these figures"))
    return f'{SECTION}{title}<ul style="max-width:52em">{items}</ul></section>'
