"""A trainee's progress in each case, read from the answer files, and the language they last chose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from swtrain.i18n import messages
from swtrain.models import Case
from swtrain.progress import (
    LANGUAGE_FILE,
    CaseProgress,
    case_progress,
    progress_text,
    remember_language,
    remembered_language,
    trainee_progress,
    unanswered,
    unanswered_html,
)
from swtrain.store import FileStore, MemoryStore

from .conftest import NOW, answers


def test_no_answer_file_is_not_started(mini_case: Case) -> None:
    assert case_progress(mini_case, None) == CaseProgress("mini", 0, 6)


def test_answered_counts_answers_that_say_something_and_the_last_save_is_the_latest(mini_case: Case) -> None:
    saved = answers("mini", {"pick-one": "risk", "plan": "   ", "pick-many": [], "total": 3.0})
    later = NOW + timedelta(minutes=5)
    saved = saved.with_answer("sort", {"debt": "economy"}, later)
    progress = case_progress(mini_case, saved)
    assert (progress.answered, progress.total, progress.last_saved) == (3, 6, later)
    assert [(n, e.id) for n, e in unanswered(mini_case, saved)] == [(2, "pick-many"), (3, "order"), (6, "plan")]


def test_a_broken_answer_file_is_a_problem_of_its_case_only(tmp_path: Path, mini_case: Case) -> None:
    store = FileStore(tmp_path)
    (tmp_path / "t001").mkdir()
    (tmp_path / "t001" / "mini.json").write_text("{broken", encoding="utf-8")
    [progress] = trainee_progress(store, "t001", [mini_case]).values()
    assert progress.problem and "not valid JSON" in progress.problem
    assert progress_text(progress, messages("zh")) == "无法读取你在本案例中的答案文件，请告知教师。"
    assert trainee_progress(store, "t002", [mini_case]) == {"mini": CaseProgress("mini", 0, 6)}


@pytest.mark.parametrize(
    ("language", "today", "another_day", "new"),
    [
        (
            "en",
            "2 of 6 answered · last saved 09:30:00",
            "2 of 6 answered · last saved 2 Mar 2026 09:30",
            "Not started: 6 exercises",
        ),
        (
            "zh",
            "已答 2 / 6 道 · 最近保存于 09:30:00",
            "已答 2 / 6 道 · 最近保存于 2026年3月2日 09:30",
            "尚未开始：共 6 道练习",
        ),
    ],
)
def test_progress_reads_in_the_trainee_language(language: str, today: str, another_day: str, new: str) -> None:
    msg = messages(language)
    at = datetime(2026, 3, 2, 9, 30).astimezone()  # local time, as the trainee's clock shows it
    started = CaseProgress("mini", 2, 6, at.astimezone(UTC))
    assert progress_text(started, msg, now=at) == today
    assert progress_text(started, msg, now=at + timedelta(days=1)) == another_day
    assert progress_text(CaseProgress("mini", 0, 6), msg) == new


def test_the_unanswered_list_links_each_exercise_in_the_trainee_language(mini_case: Case) -> None:
    saved = answers("mini", {"pick-one": "risk", "pick-many": ["a"], "order": ["a"], "sort": {"x": "y"}})
    html = unanswered_html(mini_case, saved, messages("zh"))
    assert "还有 2 道练习未作答：" in html
    assert '<a href="#swtrain-exercise-total"' in html and ">5. 总分</a>" in html and ">6. 计划</a>" in html
    assert "scrollIntoView" in html and "swtrain-exercise-plan" in html and "pick-one" not in html
    one_left = unanswered_html(mini_case, saved.with_answer("total", 3.0, NOW), messages("en"))
    assert "1 exercise still has no answer:" in one_left and ">6. Plan</a>" in one_left
    done = saved.with_answer("total", 3.0, NOW).with_answer("plan", "Safety first.", NOW)
    assert "Every exercise has an answer." in unanswered_html(mini_case, done, messages("en"))


def test_the_language_choice_is_kept_beside_the_answers_and_passed_by_grading(tmp_path: Path) -> None:
    assert remembered_language(tmp_path, "t001") is None
    remember_language(tmp_path, "t001", "zh")
    assert remembered_language(tmp_path, "t001") == "zh"
    assert (tmp_path / "t001" / LANGUAGE_FILE).read_text(encoding="utf-8") == "zh\n"
    remember_language(tmp_path, "t001", "en")
    assert remembered_language(tmp_path, "t001") == "en"
    (tmp_path / "t001" / LANGUAGE_FILE).write_text("klingon", encoding="utf-8")
    assert remembered_language(tmp_path, "t001") is None  # a file that says nothing known chooses nothing

    from swtrain.submissions import iter_submissions

    assert list(iter_submissions(tmp_path)) == []  # not an answer file, and no line in problems.csv


def test_a_folder_that_cannot_be_written_keeps_the_old_choice(tmp_path: Path) -> None:
    (tmp_path / "t001").write_text("a file where the folder should be", encoding="utf-8")
    remember_language(tmp_path, "t001", "zh")  # no error: the answers report what cannot be saved
    assert remembered_language(tmp_path, "t001") is None


def test_progress_reads_any_store(mini_case: Case) -> None:
    store = MemoryStore()
    store.save(answers("mini", {"plan": "Call the ward."}))
    assert trainee_progress(store, "t001", [mini_case])["mini"].answered == 1


def test_dates_and_language_names_are_cldrs_without_loading_cldr_in_the_kernel() -> None:
    """The written-out medium dates and language names are what babel's CLDR data says, for every month."""
    from datetime import date

    from babel import Locale
    from babel.dates import format_date

    from swtrain.i18n import NATIVE_NAMES, language_name
    from swtrain.progress import medium_date

    for month in range(1, 13):
        for day in (date(2026, month, 1), date(2031, month, 28)):
            assert medium_date(day, "en") == format_date(day, "medium", locale="en_GB")
            assert medium_date(day, "zh") == format_date(day, "medium", locale="zh_Hans_CN")
    assert medium_date(date(2026, 3, 2), "fr") == format_date(date(2026, 3, 2), "medium", locale="fr")
    for code in NATIVE_NAMES:
        assert language_name(code) == Locale.parse(code).get_display_name(code)
    assert language_name("fr") == "français"
