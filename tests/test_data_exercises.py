"""Cases with data and ecomaps: CSV checks, data-based keys, charts, chart-choice and ecomap grading and widgets."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from swtrain.cases import load_case, load_key
from swtrain.datasets import read_dataset
from swtrain.errors import CaseInvalid, DatasetInvalid, KeyInvalid
from swtrain.grading import grade_exercise
from swtrain.i18n import messages
from swtrain.models import Case, Key
from swtrain.reports.case_charts import chart_html, table_html
from swtrain.widgets import exercise_widget

from .conftest import MINI_ROOT

CASE_DIR = MINI_ROOT / "mini-data"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the mini data case to break."""
    shutil.copytree(MINI_ROOT, tmp_path / "casedata")
    return tmp_path / "casedata"


def test_the_table_has_numbers_categories_and_missing_cells(data_case: Case) -> None:
    table = read_dataset(CASE_DIR, data_case.dataset("scores"))
    assert table.rows == 8
    assert table.columns["self_efficacy"][:2] == (5.2, 6.1)
    assert table.columns["self_efficacy"][5] is None
    assert table.numbers("self_efficacy", {"time": "after"}) == [6.1, 4.5, 6.5]


def test_a_data_based_key_is_the_figure_computed_from_the_csv(data_key: Key) -> None:
    # after: (6.1 + 4.5 + 6.5) / 3 = 5.7; before: (5.2 + 4.0 + 6.3 + 7.0) / 4 = 5.625
    assert data_key.exercises["mean-change"].answer == pytest.approx(0.075)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("row", "field", "expected"),
    [
        ("M01,after,high,a", "self_efficacy", "a number, or an empty cell for a missing value"),
        ("M01,later,6.1,a", "time", "one of before, after"),
        ("M01,after,6.1", "row", "4 cells, one per column of the header"),
        ("M01,after,inf,a", "self_efficacy", "a finite number"),
    ],
)
def test_a_bad_cell_names_the_file_line_column_and_what_was_expected(
    copy: Path, row: str, field: str, expected: str
) -> None:
    path = copy / "mini-data" / "scores.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DatasetInvalid) as caught:
        load_case("mini-data", copy)
    problem = caught.value.problems[0]
    assert (problem.field, problem.line, problem.expected) == (field, 3, expected)
    assert f"{path}:3: {field}:" in str(caught.value)


def test_a_missing_column_or_file_is_named(copy: Path) -> None:
    path = copy / "mini-data" / "scores.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("self_efficacy", "efficacy"), encoding="utf-8")
    with pytest.raises(DatasetInvalid, match=r"scores.csv:1: header.self_efficacy: .* a column named 'self_efficacy'"):
        load_case("mini-data", copy)
    path.unlink()
    with pytest.raises(DatasetInvalid, match=r"file: found 'scores.csv', expected a CSV file beside case.yaml"):
        load_case("mini-data", copy)


def test_a_chart_naming_an_undeclared_column_is_refused_with_its_line(copy: Path) -> None:
    path = copy / "mini-data" / "case.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("y: self_efficacy, units", "y: mood, units"), "utf-8")
    with pytest.raises(CaseInvalid) as caught:
        load_case("mini-data", copy)
    assert caught.value.problems[0].field == "sections.0.chart"
    assert caught.value.problems[0].line == 11  # the line of `chart:` in the section
    assert "a column of dataset 'scores' (member, time, self_efficacy, group)" in str(caught.value)


def test_a_data_key_naming_a_missing_value_is_refused(copy: Path, data_case: Case) -> None:
    path = copy / "mini-data" / "key.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("where: {time: after}", "where: {time: later}"), "utf-8")
    with pytest.raises(KeyInvalid, match=r"exercises.mean-change.answer.where.time: found 'later', expected one of"):
        load_key(load_case("mini-data", copy), copy)


# --- grading -------------------------------------------------------------------


def grade(
    data_case: Case, data_key: Key, exercise_id: str, value: Any, language: str = "en", reveal: bool = True
) -> Any:
    exercise = data_case.exercise(exercise_id)
    return grade_exercise(exercise, data_key.exercises[exercise_id], value, 0, messages(language), reveal)


def test_chart_choice_is_graded_like_a_single_choice(data_case: Case, data_key: Key) -> None:
    assert grade(data_case, data_key, "pick-chart", "lines").status == "correct"
    wrong = grade(data_case, data_key, "pick-chart", "hist")
    assert wrong.status == "incorrect"
    # the feedback line names the option it is about, and the reveal names the right one
    assert "“A histogram”: A histogram mixes before and after." in wrong.feedback
    assert "The answer: “One line per member”" in wrong.feedback
    assert grade(data_case, data_key, "pick-chart", "pie").status == "invalid"


