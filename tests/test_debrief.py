"""The class debrief: scenario paths written by grade_cohort, counted per decision and drawn in both languages."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest

from swtrain.cohort import grade_cohort
from swtrain.models import Case, Key
from swtrain.reports.debrief import choice_counts, decision_chart, route_counts
from swtrain.reports.path_map import path_diagram
from swtrain.reports.scenario_paths import decision_order
from swtrain.store import FileStore

from .conftest import MINI_ROOT, answers

PATHS = {
    "t001": ["ask-risk", "listen"],
    "t002": ["ask-risk", "listen"],
    "t003": ["jump-plan", "leave"],
    "t004": ["jump-plan", "loop", "ask-risk", "listen"],
    "t005": ["ask-risk"],  # unfinished
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("debrief")
    store = FileStore(root / "S")
    for trainee, path in PATHS.items():
        store.save(answers("mini-data", {"crisis-walk": path}, trainee=trainee))
    store.save(answers("mini-data", {"crisis-walk": ["teleport"]}, trainee="t006"))  # off the scenario: left out
    store.save(answers("mini-data", {"pick-chart": "lines"}, trainee="t007"))  # no scenario answer
    grade_cohort(root / "S", root / "OUT", casedata=MINI_ROOT, workers=1)
    return root / "OUT"


def test_grade_cohort_writes_each_valid_path(graded: Path) -> None:
    with (graded / "scenario_paths.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["trainee_id"]: r["path"].split() for r in rows} == PATHS
    assert {r["trainee_id"]: r["status"] for r in rows}["t001"] == "correct"


def test_choice_counts_per_decision_point_with_zeros(graded: Path, data_case: Case, data_key: Key) -> None:
    table = choice_counts(graded, data_case, "crisis-walk", "en")
    counts = dict(zip(table["choice_id"], table["Trainees"], strict=True))
    # t004 passed arrive twice (a loop) and made both choices there; each choice counts a trainee once
    assert counts == {"ask-risk": 4, "jump-plan": 2, "listen": 3, "leave": 1, "loop": 1}
    assert list(table["scene_id"].unique()) == decision_order(data_case.exercise("crisis-walk"))  # type: ignore[arg-type]
    assert list(table["Decision point"].unique()) == ["Decision 1", "Decision 2"]  # numbered, never the scene's id
    assert list(table["Letter"]) == ["A", "B", "A", "B", "C"]
    chinese = choice_counts(graded, data_case, "crisis-walk", "zh", data_key)
    assert list(chinese.columns) == [
        "scene_id",
        "choice_id",
        "决策点",
        "字母",
        "选择",
        "最佳选择（参考答案）",
        "学员人数",
    ]
    assert "先倾听" in set(chinese["选择"]) and list(chinese["决策点"].unique()) == ["决策点 1", "决策点 2"]
    best = dict(zip(chinese["choice_id"], chinese["最佳选择（参考答案）"], strict=True))
    assert best["ask-risk"] == "是" and best["jump-plan"] == ""


def test_route_counts_name_each_step_in_words(graded: Path, data_case: Case) -> None:
    table = route_counts(graded, data_case, "crisis-walk", "en")
    assert list(table.columns) == ["From", "Choices", "To", "Trainees"]
    rows = [tuple(r) for r in table.itertuples(index=False)]
    assert rows[0] == ("Decision 1", "A Ask gently how safe she feels; B Start on the funding forms", "Decision 2", 5)
    assert ("Decision 2", "C Go back to the start", "Decision 1", 1) in rows  # the loop


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_charts_draw_without_missing_glyphs(
    graded: Path, data_case: Case, data_key: Key, language: str, tmp_path: Path
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns for each glyph its font lacks
        bars = decision_chart(graded, data_case, "crisis-walk", language, data_key)
        diagram = path_diagram(graded, data_case, "crisis-walk", language)
        bars.savefig(tmp_path / "bars.png")
        diagram.savefig(tmp_path / "paths.png")
    assert (tmp_path / "bars.png").stat().st_size > 5000 and (tmp_path / "paths.png").stat().st_size > 5000
    visible = [ax for ax in bars.axes if ax.get_visible()]
    assert len(visible) == 2  # two decision points
    green = [p for p in visible[0].patches if p.get_facecolor()[:3] == pytest.approx((0.082, 0.502, 0.239), abs=0.01)]
    assert len(green) == 1  # the key's best choice at the first decision
    labels = [t.get_text() for t in diagram.axes[0].texts]
    word, people = ("Decision", "trainees") if language == "en" else ("决策点", "名学员")
    assert f"{word} 1\n5 {people}" in labels and "A, B · 5" in labels and "C · 1" in labels  # the loop
    assert not {"arrive", "plan", "calm", "lost", "listen"} & set(" ".join(labels).split())  # no ids of the case
    title = diagram.axes[0].get_title()
    assert ("5 trainees" in title) if language == "en" else ("5 名学员" in title)


def test_a_case_without_paths_gives_empty_counts(data_case: Case, tmp_path: Path) -> None:
    table = choice_counts(tmp_path, data_case, "crisis-walk", "en")
    assert list(table["Trainees"]) == [0, 0, 0, 0, 0]
    assert route_counts(tmp_path, data_case, "crisis-walk", "en").empty


def test_only_a_scenario_has_a_debrief(graded: Path, data_case: Case) -> None:
    from swtrain.errors import SwtrainError

    with pytest.raises(SwtrainError, match="is a chart_choice, not a scenario"):
        choice_counts(graded, data_case, "pick-chart", "en")
