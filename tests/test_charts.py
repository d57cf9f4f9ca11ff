"""Cohort charts and tables from a graded demo cohort, in both languages; the instructor's cohort notebook."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import papermill
import pytest
from matplotlib import font_manager
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from swtrain.cases import load_case
from swtrain.cohort import grade_cohort
from swtrain.demo import write_demo_cohort
from swtrain.errors import SwtrainError
from swtrain.i18n import messages
from swtrain.reports import charts, cohort_data

from .conftest import MINI_ROOT, ROOT
from .test_module_notebook import outputs_text

NOTEBOOK = ROOT / "notebooks" / "instructor" / "grade_cohort.ipynb"
CASE = "child-in-crisis"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graded demo cohort of 30 files, one of them broken."""
    root = tmp_path_factory.mktemp("cohort")
    write_demo_cohort(CASE, 30, 1, root / "subs")
    grade_cohort(root / "subs", root / "out")
    return root / "out"


def texts(figure: Figure) -> list[str]:
    """Every text the figure shows, tick labels included (they are made when it is drawn)."""
    figure.canvas.draw()
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


def test_summary_table_counts_cases_and_answers_pending(out: Path) -> None:
    table = charts.summary_table(out, "en")
    assert list(table.columns) == [
        "Graded files",
        "Answers pending review",
        "Trainees with every answer marked",
        "Mean percent of the points marked so far",
    ]
    assert list(table.index) == ["All cases", "A child in crisis far from home"]
    everything = table.loc["All cases"]
    gradebook = cohort_data.read_gradebook(out)
    assert everything["Graded files"] == 29
    assert everything["Answers pending review"] == gradebook["needs_review"].sum() > 0
    assert everything["Trainees with every answer marked"] == (gradebook["needs_review"] == 0).sum()
    marked = cohort_data.marked_percent(gradebook, {CASE: load_case(CASE)})
    assert everything["Mean percent of the points marked so far"] == round(marked.mean(), 1)
    # answers pending review are not counted as 0: the mean of the marked points is above the gradebook's
    assert marked.mean() > gradebook["percent"].mean()
    assert cohort_data.file_counts(out) == {"files": 30, "graded": 29, "not_graded": 1, "skipped": 0}
    zh = charts.summary_table(out, "zh")
    assert list(zh.columns)[:2] == ["已评分文件", "待评阅答案"] and "异地就医中的危机儿童" in zh.index


def test_problems_table_tells_the_broken_file_in_the_language(out: Path) -> None:
    table = charts.problems_table(out, "zh")
    assert list(table.columns) == ["文件", "问题", "处理办法", "已评分"]
    assert len(table) == 1 and table.iloc[0]["已评分"] == "否"
    assert table.iloc[0]["文件"].endswith(f"{CASE}.json")
    assert table.iloc[0]["问题"] == "文件已损坏：不是有效的 JSON，无法读取。"
    assert table.iloc[0]["处理办法"].startswith("该文件未评分。")


def test_score_distribution_has_one_group_per_case(out: Path) -> None:
    figure = charts.score_distribution(out, "en")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A child in crisis far from\nhome"]
    assert ax.get_title() == "Scores per case" and ax.get_xlabel() == "Percent of the points marked so far"
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in dots) == 29  # one per graded file, filled or hollow
    assert "answers pending review (left out)" in texts(figure)
    zh = texts(charts.score_distribution(cohort_data.read_gradebook(out), "zh"))
    assert "各案例得分分布" in zh and "异地就医中的危机儿童" in zh


def test_exercise_difficulty_is_sorted_hardest_first_and_labelled(out: Path) -> None:
    case = load_case(CASE)
    figure = charts.exercise_difficulty(out, "zh")
    ax = figure.axes[0]
    assert len(ax.patches) == len(case.exercises) == 14
    shown = texts(figure)
    assert "各练习的难度（最难的排在最前）" in shown and "获得满分的学员比例（在已评分的答案中）" in shown
    assert "首要任务" in shown
    # the free-text exercises wait for a person: said on the label, and never drawn as a 0
    assert len({t for t in shown if "份待评阅）" in t.replace("\n", "")}) == 2
    rows = cohort_data.difficulty_rows(cohort_data.read_gradebook(out), case, "zh")
    shares = [share for _, share, _, _ in rows]
    assert [p.get_width() for p in ax.patches] == pytest.approx([0 if s != s else s for s in shares])
    marked = [share for share in shares if share == share]
    assert marked == sorted(marked)
    assert [t.get_text() for t in ax.texts] == [charts.difficulty_value(r, messages("zh")) for r in rows]


def test_an_answer_pending_review_is_left_out_of_the_percent_never_counted_0() -> None:
    case = load_case("mini", MINI_ROOT)  # plan (5 points) waits for a person for trainee a
    fixed = {"case_id": "mini", "variant": 0, "language": "en", "max_score": 19}
    gradebook = pd.DataFrame(
        [
            {**fixed, "trainee_id": "a", "score": 7, "percent": 36.8, "needs_review": 1, "pick-one": "2",
             "pick-many": "2", "sort": "1", "total": "0", "order": "2", "plan": "review"},
            {**fixed, "trainee_id": "b", "score": 19, "percent": 100, "needs_review": 0, "pick-one": "2",
             "pick-many": "4", "sort": "4", "total": "1", "order": "3", "plan": "5"},
        ]
    )  # fmt: skip
    marked = cohort_data.marked_percent(gradebook, {"mini": case})
    assert marked.tolist() == pytest.approx([7 / 14 * 100, 100.0])  # a: 7 of the 14 points marked, not 7 of 19
    rows = {
        title: (share, n, waiting) for title, share, n, waiting in cohort_data.difficulty_rows(gradebook, case, "en")
    }
    assert rows[case.exercise("plan").title.en] == (1.0, 1, 1)  # one marked with full credit, one pending: not 50%
    assert cohort_data.pending_answers(gradebook, case)["plan"].tolist() == [True, False]


