"""grade(case, key, responses) -> Grade: pure, each answer scored by its exercise's kind.

Grading reads answers as data. It never executes anything from an answer
file, and it cannot see a score, key or grade field a submission carries
(Responses drops them when the file is read). An answer that does not fit its
exercise (an option that does not exist, a wrong type) scores 0 with the
reason in the feedback; an answer only a person can score scores None until
a person scores it against the rubric. A blank answer scores 0 whatever its
kind: there is nothing for a person to mark, so it is never queued for review.
"""

from __future__ import annotations

from typing import Any

from .errors import AnswerInvalid, Problem, ResponsesInvalid
from .exercises import kind_of
from .fields import Criterion
from .i18n import Messages, known_or_english, messages
from .models import Case, Exercise, ExerciseGrade, ExerciseKey, Grade, Key, Responses, RubricLine, Status


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
    kind = kind_of(exercise)
    base = {"exercise_id": exercise.id, "type": exercise.type, "max_score": exercise.points}
    rubric = rubric_lines(kind.rubric(entry), msg.language)
    if is_blank(value):
        # nothing to mark: a blank answer scores 0 everywhere, also where a person scores answers
        return ExerciseGrade(**base, score=0.0, status="unanswered", feedback=(msg("Not answered."),), rubric=rubric)
    try:
        fraction, notes = kind.score(exercise, entry, value, variant, msg, reveal)
    except AnswerInvalid as exc:
        return ExerciseGrade(**base, score=0.0, status="invalid", feedback=(exc.message,))
    if fraction is None:
        return ExerciseGrade(
            **base,
            score=None,
            status="needs_review",
            feedback=(msg("Waiting for your instructor to score it against the rubric."), *notes),
            rubric=rubric,
        )
    score = round(exercise.points * fraction, 4)
    status: Status = "correct" if fraction >= 1 else "incorrect" if fraction <= 0 else "partial"
    verdict = {"correct": msg("Correct."), "incorrect": msg("Not correct."), "partial": msg("Partly correct.")}[status]
    explanation = [entry.explanation.get(msg.language)] if entry.explanation and (reveal or status == "correct") else []
    debrief = tuple(kind.debrief(exercise, entry, value, msg))
    return ExerciseGrade(**base, score=score, status=status, feedback=(verdict, *notes, *explanation), debrief=debrief)


def rubric_lines(criteria: tuple[Criterion, ...], language: str) -> tuple[RubricLine, ...]:
    """The criteria as a grade shows them, in `language`."""
    return tuple(
        RubricLine(
            id=c.id,
            text=c.description.get(language),
            points=c.points,
            levels=tuple((level.points, level.descriptor.get(language)) for level in c.levels),
        )
        for c in criteria
    )


def is_blank(value: Any) -> bool:
    """True for an answer that says nothing: none saved, an empty text, list or mapping."""
    return value is None or value == "" or value == [] or value == {} or (isinstance(value, str) and not value.strip())
