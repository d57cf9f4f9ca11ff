"""The item analysis as HTML sections in one language: what to look at first, each case's exercises and options,
the two language versions of an item that behaves differently in them, and the markers' agreement.

    item_analysis_html(analysis, msg) -> str     the whole page body (OUT/item_analysis.html, the cohort notebook)
    agreement_flags(agreement, msg)  -> [(where, Flag)]

Nothing on the page is an id from a case file: exercises, options and criteria
are named by their titles and texts. Trainee and reviewer ids are shown, as in
the gradebook.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from ..fields import Criterion
from ..i18n import Messages, figure, plural
from ..models import Exercise
from .figures import html_table, percent, text_width, wrap
from .item_analysis import CaseAnalysis, ExerciseAnalysis, ItemAnalysis
from .item_flags import ALPHA_OK, Flag, case_flags, exercise_flags
from .marker_agreement import LEAN, LEVELS_AGREE, TOTALS_AGREE, Agreement, CriterionAgreement, Disagreement

_SECTION = '<section style="max-width:64em;margin-bottom:2em">'
_COLOURS = {"severe": "#b91c1c", "check": "#92400e", "note": "#3f3f46"}


def _p(text: str) -> str:
    return f'<p style="max-width:48em">{escape(text)}</p>'


def _h(level: int, text: str) -> str:
    return f'<h{level} style="margin:1.2em 0 0.4em 0">{escape(text)}</h{level}>'


def _words(msg: Messages, severity: str) -> str:
    return {"severe": msg("Look before grades go out"), "check": msg("Worth a look"), "note": msg("Note")}[severity]


def _flag_list(flags: Sequence[tuple[str, Flag]], msg: Messages) -> str:
    items = "".join(
        f'<li style="margin-bottom:0.5em"><strong style="color:{_COLOURS[f.severity]}">'
        f"{escape(_words(msg, f.severity))}</strong> · <strong>{escape(where)}</strong><br>{escape(f.text)}</li>"
        for where, f in flags
    )
    return f'<ul style="max-width:52em">{items}</ul>'


def _exercise_name(number: int, exercise: Exercise, msg: Messages) -> str:
    return msg("{number}. {title}", number=number, title=exercise.title.get(msg.language))


def criterion_name(criterion: Criterion, msg: Messages) -> str:
    """A rubric criterion named short: its description up to the first colon ("Keeps safety in view"), or its
    first 60 characters."""
    text = criterion.description.get(msg.language)
    head = re.split(r"[:：]", text, maxsplit=1)[0].strip()
    if text_width(head) <= 60:
        return head
    return wrap(head, 60, max_lines=1)


def _span(values: Sequence[float], msg: Messages) -> str:
    low, high = min(values), max(values)
    if figure(low) == figure(high):
        return figure(low)
    return msg("{low} to {high}", low=figure(low), high=figure(high))


def agreement_flags(found: Agreement, msg: Messages) -> list[tuple[str, Flag]]:
    """Where the markers' agreement needs a look, per exercise: criteria whose levels they apply unalike, a marker
    who leans (gives more, or fewer, levels than the others on the same answers), totals that agree poorly."""
    flags: list[tuple[str, Flag]] = []
    exercises = dict.fromkeys((c.case.id, c.exercise.id) for c in found.criteria)
    for case_id, exercise_id in exercises:
        criteria = [c for c in found.criteria if (c.case.id, c.exercise.id) == (case_id, exercise_id)]
        first = criteria[0]
        where = msg(
            "{case} › {exercise}",
            case=first.case.title.get(msg.language),
            exercise=first.exercise.title.get(msg.language),
        )
        poor = [c for c in criteria if c.poor]
        if poor:
            name = msg("weighted kappa") if first.statistic == "kappa" else msg("Krippendorff's alpha")
            text = msg(
                "The markers apply the rubric levels unalike on {count} of {total} criteria ({name} {span}, under "
                "{least}): mark a few answers together and agree on what each level looks like.",
                count=len(poor),
                total=len(criteria),
                name=name,
                span=_span([c.value for c in poor if c.value is not None], msg),
                least=figure(LEVELS_AGREE),
            )
            flags.append((where, Flag("severe", text)))
        for who in first.markers:
            leans = [c.lean[who] for c in criteria if who in c.lean]
            others = [m for m in first.markers if m != who]
            high = [v for v in leans if v >= LEAN]
            low = [v for v in leans if v <= -LEAN]
            than = others[0] if len(others) == 1 else msg("the other markers")
            if high:
                text = msg(
                    "{marker} gives {span} levels more than {than} on the same answers, on {count} of {total} "
                    "criteria: a lenient marker.",
                    marker=who,
                    span=_span(high, msg),
                    than=than,
                    count=len(high),
                    total=len(criteria),
                )
                flags.append((where, Flag("severe", text)))
            if low and len(others) > 1:  # with two markers, one's lean down is the other's lean up
                text = msg(
                    "{marker} gives {span} levels fewer than {than} on the same answers, on {count} of {total} "
                    "criteria: a severe marker.",
                    marker=who,
                    span=_span([-v for v in low], msg),
                    than=than,
                    count=len(low),
                    total=len(criteria),
                )
                flags.append((where, Flag("severe", text)))
        for t in found.totals:
            if (t.case.id, t.exercise.id) == (case_id, exercise_id) and t.poor and t.icc is not None:
                text = msg(
                    "The markers' totals agree poorly (ICC {icc}, under {least}, over {count} answers).",
                    icc=figure(t.icc),
                    least=figure(TOTALS_AGREE),
                    count=t.answers,
                )
                flags.append((where, Flag("severe", text)))
    return flags


def item_analysis_html(analysis: ItemAnalysis, msg: Messages) -> str:
    """The page body: what to look at first, then each case, then the markers' agreement, then how to read it."""
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
    summary = (
        _flag_list(first, msg) if first else _p(msg("No exercise and no marker needs a look before the grades go out."))
    )
    parts = [
        _SECTION,
        _h(1, msg("Item analysis")),
        _p(
            msg(
                "How each exercise worked in this cohort: how hard it was, whether it separated stronger from "
                "weaker trainees, which options were chosen, whether it behaved alike in English and Chinese, and "
                "whether markers scored free text alike. Answers waiting for a marker are left out of every figure."
            )
        ),
        _h(2, msg("Look at these first")),
        summary,
        "</section>",
    ]
    parts += [_case_section(case, msg) for case in analysis.cases]
    parts.append(_agreement_section(analysis.agreement, msg))
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
    order = {"severe": 0, "check": 1, "note": 2}
    flags.sort(key=lambda pair: order[pair[1].severity])
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
            _SECTION,
            _h(2, case.case.title.get(msg.language)),
            _p(msg("{graded} {alpha}", graded=graded, alpha=alpha)),
            table,
            _h(3, msg("What the figures say")),
            _flag_list(flags, msg) if flags else _p(msg("Every exercise worked as intended.")),
            _h(3, msg("Options chosen")) if options else "",
            _p(
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
    body = "".join(
        f'<tr><th scope="row" {cell}>{escape(name)}</th><td lang="en" {cell}>{escape(text.en)}</td>'
        f'<td lang="zh-Hans" {cell}>{escape(text.zh)}</td></tr>'
        for name, text in rows
    )
    head = (
        f'<tr><th scope="col" {cell}></th><th scope="col" lang="en" {cell}>English</th>'
        f'<th scope="col" lang="zh-Hans" {cell}>中文</th></tr>'
    )
    title = msg("{exercise}: the two texts", exercise=_exercise_name(number, exercise, msg))
    table = f'<table style="border-collapse:collapse;margin:0.5em 0"><thead>{head}</thead><tbody>{body}</tbody></table>'
    return _h(3, title) + table


def _agreement_section(found: Agreement, msg: Messages) -> str:
    parts = [_SECTION, _h(2, msg("Marker agreement"))]
    if not found.criteria:
        parts += [
            _p(
                msg(
                    "No answer was scored by two or more reviewers. To measure agreement, have a second reviewer "
                    "score some of the same answers in the review notebook, then grade again."
                )
            ),
            "</section>",
        ]
        return "".join(parts)
    flags = agreement_flags(found, msg)
    if flags:
        parts.append(_flag_list(flags, msg))
    rows = []
    for c in found.criteria:
        lean = msg("; ").join(f"{who} {value:+.2f}" for who, value in c.lean.items())
        statistic = msg("weighted kappa") if c.statistic == "kappa" else msg("Krippendorff's alpha")
        rows.append(
            [
                c.exercise.title.get(msg.language),
                criterion_name(c.criterion, msg),
                ", ".join(c.markers),
                c.answers,
                statistic,
                _figure(c.value),
                lean,
            ]
        )
    columns = [
        msg("Exercise"),
        msg("Criterion"),
        msg("Markers"),
        msg("Answers"),
        msg("Statistic"),
        msg("Value"),
        msg("Lean (levels)"),
    ]
    parts.append(html_table(columns, rows, caption=msg("Agreement per criterion"), numeric=[False] * 3 + [True] * 4))
    totals = [
        [t.exercise.title.get(msg.language), ", ".join(t.markers), t.answers, _figure(t.icc)] for t in found.totals
    ]
    parts.append(
        html_table(
            [msg("Exercise"), msg("Markers"), msg("Answers"), msg("ICC of the totals")],
            totals,
            caption=msg("Agreement on the totals (ICC, two-way, absolute agreement)"),
            numeric=[False, False, True, True],
        )
    )
    if found.disagreements:
        apart = [
            [
                d.trainee_id,
                d.exercise.title.get(msg.language),
                criterion_name(d.criterion, msg),
                msg("; ").join(msg("{marker}: level {level}", marker=who, level=level) for who, level, _ in d.levels),
            ]
            for d in found.disagreements
        ]
        summary = plural(
            "{count} answer where the markers are more than one level apart (also in review_notes.csv)",
            "{count} answers where the markers are more than one level apart (also in review_notes.csv)",
            len(apart),
            msg,
            count=len(apart),
        )
        table = html_table([msg("Trainee"), msg("Exercise"), msg("Criterion"), msg("Levels given")], apart)
        details = f'<details style="margin:0.6em 0"><summary style="cursor:pointer">{escape(summary)}</summary>'
        parts.append(f"{details}{table}</details>")
    parts.append("</section>")
    return "".join(parts)


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
    return f'{_SECTION}{_h(2, msg("How to read these figures"))}<ul style="max-width:52em">{items}</ul></section>'


def criterion_sentence(c: CriterionAgreement, msg: Messages) -> str:
    name = msg("weighted kappa") if c.statistic == "kappa" else msg("Krippendorff's alpha")
    value = msg("undefined (every level the same)") if c.value is None else figure(c.value)
    return msg("{name} {value} over {count} answers", name=name, value=value, count=c.answers)


def disagreement_sentence(d: Disagreement, msg: Messages) -> str:
    given = msg("; ").join(
        msg("{marker} level {level} ({points} points)", marker=who, level=level, points=figure(points))
        for who, level, points in d.levels
    )
    return msg("the markers are {spread} levels apart: {given}", spread=d.spread, given=given)
