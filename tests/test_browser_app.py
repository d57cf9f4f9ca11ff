"""The trainee app and JupyterLab's Chinese interface in a real browser: Debian's chromium, driven by Playwright.

`test_case_answered_in_the_app_survives_a_reload` starts the app with
`swtrain serve`'s own Voilà command line over a temporary copy of notebooks/,
opens the course index, switches it to 中文, follows the link of a case,
answers a radio option, two checkboxes, a number and a free text, waits until
the answer file on disk holds them, reloads the page and checks that every
widget shows its answer again. No code, input area or traceback may show.

`test_jupyterlab_switches_to_chinese` switches JupyterLab's interface the way
a trainee does, Settings → Language → Chinese (Simplified, China) - 中文 (简体,
中国) → "Change and reload", and checks that the menu bar then reads 文件 (File)
and 运行 (Run), and the Run menu offers 运行所有单元格 (Run All Cells).

Screenshots go to test-artifacts/. Run by hand without /usr/bin/chromium the
tests are skipped; with CI set they fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from swtrain.cases import load_case
from swtrain.models import Case

from .browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    Budget,
    LabServer,
    block_outside_requests,
    copy_notebooks,
    exercise,
    require_chromium,
    start_app,
    start_lab,
    stopping,
)
from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Playwright

pytestmark = pytest.mark.browser

CASE_ID = "child-in-crisis"
NOTEBOOK = "crisis_intervention.ipynb"
TRAINEE = "t-app-01"  # given to the server, as `swtrain serve --trainee` does; never in an address
ARTIFACTS = ROOT / "test-artifacts"
TOTAL_SECONDS = 120  # each test, server start to screenshot; a normal run takes about 30 s (app) and 15 s (lab)

SINGLE, MULTIPLE, NUMERIC, FREE_TEXT = "first-priority", "crisis-signs", "distress-total", "action-plan"
SINGLE_PICK = "lethality"
MULTIPLE_PICKS = ["coping-fails", "sleep-food"]
NUMBER = 17
FREE_TEXT_ANSWER = "第 5 天：与母亲一起制定安全计划，每天回访。Day 5: a safety plan with the mother."


@pytest.fixture
def budget() -> Budget:
    return Budget(TOTAL_SECONDS)


@pytest.fixture
def case() -> Case:
    return load_case(CASE_ID)


@pytest.fixture
def start_servers(tmp_path: Path, budget: Budget) -> Iterator[Callable[[str], Any]]:
    """Starts the app ("app") or JupyterLab ("lab") on a copy of notebooks/ (answers land under tmp_path).

    Started by the test, after the chromium check, so a missing chromium in CI
    is a test failure, not a setup error; always stopped here.
    """
    with stopping() as servers:

        def start(kind: str) -> Any:
            root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
            server = start_app(root, tmp_path, TRAINEE) if kind == "app" else start_lab(root, tmp_path)
            servers.append(server)
            server.wait_until_ready(budget)
            return server

        yield start


def launch(p: Playwright, budget: Budget) -> Browser:
    return p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=budget.ms(30))


def saved_answers(path: Path) -> dict[str, Any] | None:
    """The answer values in the answer file, or None while it is missing or mid-write."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return {key: answer["value"] for key, answer in data.get("answers", {}).items()}


def wait_for_case(page: Page, budget: Budget, exercises: int, check_all: str = "检查我的全部答案") -> None:
    """Wait until Voilà has run every cell: all exercises and the summary button are on the page."""
    from playwright.sync_api import expect

    expect(page.locator(".swtrain-exercise")).to_have_count(exercises, timeout=budget.ms(60))
    expect(page.get_by_role("button", name=check_all)).to_be_visible(timeout=budget.ms(30))


def assert_no_code_and_no_traceback(page: Page) -> None:
    from playwright.sync_api import expect

    # Markdown cells have an input area too (their rendered text); a code cell's must not be there.
    for code in (".jp-CodeCell .jp-InputArea", ".jp-InputArea-editor", ".jp-CodeMirrorEditor", ".cm-editor"):
        expect(page.locator(code)).to_have_count(0)
    expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)
    expect(page.locator(".swtrain-error")).to_have_count(0)
    body = page.inner_text("body")
    for text in ("Traceback", "import swtrain", "app_parameters", "There was an error"):
        assert text not in body


