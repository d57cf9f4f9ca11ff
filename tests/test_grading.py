"""grade(): hand-computed scores for every answer type, feedback language, never credit by default."""

from __future__ import annotations

from typing import Any

import pytest

from swtrain.errors import ResponsesInvalid
from swtrain.exercises.ordering import pairwise_fraction
from swtrain.fields import count_words
from swtrain.grading import grade
from swtrain.models import Case, Key

from .conftest import answers


def by_id(result):  # type: ignore[no-untyped-def]
    return {e.exercise_id: e for e in result.exercises}


def test_all_right_scores_full_marks_except_free_text(mini_case: Case, mini_key: Key) -> None:
    result = grade(
        mini_case,
        mini_key,
        answers(
            "mini",
            {
                "pick-one": "risk",
                "pick-many": ["a", "b"],
                "order": ["s1", "s2", "s3"],
                "sort": {"debt": "economy", "alone": "support", "savings": "economy", "family": "support"},
                "total": 3,
                "plan": "Check safety first and then link the family to resources.",
            },
            variant=0,
        ),
    )
    grades = by_id(result)
    assert [grades[i].score for i in ("pick-one", "pick-many", "order", "sort", "total")] == [2, 4, 3, 4, 1]
    assert grades["plan"].score is None and grades["plan"].status == "needs_review"
    assert result.score == 14 and result.max_score == 19 and result.needs_review == 1
    assert result.percent == pytest.approx(73.7)


def test_hand_computed_partial_credit(mini_case: Case, mini_key: Key) -> None:
    result = by_id(
        grade(
            mini_case,
            mini_key,
            answers(
                "mini",
                {
                    "pick-one": "plan",
                    # right_minus_wrong: (1 right - 1 wrong) / 2 right = 0; (2 - 1) / 2 = 0.5 -> 2 of 4
                    "pick-many": ["a", "b", "c"],
                    # pairs (s1,s2) wrong, (s1,s3) right, (s2,s3) right: 2/3 of 3 points
                    "order": ["s2", "s1", "s3"],
                    # 2 of 4 statements right: 2 of 4 points
                    "sort": {"debt": "economy", "alone": "economy", "savings": "economy"},
                    # variant 1 is shown 3 and 4: 7 is right, 6 is not
                    "total": 6,
                },
                variant=1,
            ),
        )
    )
    assert result["pick-one"].score == 0 and result["pick-one"].status == "incorrect"
    assert result["pick-many"].score == 2 and result["pick-many"].status == "partial"
    assert result["order"].score == 2
    assert result["sort"].score == 2
    assert result["total"].score == 0
    assert "The answer: 7" in result["total"].feedback


def test_numeric_key_is_recomputed_for_the_variant(mini_case: Case, mini_key: Key) -> None:
    assert by_id(grade(mini_case, mini_key, answers("mini", {"total": 3}, variant=0)))["total"].score == 1
    assert by_id(grade(mini_case, mini_key, answers("mini", {"total": 3}, variant=1)))["total"].score == 0
    assert by_id(grade(mini_case, mini_key, answers("mini", {"total": 7}, variant=3)))["total"].score == 1


def test_blank_answers_score_nothing_and_free_text_is_never_full_marks(mini_case: Case, mini_key: Key) -> None:
    result = grade(mini_case, mini_key, answers("mini", {"plan": "   ", "pick-many": []}))
    assert result.score == 0
    grades = by_id(result)
    # a blank free-text answer scores 0 at once: there is nothing for a person to read, so it waits for nobody
    assert grades["plan"].score == 0 and grades["plan"].status == "unanswered"
    assert grades["plan"].feedback == ("Not answered.",)
    assert grades["pick-many"].status == "unanswered"
    assert all(g.status == "unanswered" for g in result.exercises)
    assert result.needs_review == 0


def test_free_text_feedback_shows_the_rubric_in_the_answer_language(mini_case: Case, mini_key: Key) -> None:
    grades = by_id(grade(mini_case, mini_key, answers("mini", {"plan": "先确认安全，再链接资源"}, language="zh")))
    assert [(line.text, line.points, line.given) for line in grades["plan"].rubric] == [
        ("提出安全措施", 2.0, None),
        ("链接资源", 3.0, None),
    ]
    assert grades["plan"].feedback[0] == "等待教师依据评分标准评分。"
    assert "本题要求至少 5 字（词）。" not in grades["plan"].feedback  # 11 Chinese characters count as 11


