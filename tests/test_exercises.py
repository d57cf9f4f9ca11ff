"""The exercise kinds: each registered kind has all its parts, and every kind's answers read in words in both languages.

Each kind has a fixture, tests/data/exercises/<kind>.yaml: an exercise, its
key, and saved answers with the status and score each grades to (and, for
some, the answer in words). Ids in fixtures are distinctive (a hyphen or an
underscore, five characters or more), so a test can tell an id shown to a
trainee from an ordinary word.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from swtrain.cases import json_schema
from swtrain.exercises import KINDS, ExerciseBase, ExerciseKind, KeyBase, kind_of
from swtrain.exercises.single_choice import SingleChoice, SingleChoiceKey
from swtrain.fields import has_ideographs
from swtrain.grading import grade, grade_exercise
from swtrain.i18n import messages
from swtrain.models import Case, Key
from swtrain.render import answer_text
from swtrain.reports.feedback_page import feedback_page
from swtrain.widgets import ExerciseWidget, exercise_widget

from .conftest import TESTS, answers

FIXTURES = TESTS / "data" / "exercises"
LANGUAGES = ("en", "zh")


def fixture_path(name: str) -> Path:
    return FIXTURES / f"{name}.yaml"


def load_fixture(name: str) -> tuple[Any, Any, dict[str, dict[str, Any]]]:
    data = yaml.safe_load(fixture_path(name).read_text(encoding="utf-8"))
    kind = KINDS[name]
    return (
        kind.exercise_model.model_validate(data["exercise"]),
        kind.key_model.model_validate(data["key"]),
        data["answers"],
    )


def schema_names(kind: str) -> set[str]:
    """The `type` names the JSON Schema of case.yaml (or key.yaml) has an entry for."""
    defs = json_schema(kind)["$defs"].values()
    return {d["properties"]["type"].get("const") for d in defs if "type" in d.get("properties", {})}


def missing_parts(kind: ExerciseKind[Any, Any]) -> list[str]:
    """What a registered kind lacks of the parts every kind must have."""
    missing = []
    if type(kind).__module__ != f"swtrain.exercises.{kind.name}":
        missing.append(f"its module swtrain/exercises/{kind.name}.py")
    try:
        widget = kind.widget_class()
    except (ImportError, AttributeError, ValueError):
        missing.append("a widget")
    else:
        if not issubclass(widget, ExerciseWidget) or widget.__module__ != f"swtrain.widgets.{kind.name}":
            missing.append(f"a widget in swtrain/widgets/{kind.name}.py")
    if kind.name not in schema_names("case"):
        missing.append("an entry in the case schema")
    if kind.name not in schema_names("key"):
        missing.append("an entry in the key schema")
    if not fixture_path(kind.name).is_file():
        missing.append(f"a fixture tests/data/exercises/{kind.name}.yaml")
    return missing


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_has_all_its_parts(name: str) -> None:
    assert missing_parts(KINDS[name]) == []


def test_a_kind_registered_without_its_parts_is_caught() -> None:
    class HalfDone(ExerciseKind[SingleChoice, SingleChoiceKey]):
        name = "half_done"
        exercise_model = SingleChoice
        key_model = SingleChoiceKey
        widget = "swtrain.widgets.half_done.HalfDoneWidget"

        def key_problems(self, exercise: SingleChoice, key: SingleChoiceKey, field: str) -> list[Any]:
            return []

        def score(self, *args: Any) -> tuple[float, list[str]]:
            return 1.0, []

        def answer_text(self, *args: Any) -> str:
            return ""

        def demo_answer(self, *args: Any) -> str:
            return ""

    assert missing_parts(HalfDone()) == [
        "its module swtrain/exercises/half_done.py",
        "a widget",
        "an entry in the case schema",
        "an entry in the key schema",
        "a fixture tests/data/exercises/half_done.yaml",
    ]

    # scoring, the answer in words, the demo answer and the key's checks cannot be left out at all
    assert ExerciseKind.__abstractmethods__ == {"key_problems", "score", "answer_text", "demo_answer"}

    class NoScoring(ExerciseKind[SingleChoice, SingleChoiceKey]):
        name = "no_scoring"

    with pytest.raises(TypeError, match="answer_text, demo_answer, key_problems, score"):
        NoScoring()  # type: ignore[abstract]


def test_every_fixture_is_a_registered_kind_and_the_kinds_come_in_one_list() -> None:
    assert sorted(p.stem for p in FIXTURES.glob("*.yaml")) == sorted(KINDS)
    assert all(kind_of(name) is KINDS[name] for name in KINDS)
    assert all(issubclass(k.exercise_model, ExerciseBase) and issubclass(k.key_model, KeyBase) for k in KINDS.values())


def internal_ids(exercise: ExerciseBase) -> set[str]:
    """Every id and option value in the exercise: words a trainee must never be shown."""
    found: set[str] = {exercise.id}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for field, value in node.items():
                if field in ("id", "value", "goto", "start") and isinstance(value, str):
                    found.add(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(exercise.model_dump(mode="json"))
    return found


def shown_ids(text: str, ids: set[str]) -> list[str]:
    return sorted(i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text))


# a kind without its fixture fails test_every_kind_has_all_its_parts
ANSWERS = [(name, answer) for name in sorted(KINDS) if fixture_path(name).is_file() for answer in load_fixture(name)[2]]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "answer"), ANSWERS, ids=[f"{n}-{a}" for n, a in ANSWERS])
def test_each_answer_grades_and_reads_in_words_without_ids(name: str, answer: str, language: str) -> None:
    exercise, key, saved = load_fixture(name)
    expected = saved[answer]
    ids = internal_ids(exercise)
    assert all(("-" in i or "_" in i) and len(i) >= 5 for i in ids), "fixture ids must be distinctive"
    msg = messages(language)
    for reveal in (True, False):
        result = grade_exercise(exercise, key, expected["value"], 0, msg, reveal)
        assert (result.status, result.score) == (expected["status"], pytest.approx(expected["score"]))
        assert result.feedback
        for line in result.feedback:
            assert shown_ids(line, ids) == [], line
            if language == "zh":
                assert has_ideographs(line), line
    words = answer_text(exercise, expected["value"], msg)
    assert words and shown_ids(words, ids) == [], words
    if "words" in expected:
        assert words == expected["words"][language]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_demo_answers_fit_their_exercise(name: str) -> None:
    exercise, key, _ = load_fixture(name)
    kind = KINDS[name]
    msg = messages("en")
    for seed in range(25):
        rng = random.Random(seed)
        right = kind.demo_answer(exercise, key, 0, True, "en", rng)
        assert grade_exercise(exercise, key, right, 0, msg).status in ("correct", "needs_review")
        other = kind.demo_answer(exercise, key, 0, False, "zh", rng)
        assert grade_exercise(exercise, key, other, 0, msg).status != "invalid"  # ticking nothing is an answer too


@pytest.mark.parametrize("name", sorted(KINDS))
def test_the_widget_shows_a_saved_answer_as_it_was_saved(name: str) -> None:
    exercise, _, saved = load_fixture(name)
    value = saved["right"]["value"]
    for language in LANGUAGES:
        widget = exercise_widget(
            exercise, value=value, variant=0, msg=messages(language), on_answer=lambda *_: None, number=1
        )
        assert type(widget).__module__ == f"swtrain.widgets.{name}"
        assert widget.value == value


def test_widget_modules_load_only_when_their_kind_is_shown() -> None:
    import subprocess

    code = (
        "import sys; from swtrain.widgets import exercise_widget; "
        "print(sorted(m for m in sys.modules if m.startswith('swtrain.widgets.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # what every kind shares, and no kind's own module
    assert out.strip() == "['swtrain.widgets.base', 'swtrain.widgets.shared']"


def test_a_scenario_answer_is_shown_in_words_on_the_feedback_page(data_case: Case, data_key: Key) -> None:
    # the bug this structure fixed: every list answer returned early, so a path showed as its choice ids
    shown = {
        "en": "</b> Ask gently how safe she feels → Listen first</p>",
        "zh": "</b> 温和地询问她是否感到安全 → 先倾听</p>",
    }
    for language, words in shown.items():
        responses = answers("mini-data", {"crisis-walk": ["ask-risk", "listen"]}, language=language)
        page = feedback_page(data_case, responses, grade(data_case, data_key, responses))
        assert words in page
        assert "ask-risk" not in page