def screenshot_whole_app_page(page: Page, path: Path) -> None:
    """A screenshot of the whole page: Voilà scrolls inside #rendered_cells, so the window grows to fit it."""
    height = int(page.evaluate("() => document.querySelector('#rendered_cells').scrollHeight"))
    page.set_viewport_size({"width": 1280, "height": min(max(height, 900), 30000)})
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def fail_with_context(page: Page, log_tail: str, errors: list[str], screenshot: Path) -> None:
    print("--- server log (tail) ---", log_tail, "--- page errors ---", *errors, sep="\n")
    try:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True, timeout=10_000)
        print(f"failure screenshot: {screenshot}")
    except Exception as exc:  # the page may be gone; the log above still helps
        print(f"no failure screenshot: {exc}")


def test_case_answered_in_the_app_survives_a_reload(
    start_servers: Callable[[str], Any], budget: Budget, case: Case
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    app: AppServer = start_servers("app")
    screenshot, failure = ARTIFACTS / "app-crisis-intervention-zh.png", ARTIFACTS / "app-failure.png"
    for stale in (screenshot, failure):
        stale.unlink(missing_ok=True)
    answer_file = app.root / "responses" / TRAINEE / f"{CASE_ID}.json"
    by_id = {e.id: e for e in case.exercises}
    single_label = next(o.label.zh for o in by_id[SINGLE].options if o.value == SINGLE_PICK)  # type: ignore[union-attr]
    multiple_labels = {o.value: o.label.zh for o in by_id[MULTIPLE].options}  # type: ignore[union-attr]
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = launch(p, budget)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        block_outside_requests(page)
        try:
            # --- the index, switched to Chinese -----------------------------------------------------
            page.goto(app.url("voila/render/index.ipynb?language=en"), timeout=budget.ms(60))
            course = page.locator(".swtrain-course")
            expect(course).to_contain_text("Modules and cases", timeout=budget.ms(60))
            lab_text = page.locator(".celltag_lab-only")  # JupyterLab's instructions and table stay hidden
            expect(lab_text).to_have_count(2)
            for cell in lab_text.all():
                expect(cell).to_be_hidden()
            page.locator(".swtrain-language").get_by_role("button", name="中文").click()
            expect(course).to_contain_text("模块与案例")
            link = course.locator(f'a[href="{NOTEBOOK}?case_id={CASE_ID}&language=zh"]')
            expect(link).to_have_text(case.title.zh)
            assert_no_code_and_no_traceback(page)

            # --- the case, opened from its link ---------------------------------------------------
            link.click()
            page.wait_for_url(re.compile(rf"/voila/render/{re.escape(NOTEBOOK)}\?case_id={CASE_ID}&language=zh$"))
            wait_for_case(page, budget, len(case.exercises))
            expect(page.locator(".swtrain-case-header h2")).to_have_text(case.title.zh)
            assert not answer_file.exists()

            exercise(page, SINGLE).get_by_role("radio", name=single_label, exact=True).click()
            for value in MULTIPLE_PICKS:
                exercise(page, MULTIPLE).get_by_role("checkbox", name=multiple_labels[value], exact=True).click()
            number = exercise(page, NUMERIC).get_by_role("textbox")
            number.click()
            number.press_sequentially(str(NUMBER))
            number.press("Enter")
            text = exercise(page, FREE_TEXT).get_by_role("textbox")
            text.click()
            text.press_sequentially(FREE_TEXT_ANSWER)
            text.blur()

            expected = {
                SINGLE: SINGLE_PICK,
                MULTIPLE: MULTIPLE_PICKS,
                NUMERIC: float(NUMBER),
                FREE_TEXT: FREE_TEXT_ANSWER,
            }
            budget.poll(lambda: saved_answers(answer_file) == expected, "the answer file to hold all four answers")
            data = json.loads(answer_file.read_text(encoding="utf-8"))
            assert (data["trainee_id"], data["case_id"], data["language"]) == (TRAINEE, CASE_ID, "zh")

            # --- reload: a new kernel starts from the answer file ------------------------------------
            page.reload(timeout=budget.ms(60))
            wait_for_case(page, budget, len(case.exercises))
            expect(exercise(page, SINGLE).get_by_role("radio", name=single_label, exact=True)).to_be_checked()
            expect(exercise(page, SINGLE).locator("input[type=radio]:checked")).to_have_count(1)
            for value, label in multiple_labels.items():
                box = exercise(page, MULTIPLE).get_by_role("checkbox", name=label, exact=True)
                if value in MULTIPLE_PICKS:
                    expect(box).to_be_checked()
                else:
                    expect(box).not_to_be_checked()
            expect(exercise(page, NUMERIC).get_by_role("textbox")).to_have_value(str(NUMBER))
            expect(exercise(page, FREE_TEXT).get_by_role("textbox")).to_have_value(FREE_TEXT_ANSWER)
            assert_no_code_and_no_traceback(page)
            assert saved_answers(answer_file) == expected
            assert not page_errors, page_errors

            screenshot_whole_app_page(page, screenshot)
        except BaseException:
            fail_with_context(page, app.log_tail(80), page_errors, failure)
            raise
        finally:
            browser.close()


def test_jupyterlab_switches_to_chinese(start_servers: Callable[[str], Any], budget: Budget) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    lab: LabServer = start_servers("lab")
    screenshot, failure = ARTIFACTS / "lab-chinese-interface.png", ARTIFACTS / "lab-chinese-failure.png"
    for stale in (screenshot, failure):
        stale.unlink(missing_ok=True)
    page_errors: list[str] = []

    def menu_bar(page: Page, label: str) -> Locator:
        return page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(label)}$"))

    with sync_playwright() as p:
        browser = launch(p, budget)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        try:
            page.goto(lab.url("lab/tree/index.ipynb") + "&reset", timeout=budget.ms(60))
            expect(menu_bar(page, "File")).to_be_visible(timeout=budget.ms(60))
            menu_bar(page, "Settings").click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Language$")).click()
            page.locator(".lm-Menu-itemLabel", has_text="中文").click()
            dialog = page.locator(".jp-Dialog")
            expect(dialog).to_contain_text("Change interface language?")
            dialog.get_by_role("button", name="Change and reload").click()

            expect(menu_bar(page, "文件")).to_be_visible(timeout=budget.ms(60))
            expect(menu_bar(page, "运行")).to_be_visible()
            expect(menu_bar(page, "File")).to_have_count(0)
            expect(page.locator(".jp-DirListing-item", has_text="index.ipynb")).to_be_visible(timeout=budget.ms(30))
            menu_bar(page, "运行").click()
            expect(page.locator(".lm-Menu-itemLabel", has_text=re.compile("^运行所有单元格$"))).to_be_visible()
            settings = lab.api("lab/api/settings/@jupyterlab/translation-extension:plugin")
            assert settings["settings"]["locale"] == "zh_CN"
            assert not page_errors, page_errors

            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        except BaseException:
            fail_with_context(page, lab.log_tail(80), page_errors, failure)
            raise
        finally:
            browser.close()


