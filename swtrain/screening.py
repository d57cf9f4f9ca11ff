"""Screening exercises: a trainee fills in an instrument for a client, scores it and interprets it.

The instrument comes from the registry (swtrain.instruments); this module
checks that a case's screening exercises and keys fit their instruments,
reads a saved answer, and grades it as ScreeningKey's docstring sets out:
ratings against the key, then total and band against the trainee's own
ratings, then the next step, with a safety check first where an item calls
for one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem, SwtrainError, did_you_mean
from .i18n import Messages
from .instruments import Band, Instrument, ScoringError, instrument_ids, load_instrument, score
from .models import Case, Screening, ScreeningKey

#: How a screening exercise's points are shared between its steps.
WEIGHTS = {"items": 0.4, "total": 0.2, "band": 0.2, "next": 0.2}


class Answer:
    """A saved screening answer, read leniently: what does not fit is dropped and reported."""

    def __init__(self, ratings: dict[int, int], total: float | None, band: int | None, next_step: str | None) -> None:
        self.ratings = ratings
        self.total = total
        self.band = band
        self.next_step = next_step


def instrument_of(exercise: Screening) -> Instrument:
    return load_instrument(exercise.instrument)


def case_problems(case: Case) -> list[Problem]:
    """Screening exercises naming an instrument the registry lacks, or one a form cannot show."""
    problems = []
    for index, exercise in enumerate(case.exercises):
        if not isinstance(exercise, Screening):
            continue
        field = f"exercises.{index}.instrument"
        try:
            instrument = instrument_of(exercise)
        except SwtrainError:
            known = instrument_ids()
            hint = did_you_mean(exercise.instrument, known)
            problems.append(
                Problem(field, exercise.instrument, f"an instrument id ({', '.join(known)}). {hint}".strip())
            )
            continue
        if any(item.kind != "rating" for item in instrument.items):
            problems.append(Problem(field, exercise.instrument, "an instrument whose items are all ratings"))
    return problems


def key_problems(exercise: Screening, key: ScreeningKey, field: str) -> list[Problem]:
    """A key that does not fit its instrument: items missing or unknown, values not allowed, unknown steps."""
    try:
        instrument = instrument_of(exercise)
    except SwtrainError:
        return []  # reported with the case
    problems = []
    scored = {item.number: item for item in instrument.scored_items}
    for number, value in key.items.items():
        item = scored.get(number)
        if item is None:
            problems.append(Problem(f"{field}.items.{number}", number, f"a scored item number (1-{len(scored)})"))
            continue
        allowed = [r.value for r in instrument.values_of(item)]
        if value not in allowed:
            problems.append(Problem(f"{field}.items.{number}", value, f"one of {', '.join(map(str, allowed))}"))
    missing = sorted(set(scored) - set(key.items))
    if missing:
        problems.append(Problem(f"{field}.items", missing, "a rating for every scored item"))
    steps = {o.value for o in exercise.next_steps}
    for name, step in (("next_step", key.next_step), ("safety_step", key.safety_step)):
        if step is not None and step not in steps:
            problems.append(Problem(f"{field}.{name}", step, f"one of the next_steps ({', '.join(sorted(steps))})"))
    if key.safety_step is None and any(item.safety_alert for item in scored.values()):
        problems.append(Problem(f"{field}.safety_step", None, "the next step that is a safety assessment"))
    problems.extend(
        Problem(f"{field}.feedback", step, f"one of the next_steps ({', '.join(sorted(steps))})")
        for step in key.feedback
        if step not in steps
    )
    return problems


def read_answer(value: Any, exercise: Screening) -> Answer:
    """The ratings and result in a saved answer; ValueError naming what does not fit."""
    if not isinstance(value, dict) or not set(value) <= {"items", "result"}:
        raise ValueError("a mapping with items and result")
    instrument = instrument_of(exercise)
    ratings: dict[int, int] = {}
    items = value.get("items", {})
    if not isinstance(items, dict):
        raise ValueError("items as a mapping of item number to rating")
    for number_text, rating_text in items.items():
        try:
            number, rating = int(number_text), int(rating_text)
            item = instrument.item(number)
        except (ValueError, TypeError, KeyError):
            raise ValueError(f"item {number_text!r}: a rating of an item of {instrument.id}") from None
        if rating not in [r.value for r in instrument.values_of(item)]:
            raise ValueError(f"item {number}: a response value of {instrument.id}, not {rating}")
        ratings[number] = rating
    result = value.get("result", {})
    if not isinstance(result, dict):
        raise ValueError("result as a mapping of total, band and next")
    total = _number(result.get("total"))
    band = _number(result.get("band"))
    steps = {o.value for o in exercise.next_steps}
    next_step = result.get("next") or None
    if next_step is not None and next_step not in steps:
        raise ValueError(f"next: one of {', '.join(sorted(steps))}, not {next_step!r}")
    if band is not None and not (band.is_integer() and 0 <= band < len(instrument.bands)):
        raise ValueError(f"band: the number of a band of {instrument.id}")
    return Answer(ratings, total, None if band is None else int(band), next_step)


def _number(text: Any) -> float | None:
    if text is None or text == "":
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        raise ValueError(f"a number, not {text!r}") from None


def own_score(instrument: Instrument, ratings: Mapping[int, int]) -> tuple[float | None, Band | None, str]:
    """The score of the trainee's own ratings, its band, and why there is none ('' if there is)."""
    try:
        result = score(instrument, {n: ratings.get(n) for n in (i.number for i in instrument.items)})
    except ScoringError as exc:
        return None, None, exc.message
    return result.value, result.band, ""