def test_numeric_read_from_data_within_tolerance(data_case: Case, data_key: Key) -> None:
    assert grade(data_case, data_key, "mean-change", 0.1).status == "correct"
    assert grade(data_case, data_key, "mean-change", 0.2).status == "incorrect"


def test_ecomap_full_partial_and_empty(data_case: Case, data_key: Key) -> None:
    right = {"hospital": {"kind": "strong", "flow": "both"}, "insurance": {"kind": "stressful", "flow": "to_centre"}}
    assert grade(data_case, data_key, "ecomap", right).score == 3
    # hospital right (1), insurance kind wrong but flow right (0.5), the faith group wrongly placed (0): 1.5 of 3
    half = {
        "hospital": {"kind": "strong", "flow": "both"},
        "insurance": {"kind": "strong", "flow": "to_centre"},
        "church": {"kind": "tenuous", "flow": "none"},
    }
    result = grade(data_case, data_key, "ecomap", half)
    assert result.status == "partial" and result.score == pytest.approx(1.5)
    assert any("Medical insurance: not strong" in line and "It is stressful" in line for line in result.feedback)
    assert any("A faith group: this system has no link" in line for line in result.feedback)
    assert any("Claims are slow" in line for line in result.feedback)
    hidden = grade(data_case, data_key, "ecomap", half, reveal=False)
    assert not any("It is stressful" in line for line in hidden.feedback)
    chinese = grade(data_case, data_key, "ecomap", half, language="zh")
    assert any("医疗保险：不是“紧密的关系”" in line for line in chinese.feedback)
    assert grade(data_case, data_key, "ecomap", {}).status == "unanswered"


@pytest.mark.parametrize(
    "value",
    [
        ["hospital"],
        {"zoo": {"kind": "strong", "flow": "both"}},
        {"hospital": {"kind": "close", "flow": "both"}},
        {"hospital": {"kind": "strong"}},
        {"hospital": "strong"},
    ],
)
def test_an_ecomap_answer_that_does_not_fit_scores_zero_with_a_reason(
    data_case: Case, data_key: Key, value: Any
) -> None:
    result = grade(data_case, data_key, "ecomap", value)
    assert result.status == "invalid" and result.score == 0


# --- charts ----------------------------------------------------------------------


def png_of(html: str) -> bytes:
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, html[:200]
    return base64.b64decode(match.group(1))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_chart_of_the_case_draws_a_png_in_the_language(data_case: Case, language: str) -> None:
    for _where, chart in data_case.charts():
        html = chart_html(data_case, chart, language, CASE_DIR)
        assert png_of(html).startswith(b"\x89PNG")
        assert f'data-kind="{chart.kind}"' in html
    first = chart_html(data_case, data_case.sections[0].chart, language, CASE_DIR)  # type: ignore[arg-type]
    assert ("每位组员" if language == "zh" else "Each member") in first


def test_the_table_shows_labels_in_the_language_and_missing_cells(data_case: Case) -> None:
    html = table_html(data_case, "scores", "zh", CASE_DIR)
    assert "<th>自我效能（1-10）</th>" in html and "<td>小组前</td>" in html and "<td>–</td>" in html
    assert "共 8 行" in html


# --- widgets ---------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __call__(self, exercise_id: str, value: Any) -> None:
        self.calls.append((exercise_id, value))


def widget_for(data_case: Case, exercise_id: str, value: Any = None, language: str = "en") -> tuple[Any, Recorder]:
    recorder = Recorder()
    widget = exercise_widget(
        data_case.exercise(exercise_id),
        value=value,
        variant=0,
        msg=messages(language),
        on_answer=recorder,
        draw=lambda chart: chart_html(data_case, chart, language, CASE_DIR),
    )
    return widget, recorder


def test_chart_choice_widget_shows_each_chart_and_keeps_one_chosen(data_case: Case) -> None:
    widget, recorder = widget_for(data_case, "pick-chart")
    assert widget.value is None
    assert all("data:image/png" in card.children[0].value for card in widget.controls.children)
    widget.buttons["hist"].value = True
    widget.buttons["lines"].value = True
    assert recorder.calls == [("pick-chart", "hist"), ("pick-chart", "lines")]
    assert not widget.buttons["hist"].value and widget.value == "lines"
    widget.buttons["lines"].value = False  # clicking the chosen chart again keeps it chosen
    assert widget.value == "lines" and len(recorder.calls) == 2
    restored, _ = widget_for(data_case, "pick-chart", value="bars")
    assert restored.value == "bars" and restored.buttons["bars"].value


