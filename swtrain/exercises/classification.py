"""Classification: sort statements into categories (the four problem areas, A/B/C); each statement counts alike."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator

from ..errors import AnswerInvalid, Problem
from ..fields import Option, Slug, Text, labels, unique_values
from ..i18n import plural, separator
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, need_option, quoted, unknown_values, words

if TYPE_CHECKING:
    from ..i18n import Messages


class Classification(ExerciseBase):
    """Sort statements into categories (the four problem areas, A/B/C)."""

    type: Literal["classification"]
    categories: Annotated[tuple[Option, ...], Field(min_length=2)]
    items: Annotated[tuple[Option, ...], Field(min_length=1)]

    _distinct_categories = field_validator("categories")(lambda cls, v: unique_values(v, "categories"))
    _distinct_items = field_validator("items")(lambda cls, v: unique_values(v, "items"))


class ClassificationKey(KeyBase):
    type: Literal["classification"]
    answers: Mapping[str, Slug]
    feedback: Mapping[str, Text] = Field(default_factory=dict)


class ClassificationKind(ExerciseKind[Classification, ClassificationKey]):
    name = "classification"
    exercise_model = Classification
    key_model = ClassificationKey
    widget = "swtrain.widgets.classification.ClassificationWidget"

    def key_problems(self, exercise: Classification, key: ClassificationKey, field: str) -> list[Problem]:
        items = [i.value for i in exercise.items]
        categories = [c.value for c in exercise.categories]
        problems = []
        missing = sorted(set(items) - set(key.answers))
        if missing:
            problems.append(Problem(f"{field}.answers", missing, "a category for every item"))
        problems += unknown_values(key.answers, items, f"{field}.answers", "items")
        problems += unknown_values(key.answers.values(), categories, f"{field}.answers", "categories")
        problems += unknown_values(key.feedback, items, f"{field}.feedback", "items")
        return problems

    def score(
        self, exercise: Classification, key: ClassificationKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        items = labels(exercise.items, msg.language)
        categories = labels(exercise.categories, msg.language)
        if not isinstance(value, dict):
            raise AnswerInvalid(
                msg("The saved answer is not a set of choices (found {found}).", found=type(value).__name__)
            )
        for item, category in value.items():
            need_option(item, items, msg)
            need_option(category, categories, msg)
        correct = [i for i in items if value.get(i) == key.answers[i]]
        notes = []
        for item in items:
            if item in value and value[item] != key.answers[item]:
                line = msg("“{item}” is not {category}.", item=quoted(items[item]), category=categories[value[item]])
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
            notes.append(
                plural(
                    "{count} statement is not sorted yet.",
                    "{count} statements are not sorted yet.",
                    unsorted,
                    msg,
                    count=unsorted,
                )
            )
        return len(correct) / len(items), notes

    def answer_text(self, exercise: Classification, value: Any, msg: Messages) -> str:
        if not isinstance(value, dict):
            return str(value)
        items = labels(exercise.items, msg.language)
        categories = labels(exercise.categories, msg.language)
        return separator(msg).join(f"{words(k, items)} → {words(v, categories)}" for k, v in value.items())

    def demo_answer(
        self,
        exercise: Classification,
        key: ClassificationKey,
        variant: int,
        right: bool,
        language: str,
        rng: random.Random,
    ) -> dict[str, str]:
        categories = [c.value for c in exercise.categories]
        return {
            i.value: key.answers[i.value] if right or rng.random() < 0.5 else rng.choice(categories)
            for i in exercise.items
        }


KIND = ClassificationKind()
