"""The course index: JupyterLab's static list with a link per case, the app's list, the trainee's progress."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

from swtrain.cases import cases_by_module, load_case, load_modules
from swtrain.course_index import case_notebook, course_widget, index_markdown
from swtrain.progress import remembered_language
from swtrain.store import FileStore

from .conftest import ROOT, answers


def test_the_lab_index_links_every_case_to_its_own_notebook_in_both_languages() -> None:
    text = index_markdown()
    assert "### Crisis intervention and cognitive-behavioural case work · 危机干预与认知行为个案工作" in text
    links = re.findall(r"^- \[(.+) · (.+)\]\((cases/[a-z0-9-]+\.ipynb)\)$", text, flags=re.MULTILINE)
    every_case = [case for cases in cases_by_module().values() for case in cases]
    assert len(links) == len(every_case) >= 9
    for case in every_case:
        assert (case.title.en, case.title.zh, f"cases/{case.id}.ipynb") in links
        assert (ROOT / "notebooks" / case_notebook(case.id)).is_file()  # built by scripts/build_notebooks.py
    # the three cases that were not the default of their module open with one click too
    for case_id in ("child-far-from-home-cbt", "infant-heart-family", "kidney-ward-group"):
        assert f"(cases/{case_id}.ipynb)" in text


@pytest.mark.parametrize(("language", "heading"), [("en", "Modules and cases"), ("zh", "模块与案例")])
def test_the_app_index_links_every_case_in_its_language(language: str, heading: str, tmp_path: Path) -> None:
    index = course_widget("zh" if language == "en" else "en", "t001", tmp_path)
    switch, listing = index.children
    switch.value = language  # as a trainee clicks English or 中文
    assert heading in listing.value and f'data-swtrain-language="{language}"' in listing.value
    assert switch.description == ("Language" if language == "en" else "语言")
    notebooks = {m.id: m.notebook for m in load_modules()}
    grouped = cases_by_module()
    for module_id, cases in grouped.items():
        assert (ROOT / "notebooks" / notebooks[module_id]).is_file()
        for case in cases:
            link = f'href="{notebooks[module_id]}?case_id={case.id}&amp;language={language}"'
            assert re.search(rf"{re.escape(link)}>{re.escape(escape(case.title.get(language)))}</a>", listing.value)
    assert listing.value.count('class="swtrain-case-link"') == sum(len(cases) for cases in grouped.values())
    assert "text-decoration:underline" in listing.value  # a link looks like a link
    assert remembered_language(tmp_path, "t001") == language  # the next page opens in it


@pytest.mark.parametrize(
    ("language", "started", "new"),
    [
        ("en", "2 of 6 answered · last saved ", "Not started: 6 exercises"),
        ("zh", "已答 2 / 6 道 · 最近保存于 ", "尚未开始"),
    ],
)
def test_the_app_index_shows_progress_per_case(language: str, started: str, new: str, tmp_path: Path) -> None:
    case = load_case("child-in-crisis")
    first, second = (e.id for e in case.exercises[:2])
    FileStore(tmp_path).save(answers("child-in-crisis", {first: "x", second: "y"}, trainee="t001"))
    listing = course_widget(language, "t001", tmp_path).children[1].value
    total = len(case.exercises)
    started = started.replace("6", str(total))
    item = re.search(rf'case_id=child-in-crisis&amp;language={language}".*?</li>', listing)
    assert item and "swtrain-progress-started" in item.group(0) and started in item.group(0)
    other = re.search(rf'case_id=kidney-ward-group&amp;language={language}".*?</li>', listing)
    assert other and "swtrain-progress-new" in other.group(0) and new.split(":")[0] in other.group(0)
    other_trainee = course_widget(language, "t002", tmp_path).children[1].value
    assert "swtrain-progress-started" not in other_trainee  # another trainee's answers are not theirs
