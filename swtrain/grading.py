"""grade(case, key, responses) -> Grade: pure, one scorer per answer type.

Grading reads answers as data. It never executes anything from an answer
file, and it cannot see a score, key or grade field a submission carries
(Responses drops them when the file is read). An answer that does not fit its
exercise (an option that does not exist, a wrong type) scores 0 with the
reason in the feedback; a free-text answer scores None until a person
scores it against the rubric.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import ecomap
from .errors import Problem, ResponsesInvalid
from .i18n import Messages, known_or_english, messages
from .models import (
    ECOMAP_FLOWS,
    ECOMAP_KINDS,
    Case,
    ChartChoice,
    ChartChoiceKey,
    Classification,
    ClassificationKey,
    Ecomap,
    EcomapKey,
    Exercise,
    ExerciseGrade,
    ExerciseKey,
    FreeText,
    FreeTextKey,
    Grade,
    Key,
    MultipleChoice,
    MultipleChoiceKey,
    Numeric,
    NumericKey,
    Option,
    Ordering,
    OrderingKey,
    Responses,
    Scenario,
    ScenarioKey,
    Screening,
    ScreeningKey,
    SingleChoice,
    SingleChoiceKey,
    Status,
)


class _Invalid(Exception):
    """An answer that does not fit its exercise; the message is for the trainee."""


def grade(case: Case, key: Key, responses: Responses, *, reveal: bool = True) -> Grade:
    """Grade every exercise of `case` from `responses`, feedback in the answer's language.

    `reveal` False keeps the right answer out of the feedback (practice mode,
    where the trainee may try again).
    """
    if responses.case_id != case.id:
        raise ResponsesInvalid(
            f"{responses.trainee_id}/{responses.case_id}.json",
            [Problem("case_id", responses.case_id, f"{case.id!r}, the case being graded")],
        )
    msg = messages(known_or_english(responses.language))
    exercises = tuple(
        grade_exercise(
            exercise, key.exercises[exercise.id], responses.value(exercise.id), responses.variant, msg, reveal
        )
        for exercise in case.exercises
    )
    return Grade(
        case_id=case.id,
        trainee_id=responses.trainee_id,
        variant=responses.variant,
        language=msg.language,
        exercises=exercises,
    )


def grade_exercise(
    exercise: Exercise,
    entry: ExerciseKey,
    value: Any,
    variant: int,
    msg: Messages,
    reveal: bool = True,
) -> ExerciseGrade:
    """The grade of one answer (None: not answered) to one exercise."""
    base = {"exercise_id": exercise.id, "type": exercise.type, "max_score": exercise.points}
    if _is_blank(value):
        return ExerciseGrade(
            **base,
            score=None if isinstance(exercise, FreeText) else 0.0,
            status="unanswered",
            feedback=(msg("Not answered."),),
            rubric=_rubric(entry, msg),
        )
    scorer = _SCORERS[exercise.type]
    try:
        fraction, notes = scorer(exercise, entry, value, variant, msg, reveal)
    except _Invalid as exc:
        return ExerciseGrade(**base, score=0.0, status="invalid", feedback=(str(exc),))
    if fraction is None:
        return ExerciseGrade(
            **base,
            score=None,
            status="needs_review",
            feedback=(msg("Waiting for your instructor to score it against the rubric."), *notes),
            rubric=_rubric(entry, msg),
        )
    score = round(exercise.points * fraction, 4)
    status: Status = "correct" if fraction >= 1 else "incorrect" if fraction <= 0 else "partial"
    verdict = {"correct": msg("Correct."), "incorrect": msg("Not correct."), "partial": msg("Partly correct.")}[status]
    explanation = [entry.explanation.get(msg.language)] if entry.explanation and (reveal or status == "correct") else []
    return ExerciseGrade(**base, score=score, status=status, feedback=(verdict, *notes, *explanation))


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())


def _rubric(entry: ExerciseKey, msg: Messages) -> tuple[tuple[str, float], ...]:
    if isinstance(entry, FreeTextKey):
        return tuple((c.description.get(msg.language), c.points) for c in entry.rubric)
    return ()


def _labels(options: tuple[Option, ...], msg: Messages) -> dict[str, str]:
    return {o.value: o.label.get(msg.language) for o in options}


def _need_str(value: Any, allowed: dict[str, str], msg: Messages) -> str:
    if not isinstance(value, str):
        raise _Invalid(msg("The saved answer is not one option (found {found}).", found=type(value).__name__))
    if value not in allowed:
        raise _Invalid(msg("{value!r} is not an option of this exercise.", value=value))
    return value


def _need_list(value: Any, allowed: dict[str, str], msg: Messages) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(msg("The saved answer is not a list of options (found {found}).", found=type(value).__name__))
    for item in value:
        _need_str(item, allowed, msg)
    if len(set(value)) != len(value):
        raise _Invalid(msg("The saved answer lists an option twice."))
    return value


def _single(
    ex: SingleChoice | ChartChoice,
    key: SingleChoiceKey | ChartChoiceKey,
    value: Any,
    variant: int,
    msg: Messages,
    reveal: bool,
) -> tuple[float, list[str]]:
    labels = _labels(ex.options, msg)
    chosen = _need_str(value, labels, msg)
    notes = [key.feedback[chosen].get(msg.language)] if chosen in key.feedback else []
    if chosen != key.answer and reveal:
        notes.append(msg("The answer: {answer}", answer=labels[key.answer]))
    return (1.0 if chosen == key.answer else 0.0), notes


def _multiple(
    ex: MultipleChoice, key: MultipleChoiceKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    labels = _labels(ex.options, msg)
    chosen = set(_need_list(value, labels, msg))
    right = set(key.answers)
    if key.scoring == "all_or_nothing":
        fraction = 1.0 if chosen == right else 0.0
    elif key.scoring == "per_option":
        judged_right = sum(1 for o in labels if (o in chosen) == (o in right))
        fraction = judged_right / len(labels)
    else:
        fraction = max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))
    notes = [key.feedback[o].get(msg.language) for o in labels if o in chosen and o in key.feedback]
    missed = [labels[o] for o in labels if o in right and o not in chosen]
    if missed and reveal:
        notes.append(msg("Also right: {options}", options="; ".join(missed)))
    elif missed:
        notes.append(msg("{count} right option(s) not chosen yet.", count=len(missed)))
    return fraction, notes


def pairwise_fraction(answer: list[str], order: tuple[str, ...]) -> float:
    """Share of item pairs whose relative order in `answer` matches `order`."""
    position = {item: index for index, item in enumerate(answer)}
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
    agreeing = sum(1 for a, b in pairs if position[a] < position[b])
    return agreeing / len(pairs)


def _ordering(
    ex: Ordering, key: OrderingKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    labels = _labels(ex.items, msg)
    answer = _need_list(value, labels, msg)
    if sorted(answer) != sorted(labels):
        raise _Invalid(msg("The saved order does not contain every item exactly once."))
    if key.scoring == "exact":
        fraction = 1.0 if tuple(answer) == key.order else 0.0
    else:
        fraction = pairwise_fraction(answer, key.order)
    notes = []
    if fraction < 1:
        pairs = len(key.order) * (len(key.order) - 1) // 2
        notes.append(
            msg(
                "{agree} of {pairs} pairs are in the right order.",
                agree=round(pairwise_fraction(answer, key.order) * pairs),
                pairs=pairs,
            )
        )
        if reveal:
            notes.append(msg("The order: {order}", order=" → ".join(labels[i] for i in key.order)))
    return fraction, notes


def _classification(
    ex: Classification, key: ClassificationKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    items = _labels(ex.items, msg)
    categories = _labels(ex.categories, msg)
    if not isinstance(value, dict):
        raise _Invalid(msg("The saved answer is not a set of choices (found {found}).", found=type(value).__name__))
    for item, category in value.items():
        _need_str(item, items, msg)
        _need_str(category, categories, msg)
    correct = [i for i in items if value.get(i) == key.answers[i]]
    notes = []
    for item in items:
        if item in value and value[item] != key.answers[item]:
            line = msg("“{item}” is not {category}.", item=items[item], category=categories[value[item]])
            if reveal:
                line = msg(
                    "{first} {second}",
                    first=line,
                    second=msg("It belongs to {category}.", category=categories[key.answers[item]]),
                )
            if item in key.feedback:
                line = msg("{first} {second}", first=line, second=key.feedback[item].get(msg.language))
            notes.append(line)
    unsorted = len([i for i in items if i not in value])
    if unsorted:
        notes.append(msg("{count} statement(s) not sorted yet.", count=unsorted))
    return len(correct) / len(items), notes


def _numeric(
    ex: Numeric, key: NumericKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid(msg("The saved answer is not a number (found {found}).", found=type(value).__name__))
    expected = key.expected(ex, variant)
    right = abs(float(value) - expected) <= key.tolerance + 1e-9
    notes = [] if right or not reveal else [msg("The answer: {answer:g}", answer=expected)]
    return (1.0 if right else 0.0), notes


def count_words(text: str) -> int:
    """Words in `text`, counting each Chinese character as one (Chinese has no spaces)."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    other = "".join(" " if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" else ch for ch in text)
    return cjk + len(other.split())


