"""Single choice: pick exactly one option; the key names the right one and may say why each is right or not."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import Problem
from ..fields import Option, Slug, Text, labels, unique_values
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, about, need_option, quoted, unknown_values, words

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


class OneRightOption(ExerciseKind[Any, Any]):
    """A kind whose exercise has `options` and whose key names the right one (`answer`) with `feedback` per option:
    single choice, and chart choice (options that are charts)."""

    def key_problems(self, exercise: Any, key: Any, field: str) -> list[Problem]:
        values = [o.value for o in exercise.options]
        return unknown_values([key.answer], values, f"{field}.answer", "options") + unknown_values(
            key.feedback, values, f"{field}.feedback", "options"
        )

    def score(self, exercise: Any, key: Any, value: Any, variant: int, msg: Messages, reveal: bool) -> Scored:
        shown = labels(exercise.options, msg.language)
        chosen = need_option(value, shown, msg)
        notes = [about(shown[chosen], key.feedback[chosen].get(msg.language), msg)] if chosen in key.feedback else []
        if chosen != key.answer and reveal:
            why = key.feedback.get(key.answer)
            notes.append(
                msg("The answer: “{answer}”", answer=quoted(shown[key.answer]))
                + (msg(": {feedback}", feedback=why.get(msg.language)) if why else "")
            )
        return (1.0 if chosen == key.answer else 0.0), notes

    def choices(self, exercise: Any, key: Any) -> tuple[tuple[Option, ...], frozenset[str], bool]:
        return exercise.options, frozenset({key.answer}), False

    def answer_text(self, exercise: Any, value: Any, msg: Messages) -> str:
        return words(value, labels(exercise.options, msg.language))

    def demo_answer(self, exercise: Any, key: Any, variant: int, right: bool, language: str, rng: random.Random) -> str:
        """The right option, or another one drawn at random."""
        return key.answer if right else rng.choice([o.value for o in exercise.options if o.value != key.answer])


class SingleChoiceKind(OneRightOption):
    name = "single_choice"
    exercise_model = SingleChoice
    key_model = SingleChoiceKey
    widget = "swtrain.widgets.single_choice.SingleChoiceWidget"


KIND = SingleChoiceKind()
