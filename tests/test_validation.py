"""pydantic's errors in a case author's words: each names the field, the value, what to write instead."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from swtrain.errors import CaseInvalid
from swtrain.models import Case

from .conftest import TESTS

PASSES = yaml.safe_load((TESTS / "data" / "check" / "passes" / "case.yaml").read_text(encoding="utf-8"))


def first_problem(edit: Any) -> str:
    data = copy.deepcopy(PASSES)
    edit(data)
    with pytest.raises(ValidationError) as info:
        Case.model_validate(data)
    error = CaseInvalid.from_validation_error("case.yaml", info.value)
    return error.problems[0].describe("case.yaml")


def exercise(index: int, **fields: Any) -> Any:
    return lambda data: data["exercises"][index].update(fields)


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (exercise(0, points="two"), "exercises.0.points: found 'two', expected a number, such as 2 or 1.5"),
        (exercise(0, competency=2.5), "exercises.0.competency: found 2.5, expected a whole number, such as 3"),
        (exercise(0, competency=12), "exercises.0.competency: found 12, expected a number of at most 9"),
        (exercise(0, points=0), "exercises.0.points: found 0, expected a number greater than 0"),
        (
            exercise(0, type="single-choice"),
            "exercises.0.type: found 'single-choice', expected one of the types single_choice, multiple_choice,",
        ),
        (exercise(0, type="single-choice"), "Did you mean 'single_choice'?"),
        (exercise(0, prompt=None), "exercises.0.prompt: found nothing, expected a text in both languages"),
        (exercise(0, title="First step"), "Write it as {en: First step, zh: ...}."),
        (
            exercise(0, promt={"en": "x", "zh": "y"}),
            "exercises.0.promt: found {'en': 'x', 'zh': 'y'}, expected no such",
        ),
        (exercise(0, promt={"en": "x", "zh": "y"}), "field here. Did you mean 'prompt'?"),
        (exercise(0, id="First Step"), "exercises.0.id: found 'First Step', expected an id of lower-case letters,"),
        (exercise(0, id="First Step"), "digits and hyphens, for example 'first-step'"),
        (exercise(0, options="risk, plan"), "expected a list: one line per item, each starting with '- '"),
        (lambda d: d.update(distressing="maybe"), "distressing: found 'maybe', expected true or false"),
        (
            lambda d: d["exercises"][0]["options"][1].update(value=False),
            "exercises.0.options.1.value: found False, expected a text. YAML reads yes, no, on, off, true and false",
        ),
        (
            lambda d: d["exercises"][1].update(id="pick-one"),
            "exercises.1.id: found 'pick-one', expected an id no other exercise has ('pick-one' is also the id of "
            "exercises.0). Give this exercise an id of its own",
        ),
        (
            lambda d: d["interviews"][0]["turns"][1].update(speaker="mum"),
            "interviews.0.turns.1.speaker: found 'mum', expected worker or the id of a person under people",
        ),
        (lambda d: d.pop("content_note"), "content_note: found nothing, expected a content_note"),
    ],
)
def test_each_error_is_said_for_a_case_author(edit: Any, said: str) -> None:
    assert said in first_problem(edit)


def test_a_literal_gets_the_nearest_allowed_value() -> None:
    from swtrain.models import Key

    key = yaml.safe_load((TESTS / "data" / "check" / "passes" / "key.yaml").read_text(encoding="utf-8"))
    key["exercises"]["order"]["scoring"] = "pair-wise"
    with pytest.raises(ValidationError) as info:
        Key.model_validate(key)
    (problem,) = CaseInvalid.from_validation_error("key.yaml", info.value).problems
    assert problem.field == "exercises.order.scoring"
    assert problem.sentence().endswith("Did you mean 'pairwise'?")