def _free_text(
    ex: FreeText, key: FreeTextKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[None, list[str]]:
    if not isinstance(value, str):
        raise _Invalid(msg("The saved answer is not text (found {found}).", found=type(value).__name__))
    words = count_words(value)
    notes = [msg("{words} words written.", words=words)]
    if words < ex.min_words:
        notes.append(msg("The exercise asks for at least {count} words.", count=ex.min_words))
    return None, notes


def _ecomap(
    ex: Ecomap, key: EcomapKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    systems = _labels(ex.systems, msg)
    links = _need_links(value, systems, msg)
    centre = ex.centre.get(msg.language)
    kinds = ecomap.kind_labels(msg)
    flows = ecomap.flow_labels(msg, centre)
    earned = 0.0
    notes = []
    for system, label in systems.items():
        given, wanted = links.get(system), key.links.get(system)
        if wanted is None:
            right_kind = right_flow = given is None
        else:
            right_kind = given is not None and given["kind"] == wanted.kind
            right_flow = given is not None and given["flow"] == wanted.flow
        earned += (right_kind + right_flow) / 2
        if right_kind and right_flow:
            continue
        if wanted is None:
            line = msg("{system}: this system has no link in the family's ecomap.", system=label)
        elif given is None:
            line = msg("{system}: a link is missing.", system=label)
            if reveal:
                line += " " + msg("It is {kind}, {flow}.", kind=kinds[wanted.kind], flow=flows[wanted.flow])
        else:
            wrong = [kinds[given["kind"]]] if not right_kind else []
            wrong += [flows[given["flow"]]] if not right_flow else []
            line = msg("{system}: not {what}.", system=label, what=", ".join(wrong))
            if reveal:
                line += " " + msg("It is {kind}, {flow}.", kind=kinds[wanted.kind], flow=flows[wanted.flow])
        if system in key.feedback:
            line += " " + key.feedback[system].get(msg.language)
        notes.append(line)
    return earned / len(systems), notes


def _need_links(value: Any, systems: dict[str, str], msg: Messages) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise _Invalid(msg("The saved answer is not an ecomap (found {found}).", found=type(value).__name__))
    for system, link in value.items():
        _need_str(system, systems, msg)
        if (
            not isinstance(link, dict)
            or link.get("kind") not in ECOMAP_KINDS
            or link.get("flow") not in ECOMAP_FLOWS
            or len(link) != 2
        ):
            raise _Invalid(
                msg(
                    "The link to {system} is not a kind ({kinds}) and a flow ({flows}).",
                    system=systems[system],
                    kinds=", ".join(ECOMAP_KINDS),
                    flows=", ".join(ECOMAP_FLOWS),
                )
            )
    return value


def _screening(
    ex: Screening, key: ScreeningKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    from . import screening

    try:
        answer = screening.read_answer(value, ex)
    except ValueError as exc:
        raise _Invalid(msg("The saved screening answer does not fit the form: {problem}", problem=str(exc))) from None
    return screening.grade(ex, key, answer, msg, reveal)


def _scenario(
    ex: Scenario, key: ScenarioKey, value: Any, variant: int, msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    from . import scenario

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Invalid(msg("The saved path is not a list of choices (found {found}).", found=type(value).__name__))
    try:
        return scenario.grade(ex, key, value, msg, reveal)
    except scenario.PathError as exc:
        raise _Invalid(msg("The saved path does not fit the scenario: {problem}", problem=str(exc))) from None


_SCORERS: dict[str, Callable[..., tuple[float | None, list[str]]]] = {
    "single_choice": _single,
    "multiple_choice": _multiple,
    "ordering": _ordering,
    "classification": _classification,
    "numeric": _numeric,
    "free_text": _free_text,
    "chart_choice": _single,
    "ecomap": _ecomap,
    "screening": _screening,
    "scenario": _scenario,
}