def safety_flagged(instrument: Instrument, ratings: Mapping[int, int]) -> list[int]:
    """Items that call for a safety check, rated above their lowest answer."""
    return [
        item.number
        for item in instrument.items
        if item.safety_alert
        and item.number in ratings
        and ratings[item.number] > min(r.value for r in instrument.values_of(item))
    ]


def grade(
    exercise: Screening, key: ScreeningKey, answer: Answer, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    """The fraction earned and the notes for the trainee, step by step."""
    instrument = instrument_of(exercise)
    lang = msg.language
    notes = []
    scored = [item.number for item in instrument.scored_items]
    close = [n for n in scored if n in answer.ratings and abs(answer.ratings[n] - key.items[n]) <= key.item_tolerance]
    earned = WEIGHTS["items"] * len(close) / len(scored)
    notes.append(
        msg("Ratings: {right} of {count} items match what the case shows.", right=len(close), count=len(scored))
    )
    if reveal:
        off = [str(n) for n in scored if n not in close]
        if off:
            notes.append(msg("Look again at items {items}.", items=", ".join(off)))
    value, band, why = own_score(instrument, answer.ratings)
    weights = dict(WEIGHTS)
    if not instrument.bands:
        weights["total"] += weights.pop("band")
    if value is None:
        notes.append(msg("Your ratings cannot be scored yet: {reason}", reason=why))
    else:
        if answer.total is not None and abs(answer.total - value) <= 0.05:
            earned += weights["total"]
        else:
            shown = f"{value:.2f}".rstrip("0").rstrip(".")
            notes.append(
                msg("Your ratings give {value}.", value=shown) if reveal else msg("Check the total of your ratings.")
            )
        if "band" in weights:
            own = next((i for i, b in enumerate(instrument.bands) if b == band), None)
            if answer.band is not None and answer.band == own:
                earned += weights["band"]
            elif band is not None:
                notes.append(
                    msg("That score is in the band “{band}”.", band=band.label.get(lang))
                    if reveal
                    else msg("Check which band your score falls in.")
                )
    flagged = safety_flagged(instrument, answer.ratings)
    wanted = key.safety_step if flagged and key.safety_step else key.next_step
    labels = {o.value: o.label.get(lang) for o in exercise.next_steps}
    if flagged:
        notes.append(
            msg(
                "You rated item {items} above its lowest answer: a safety assessment comes before anything else.",
                items=", ".join(map(str, flagged)),
            )
        )
    if answer.next_step == wanted:
        earned += weights["next"]
    elif answer.next_step is not None and reveal:
        notes.append(msg("The next step: {step}", step=labels[wanted]))
    if answer.next_step is not None and answer.next_step in key.feedback:
        notes.append(key.feedback[answer.next_step].get(lang))
    return earned, notes