def test_a_numeric_exercise_shows_its_chart_with_the_prompt(data_case: Case) -> None:
    widget, _ = widget_for(data_case, "mean-change")
    assert "data:image/png" in widget.prompt.value
    assert "swtrain-given" not in widget.prompt.value


def test_ecomap_widget_saves_finished_links_and_draws_as_it_is_built(data_case: Case) -> None:
    widget, recorder = widget_for(data_case, "ecomap", language="zh")
    assert 'class="swtrain-ecomap-system"' not in widget.drawing.value
    widget.kind["hospital"].value = "strong"
    assert recorder.calls == []  # no flow yet: nothing half-set is saved
    assert 'data-system="hospital" data-kind="strong"' in widget.drawing.value
    assert "医院" in widget.hint.value
    widget.flow["hospital"].value = "both"
    assert recorder.calls == [("ecomap", {"hospital": {"kind": "strong", "flow": "both"}})]
    widget.kind["insurance"].value = "stressful"
    widget.flow["insurance"].value = "to_centre"
    assert "<polyline" in widget.drawing.value and 'marker-start="url(#arrow-stressful)"' in widget.drawing.value
    widget.kind["hospital"].value = ""  # taken away again
    assert recorder.calls[-1] == ("ecomap", {"insurance": {"kind": "stressful", "flow": "to_centre"}})
    assert widget.flow["hospital"].disabled


def test_ecomap_widget_restores_a_saved_answer_and_ignores_what_does_not_fit(data_case: Case) -> None:
    saved = {"insurance": {"kind": "tenuous", "flow": "from_centre"}, "hospital": {"kind": "close", "flow": "x"}}
    widget, recorder = widget_for(data_case, "ecomap", value=saved)
    assert widget.value == {"insurance": {"kind": "tenuous", "flow": "from_centre"}}
    assert widget.kind["hospital"].value == "" and recorder.calls == []
    assert 'stroke-dasharray="7 6"' in widget.drawing.value


# --- screening -------------------------------------------------------------------

KEY_RATINGS = {"1": "2", "2": "2", "3": "1", "4": "2", "5": "1", "6": "1", "7": "2", "8": "0", "9": "0"}


def test_a_screening_answer_matching_the_key_earns_every_point(data_case: Case, data_key: Key) -> None:
    answer = {"items": KEY_RATINGS, "result": {"total": "11", "band": "2", "next": "refer"}}
    result = grade(data_case, data_key, "phq9", answer)
    assert result.status == "correct" and result.score == 5
    assert "Ratings: 9 of 9 items match what the case shows." in result.feedback


def test_total_and_band_are_judged_on_the_trainees_own_ratings(data_case: Case, data_key: Key) -> None:
    # item 1 rated 0 (2 off: outside the tolerance of 1): the own total is 9, mild (band 1)
    ratings = {**KEY_RATINGS, "1": "0"}
    consistent = grade(
        data_case, data_key, "phq9", {"items": ratings, "result": {"total": "9", "band": "1", "next": "refer"}}
    )
    assert consistent.score == pytest.approx(5 * (0.4 * 8 / 9 + 0.2 + 0.2 + 0.2), abs=1e-4)
    assert "Look again at items 1." in consistent.feedback
    wrong_sum = grade(
        data_case, data_key, "phq9", {"items": ratings, "result": {"total": "11", "band": "1", "next": "refer"}}
    )
    assert wrong_sum.score == pytest.approx(5 * (0.4 * 8 / 9 + 0.2 + 0.2), abs=1e-4)
    assert "Your ratings give 9." in wrong_sum.feedback
    hidden = grade(data_case, data_key, "phq9", {"items": ratings, "result": {"total": "11"}}, reveal=False)
    assert "Check the total of your ratings." in hidden.feedback and "Your ratings give 9." not in hidden.feedback


def test_an_item_9_rating_above_0_makes_a_safety_assessment_the_right_next_step(data_case: Case, data_key: Key) -> None:
    ratings = {**KEY_RATINGS, "9": "1"}
    refer = grade(
        data_case, data_key, "phq9", {"items": ratings, "result": {"total": "12", "band": "2", "next": "refer"}}
    )
    assert refer.score == pytest.approx(5 * 0.8)
    assert any("a safety assessment comes before anything else" in line for line in refer.feedback)
    assert "The next step: “Assess her safety now”" in refer.feedback
    safety = grade(
        data_case, data_key, "phq9", {"items": ratings, "result": {"total": "12", "band": "2", "next": "safety"}}
    )
    assert safety.score == pytest.approx(5.0)


