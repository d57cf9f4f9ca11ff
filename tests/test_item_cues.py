"""Item-writing cues: the test-wise trainee on every shipped case, and each cue rule of `swtrain check` with a
failing fixture (the `passes` check fixture with three single-choice items, edited one way per rule)."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from swtrain import item_cues
from swtrain.cases import case_ids, load_case, load_case_file, load_key, load_key_file
from swtrain.cli import main
from swtrain.item_cues import TESTWISE_MARGIN

from .conftest import TESTS

PASSES = TESTS / "data" / "check" / "passes"


# --- the test-wise trainee -----------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", case_ids())
def test_surface_features_earn_no_more_than_guessing_plus_ten_points(case_id: str) -> None:
    """The issue's bar: the longest option, or the options longer than the mean, in either language, earn at most
    random guessing's expected share of the choice-item points plus 10 percentage points."""
    case = load_case(case_id)
    score = item_cues.testwise_score(case, load_key(case))
    assert score is not None and score.choice_points > 0
    assert set(score.strategies) == {
        f"{name} ({language})"
        for name in ("longest option", "options longer than the mean")
        for language in ("en", "zh")
    }
    for strategy, share in score.strategies.items():
        assert share <= score.random + TESTWISE_MARGIN + 1e-9, f"{case_id}: {strategy} earns {share:.2f}"


# --- fixtures: a case whose choice items pass, and one edit per cue -------------------------------------

SINGLES = [
    # the key first and the longest in both languages
    None,  # pick-one as in the passes fixture: Risk assessment / Action plan / Close the case, key risk
    {
        "id": "pick-two",
        "prompt": {"en": "Who chairs the family meeting?", "zh": "家庭会议由谁主持？"},
        "options": [  # the key last and the shortest in both languages
            {"value": "doctor", "label": {"en": "The ward doctor", "zh": "病房医生"}},
            {"value": "worker", "label": {"en": "The social worker", "zh": "社会工作者"}},
            {"value": "nurse", "label": {"en": "The head nurse", "zh": "护士长"}},
        ],
        "answer": "nurse",
    },
    {
        "id": "pick-three",
        "prompt": {"en": "How do you follow up after the missed session?", "zh": "她错过一次会面后，你如何跟进？"},
        "options": [  # the key in the middle, neither longest nor shortest
            {"value": "call", "label": {"en": "Call her tomorrow", "zh": "明天给她打电话"}},
            {"value": "visit", "label": {"en": "Visit her today", "zh": "今天去看她"}},
            {"value": "letter", "label": {"en": "Send a letter", "zh": "寄一封信"}},
        ],
        "answer": "visit",
    },
]


