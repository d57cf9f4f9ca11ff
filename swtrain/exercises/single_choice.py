"""Single choice: pick exactly one option; the key names the right one and may say why each is right or not."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import Problem
from ..fields import Option, Slug, Text, labels, unique_values
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, need_option, unknown_values, words

if TYPE_CHECKING:
    from ..i18n import Messages


class SingleChoice(ExerciseBase):
    """Pick exactly one option."""

    type: Literal["single_choice"]
    options: Annotated[tuple[Option, ...], Field(min_length=2)]

    _distinct = field_validator("options")(lambda cls, v: unique_values(v, "options"))


class SingleChoiceKey(KeyBase):
    type: Literal["single_choice"]
    answer: Slug
    feedback: Mapping[str, Text] = Field(default_factory=dict)


def one_right(
    options: tuple[Option, ...], answer: str, feedback: Mapping[str, Text], value: Any, msg: Messages, reveal: bool
) -> Scored:
    """The score of one option chosen where `answer` is right: the option's feedback, and the answer if revealed."""
    shown = labels(options, msg.language)
    chosen = need_option(value, shown, msg)
    notes = [feedback[chosen].get(msg.language)] if chosen in feedback else []
    if chosen != answer and reveal:
        notes.append(msg("The answer: {answer}", answer=shown[answer]))
    return (1.0 if chosen == answer else 0.0), notes


def one_right_problems(
    options: tuple[Option, ...], answer: str, feedback: Mapping[str, Text], field: str
) -> list[Problem]:
    """A key naming an answer or giving feedback on an option the exercise does not have."""
    values = [o.value for o in options]
    return unknown_values([answer], values, f"{field}.answer", "options") + unknown_values(
        feedback, values, f"{field}.feedback", "options"
    )


def one_option(options: tuple[Option, ...], answer: str, right: bool, rng: random.Random) -> str:
    """The right option, or another one drawn at random."""
    return answer if right else rng.choice([o.value for o in options if o.value != answer])


class SingleChoiceKind(ExerciseKind[SingleChoice, SingleChoiceKey]):
    name = "single_choice"
    exercise_model = SingleChoice
    key_model = SingleChoiceKey
    widget = "swtrain.widgets.single_choice.SingleChoiceWidget"

    def key_problems(self, exercise: SingleChoice, key: SingleChoiceKey, field: str) -> list[Problem]:
        return one_right_problems(exercise.options, key.answer, key.feedback, field)

    def score(
        self, exercise: SingleChoice, key: SingleChoiceKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        return one_right(exercise.options, key.answer, key.feedback, value, msg, reveal)

    def answer_text(self, exercise: SingleChoice, value: Any, msg: Messages) -> str:
        return words(value, labels(exercise.options, msg.language))

    def demo_answer(
        self, exercise: SingleChoice, key: SingleChoiceKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> str:
        return one_option(exercise.options, key.answer, right, rng)


KIND = SingleChoiceKind()
