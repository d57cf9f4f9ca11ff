"""Free text: a written answer, scored by a person against the key's rubric; never credit by default."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from ..errors import AnswerInvalid, Problem
from ..fields import Criterion, Text, count_words
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored

if TYPE_CHECKING:
    from ..i18n import Messages


class FreeText(ExerciseBase):
    """A written answer, scored by a person against the key's rubric."""

    type: Literal["free_text"]
    min_words: Annotated[int, Field(ge=0, le=2000)] = 0


class FreeTextKey(KeyBase):
    type: Literal["free_text"]
    rubric: Annotated[tuple[Criterion, ...], Field(min_length=1)]
    model_answer: Text | None = None


#: What synthetic trainees write (demo cohorts), a few sentences drawn in their language.
DEMO_SENTENCES = {
    "en": [
        "First I would check her safety today and agree a plan for tonight with her and the ward team.",
        "I would link the family to the hospital's assistance fund and help register cross-province settlement.",
        "I would invite her to the parents' group so she is less alone, and follow up in a week.",
        "Xiaoyu's belief that she is being punished can be tested: the doctors said nothing she did caused it.",
    ],
    "zh": [
        "首先评估她今天的安全，并与她和病房团队一起制定今晚的安全计划。",
        "协助家庭申请医院救助基金，并办理异地就医结算备案。",
        "邀请她参加家长支持小组，减少孤立感，一周后跟进回访。",
        "小雨认为生病是惩罚，这个想法可以检验：医生说过这不是她做错了什么造成的。",
    ],
}


class FreeTextKind(ExerciseKind[FreeText, FreeTextKey]):
    name = "free_text"
    exercise_model = FreeText
    key_model = FreeTextKey
    widget = "swtrain.widgets.free_text.FreeTextWidget"

    def key_problems(self, exercise: FreeText, key: FreeTextKey, field: str) -> list[Problem]:
        total = sum(c.points for c in key.rubric)
        if abs(total - exercise.points) <= 1e-9:
            return []
        return [
            Problem(
                f"{field}.rubric",
                total,
                f"criteria whose points add up to {exercise.points:g}, the exercise's points in case.yaml",
                hint="Change the points of a criterion, or the exercise's points.",
            )
        ]

    def score(
        self, exercise: FreeText, key: FreeTextKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        if not isinstance(value, str):
            raise AnswerInvalid(msg("The saved answer is not text (found {found}).", found=type(value).__name__))
        words = count_words(value)
        notes = [msg("{words} words written.", words=words)]
        if words < exercise.min_words:
            notes.append(msg("The exercise asks for at least {count} words.", count=exercise.min_words))
        return None, notes

    def rubric(self, key: FreeTextKey) -> tuple[Criterion, ...]:
        return key.rubric

    def answer_text(self, exercise: FreeText, value: Any, msg: Messages) -> str:
        return str(value)

    def demo_answer(
        self, exercise: FreeText, key: FreeTextKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> str:
        return " ".join(rng.sample(DEMO_SENTENCES[language], k=rng.randint(1, 3)))


KIND = FreeTextKind()