def test_unscorable_ratings_and_answers_that_do_not_fit(data_case: Case, data_key: Key) -> None:
    few = grade(data_case, data_key, "phq9", {"items": {"1": "2"}, "result": {"next": "watch"}}, language="zh")
    assert few.status == "partial"
    assert "你的评分暂时无法计分：还有 8 项未评分。" in few.feedback
    assert "“观察，两周后再筛查”：中度得分且压力如此之大，不能只是等待。" in few.feedback  # names the step chosen
    assert "正确的下一步：“转介至精神科联络会诊团队”" in few.feedback
    for bad in (
        {"items": {"1": "7"}},
        {"items": {"12": "1"}},
        {"result": {"next": "pray"}},
        {"result": {"band": "9"}},
        ["1"],
    ):
        result = grade(data_case, data_key, "phq9", bad)
        assert result.status == "invalid" and result.score == 0, bad


def test_a_screening_key_that_does_not_fit_its_instrument_is_refused(copy: Path) -> None:
    path = copy / "mini-data" / "key.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1: 2, 2: 2,", "1: 4, 2: 2,").replace("next_step: refer", "next_step: wait"), "utf-8")
    with pytest.raises(KeyInvalid) as caught:
        load_key(load_case("mini-data", copy), copy)
    described = str(caught.value)
    assert "exercises.phq9.items.1: found 4, expected one of 0, 1, 2, 3" in described
    assert "exercises.phq9.next_step: found 'wait', expected one of the next_steps (refer, safety, watch)" in described
    case_path = copy / "mini-data" / "case.yaml"
    case_path.write_text(
        case_path.read_text(encoding="utf-8").replace("instrument: phq-9", "instrument: phq9"), "utf-8"
    )
    with pytest.raises(
        CaseInvalid, match=r"instrument: found 'phq9', expected an instrument id .* Did you mean 'phq-9'\?"
    ):
        load_case("mini-data", copy)


def test_the_screening_form_saves_ratings_and_result_and_restores_them(data_case: Case) -> None:
    widget, recorder = widget_for(data_case, "phq9", language="zh")
    assert len(widget.items) == 10 and all(b.value is None for b in widget.items.values())
    assert "完全不会" in [label for label, _ in widget.items[1].options]
    footer = widget.controls.children[-1].value
    assert "No permission required" not in footer and "无需许可" in footer and "教学译文" in footer
    assert "Kroenke" in footer
    widget.items[1].value = 2
    widget.total.value = "１１"  # full-width digits, as a Chinese keyboard may give
    widget.band.value = "2"
    widget.next_step.value = "refer"
    assert recorder.calls[-1] == (
        "phq9",
        {"items": {"1": "2"}, "result": {"total": "11", "band": "2", "next": "refer"}},
    )
    widget.total.value = "eleven"
    assert "不是数字；未保存" in widget.status.value
    assert len(recorder.calls) == 4
    restored, _ = widget_for(data_case, "phq9", value=recorder.calls[-1][1])
    assert restored.items[1].value == 2 and restored.band.value == "2" and restored.next_step.value == "refer"


def test_in_practice_mode_item_9_above_0_brings_up_the_safety_prompt_at_once(data_case: Case) -> None:
    practice = exercise_widget(
        data_case.exercise("phq9"), value=None, variant=0, msg=messages("en"), on_answer=Recorder(), practice=True
    )
    assert practice.safety.value == ""
    practice.items[9].value = 1
    assert "Safety first" in practice.safety.value and "thoughts of death or self-harm" in practice.safety.value
    practice.items[9].value = 0
    assert practice.safety.value == ""
    assessed, _ = widget_for(data_case, "phq9")
    assessed.items[9].value = 2
    assert assessed.safety.value == ""


# --- the chart cache ----------------------------------------------------------------------


