"""Branching scenarios: the graph checks, replaying and grading a path, and the scenario widget."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from swtrain.cases import load_case, load_key
from swtrain.checks import check_case_dir
from swtrain.errors import AnswerInvalid, CaseInvalid, KeyInvalid
from swtrain.exercises.scenario import MAX_DECISIONS, Scenario, decisions_to_end, replay
from swtrain.grading import grade_exercise
from swtrain.i18n import messages
from swtrain.models import Case, Key
from swtrain.widgets import exercise_widget

from .conftest import MINI_ROOT

EXERCISE = "crisis-walk"


@pytest.fixture
def scenario(data_case: Case) -> Scenario:
    found = data_case.exercise(EXERCISE)
    assert isinstance(found, Scenario)
    return found


def broken(tmp_path: Path, old: str, new: str, file: str = "case.yaml") -> Path:
    """A copy of the mini data case with one text replaced; returns the case folder."""
    shutil.copytree(MINI_ROOT, tmp_path / "casedata")
    path = tmp_path / "casedata" / "mini-data" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path.parent


# --- replaying ---------------------------------------------------------------------


def test_replay_follows_choices_and_counts(scenario: Scenario) -> None:
    walk = replay(scenario, ["jump-plan", "loop", "ask-risk", "listen"])
    assert walk.scenes == ["arrive", "plan", "arrive", "plan", "calm"]
    assert walk.counters_now() == {"rapport": 1, "risk_known": 1}
    assert walk.counters[1] == {"rapport": -1, "risk_known": 0}


def test_replay_names_the_decision_that_does_not_fit(scenario: Scenario) -> None:
    with pytest.raises(AnswerInvalid, match=r"decision 2 at scene 'plan': one of listen, leave, loop, not 'ask-risk'"):
        replay(scenario, ["ask-risk", "ask-risk"])
    with pytest.raises(AnswerInvalid, match=r"decision 3 at scene 'calm': one of none \(an end scene\)"):
        replay(scenario, ["ask-risk", "listen", "listen"])
    with pytest.raises(AnswerInvalid, match=f"at most {MAX_DECISIONS} decisions"):
        replay(scenario, ["jump-plan", "loop"] * MAX_DECISIONS)


def test_decisions_to_end(scenario: Scenario) -> None:
    assert [decisions_to_end(scenario, s) for s in ("arrive", "plan", "calm", "lost")] == [2, 1, 0, 0]


# --- grading -------------------------------------------------------------------------


def graded(data_case: Case, data_key: Key, path: Any, language: str = "en", reveal: bool = True) -> Any:
    return grade_exercise(
        data_case.exercise(EXERCISE), data_key.exercises[EXERCISE], path, 0, messages(language), reveal
    )


def test_the_best_path_earns_every_point_and_the_debrief_sets_it_beside_itself(data_case: Case, data_key: Key) -> None:
    result = graded(data_case, data_key, ["ask-risk", "listen"])
    assert result.status == "correct" and result.score == 4 and result.feedback == ("Correct.",)
    assert result.debrief == (
        ("1. “Ask gently how safe she feels”", "1. “Ask gently how safe she feels”"),
        ("2. “Listen first”", "2. “Listen first”"),
    )


def test_credit_per_decision_and_the_counter_rule(data_case: Case, data_key: Key) -> None:
    # decisions (0 + 1) / 2 share 0.75 of the points; the rule (0.25) fails: risk_known is 0 on reaching calm
    result = graded(data_case, data_key, ["jump-plan", "listen"])
    assert result.score == pytest.approx(4 * 0.75 * 0.5)
    # the finished path is set beside the best one, each decision with the key's feedback on it
    assert result.debrief[0] == (
        "1. “Start on the funding forms”: Forms before safety and trust lose her.",
        "1. “Ask gently how safe she feels”",
    )
    assert result.feedback == ("Partly correct.", "The risk was never assessed before the plan.")
    # a loop with an exit: (0 + 0.5 + 1 + 1) / 4 of 0.75, and the rule holds when calm is reached
    assert graded(data_case, data_key, ["jump-plan", "loop", "ask-risk", "listen"]).score == pytest.approx(
        4 * (0.75 * 0.625 + 0.25)
    )


def test_a_finished_path_that_ends_before_the_rules_scene_breaks_the_rule(data_case: Case, data_key: Key) -> None:
    # ask-risk (1) then leave (0) ends at 'lost': calm, where the rule is judged, is never reached
    result = graded(data_case, data_key, ["ask-risk", "leave"])
    assert result.score == pytest.approx(4 * 0.75 * 0.5)
    assert "The risk was never assessed before the plan." in result.feedback


def test_an_unfinished_path_counts_the_decisions_still_needed_as_zero(data_case: Case, data_key: Key) -> None:
    result = graded(data_case, data_key, ["ask-risk"], language="zh")
    assert result.status == "partial" and result.score == pytest.approx(4 * 0.5)
    assert "未完成：至少还需要 1 个决定才能到达结局。" in result.feedback
    assert "1. “温和地询问她是否感到安全”" in result.feedback and result.debrief == ()  # no debrief before the end


def test_a_path_off_the_scenario_scores_zero_with_the_reason(data_case: Case, data_key: Key) -> None:
    for value in (["ask-risk", "teleport"], "ask-risk", [1, 2]):
        result = graded(data_case, data_key, value)
        assert result.status == "invalid" and result.score == 0


def test_the_debrief_comes_in_the_answer_language(data_case: Case, data_key: Key) -> None:
    result = graded(data_case, data_key, ["jump-plan", "listen"], language="zh")
    assert result.debrief[0] == (
        "1. “直接开始填写救助申请表”：先填表而不顾安全与信任，会失去她。",
        "1. “温和地询问她是否感到安全”",
    )


def test_the_widget_shows_no_score_or_verdict_until_the_path_ends(data_case: Case, data_key: Key) -> None:
    built, _ = widget(data_case, practice=True)
    click(built, "jump-plan")
    built.show(graded(data_case, data_key, ["jump-plan"], reveal=False))
    assert built.feedback.value == ""  # "Not correct" and "0 of 4" would judge a path not yet walked
    click(built, "listen")
    built.show(graded(data_case, data_key, ["jump-plan", "listen"], reveal=False))
    shown = built.feedback.value
    assert "Score: 1.5 of 4" in shown and "Your path" in shown and "The best path" in shown
    assert "Forms before safety and trust lose her." in shown


# --- checks: every finding names the scene ------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("goto: calm", "goto: calmer", "choices.0.goto", "a scene id, in scene 'plan'"),
        ("effects: {rapport: 1}}", "effects: {trust: 1}}", "choices.0.effects", "a counter declared under counters"),
        ("- {id: leave,", "- {id: listen,", "choices.1.id", "a choice id used once in the scenario (in scene 'plan'"),
        ("goto: lost}", "goto: arrive}", "scenes.3", "a scene reachable from the start 'arrive'"),
        ("start: arrive", "start: begin", "start", "a scene id (arrive, plan, calm, lost)"),
        ("speaker: mother", "speaker: aunt", "speaker", "'worker' or a person id, in scene 'plan'"),
    ],
)
def test_a_broken_scenario_is_refused_naming_the_scene(
    tmp_path: Path, old: str, new: str, field: str, expected: str
) -> None:
    folder = broken(tmp_path, old, new)
    with pytest.raises(CaseInvalid) as caught:
        load_case("mini-data", folder.parent)
    assert any(p.field.endswith(field) and expected in p.expected for p in caught.value.problems), caught.value
    assert any(f"case.yaml:{p.line}:" in str(caught.value) for p in caught.value.problems if p.line)


def test_a_loop_without_an_exit_is_found(tmp_path: Path) -> None:
    # calm's only way on leads back to plan, and lost leads to calm: from calm no path can end
    folder = broken(
        tmp_path,
        "        text: {en: She agrees to meet again tomorrow., zh: 她同意明天再见面。}\n",
        "        text: {en: She agrees to meet again tomorrow., zh: 她同意明天再见面。}\n"
        "        choices:\n"
        "          - {id: again, label: {en: Again, zh: 再来}, goto: lost}\n"
        "          - {id: more, label: {en: More, zh: 更多}, goto: lost}\n",
    )
    lost = folder / "case.yaml"
    lost.write_text(
        lost.read_text(encoding="utf-8").replace(
            "        text: {en: She does not come to the next meeting., zh: 她没有来参加下一次会面。}\n",
            "        text: {en: She does not come to the next meeting., zh: 她没有来参加下一次会面。}\n"
            "        choices:\n"
            "          - {id: wait, label: {en: Wait, zh: 等待}, goto: calm}\n"
            "          - {id: call, label: {en: Call, zh: 打电话}, goto: calm}\n",
        ),
        encoding="utf-8",
    )
    found = [str(f) for f in check_case_dir(folder)]
    assert any("at least one end scene" in line for line in found), found


def test_check_reports_the_scene_with_file_and_line(tmp_path: Path) -> None:
    folder = broken(tmp_path, "goto: lost}", "goto: arrive}")
    found = [str(f) for f in check_case_dir(folder)]
    assert any(
        line.startswith(f"{folder / 'case.yaml'}:") and "'lost'" in line and "reachable from the start" in line
        for line in found
    ), found


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("listen: 1, leave: 0", "listen: 1", "a credit (0 to 1) for every choice"),
        ("at_scene: calm", "at_scene: nowhere", "a scene id of the scenario"),
        ("counter: risk_known", "counter: danger", "a counter declared in the scenario"),
        ("weight: 0.25", "weight: 1.5", "less than 1"),
    ],
)
def test_a_scenario_key_that_does_not_fit_is_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = broken(tmp_path, old, new, file="key.yaml")
    data_case = load_case("mini-data", folder.parent)
    with pytest.raises(KeyInvalid, match=re.escape(expected)):
        load_key(data_case, folder.parent)


# --- the widget ------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    def __call__(self, exercise_id: str, value: Any) -> None:
        self.calls.append(value)


def widget(
    data_case: Case, value: Any = None, *, practice: bool = False, language: str = "en", variant: int = 0
) -> Any:
    recorder = Recorder()
    built = exercise_widget(
        data_case.exercise(EXERCISE),
        value=value,
        variant=variant,
        msg=messages(language),
        on_answer=recorder,
        practice=practice,
        case=data_case,
    )
    return built, recorder


def click(built: Any, choice_id: str) -> None:
    button = next(b for b in built.choices.children if f"swtrain-choice-{choice_id}" in b._dom_classes)
    button.click()


def test_each_choice_is_saved_as_it_is_made_and_the_scene_moves_on(data_case: Case) -> None:
    built, recorder = widget(data_case, language="zh")
    assert 'data-scene="arrive"' in built.scene.value and "信任关系: <b>0</b>" in built.counters.value
    assert "已知风险" not in built.counters.value  # a hidden counter
    click(built, "ask-risk")
    assert recorder.calls == [["ask-risk"]]
    assert 'data-scene="plan"' in built.scene.value and "<b>母亲:</b>" in built.scene.value
    assert "信任关系: <b>1</b>" in built.counters.value
    click(built, "listen")
    assert recorder.calls[-1] == ["ask-risk", "listen"]
    assert "这个情境到此结束。" in built.scene.value and built.choices.children == ()


def test_back_only_where_the_scene_allows_it(data_case: Case) -> None:
    built, recorder = widget(data_case)
    assert built.back.layout.display == "none"
    click(built, "jump-plan")
    assert built.back.layout.display == "none"  # arrive does not allow going back
    click(built, "leave")
    assert built.back.layout.display == ""  # plan allows it
    built.back.click()
    assert recorder.calls[-1] == ["jump-plan"] and 'data-scene="plan"' in built.scene.value


def test_a_restart_resumes_at_the_same_scene_with_the_same_path(data_case: Case) -> None:
    built, _ = widget(data_case, value=["jump-plan", "loop"])
    assert 'data-scene="arrive"' in built.scene.value and built.value == ["jump-plan", "loop"]
    assert "Your path so far (2 decisions)" in built.history.value


def test_a_saved_path_that_no_longer_fits_resumes_where_it_still_fits(data_case: Case) -> None:
    built, recorder = widget(data_case, value=["ask-risk", "vanished", "listen"])
    assert built.value == ["ask-risk"] and 'data-scene="plan"' in built.scene.value
    assert "no longer fits" in built.scene.value and recorder.calls == []


def test_play_again_only_in_practice_mode_at_an_end(data_case: Case) -> None:
    practice, recorder = widget(data_case, value=["ask-risk", "listen"], practice=True)
    assert practice.again.layout.display == ""
    practice.again.click()
    assert recorder.calls == [[]] and 'data-scene="arrive"' in practice.scene.value
    assessed, _ = widget(data_case, value=["ask-risk", "listen"])
    assert assessed.again.layout.display == "none"


def test_choice_order_follows_the_variant(data_case: Case) -> None:
    orders = set()
    for variant in range(12):
        built, _ = widget(data_case, value=["ask-risk"], variant=variant)
        orders.add(tuple(b.description for b in built.choices.children))
    # the cards are lettered A, B, C in the order shown; the choices behind the letters move with the variant
    assert all([d[:2] for d in order] == ["A.", "B.", "C."] for order in orders)
    choices = {tuple(d[3:].strip() for d in order) for order in orders}
    assert len(choices) > 1 and len({tuple(sorted(c)) for c in choices}) == 1


def test_a_repeated_scene_id_is_named_where_it_repeats(data_case: Case) -> None:
    from swtrain.cases import case_problems

    data = data_case.model_dump(mode="json")
    scenes = next(e for e in data["exercises"] if e["type"] == "scenario")["scenes"]
    scenes.append(dict(scenes[-1]))  # 'lost' a second time, as the fifth scene
    found = case_problems(Case.model_validate(data))
    assert [(p.field, p.value, p.expected) for p in found] == [
        ("exercises.4.scenes.4.id", "lost", "a scene id used once")
    ]
