"""Each answer widget, driven as ipywidgets tests drive widgets: set .value, call .click()."""

from __future__ import annotations

import re
from typing import Any

import pytest

from swtrain.grading import grade_exercise
from swtrain.i18n import messages
from swtrain.models import Case, ExerciseGrade, Key
from swtrain.variants import shuffled
from swtrain.widgets import exercise_widget
from swtrain.widgets.numeric import parse_number


class Recorder:
    """The callback a notebook would wire to the store; it records what arrives."""

    def __init__(self, grade_with: tuple[Case, Key] | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.grade_with = grade_with

    def __call__(self, exercise_id: str, value: Any) -> ExerciseGrade | None:
        self.calls.append((exercise_id, value))
        if self.grade_with is None:
            return None
        case, key = self.grade_with
        return grade_exercise(case.exercise(exercise_id), key.exercises[exercise_id], value, 0, messages("en"))


def build(
    case: Case,
    exercise_id: str,
    value: Any = None,
    language: str = "en",
    variant: int = 0,
    recorder: Recorder | None = None,
) -> tuple[Any, Recorder]:
    recorder = recorder or Recorder()
    widget = exercise_widget(
        case.exercise(exercise_id), value=value, variant=variant, msg=messages(language), on_answer=recorder
    )
    return widget, recorder


def test_single_choice(mini_case: Case) -> None:
    widget, calls = build(mini_case, "pick-one")
    assert widget.value is None and calls.calls == []
    widget.radio.value = "plan"
    assert calls.calls == [("pick-one", "plan")]
    assert "Saved at" in widget.status.value


def test_single_choice_order_follows_the_variant(mini_case: Case) -> None:
    exercise = mini_case.exercise("pick-one")
    for variant in (0, 1, 2):
        widget, _ = build(mini_case, "pick-one", variant=variant)
        assert [v for _, v in widget.radio.options] == [
            o.value for o in shuffled(exercise.options, variant, "pick-one")
        ]


def test_single_choice_labels_in_chinese_and_restored(mini_case: Case) -> None:
    widget, calls = build(mini_case, "pick-one", value="risk", language="zh")
    assert widget.radio.value == "risk"
    assert ("危险性评估", "risk") in widget.radio.options
    assert calls.calls == []


def test_multiple_choice(mini_case: Case) -> None:
    widget, calls = build(mini_case, "pick-many", value=["b"])
    assert widget.checkboxes["b"].value is True
    widget.checkboxes["d"].value = True
    widget.checkboxes["a"].value = True
    assert calls.calls[-1] == ("pick-many", ["a", "b", "d"])  # case order, whatever the shown order
    widget.checkboxes["d"].value = False
    assert widget.value == ["a", "b"]


def test_ordering_moves_and_saves(mini_case: Case) -> None:
    widget, calls = build(mini_case, "order", value=["s3", "s2", "s1"])
    assert widget.value == ["s3", "s2", "s1"]
    assert "s3" not in widget.item_labels[0].value and "Problems" in widget.item_labels[0].value
    assert widget.up_buttons[0].disabled and widget.down_buttons[2].disabled
    widget.down_buttons[0].click()
    assert calls.calls == [("order", ["s2", "s3", "s1"])]
    widget.up_buttons[2].click()
    assert calls.calls[-1] == ("order", ["s2", "s1", "s3"])
    assert "Rapport" in widget.item_labels[0].value


def test_ordering_unanswered_until_moved_or_confirmed(mini_case: Case) -> None:
    widget, calls = build(mini_case, "order", variant=4)
    assert widget.value is None
    widget.confirm.click()
    assert calls.calls == [("order", widget.order)]
    assert sorted(widget.value) == ["s1", "s2", "s3"]


def test_classification(mini_case: Case) -> None:
    widget, calls = build(mini_case, "sort", value={"debt": "economy"})
    assert widget.toggles["debt"].value == "economy"
    assert widget.toggles["alone"].value is None
    widget.toggles["alone"].value = "support"
    assert calls.calls == [("sort", {"debt": "economy", "alone": "support"})]


def test_numeric_parses_and_refuses_non_numbers(mini_case: Case) -> None:
    widget, calls = build(mini_case, "total", value=7.0)
    assert widget.text.value == "7"
    widget.text.value = "１２"
    assert calls.calls == [("total", 12.0)]
    widget.text.value = "twelve"
    assert len(calls.calls) == 1
    assert "“twelve” is not a number; nothing was saved." in widget.status.value
    assert "<td style='text-align:right;padding:2px 4px'>1</td>" in widget.prompt.value  # variant 0 is shown 1 and 2


@pytest.mark.parametrize(
    ("text", "number"),
    [("14", 14.0), (" 3.5 ", 3.5), ("3,5", 3.5), ("１４", 14.0), ("x", None), ("inf", None), ("", None)],
)
def test_parse_number(text: str, number: float | None) -> None:
    assert parse_number(text) == number


def test_free_text_saves_every_change_and_counts_words(mini_case: Case) -> None:
    widget, calls = build(mini_case, "plan", value="Check")
    assert widget.area.value == "Check"
    assert "1 words" in widget.words.value and "at least 5 asked for" in widget.words.value
    widget.area.value = "Check safety first, then resources"
    widget.area.value = "先确认安全再链接资源"
    assert [v for _, v in calls.calls] == ["Check safety first, then resources", "先确认安全再链接资源"]
    assert "10 words" in widget.words.value


def test_practice_feedback_appears_under_the_widget(mini_case: Case, mini_key: Key) -> None:
    widget, _ = build(mini_case, "pick-one", recorder=Recorder((mini_case, mini_key)))
    widget.radio.value = "plan"
    assert "swtrain-incorrect" in widget.feedback.value
    assert "Too early for a plan." in widget.feedback.value
    widget.radio.value = "risk"
    assert "swtrain-correct" in widget.feedback.value


def test_a_failing_save_is_shown_not_raised(mini_case: Case) -> None:
    def broken(exercise_id: str, value: Any) -> None:
        raise OSError("disk full")

    widget = exercise_widget(
        mini_case.exercise("pick-one"), value=None, variant=0, msg=messages("en"), on_answer=broken
    )
    widget.radio.value = "plan"
    assert "Your answer was not saved." in widget.status.value and "disk full" in widget.status.value
    assert "Your earlier answers are safe." in widget.status.value


def test_an_unforeseen_error_is_told_in_chinese_with_its_own_words_folded_away(mini_case: Case) -> None:
    def broken(exercise_id: str, value: Any) -> None:
        raise OSError("disk full")

    widget = exercise_widget(
        mini_case.exercise("pick-one"), value=None, variant=0, msg=messages("zh"), on_answer=broken
    )
    widget.radio.value = "plan"
    shown, folded = widget.status.value.split("<details", 1)
    assert "你的答案未能保存" in shown and not re.search("[A-Za-z]{3,}", re.sub("<[^>]+>", "", shown))
    assert "OSError: disk full" in folded
