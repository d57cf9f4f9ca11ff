"""A case chart's text alternative: alt text naming the kind of chart, and the figures it draws as a table."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from swtrain.datasets import read_dataset
from swtrain.i18n import messages
from swtrain.models import Case
from swtrain.reports.case_charts import chart_html
from swtrain.reports.chart_text import chart_table, describe

from .conftest import MINI_ROOT

CASE_DIR = MINI_ROOT / "mini-data"


def option_chart(case: Case, value: str) -> Any:
    options = case.exercise("pick-chart").options  # type: ignore[union-attr]
    return next(o.chart for o in options if o.value == value)


def rows(html: str) -> list[list[str]]:
    """The table's rows (header first) as the cells' text."""
    return [
        [unescape(re.sub("<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", html)
    ]


def table_of(case: Case, chart: Any, language: str = "en") -> list[list[str]]:
    return rows(chart_table(case, chart, read_dataset(CASE_DIR, case.dataset(chart.dataset)), messages(language)))


def test_the_alt_text_names_the_kind_of_chart_so_a_chart_choice_can_be_answered_unseen(data_case: Case) -> None:
    assert describe(data_case, option_chart(data_case, "lines"), "en") == (
        "Line chart: one line for each Member, joining their Self-efficacy (1-10) at each Time"
    )
    assert describe(data_case, option_chart(data_case, "hist"), "en").startswith("Histogram: ")
    assert describe(data_case, option_chart(data_case, "bars"), "en") == (
        "Bar chart: the mean of Self-efficacy (1-10) for each Time, with 95% intervals; colours show Group"
    )
    assert describe(data_case, option_chart(data_case, "bars"), "zh") == (
        "条形图：每个时间的自我效能（1-10）平均值，附 95% 置信区间；颜色表示小组"
    )


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_chart_carries_its_alt_text_and_its_figures_in_a_closed_details(data_case: Case, language: str) -> None:
    for _where, chart in data_case.charts():
        html = chart_html(data_case, chart, language, CASE_DIR)
        alt = unescape(re.search(r'alt="([^"]*)"', html).group(1))  # type: ignore[union-attr]
        assert describe(data_case, chart, language) in alt
        assert '<details class="swtrain-chart-data"><summary>' in html and "<details open" not in html
        summary = "以表格查看图中数据" if language == "zh" else "The chart's figures as a table"
        assert summary in unescape(html)
        if language == "zh":
            assert not re.search(r"[A-Za-z]{3,}", re.sub(r"<[^>]+>|M0\d", "", html.split("<img")[1].split(">", 1)[1]))
    titled = chart_html(data_case, data_case.sections[0].chart, "en", CASE_DIR)  # type: ignore[arg-type]
    assert 'alt="Each member. Line chart: one line for each Member' in titled


def test_a_line_chart_lists_each_unit_with_its_value_at_each_point(data_case: Case) -> None:
    assert table_of(data_case, option_chart(data_case, "lines")) == [
        ["Member", "Self-efficacy (1-10) · Before", "Self-efficacy (1-10) · After"],
        ["M01", "5.2", "6.1"],
        ["M02", "4", "4.5"],
        ["M03", "6.3", "–"],
        ["M04", "7", "6.5"],
    ]


def test_a_bar_chart_gives_each_group_its_count_mean_and_range_in_declared_order(data_case: Case) -> None:
    assert table_of(data_case, option_chart(data_case, "bars"), "zh") == [
        ["时间", "小组", "数量", "平均值", "最低", "中位数", "最高"],
        ["小组前", "A组", "2", "5.75", "5.2", "5.75", "6.3"],
        ["小组前", "B组", "2", "5.5", "4", "5.5", "7"],
        ["小组后", "A组", "1", "6.1", "6.1", "6.1", "6.1"],  # M03's missing score is not counted
        ["小组后", "B组", "2", "5.5", "4.5", "5.5", "6.5"],
    ]


def test_a_histogram_counts_every_value_once_in_ranges_that_meet(data_case: Case) -> None:
    table = table_of(data_case, option_chart(data_case, "hist"))
    assert table[0] == ["Self-efficacy (1-10)", "Count"]  # as the chart labels its axis
    assert sum(int(count) for _range, count in table[1:]) == 7  # eight rows, one missing
    assert table[1][0].startswith("4 to under ") and table[-1][0].endswith(" to 7")
    assert all(" to under " in text for text, _ in table[1:-1])