def test_competency_profile_labels_each_competency_in_the_language(out: Path) -> None:
    figure = charts.competency_profile(out, "zh")
    (ax,) = figure.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "1 伦理与专业行为",
        "6 建立关系",
        "7 预估",
        "8 介入",
        "9 评估",
    ]
    assert len(ax.patches) == 5
    assert "学员整体的能力概况（CSWE EPAS 2022 能力）" in texts(figure)
    assert charts.competency_labels("en")[7] == "7 Assess" and charts.competency_labels("zh")[7] == "7 预估"


def test_competency_shares_against_a_hand_computed_gradebook() -> None:
    # The mini case: competency 7 is pick-one (2), pick-many (4), sort (4), total (1); 8 is order (3), plan (5).
    case = load_case("mini", MINI_ROOT)
    fixed = {"case_id": "mini", "variant": 0, "language": "en", "score": 0, "max_score": 19, "percent": 0}
    gradebook = pd.DataFrame(
        [
            {**fixed, "trainee_id": "a", "pick-one": "2", "pick-many": "2", "sort": "4", "total": "0", "order": "3",
             "plan": "review"},
            {**fixed, "trainee_id": "b", "pick-one": "0", "pick-many": "4", "sort": "1", "total": "1", "order": "1.5",
             "plan": "5"},
        ]
    )  # fmt: skip
    shares = cohort_data.competency_shares(gradebook, {"mini": case})
    # a: 7 -> 8/11, 8 -> 3/3 (plan waits for a person: left out); b: 7 -> 6/11, 8 -> 6.5/8.
    assert shares.to_dict() == pytest.approx({7: (8 / 11 + 6 / 11) / 2, 8: (1 + 6.5 / 8) / 2})
    full = cohort_data.full_credit_shares(gradebook, case)
    assert full["pick-one"] == 0.5 and full["order"] == 0.5 and full["plan"] == 1.0 and full["total"] == 0.5


def test_a_chart_with_chinese_labels_saves_as_png_with_every_glyph(out: Path, tmp_path: Path) -> None:
    path = tmp_path / "difficulty.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes an error
        charts.exercise_difficulty(out, "zh").savefig(path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 20_000


def test_a_font_cache_older_than_the_font_is_rebuilt_once() -> None:
    manager = font_manager.fontManager
    manager.ttflist = [f for f in manager.ttflist if "CJK" not in f.name]
    manager._findfont_cached.cache_clear()
    assert "NotoSansCJK" in charts.cjk_font_path()
    assert font_manager.fontManager is manager  # backends hold this instance: it is refreshed, not replaced


def test_font_settings_leave_matplotlib_global_settings_alone(out: Path) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    charts.competency_profile(out, "zh")
    assert dict(matplotlib.rcParams) == before
    assert charts.font_settings("en") == {}


def test_an_unknown_case_to_chart_names_the_cases_there_are(out: Path) -> None:
    with pytest.raises(SwtrainError, match="'child-crisis' is not a case in the gradebook") as caught:
        charts.score_distribution(out, "en", cases="child-crisis")
    assert "child-in-crisis" in caught.value.hint


def run_cohort_notebook(tmp_path: Path, **parameters: Any) -> Any:
    return papermill.execute_notebook(
        str(NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
        parameters=parameters,
    )


def chart_images(nb: Any) -> list[str]:
    """Every chart image in the notebook's HTML outputs, as its <img> tag without the picture."""
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    return [re.sub(r'src="[^"]*"', "", tag) for tag in re.findall(r"<img [^>]*>", html)]


@pytest.mark.notebook
def test_papermill_grades_a_cohort_and_reports_it_in_chinese(tmp_path: Path) -> None:
    write_demo_cohort(CASE, 30, 1, tmp_path / "subs")
    nb = run_cohort_notebook(
        tmp_path, submissions_dir=str(tmp_path / "subs"), out_dir=str(tmp_path / "graded"), language="zh", cases=CASE
    )
    text = outputs_text(nb)
    # three cohort charts, the debrief of the case's scenario (its decisions and its path map), then the item map
    # and the case's options chart (30 trainees: too few in each language for the DIF chart), each with alt text
    images = chart_images(nb)
    assert len(images) == 7 and all(re.search(r'alt="[^"]{30,}"', tag) for tag in images)
    assert text.count("以表格查看") == 7  # each chart's data beside it
    assert "题目图：难度与区分度" not in text  # the chart's title is drawn, not written
    assert "请先看这些" in text or "成绩发布前，没有需要查看的练习或评阅人。" in text
    assert "暂时无法比较" in text and "评阅一致性" in text
    scenario = next(e for e in load_case(CASE).exercises if e.type == "scenario")
    assert f"异地就医中的危机儿童 · {scenario.title.zh}</h3>" in text
    assert "学员整体报告" in text and "全部案例" in text and "待评阅答案" in text
    assert "未评分" in text and f"{CASE}.json" in text and "文件已损坏" in text  # the problems table
    assert "Traceback" not in text
    assert (tmp_path / "graded" / "gradebook.csv").is_file()


@pytest.mark.notebook
def test_without_answer_files_the_notebook_explains_what_to_pass(tmp_path: Path) -> None:
    nb = run_cohort_notebook(tmp_path, language="zh")
    text = outputs_text(nb)
    assert "swtrain-error" in text and "submissions 不存在" in text and "submissions_dir" in text
    assert chart_images(nb) == []
    assert not (tmp_path / "graded").exists()