def test_feedback_in_chinese(mini_case: Case, mini_key: Key) -> None:
    grades = by_id(
        grade(mini_case, mini_key, answers("mini", {"pick-one": "plan", "sort": {"alone": "economy"}}, language="zh"))
    )
    # each line names the option it is about: the one chosen, then the answer, then the item's explanation
    assert grades["pick-one"].feedback == (
        "不正确。",
        "“行动计划”：现在做计划太早。",
        "答案：“危险性评估”",
        "安全第一。",
    )
    assert "“这里没有朋友”不属于经济。它属于社会支持。" in grades["sort"].feedback


@pytest.mark.parametrize(
    ("exercise", "value", "reason"),
    [
        ("pick-one", "nonexistent", "'nonexistent' is not an option of this exercise."),
        ("pick-one", ["risk"], "The saved answer is not one option (found list)."),
        ("pick-many", ["a", "a"], "The saved answer lists an option twice."),
        ("order", ["s1", "s2"], "The saved order does not contain every item exactly once."),
        ("sort", {"debt": "leisure"}, "'leisure' is not an option of this exercise."),
        ("total", "7", "The saved answer is not a number (found str)."),
        ("plan", ["text"], "The saved answer is not text (found list)."),
    ],
)
def test_answers_that_do_not_fit_score_zero_with_the_reason(
    mini_case: Case, mini_key: Key, exercise: str, value: object, reason: str
) -> None:
    result = by_id(grade(mini_case, mini_key, answers("mini", {exercise: value})))[exercise]
    assert result.status == "invalid"
    assert result.score == 0
    assert result.feedback == (reason,)


def test_practice_feedback_does_not_reveal_the_answer(mini_case: Case, mini_key: Key) -> None:
    result = by_id(grade(mini_case, mini_key, answers("mini", {"pick-one": "close", "pick-many": ["a"]}), reveal=False))
    assert not any("risk" in line.lower() for line in result["pick-one"].feedback)
    assert result["pick-many"].feedback == ("Partly correct.", "1 right option is not chosen yet.")


def test_answers_for_another_case_are_refused(mini_case: Case, mini_key: Key) -> None:
    with pytest.raises(ResponsesInvalid, match="case_id: found 'other', expected 'mini'"):
        grade(mini_case, mini_key, answers("other", {}))


def test_pairwise_fraction() -> None:
    assert pairwise_fraction(["a", "b", "c", "d"], ("a", "b", "c", "d")) == 1
    assert pairwise_fraction(["d", "c", "b", "a"], ("a", "b", "c", "d")) == 0
    assert pairwise_fraction(["b", "a", "c", "d"], ("a", "b", "c", "d")) == pytest.approx(5 / 6)


def test_count_words_counts_chinese_characters() -> None:
    assert count_words("先确认安全") == 5
    assert count_words("check safety 先确认") == 5
    assert count_words("") == 0


def test_grading_the_shipped_case_from_its_own_key() -> None:
    from swtrain.cases import load_case, load_key
    from swtrain.exercises.scenario import best_path

    case = load_case("child-in-crisis")
    key = load_key(case)
    values: dict[str, object] = {}
    for exercise in case.exercises:
        entry: Any = key.exercises[exercise.id]
        if exercise.type == "single_choice":
            values[exercise.id] = entry.answer
        elif exercise.type in ("multiple_choice", "ordering"):
            values[exercise.id] = list(entry.answers if exercise.type == "multiple_choice" else entry.order)
        elif exercise.type == "classification":
            values[exercise.id] = dict(entry.answers)
        elif exercise.type == "numeric":
            values[exercise.id] = entry.expected(exercise, 17)
        elif exercise.type == "scenario":
            values[exercise.id] = best_path(exercise, entry)  # type: ignore[arg-type]
        else:
            values[exercise.id] = "A plan."
    result = grade(case, key, answers("child-in-crisis", values, variant=17))
    auto = sum(e.points for e in case.exercises if e.type != "free_text")
    assert result.score == auto
    assert result.needs_review == sum(1 for e in case.exercises if e.type == "free_text")


def test_line_breaks_between_chinese_characters_are_dropped() -> None:
    from swtrain.fields import Text, tidy_cjk

    assert tidy_cjk("困扰， 并以 ABC 理论\n帮助。\n\n第二段") == "困扰，并以 ABC 理论帮助。\n\n第二段"
    assert tidy_cjk("two words\nin English") == "two words\nin English"
    assert Text(en="a", zh="一\n二").get("zh") == "一二"
