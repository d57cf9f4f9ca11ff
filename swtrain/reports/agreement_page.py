"""The markers' agreement in words and tables: which criteria two or more markers applied unalike, who leans, and
the answers they are more than a level apart on.

    agreement_flags(agreement, msg)    [(where, Flag)] per exercise: criteria applied unalike, a lenient or severe
                                       marker, totals that agree poorly
    agreement_section(agreement, msg)  the page's section: the flags, the tables per criterion and of the totals
    criterion_sentence / disagreement_sentence   one line each, for review_notes.csv
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from ..fields import Criterion
from ..i18n import Messages, figure, plural
from .item_flags import Flag
from .marker_agreement import LEAN, LEVELS_AGREE, TOTALS_AGREE, Agreement, CriterionAgreement, Disagreement
from .page_text import SECTION, flag_list, heading, html_table, paragraph, text_width, wrap


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


def agreement_section(found: Agreement, msg: Messages) -> str:
    parts = [SECTION, heading(2, msg("Marker agreement"))]
    if not found.criteria:
        parts += [
            paragraph(
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
        parts.append(flag_list(flags, msg))
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
                _two_decimals(c.value),
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
    parts.append(
        html_table(
            columns,
            rows,
            caption=msg("Agreement per criterion"),
            numeric=[False, False, False, True, False, True, False],
        )
    )
    totals = [
        [t.exercise.title.get(msg.language), ", ".join(t.markers), t.answers, _two_decimals(t.icc)]
        for t in found.totals
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


def _two_decimals(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"
