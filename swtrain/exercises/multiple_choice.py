"""Multiple choice: tick every option that applies; the key states how partial credit works."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import Problem
from ..fields import Option, Slug, Text, labels, unique_values
from ..i18n import plural, separator
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, about, need_options, quoted, unknown_values, words

if TYPE_CHECKING:
    from ..i18n import Messages


class MultipleChoice(ExerciseBase):
    """Pick every option that applies."""

    type: Literal["multiple_choice"]
    options: Annotated[tuple[Option, ...], Field(min_length=2)]

    _distinct = field_validator("options")(lambda cls, v: unique_values(v, "options"))


class MultipleChoiceKey(KeyBase):
    """`scoring` says how partial credit works, so the key states its rule.

    all_or_nothing: full points only for exactly the right set.
    per_option: each option judged right (ticked if correct, left if not)
      earns points / number of options.
    right_minus_wrong: (correct ticked - wrong ticked) / number correct,
      never below zero.
    """

    type: Literal["multiple_choice"]
    answers: Annotated[tuple[Slug, ...], Field(min_length=1)]
    scoring: Literal["all_or_nothing", "per_option", "right_minus_wrong"]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class MultipleChoiceKind(ExerciseKind[MultipleChoice, MultipleChoiceKey]):
    name = "multiple_choice"
    exercise_model = MultipleChoice
    key_model = MultipleChoiceKey
    widget = "swtrain.widgets.multiple_choice.MultipleChoiceWidget"

    def key_problems(self, exercise: MultipleChoice, key: MultipleChoiceKey, field: str) -> list[Problem]:
        values = [o.value for o in exercise.options]
        return unknown_values(key.answers, values, f"{field}.answers", "options") + unknown_values(
            key.feedback, values, f"{field}.feedback", "options"
        )

    def score(
        self, exercise: MultipleChoice, key: MultipleChoiceKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        shown = labels(exercise.options, msg.language)
        chosen = set(need_options(value, shown, msg))
        right = set(key.answers)
        if key.scoring == "all_or_nothing":
            fraction = 1.0 if chosen == right else 0.0
        elif key.scoring == "per_option":
            fraction = sum(1 for o in shown if (o in chosen) == (o in right)) / len(shown)
        else:
            fraction = max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))
        notes = [
            about(shown[o], key.feedback[o].get(msg.language), msg) for o in shown if o in chosen and o in key.feedback
        ]
        missed = [o for o in shown if o in right and o not in chosen]
        if missed and reveal:
            for option in missed:
                why = key.feedback.get(option)
                notes.append(
                    msg("Also right: “{option}”", option=quoted(shown[option]))
                    + (msg(": {feedback}", feedback=why.get(msg.language)) if why else "")
                )
        elif missed:
            notes.append(
                plural(
                    "{count} right option is not chosen yet.",
                    "{count} right options are not chosen yet.",
                    len(missed),
                    msg,
                    count=len(missed),
                )
            )
        return fraction, notes

    def choices(
        self, exercise: MultipleChoice, key: MultipleChoiceKey
    ) -> tuple[tuple[Option, ...], frozenset[str], bool]:
        return exercise.options, frozenset(key.answers), True

    def answer_text(self, exercise: MultipleChoice, value: Any, msg: Messages) -> str:
        return words(value, labels(exercise.options, msg.language), separator(msg))

    def demo_answer(
        self,
        exercise: MultipleChoice,
        key: MultipleChoiceKey,
        variant: int,
        right: bool,
        language: str,
        rng: random.Random,
    ) -> list[str]:
        chosen = set(key.answers) if right else {o.value for o in exercise.options if rng.random() < 0.5}
        return [o.value for o in exercise.options if o.value in chosen]


KIND = MultipleChoiceKind()
