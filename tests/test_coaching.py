"""Feedback that coaches and rubrics a second marker applies alike (issue 14): ordering says which item is out of
place and where it belongs, numeric feedback by value range, rubric levels through review and feedback, every
free-text model answer in casedata/ marked at its level through the review path, and one rule for a blank
free-text answer everywhere."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import ValidationError

from swtrain.cases import case_ids, load_case, load_key
from swtrain.cli import main
from swtrain.cohort import grade_cohort
from swtrain.errors import KeyInvalid
from swtrain.exercises.free_text import FreeTextKey
from swtrain.fields import Criterion
from swtrain.grading import grade
from swtrain.i18n import messages
from swtrain.review_queue import review_panel, review_queue
from swtrain.store import FileStore

from .conftest import MINI_ROOT, answers


def edited_mini(tmp_path: Path, **entries: dict[str, Any]) -> Path:
    """A copy of the mini case whose key entries are updated with `entries` (by exercise id)."""
    root = tmp_path / "casedata"
    shutil.copytree(MINI_ROOT, root)
    path = root / "mini" / "key.yaml"
    key = yaml.safe_load(path.read_text(encoding="utf-8"))
    for exercise_id, update in entries.items():
        key["exercises"][exercise_id].update(update)
    path.write_text(yaml.safe_dump(key, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def graded(root: Path, values: dict[str, Any], language: str = "en", reveal: bool = True, variant: int = 0) -> Any:
    case = load_case("mini", root)
    result = grade(
        case, load_key(case, root), answers("mini", values, language=language, variant=variant), reveal=reveal
    )
    return {g.exercise_id: g for g in result.exercises}


# --- ordering -------------------------------------------------------------------------------------------

WHY = {
    "s1": {"en": "Assess risk before anything else.", "zh": "先评估风险。"},
    "s2": {"en": "Trust comes before problems are named.", "zh": "先建立信任，再谈问题。"},
}


@pytest.mark.parametrize(
    ("order", "language", "reveal", "lines"),
    [
        # s1 moved to the end: s2, s3 are in order, so s1 is the one out of place
        (
            ["s2", "s3", "s1"],
            "en",
            True,
            ["1 of 3 pairs are in the right order.", "“Assess” comes first. " + WHY["s1"]["en"]],
        ),
        (
            ["s1", "s3", "s2"],
            "en",
            True,
            ["2 of 3 pairs are in the right order.", "“Rapport” belongs after “Assess”. " + WHY["s2"]["en"]],
        ),
        (
            ["s2", "s3", "s1"],
            "zh",
            True,
            ["3 对中有 1 对的先后顺序正确。", "“评估”应排在第一位。" + WHY["s1"]["zh"]],
        ),
        # practice: which item, not where it goes
        (
            ["s1", "s3", "s2"],
            "en",
            False,
            ["2 of 3 pairs are in the right order.", "“Rapport” is out of place. " + WHY["s2"]["en"]],
        ),
        (
            ["s1", "s3", "s2"],
            "zh",
            False,
            ["3 对中有 2 对的先后顺序正确。", "“建立关系”的位置不对。" + WHY["s2"]["zh"]],
        ),
    ],
)
def test_ordering_names_the_item_out_of_place_and_where_it_belongs(
    tmp_path: Path, order: list[str], language: str, reveal: bool, lines: list[str]
) -> None:
    root = edited_mini(tmp_path, order={"feedback": WHY})
    result = graded(root, {"order": order}, language, reveal)["order"]
    assert list(result.feedback[1:]) == lines


def test_ordering_moves_the_fewest_items(tmp_path: Path) -> None:
    # s3 s1 s2: moving s3 alone puts it right (s1, s2 are in order); only s3 is named, without a note of its own
    result = graded(edited_mini(tmp_path, order={"feedback": WHY}), {"order": ["s3", "s1", "s2"]})["order"]
    assert result.feedback[1:] == ("1 of 3 pairs are in the right order.", "“Problems” belongs after “Rapport”.")


def test_ordering_feedback_for_an_item_that_does_not_exist_is_a_key_error(tmp_path: Path) -> None:
    root = edited_mini(tmp_path, order={"feedback": {"s9": {"en": "x", "zh": "x"}}})
    with pytest.raises(KeyInvalid, match=r"exercises\.order\.feedback"):
        load_key(load_case("mini", root), root)


# --- numeric --------------------------------------------------------------------------------------------

RANGES = [
    {
        "min": -1,
        "max": -1,
        "relative": True,
        "feedback": {"en": "One short: count every row.", "zh": "少了一：每一行都要算。"},
    },
    {"min": 100, "feedback": {"en": "Over 100: these are single figures.", "zh": "超过 100：这些都是个位数。"}},
]


def test_numeric_feedback_by_value_range_in_practice_and_graded_feedback(tmp_path: Path) -> None:
    root = edited_mini(tmp_path, total={"feedback": RANGES})
    # variant 0 is given 1 and 2: the answer is 3; 2 is one short (a range relative to the answer)
    practice = graded(root, {"total": 2}, reveal=False)["total"]
    assert practice.feedback == ("Not correct.", "One short: count every row.")
    graded_zh = graded(root, {"total": 2}, language="zh")["total"]
    assert graded_zh.feedback == ("不正确。", "少了一：每一行都要算。", "答案：3")
    # variant 1 is given 3 and 4: one short is 6
    assert "One short: count every row." in graded(root, {"total": 6}, variant=1)["total"].feedback
    assert "Over 100: these are single figures." in graded(root, {"total": 120})["total"].feedback
    assert graded(root, {"total": 5})["total"].feedback == ("Not correct.", "The answer: 3")  # no known mistake
    assert graded(root, {"total": 3})["total"].feedback == ("Correct.",)


def test_a_numeric_range_that_holds_the_right_answer_is_a_key_error(tmp_path: Path) -> None:
    wide = {"min": -1, "max": 1, "relative": True, "feedback": {"en": "Close.", "zh": "接近。"}}
    root = edited_mini(tmp_path, total={"feedback": [wide]})
    with pytest.raises(KeyInvalid, match=r"exercises\.total\.feedback\.0.*without the right answer in it"):
        load_key(load_case("mini", root), root)
    # an absolute range holding the answer of one variant only (7 for variant 1) is refused too
    root = edited_mini(tmp_path / "b", total={"feedback": [{"min": 7, "max": 7, "feedback": {"en": "x", "zh": "x"}}]})
    with pytest.raises(KeyInvalid, match=r"exercises\.total\.feedback\.0"):
        load_key(load_case("mini", root), root)


# --- rubric levels --------------------------------------------------------------------------------------


def level(points: float, en: str) -> dict[str, Any]:
    return {"points": points, "descriptor": {"en": en, "zh": f"{en}（中文）"}}


@pytest.mark.parametrize(
    ("levels", "error"),
    [
        ([level(2, "a"), level(1, "b")], "down to 0"),
        ([level(3, "a"), level(1, "b"), level(0, "c")], "down to 0"),  # the criterion has 2 points
        ([level(2, "a"), level(2, "b"), level(0, "c")], "each points value once"),
        ([level(0, "c"), level(1, "b"), level(2, "a")], "from the most points to the least"),
    ],
)
def test_levels_run_from_the_criterions_points_to_zero_each_once(levels: list[dict[str, Any]], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        Criterion.model_validate(
            {"id": "safety", "points": 2, "description": {"en": "Safety", "zh": "安全"}, "levels": levels}
        )


def test_a_level_is_found_by_its_points() -> None:
    criterion = Criterion.model_validate(
        {
            "id": "safety",
            "points": 2,
            "description": {"en": "Safety", "zh": "安全"},
            "levels": [level(2, "Names two safety steps"), level(1, "Names one"), level(0, "Names none")],
        }
    )
    found = criterion.level(1)
    assert found is not None and found.descriptor.en == "Names one" and criterion.level(1.5) is None


PLAN_LEVELS = {
    "rubric": [
        {
            "id": "safety",
            "points": 2,
            "description": {"en": "Names a safety step", "zh": "提出安全措施"},
            "levels": [level(2, "A step and who takes it"), level(1, "A step, no one named"), level(0, "No step")],
        },
        {"id": "resources", "points": 3, "description": {"en": "Links resources", "zh": "链接资源"}},
    ]
}


def test_the_reviewer_chooses_levels_and_the_feedback_page_shows_the_level_and_its_descriptor(tmp_path: Path) -> None:
    root = edited_mini(tmp_path, plan=PLAN_LEVELS)
    subs = tmp_path / "subs"
    FileStore(subs).save(answers("mini", {"plan": "Ask who keeps her safe tonight; ring the fund."}, trainee="t1"))
    out = tmp_path / "out"
    panel = review_panel(subs, out, "anna", casedata=root)
    levels = panel.scores["safety"]
    assert [label for label, _ in levels.options] == [
        "2 · A step and who takes it",
        "1 · A step, no one named",
        "0 · No step",
    ]
    assert levels.value is None  # no level is chosen for the reviewer
    panel.scores["resources"].value = 2.5  # a criterion without levels keeps its number box
    panel.save_next.click()
    assert "Choose a level for every criterion." in panel.status.value and panel.position == 0
    levels.value = 1
    panel.save_next.click()
    assert panel.position == 1
    grade_cohort(subs, out, casedata=root)
    page = (out / "feedback" / "t1" / "mini.html").read_text(encoding="utf-8")
    assert "Given: 1 of 2: A step, no one named" in page and "Given: 2.5 of 3" in page
    assert "<li class=swtrain-level-given style=font-weight:600>1 · A step, no one named</li>" in page
    reopened = review_panel(subs, out, "anna", casedata=root)
    reopened.go(0)
    assert reopened.scores["safety"].value == 1  # the level chosen is what the reviewer's file keeps


# --- every model answer in casedata/, marked through the review path -------------------------------------


def free_text_items(case_id: str) -> list[tuple[str, FreeTextKey]]:
    case = load_case(case_id)
    key = load_key(case)
    return [(e.id, key.exercises[e.id]) for e in case.exercises if e.type == "free_text"]  # type: ignore[misc]


CASES_WITH_FREE_TEXT = [c for c in case_ids() if free_text_items(c)]


@pytest.mark.parametrize("case_id", CASES_WITH_FREE_TEXT)
def test_every_criterion_of_every_free_text_item_has_levels_and_a_model_answer(case_id: str) -> None:
    for exercise_id, entry in free_text_items(case_id):
        assert entry.model_answer is not None, exercise_id
        for criterion in entry.rubric:
            assert criterion.levels, f"{case_id}/{exercise_id}/{criterion.id}"
            descriptors = [lv.descriptor.en for lv in criterion.levels]
            assert len(set(descriptors)) == len(descriptors)  # levels a marker can tell apart


@pytest.mark.parametrize("case_id", CASES_WITH_FREE_TEXT)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_model_answer_marked_at_its_level_through_the_review_path_earns_full_points(
    tmp_path: Path, case_id: str, language: str
) -> None:
    """A second marker using only the levels: each model answer goes into the review queue as a trainee's
    answer, the marker picks the level the model answer is written to (the top one, whose descriptor it
    meets) by its descriptor in the review widget, and the gradebook gives the item's full points."""
    items = free_text_items(case_id)
    subs, out = tmp_path / "subs", tmp_path / "out"
    text = {exercise_id: entry.model_answer.get(language) for exercise_id, entry in items if entry.model_answer}
    FileStore(subs).save(answers(case_id, text, trainee="model", language=language))
    assert [(i.trainee_id, i.exercise_id) for i in review_queue(subs)] == [("model", e) for e, _ in items]
    panel = review_panel(subs, out, "second-marker", language=language)
    while panel.item is not None:
        for criterion in panel.item.criteria:
            top = criterion.levels[0]
            radio = panel.scores[criterion.id]
            radio.label = f"{top.points:g} · {top.descriptor.get(language)}"  # chosen by its descriptor
        panel.save_next.click()
        assert "swtrain-error" not in panel.status.value, panel.status.value
    grade_cohort(subs, out)
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    case = load_case(case_id)
    for exercise_id, _ in items:
        assert float(row[exercise_id]) == case.exercise(exercise_id).points, exercise_id
    assert row["needs_review"] == "0"


