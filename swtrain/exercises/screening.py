"""Screening: a trainee fills in an instrument for a client from the case, scores it and interprets it.

The instrument comes from the registry (swtrain.instruments); the form shows
item wording only where its licence allows. The answer holds the trainee's
rating of each item ({"items": {"1": "2"}}) and their result ({"result":
{"total": "11", "band": "2", "next": "refer"}}, band being the index of a
band of the instrument). Grading goes step by step, as ScreeningKey says.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import AnswerInvalid, Problem, ScoringError, SwtrainError, did_you_mean
from ..fields import Option, Slug, Text, labels, unique_values
from ..i18n import figure, plural, separator
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, about, quoted

if TYPE_CHECKING:
    from ..i18n import Messages
    from ..instruments import Band, Instrument

#: How a screening exercise's points are shared between its steps.
WEIGHTS = {"items": 0.4, "total": 0.2, "band": 0.2, "next": 0.2}


class Screening(ExerciseBase):
    """Fill in a screening instrument for a client from the case, score it and interpret it.

    `instrument` is an id of the registry (swtrain.instruments); the form
    shows item wording only where the instrument's licence allows.
    """

    type: Literal["screening"]
    instrument: Slug
    client: Text
    next_steps: Annotated[tuple[Option, ...], Field(min_length=2)]

    _distinct = field_validator("next_steps")(lambda cls, v: unique_values(v, "next_steps"))


class ScreeningKey(KeyBase):
    """The ratings the case material supports, and the right next step.

    Grading (points split): ratings 40% (the share of items within
    `item_tolerance` of the key), total 20% and band 20% (each judged against
    the trainee's own ratings, so a slip in one step is not counted twice;
    an instrument without bands gives the band's share to the total), next
    step 20%. If the trainee rates an item that calls for a safety check
    (PHQ-9 item 9) above its lowest answer, the right next step is
    `safety_step`, whatever `next_step` says.
    """

    type: Literal["screening"]
    items: Annotated[Mapping[int, int], Field(min_length=1)]
    item_tolerance: Annotated[int, Field(ge=0, le=3)] = 0
    next_step: Slug
    safety_step: Slug | None = None
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class Answer:
    """A saved screening answer, read: the ratings by item number, the total, the band's index, the next step."""

    def __init__(self, ratings: dict[int, int], total: float | None, band: int | None, next_step: str | None) -> None:
        self.ratings = ratings
        self.total = total
        self.band = band
        self.next_step = next_step


def instrument_of(exercise: Screening) -> Instrument:
    from ..instruments import load_instrument

    return load_instrument(exercise.instrument)


class ScreeningKind(ExerciseKind[Screening, ScreeningKey]):
    name = "screening"
    exercise_model = Screening
    key_model = ScreeningKey
    widget = "swtrain.widgets.screening.ScreeningWidget"

    def case_problems(self, exercise: Screening, field: str, case: Any) -> list[Problem]:
        """An instrument the registry lacks, or one whose items a form cannot show."""
        from ..instruments import instrument_ids

        try:
            instrument = instrument_of(exercise)
        except SwtrainError:
            known = instrument_ids()
            hint = did_you_mean(exercise.instrument, known)
            expected = f"an instrument id ({', '.join(known)}). {hint}".strip()
            return [Problem(f"{field}.instrument", exercise.instrument, expected)]
        if any(item.kind != "rating" for item in instrument.items):
            return [Problem(f"{field}.instrument", exercise.instrument, "an instrument whose items are all ratings")]
        return []

    def key_problems(self, exercise: Screening, key: ScreeningKey, field: str) -> list[Problem]:
        """Items missing or unknown, values the instrument does not allow, unknown next steps."""
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
        steps = ", ".join(sorted(o.value for o in exercise.next_steps))
        known = {o.value for o in exercise.next_steps}
        for name, step in (("next_step", key.next_step), ("safety_step", key.safety_step)):
            if step is not None and step not in known:
                problems.append(Problem(f"{field}.{name}", step, f"one of the next_steps ({steps})"))
        if key.safety_step is None and any(item.safety_alert for item in scored.values()):
            problems.append(Problem(f"{field}.safety_step", None, "the next step that is a safety assessment"))
        problems.extend(
            Problem(f"{field}.feedback", step, f"one of the next_steps ({steps})")
            for step in key.feedback
            if step not in known
        )
        return problems

    def score(
        self, exercise: Screening, key: ScreeningKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        return grade_steps(exercise, key, read_answer(value, exercise, msg), msg, reveal)

    def answer_text(self, exercise: Screening, value: Any, msg: Messages) -> str:
        """The ratings, then total, band and next step as given."""
        found = value if isinstance(value, dict) else {}
        items: dict[str, Any] = found["items"] if isinstance(found.get("items"), dict) else {}
        result: dict[str, Any] = found["result"] if isinstance(found.get("result"), dict) else {}
        parts = [msg("Ratings: {ratings}", ratings=" ".join(f"{n}:{v}" for n, v in items.items()) or "–")]
        if result.get("total"):
            parts.append(msg("Score: {value}", value=_as_figure(result["total"])))
        bands = instrument_of(exercise).bands
        band = str(result.get("band", ""))
        if band.isdigit() and int(band) < len(bands):
            parts.append(msg("Band: {band}", band=bands[int(band)].label.get(msg.language)))
        steps = labels(exercise.next_steps, msg.language)
        if result.get("next") in steps:
            parts.append(msg("Next step: {step}", step=steps[result["next"]]))
        return separator(msg).join(parts)

    def demo_answer(
        self, exercise: Screening, key: ScreeningKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> dict[str, Any]:
        instrument = instrument_of(exercise)
        ratings = dict(key.items)
        if not right:
            number = rng.choice(list(ratings))
            allowed = [r.value for r in instrument.values_of(instrument.item(number))]
            ratings[number] = rng.choice(allowed)
        value, band, _ = own_score(instrument, ratings)
        result = {"next": key.next_step if right else rng.choice([o.value for o in exercise.next_steps])}
        if value is not None:
            result["total"] = figure(value) if right or rng.random() < 0.5 else figure(value + 1)  # as typed
        if band is not None:
            result["band"] = str(instrument.bands.index(band))
        return {"items": {str(n): str(v) for n, v in ratings.items()}, "result": result}


KIND = ScreeningKind()


def read_answer(value: Any, exercise: Screening, msg: Messages) -> Answer:
    """The ratings and result in a saved answer; AnswerInvalid saying what does not fit the form."""
    not_a_form = msg("The saved screening answer is not a form's ratings and result.")
    if not isinstance(value, dict) or not set(value) <= {"items", "result"}:
        raise AnswerInvalid(not_a_form)
    items, result = value.get("items", {}), value.get("result", {})
    if not isinstance(items, dict) or not isinstance(result, dict):
        raise AnswerInvalid(not_a_form)
    instrument = instrument_of(exercise)
    ratings: dict[int, int] = {}
    for number_text, rating_text in items.items():
        try:
            number, rating = int(number_text), int(rating_text)
            item = instrument.item(number)
        except (ValueError, TypeError, KeyError):
            raise AnswerInvalid(
                msg("The saved form rates item {item}, which the form does not have.", item=number_text)
            ) from None
        if rating not in [r.value for r in instrument.values_of(item)]:
            raise AnswerInvalid(msg("The saved rating of item {item} is not one of its answers.", item=number))
        ratings[number] = rating
    total = _number(result.get("total"), msg("The saved total is not a number."))
    band = _number(result.get("band"), msg("The saved band is not one of the instrument's bands."))
    if band is not None and not (band.is_integer() and 0 <= band < len(instrument.bands)):
        raise AnswerInvalid(msg("The saved band is not one of the instrument's bands."))
    next_step = result.get("next") or None
    if next_step is not None and next_step not in {o.value for o in exercise.next_steps}:
        raise AnswerInvalid(msg("The saved next step is not one of this exercise's next steps."))
    return Answer(ratings, total, None if band is None else int(band), next_step)


def _number(text: Any, problem: str) -> float | None:
    if text is None or text == "":
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        raise AnswerInvalid(problem) from None


def own_score(instrument: Instrument, ratings: Mapping[int, int]) -> tuple[float | None, Band | None, str]:
    """The score of the trainee's own ratings, its band, and why there is none ('' if there is)."""
    from ..instruments import score

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


def _as_figure(total: Any) -> str:
    """A total as typed, shown to two decimals at most when it is a number ("3.16667" -> "3.17")."""
    try:
        return figure(float(str(total).strip()))
    except ValueError:
        return str(total)


def grade_steps(exercise: Screening, key: ScreeningKey, answer: Answer, msg: Messages, reveal: bool) -> Scored:
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
    value, band, _ = own_score(instrument, answer.ratings)
    weights = dict(WEIGHTS)
    if not instrument.bands:
        weights["total"] += weights.pop("band")
    if value is None:
        unrated = [n for n in scored if n not in answer.ratings]
        notes.append(
            plural(
                "Your ratings cannot be scored yet: {count} item is not rated.",
                "Your ratings cannot be scored yet: {count} items are not rated.",
                len(unrated),
                msg,
                count=len(unrated),
            )
        )
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
        notes.append(msg("The next step: “{step}”", step=quoted(labels(exercise.next_steps, lang)[wanted])))
    if answer.next_step is not None and answer.next_step in key.feedback:
        chosen = labels(exercise.next_steps, lang)[answer.next_step]
        notes.append(about(chosen, key.feedback[answer.next_step].get(lang), msg))
    return earned, notes