def test_every_case_is_one_click_from_the_app_index_and_the_language_sticks(
    start_servers: Callable[[str], Any], budget: Budget
) -> None:
    """The app's index links every case; each opens with one click, shows no code, and starts where the case
    begins. Switching language on a case page changes the address, survives a reload, reaches the index through
    the back link and is remembered for the next visit; the index shows the trainee's progress; "Check all my
    answers" lists what is still unanswered, each a link to its exercise."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    from swtrain.cases import cases_by_module, load_modules

    module_titles = {m.id: m.title for m in load_modules()}
    budget.end += 300  # nine case pages, each a kernel of its own
    every_case = sorted((case for cases in cases_by_module().values() for case in cases), key=lambda c: c.id)
    app: AppServer = start_servers("app")
    shots = ARTIFACTS / "app-way"
    failure = ARTIFACTS / "app-way-failure.png"
    failure.unlink(missing_ok=True)
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = launch(p, budget)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        block_outside_requests(page)
        try:
            index = app.url("voila/render/index.ipynb")
            for case in every_case:  # --- one click from the index to every case --------------------
                page.goto(index + "?language=en", timeout=budget.ms(60))
                link = page.locator(".swtrain-case-link", has_text=case.title.en)
                expect(link).to_have_count(1, timeout=budget.ms(60))
                assert (
                    page.evaluate("e => getComputedStyle(e).textDecorationLine", link.element_handle()) == "underline"
                )
                link.click()
                expect(page.locator(".swtrain-case-header h2")).to_have_text(case.title.en, timeout=budget.ms(90))
                wait_for_case(page, budget, len(case.exercises), "Check all my answers")
                assert f"case_id={case.id}" in page.url
                assert_no_code_and_no_traceback(page)
                expect(page.locator(".celltag_lab-only")).to_be_hidden()  # JupyterLab's "Run All" cue
                # one language on a page: the module's introduction too
                expect(page.locator(".swtrain-module-intro h2")).to_have_text(module_titles[case.module].en)
                assert page.evaluate("() => document.querySelector('#rendered_cells').scrollTop") == 0

            # --- the last case: answer one exercise, switch to Chinese, reload ------------------------------
            case = every_case[-1]
            first = case.exercises[0]
            answer_file = app.root / "responses" / TRAINEE / f"{case.id}.json"
            exercise(page, first.id).get_by_role("radio").first.click()
            budget.poll(lambda: saved_answers(answer_file), "the answer file")
            expect(exercise(page, first.id).locator(".swtrain-saved")).to_contain_text("Saved at")
            page.locator(".swtrain-language").first.get_by_role("button", name="中文").click()
            page.wait_for_url(re.compile(rf"case_id={case.id}&language=zh$"), timeout=budget.ms(30))
            expect(page.locator(".swtrain-case-header h2")).to_have_text(case.title.zh)
            expect(exercise(page, first.id).locator(".swtrain-saved")).to_contain_text("已于")  # not cleared
            expect(page.locator("a.swtrain-back")).to_have_attribute("href", "index.ipynb?language=zh")
            assert page.evaluate("() => document.documentElement.lang") == "zh-Hans"
            page.reload(timeout=budget.ms(60))
            expect(page.locator(".swtrain-case-header h2")).to_have_text(case.title.zh, timeout=budget.ms(90))
            wait_for_case(page, budget, len(case.exercises))
            expect(page.locator(".swtrain-module-intro h2")).to_have_text(module_titles[case.module].get("zh"))
            expect(page.locator(".swtrain-heading-exercises h2")).to_have_text("练习")

            # --- check all: what is still unanswered, each a link to its exercise ----------------------------
            page.get_by_role("button", name="检查我的全部答案").click()
            missing = page.locator(".swtrain-unanswered")
            expect(missing).to_contain_text(f"还有 {len(case.exercises) - 1} 道练习未作答：")
            last = case.exercises[-1]
            target = missing.get_by_role("link", name=f"{len(case.exercises)}. {last.title.zh}")
            page.evaluate("() => document.querySelector('#rendered_cells').scrollTo(0, 0)")
            target.click()
            expect(exercise(page, last.id)).to_be_in_viewport()
            screenshot_whole_app_page(page, shots / "case-zh-check-all.png")

            # --- back to the index, in Chinese, with the progress; a visit without a language keeps it --------
            page.evaluate("() => document.querySelector('#rendered_cells').scrollTo(0, 0)")
            page.locator("a.swtrain-back").click()
            page.wait_for_url(re.compile(r"index\.ipynb\?language=zh$"))
            item = page.locator(".swtrain-course li", has=page.locator(f'a[href*="case_id={case.id}&"]'))
            expect(item.locator(".swtrain-progress")).to_contain_text(f"已答 1 / {len(case.exercises)} 道")
            expect(item.locator(".swtrain-progress")).to_contain_text("最近保存于")
            page.goto(index, timeout=budget.ms(60))  # no language in the address: the trainee's last choice
            expect(page.locator(".swtrain-course")).to_contain_text("模块与案例", timeout=budget.ms(60))
            page.wait_for_url(re.compile(r"index\.ipynb\?language=zh$"))
            screenshot_whole_app_page(page, shots / "index-zh-progress.png")
            page.locator(".swtrain-language").get_by_role("button", name="English").click()
            page.wait_for_url(re.compile(r"index\.ipynb\?language=en$"))
            expect(page.locator(".swtrain-course")).to_contain_text("1 of")
            screenshot_whole_app_page(page, shots / "index-en-progress.png")
            assert not page_errors, page_errors
        except BaseException:
            fail_with_context(page, app.log_tail(80), page_errors, failure)
            raise
        finally:
            browser.close()