# --- a blank free-text answer, everywhere -----------------------------------------------------------------


def test_a_blank_free_text_answer_is_0_not_waiting_in_grade_file_gradebook_feedback_and_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule: a free-text answer that is empty or only spaces scores 0 as "unanswered" at once, like any
    unanswered item; there is nothing for a person to read, so it never waits in the review queue."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    FileStore(subs).save(answers("mini", {"pick-one": "risk", "plan": "  \n "}, trainee="t1"))
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(MINI_ROOT))
    printed = CliRunner().invoke(main, ["grade-file", str(subs / "t1" / "mini.json")], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    plan = next(line for line in printed.output.splitlines() if line.startswith("plan\t"))
    assert plan.split("\t")[1:3] == ["0/5", "unanswered"] and "needs review: 0" in printed.output
    assert review_queue(subs, MINI_ROOT) == []
    grade_cohort(subs, out, casedata=MINI_ROOT)
    with (out / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["plan"] == "0" and row["needs_review"] == "0"
    page = (out / "feedback" / "t1" / "mini.html").read_text(encoding="utf-8")
    plan_box = page[page.index("Write a plan.") :]
    assert "Score: 0 of 5" in plan_box and "Not answered." in plan_box and "needs a person" not in page
    mini = load_case("mini", MINI_ROOT)
    direct = grade(mini, load_key(mini, MINI_ROOT), answers("mini", {"plan": ""}))  # what practice mode shows
    assert direct.needs_review == 0 and direct.exercises[-1].score == 0
    assert direct.exercises[-1].feedback == (messages("en")("Not answered."),)


def test_a_quoted_option_drops_its_closing_full_stop() -> None:
    from swtrain.exercises.base import about

    assert about("Close the case.", "Too early.", messages("en")) == "“Close the case”: Too early."
    assert about("先评估风险。", "先做这个。", messages("zh")) == "“先评估风险”：先做这个。"
    assert about("Ask: is she safe?", "Yes.", messages("en")) == "“Ask: is she safe?”: Yes."
    # a label that is a quotation is quoted once
    assert about('"That isn\'t true, sweetheart."', "Kind.", messages("en")) == "“That isn't true, sweetheart”: Kind."
    assert about("“这不是真的，宝贝。”", "好意。", messages("zh")) == "“这不是真的，宝贝”：好意。"
    assert about('"Yes" or "no"', "Closed.", messages("en")) == '“"Yes" or "no"”: Closed.'
