"""What an item analysis says in words: each exercise's flags, the severe ones first, in the instructor's language.

    exercise_flags(analysis, msg) -> [Flag]     why to look at an exercise again, and what to check
    case_flags(case_analysis, msg) -> [Flag]    the case as a whole (Cronbach's alpha)

Thresholds follow ../DOMAIN.md section 10 (the figures exam offices use). A
"severe" flag means the item probably mis-scores trainees (a key beaten by a
distractor among the strongest, no discrimination at all, large DIF between the
languages): look before the grades go out. "check" is worth a look when the
item is next revised; "note" says why a figure is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..i18n import Messages, figure, plural
from .item_analysis import MIN_ANSWERS, CaseAnalysis, ExerciseAnalysis, OptionStats
from .item_stats import MIN_DIF_GROUP
from .page_text import percent

Severity = Literal["severe", "check", "note"]
SEVERITIES: tuple[Severity, ...] = ("severe", "check", "note")

#: Difficulty p (mean share of the points) worth a look outside these.
EASY, HARD = 0.9, 0.2
#: Corrected item-total r: below WEAK the item separates trainees weakly; below NONE, with the upper-lower index
#: D below NONE too and a difficulty inside the range above (where a low r is not just a ceiling), it does not
#: separate them at all.
WEAK, NONE = 0.2, 0.1
#: A distractor chosen by fewer than this share of trainees is not working.
UNUSED = 0.05
#: A distractor chosen by this much more of the upper group than of the lower is flagged.
UPPER_MARGIN = 0.05
#: Alpha if deleted this much above the case's alpha: the case hangs together better without the item.
ALPHA_GAIN = 0.03
#: A classroom test's acceptable alpha.
ALPHA_OK = 0.7


@dataclass(frozen=True)
class Flag:
    severity: Severity
    text: str


def _option(option: OptionStats, msg: Messages) -> str:
    return msg('option {letter} ("{label}")', letter=option.letter, label=option.label.get(msg.language))


def exercise_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    """Why to look at this exercise again, most serious first (none: it worked)."""
    flags: list[Flag] = []
    if item.pending and not item.marked:
        text = plural(
            "{count} answer waits for a marker: the figures come once at least {least} answers are marked.",
            "{count} answers wait for a marker: the figures come once at least {least} answers are marked.",
            item.pending,
            msg,
            count=item.pending,
            least=MIN_ANSWERS,
        )
        flags.append(Flag("note", text))
    elif item.pending:
        text = plural(
            "{count} answer waits for a marker: it is left out of every figure.",
            "{count} answers wait for a marker: they are left out of every figure.",
            item.pending,
            msg,
            count=item.pending,
        )
        flags.append(Flag("note", text))
    if item.marked < MIN_ANSWERS:
        if item.marked:
            flags.append(
                Flag("note", msg("Too few marked answers ({count}) for the figures to mean much.", count=item.marked))
            )
        return flags
    flags += _key_flags(item, msg) + _discrimination_flags(item, msg) + _difficulty_flags(item, msg)
    flags += _distractor_flags(item, msg) + _dif_flags(item, msg)
    order = {severity: n for n, severity in enumerate(SEVERITIES)}
    return sorted(flags, key=lambda f: order[f.severity])


def _key_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    keys = [o for o in item.options if o.keyed]
    distractors = [o for o in item.options if not o.keyed]
    if not keys or not distractors:
        return []
    if not item.multiple:
        key, rival = keys[0], max(distractors, key=lambda o: o.upper)
        if rival.upper > key.upper:
            return [
                Flag(
                    "severe",
                    msg(
                        "Strong trainees chose distractor {option} more often than the key ({upper} against "
                        "{key}): check the key and the stem.",
                        option=_option(rival, msg),
                        upper=percent(rival.upper),
                        key=percent(key.upper),
                    ),
                )
            ]
        return []
    return [
        Flag(
            "severe",
            msg(
                "Strong trainees ticked keyed {option} less often than weak ones ({upper} against {lower}): "
                "check the key and the stem.",
                option=_option(key, msg),
                upper=percent(key.upper),
                lower=percent(key.lower),
            ),
        )
        for key in keys
        if key.lower - key.upper >= UPPER_MARGIN
    ]


def _discrimination_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    r = item.item_rest_r
    if r is None:
        return [Flag("check", msg("Every marked answer scored the same: the exercise separates no one."))]
    mean = item.mean or 0.0
    d = item.upper_lower
    # Severe only when both indexes agree: random partial credit (a shuffled order, a guessed subset) lowers r
    # while the full-credit index D still shows the item separating trainees.
    if r < NONE and (d is None or d < NONE) and HARD < mean < EASY:
        if r <= -NONE:
            text = msg(
                "Weaker trainees did better on this exercise than stronger ones (r = {r}): check the key and "
                "the stem for a second defensible answer.",
                r=figure(r),
            )
        else:
            text = msg(
                "The exercise does not separate stronger from weaker trainees (r = {r}): check that the stem "
                "asks what the case teaches and that the key is the one defensible answer.",
                r=figure(r),
            )
        return [Flag("severe", text)]
    if r < 0:
        text = msg("The exercise's score goes slightly against the rest of the case (r = {r}).", r=figure(r))
        return [Flag("check", text)]
    if r < WEAK:
        text = msg("The exercise separates stronger from weaker trainees only weakly (r = {r}).", r=figure(r))
        return [Flag("check", text)]
    return []


def _difficulty_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    mean = item.mean
    if mean is not None and mean > EASY:
        return [Flag("check", msg("Very easy: trainees earned {share} of the points on average.", share=percent(mean)))]
    if mean is not None and mean < HARD:
        return [Flag("check", msg("Very hard: trainees earned {share} of the points on average.", share=percent(mean)))]
    if item.in_alpha and item.alpha_if_deleted is not None and item.case_alpha is not None:
        if item.alpha_if_deleted - item.case_alpha >= ALPHA_GAIN:
            return [
                Flag(
                    "check",
                    msg(
                        "The case hangs together better without this exercise (alpha {before} → {after}).",
                        before=figure(item.case_alpha),
                        after=figure(item.alpha_if_deleted),
                    ),
                )
            ]
    return []


def _distractor_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    flags = []
    for option in item.options:
        if option.keyed:
            continue
        if option.share < UNUSED:
            flags.append(
                Flag(
                    "check",
                    msg(
                        "Almost nobody chose {option} ({share}): it does no work; write a plausible part-right "
                        "action in its place.",
                        option=_option(option, msg),
                        share=percent(option.share),
                    ),
                )
            )
        elif option.upper - option.lower >= UPPER_MARGIN:
            flags.append(
                Flag(
                    "check",
                    msg(
                        "Distractor {option} drew more of the strong trainees than of the weak ({upper} against "
                        "{lower}): check whether it is defensible.",
                        option=_option(option, msg),
                        upper=percent(option.upper),
                        lower=percent(option.lower),
                    ),
                )
            )
    return flags


def _dif_flags(item: ExerciseAnalysis, msg: Messages) -> list[Flag]:
    result = item.dif
    if result is None:
        return []
    if result.too_small:
        return [
            Flag(
                "note",
                msg(
                    "No comparison of the languages: it needs at least {least} answers in each ({en} in English, "
                    "{zh} in Chinese).",
                    least=MIN_DIF_GROUP,
                    en=result.reference,
                    zh=result.focal,
                ),
            )
        ]
    dif = result.dif
    if dif is None or dif.category == "A":
        return []
    favoured = msg("in English") if dif.odds_ratio > 1 else msg("in Chinese")
    odds = dif.odds_ratio if dif.odds_ratio > 1 else 1 / dif.odds_ratio
    if dif.category == "C":
        return [
            Flag(
                "severe",
                msg(
                    "Equally able trainees earned full credit more often {favoured} (odds {odds} to 1, ETS class "
                    "C): compare the two texts for a translation that gives the answer away or hides it.",
                    favoured=favoured,
                    odds=figure(odds),
                ),
            )
        ]
    return [
        Flag(
            "check",
            msg(
                "Equally able trainees earned full credit somewhat more often {favoured} (odds {odds} to 1, ETS "
                "class B).",
                favoured=favoured,
                odds=figure(odds),
            ),
        )
    ]


def case_flags(analysis: CaseAnalysis, msg: Messages) -> list[Flag]:
    """What the case's alpha says, and which exercises it leaves out."""
    flags = []
    left_out = sum(1 for e in analysis.exercises if not e.in_alpha)
    if left_out:
        flags.append(
            Flag(
                "note",
                plural(
                    "Cronbach's alpha leaves out {count} exercise with answers waiting for a marker.",
                    "Cronbach's alpha leaves out {count} exercises with answers waiting for a marker.",
                    left_out,
                    msg,
                    count=left_out,
                ),
            )
        )
    if analysis.alpha is not None and analysis.alpha < ALPHA_OK:
        flags.append(
            Flag(
                "check",
                msg(
                    "Cronbach's alpha is {alpha}, under the {ok} expected of a classroom test: the exercises "
                    "measure less of one thing than a total assumes.",
                    alpha=figure(analysis.alpha),
                    ok=figure(ALPHA_OK),
                ),
            )
        )
    return flags