def write_case(folder: Path, case_id: str, edit: Callable[[dict[str, Any], dict[str, Any]], None] | None) -> Path:
    """The passes fixture as case `case_id` in `folder` (a case data folder, with the fixtures' modules.yaml), with
    pick-two and pick-three added, then `edit`ed."""
    target = folder / case_id
    shutil.copytree(PASSES, target)
    shutil.copy(PASSES.parent / "modules.yaml", folder / "modules.yaml")
    case = yaml.safe_load((target / "case.yaml").read_text(encoding="utf-8"))
    key = yaml.safe_load((target / "key.yaml").read_text(encoding="utf-8"))
    case["id"], key["case"] = case_id, case_id
    # the passes fixture's own cues: a long key in Chinese, multiple-choice keys longer than the distractors
    label(case, "pick-one", "close", "zh", "结束个案")
    label(case, "pick-many", "d", "en", "Calm and settled")
    template = case["exercises"][0]
    for single in SINGLES[1:]:
        assert single is not None
        exercise = copy.deepcopy(template | {k: v for k, v in single.items() if k != "answer"})
        exercise["title"] = {"en": f"Item {single['id']}", "zh": f"题目 {single['id']}"}
        case["exercises"].insert(1, exercise)
        key["exercises"][single["id"]] = {"type": "single_choice", "answer": single["answer"]}
    if edit is not None:
        edit(case, key)
    (target / "case.yaml").write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (target / "key.yaml").write_text(yaml.safe_dump(key, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def exercise(case: dict[str, Any], exercise_id: str) -> dict[str, Any]:
    return next(e for e in case["exercises"] if e["id"] == exercise_id)


def label(case: dict[str, Any], exercise_id: str, value: str, language: str, text: str) -> None:
    option = next(o for o in exercise(case, exercise_id)["options"] if o["value"] == value)
    option["label"][language] = text


def move_key(position: int) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def edit(case: dict[str, Any], key: dict[str, Any]) -> None:
        options = exercise(case, "pick-three")["options"]
        visit = next(o for o in options if o["value"] == "visit")
        options.remove(visit)
        options.insert(position if position >= 0 else len(options), visit)

    return edit


def strict(*folders: Path) -> Any:
    return CliRunner().invoke(main, ["check", "--strict", *map(str, folders)], catch_exceptions=False)


def test_the_fixture_passes_strict(tmp_path: Path) -> None:
    result = strict(write_case(tmp_path, "cues", None))
    assert result.exit_code == 0, result.output
    assert "1 case(s) checked, 0 finding(s), 0 warning(s)." in result.output


CUES: list[tuple[str, Callable[[dict[str, Any], dict[str, Any]], None], str]] = [
    (
        "key-longer-than-its-distractors",
        lambda c, k: label(c, "pick-three", "visit", "zh", "今天就去病房看望她并带上救助申请表"),
        "pick-three: the key is 3.09 times as long as the distractors on average in zh (at most 1.25)",
    ),
    (
        "key-too-often-the-longest",  # 19 characters against 17 and 18: within the ratio, but the longest again
        lambda c, k: (
            label(c, "pick-three", "visit", "en", "Visit her in person"),
            label(c, "pick-three", "letter", "en", "Write her a letter"),
        ),
        "the key is the longest option in 2 of 3 single-choice items of the case in en (chance: 1.0): "
        "pick-one, pick-three",
    ),
    (
        "key-too-often-the-shortest",
        lambda c, k: label(c, "pick-three", "visit", "zh", "去看她"),
        "the key is the shortest option in 2 of 3 single-choice items of the case in zh (chance: 1.0): "
        "pick-three, pick-two",
    ),
    (
        "key-too-often-first",
        move_key(0),
        "the key is the first option as written in 2 of 3 single-choice items of the case (chance: 1.0)",
    ),
    (
        "key-too-often-last",
        move_key(-1),
        "the key is the last option as written in 2 of 3 single-choice items of the case (chance: 1.0)",
    ),
    (
        "multiple-choice-keys-are-the-longest",  # 13 and 12 characters against 11 and 9: the ratio is 1.25
        lambda c, k: (
            label(c, "pick-many", "c", "en", "Good humour"),
            label(c, "pick-many", "d", "en", "Eats well"),
        ),
        "pick-many: the keyed options are exactly the 2 longest in en",
    ),
    (
        "option-repeated-word-for-word",
        lambda c, k: label(c, "pick-three", "letter", "en", "Close the case"),
        "pick-three: option 'letter' repeats word for word an option of cues/pick-one",
    ),
    (
        "negative-stem-without-emphasis",
        lambda c, k: exercise(c, "pick-three")["prompt"].update(en="Which follow-up should you not choose?"),
        "pick-three: a negative stem without emphasis in en ('not')",
    ),
    (
        "negative-stem-without-emphasis-in-chinese",
        lambda c, k: exercise(c, "pick-three")["prompt"].update(zh="她错过一次会面后，哪种跟进方式不应采用？"),
        "pick-three: a negative stem without emphasis in zh ('不应')",
    ),
    (
        "absolute-words-only-in-distractors",
        lambda c, k: label(c, "pick-three", "call", "en", "Always call her first"),
        "pick-three: absolute words (always, never, only...) appear only in distractors in en (call)",
    ),
    (
        "all-of-the-above",
        lambda c, k: label(c, "pick-three", "letter", "zh", "以上都对"),
        "pick-three: option 'letter' is an 'all/none of the above' option in zh",
    ),
]


@pytest.mark.parametrize(("edit", "warning"), [c[1:] for c in CUES], ids=[c[0] for c in CUES])
def test_each_cue_is_a_warning_that_fails_only_strict(
    tmp_path: Path, edit: Callable[[dict[str, Any], dict[str, Any]], None], warning: str
) -> None:
    folder = write_case(tmp_path, "cues", edit)
    result = strict(folder)
    assert result.exit_code == 1
    assert warning in result.output, result.output
    line = next(line for line in result.output.splitlines() if warning in line)
    assert line.startswith(f"{folder / 'case.yaml'}:") and ": warning: " in line  # file, line, field, then the cue
    lenient = CliRunner().invoke(main, ["check", str(folder)], catch_exceptions=False)
    assert lenient.exit_code == 0 and warning in lenient.output


def test_emphasis_makes_a_negative_stem_acceptable(tmp_path: Path) -> None:
    def edit(case: dict[str, Any], key: dict[str, Any]) -> None:
        exercise(case, "pick-three")["prompt"].update(en="Which follow-up should you **NOT** choose?")
        exercise(case, "pick-three")["prompt"].update(zh="她错过一次会面后，哪种跟进方式**不**应采用？")

    assert strict(write_case(tmp_path, "cues", edit)).exit_code == 0


def test_absolute_words_in_the_key_too_are_no_cue(tmp_path: Path) -> None:
    def edit(case: dict[str, Any], key: dict[str, Any]) -> None:
        label(case, "pick-three", "call", "en", "Always call her first")
        label(case, "pick-three", "visit", "en", "Always visit her")

    assert strict(write_case(tmp_path, "cues", edit)).exit_code == 0


def test_a_stem_repeated_in_another_case_names_both(tmp_path: Path) -> None:
    def reworded(case: dict[str, Any], key: dict[str, Any]) -> None:  # the same question, 8 of 9 words alike
        exercise(case, "pick-three")["prompt"].update(en="How do you follow up after the missed meeting?")
        for item in case["exercises"]:  # other texts anew, so that only the stem repeats
            if item["id"] != "pick-three":
                item["prompt"]["en"] = f"In the second case, item {item['id']} asks this."
            for option in item.get("options", []):
                option["label"]["en"] += " soon"
                option["label"]["zh"] += "。"

    first = write_case(tmp_path, "cues", None)
    second = write_case(tmp_path, "cues-two", reworded)
    assert strict(first).exit_code == 0 and strict(second).exit_code == 0
    result = strict(first, second)
    assert result.exit_code == 1
    assert "pick-three: the stem repeats cues/pick-three's (89% alike): ask it anew" in result.output
    assert all("cues-two" in line for line in result.output.splitlines() if ": warning: " in line)


# --- the trainee's strategies, played out ---------------------------------------------------------------


def test_random_guessing_is_the_exact_expectation_and_longest_wins_where_keys_are_longest(tmp_path: Path) -> None:
    folder = write_case(tmp_path, "cues", None)
    case = load_case_file(folder / "case.yaml")
    score = item_cues.testwise_score(case, load_key_file(folder / "key.yaml", case))
    assert score is not None and score.choice_points == 2 + 2 + 2 + 4
    # three single choices of three options (1/3 each), and right-minus-wrong with 2 of 4 keyed: of the 16
    # subsets, one right alone (2 ways) earns 1/2, both right 1, both right and one wrong (2 ways) 1/2: 3/16
    assert score.random == pytest.approx((3 * 2 / 3 + 4 * 3 / 16) / 10)
    # the longest option: pick-one's key in en; nothing else (pick-many's longest option is a wrong one)
    assert score.strategies["longest option (en)"] == pytest.approx(2 / 10)

    def longest_keys(case_data: dict[str, Any], key: dict[str, Any]) -> None:
        label(case_data, "pick-two", "nurse", "en", "The ward's head nurse")
        label(case_data, "pick-three", "visit", "en", "Visit her on the ward today")
        label(case_data, "pick-many", "a", "en", "Sleeplessness at night")  # one right of two: 1/2 of 4 points

    folder = write_case(tmp_path, "longest", longest_keys)
    case = load_case_file(folder / "case.yaml")
    cued = item_cues.testwise_score(case, load_key_file(folder / "key.yaml", case))
    assert cued is not None and cued.strategies["longest option (en)"] == pytest.approx((6 + 2) / 10)
    assert not cued.passes and cued.best == ("longest option (en)", pytest.approx(0.8))