def test_a_cached_chart_is_not_drawn_again_and_a_changed_csv_is(
    data_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import swtrain.reports.case_charts as case_charts

    monkeypatch.setenv("SWTRAIN_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(CASE_DIR, tmp_path / "mini-data")
    chart = data_case.sections[0].chart
    assert chart is not None
    drawn: list[str] = []
    draw = case_charts._draw_png

    def counting(*args: Any) -> bytes:
        drawn.append(args[2])
        return draw(*args)

    monkeypatch.setattr(case_charts, "_draw_png", counting)
    first = case_charts.chart_png(data_case, chart, "en", tmp_path / "mini-data")
    assert case_charts.chart_png(data_case, chart, "en", tmp_path / "mini-data") == first
    assert drawn == ["en"] and len(list((tmp_path / "cache").glob("*.png"))) == 1
    case_charts.chart_png(data_case, chart, "zh", tmp_path / "mini-data")
    csv_path = tmp_path / "mini-data" / "scores.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace("5.2", "3.2"), encoding="utf-8")
    case_charts.chart_png(data_case, chart, "en", tmp_path / "mini-data")
    assert drawn == ["en", "zh", "en"]


def test_a_cache_that_cannot_be_written_is_not_used(
    data_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import swtrain.reports.case_charts as case_charts

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("SWTRAIN_CACHE_DIR", str(blocker / "cache"))
    chart = data_case.sections[0].chart
    assert chart is not None
    assert case_charts.chart_png(data_case, chart, "en", CASE_DIR).startswith(b"\x89PNG")


def test_feedback_mode_draws_the_trainees_ecomap(
    data_case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from swtrain.notebook import CaseSession
    from swtrain.store import FileStore

    from .conftest import answers

    monkeypatch.setenv("SWTRAIN_CASEDATA", str(MINI_ROOT))  # the case's charts are drawn from its folder
    built = {"insurance": {"kind": "stressful", "flow": "to_centre"}}
    responses = answers("mini-data", {"ecomap": built})
    session = CaseSession(data_case, load_key(data_case, MINI_ROOT), FileStore(tmp_path), responses, "feedback")
    page = session._feedback_html()
    assert page.count('class="swtrain-ecomap-drawing"') == 1
    assert 'data-system="insurance" data-kind="stressful" data-flow="to_centre"' in page


# --- the ecomap drawing ------------------------------------------------------------

_CIRCLE = re.compile(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"')
_VIEW = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


def casedata_ecomaps() -> list[Any]:
    from swtrain.cases import case_ids
    from swtrain.exercises.ecomap import Ecomap

    found = []
    for case_id in case_ids():
        for exercise in load_case(case_id).exercises:
            if isinstance(exercise, Ecomap):
                found += [pytest.param(exercise, lang, id=f"{case_id}-{exercise.id}-{lang}") for lang in ("en", "zh")]
    assert found, "casedata/ has an ecomap"
    return found


@pytest.mark.parametrize(("exercise", "language"), casedata_ecomaps())
def test_every_ecomap_label_fits_its_circle_and_no_circles_overlap(exercise: Any, language: str) -> None:
    from swtrain.exercises.ecomap_drawing import node_label, svg

    msg = messages(language)
    systems = [(s.value, s.label.get(language)) for s in exercise.systems]
    drawn = svg(
        exercise.centre.get(language), systems, {v: {"kind": "strong", "flow": "both"} for v, _ in systems}, msg
    )
    circles = [tuple(map(float, m)) for m in _CIRCLE.findall(drawn)]
    width, height = map(float, _VIEW.search(drawn).groups())  # type: ignore[union-attr]
    assert len(circles) == len(systems) + 1
    for number, (x, y, r) in enumerate(circles):
        assert r <= x <= width - r and r <= y <= height - r, "a circle reaches past the drawing's edge"
        for x2, y2, r2 in circles[number + 1 :]:
            assert ((x - x2) ** 2 + (y - y2) ** 2) ** 0.5 >= r + r2, "two circles overlap"
    for text in [exercise.centre.get(language), *(label for _, label in systems)]:
        node = node_label(text, 12, 40)
        assert "".join(node.lines).replace(" ", "") == text.replace(" ", ""), "a label lost text"
        assert (node.width / 2) ** 2 + (node.height / 2) ** 2 <= node.radius**2, f"{text!r} is wider than its circle"
        for line in node.lines:
            assert f">{line.replace(chr(39), '&#x27;')}<" in drawn or f">{line}<" in drawn


def test_a_long_label_makes_its_circle_larger_rather_than_being_cut() -> None:
    from swtrain.exercises.ecomap_drawing import node_label

    short, long = node_label("学校", 12, 40), node_label("社区卫生服务中心的家庭医生签约团队", 12, 40)
    assert short.radius == 40 and len(short.lines) == 1
    assert long.radius > 40 and len(long.lines) >= 3
    assert "".join(long.lines) == "社区卫生服务中心的家庭医生签约团队"
    assert max(len(line) for line in long.lines) <= 7
