"""The module notebook in a real browser: Debian's chromium, driven by Playwright, against a JupyterLab server.

The test opens the crisis-intervention notebook, runs all cells, answers one
exercise of each type by clicking and typing, waits until the answer file on
disk holds all six answers, restarts the kernel and runs all again, and then
checks that the page shows every answer again. A screenshot of the whole
notebook is kept in test-artifacts/.

Run by hand without /usr/bin/chromium the test is skipped; with CI set it fails.
"""

from __future__ import annotations

import itertools
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
    Budget,
    LabServer,
    copy_notebooks,
    exercise,
    require_chromium,
    start_lab,
    stopping,
)
from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

NOTEBOOK = "crisis_intervention.ipynb"
CASE_ID = "child-in-crisis"
TRAINEE = "demo"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOT = ARTIFACTS / "browser-crisis-intervention.png"
FAILURE_SCREENSHOT = ARTIFACTS / "browser-crisis-intervention-failure.png"
TOTAL_SECONDS = 180  # the whole test, server start to screenshot; a normal run takes about 20 s

# One exercise of each answer type and what the test answers.
SINGLE, MULTIPLE, ORDERING, CLASSIFICATION, NUMERIC, FREE_TEXT = (
    "first-priority",
    "crisis-signs",
    "roberts-stages",
    "problem-areas",
    "distress-total",
    "action-plan",
)
SINGLE_PICK = "lethality"
MULTIPLE_PICKS = ["coping-fails", "sleep-food"]
CLASSIFIED_ITEM, CLASSIFIED_AS = "savings-gone", "economy"
FREE_TEXT_ANSWER = "Day 5: agree a safety plan with the mother and check in daily. 每天与母亲确认安全计划。"


@pytest.fixture
def budget() -> Budget:
    return Budget(TOTAL_SECONDS)


@pytest.fixture
def start_jupyterlab(tmp_path: Path, budget: Budget) -> Iterator[Callable[[], LabServer]]:
    """Starts JupyterLab on 127.0.0.1 serving a temporary copy of notebooks/, so answers are saved under tmp_path.

    Started by the test (after the chromium check, so a missing chromium in CI
    is a test failure, not a setup error) and always stopped here.
    """
    with stopping() as servers:

        def start() -> LabServer:
            root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
            server = start_lab(root, tmp_path)
            servers.append(server)
            server.wait_until_ready(budget)
            return server

        yield start


@pytest.fixture
def case() -> Case:
    return load_case(CASE_ID)


def menu(page: Page, budget: Budget, top: str, item: str) -> None:
    """Click a JupyterLab main-menu entry, such as Run > Run All Cells."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click(timeout=budget.ms(15))
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click(timeout=budget.ms(15))


def kernel_idle(page: Page) -> Locator:
    """The status bar's kernel item once it reads "<kernel name> | Idle".

    The toolbar's execution indicator says idle before the kernel has even
    started, so the status bar text is what tells a ready kernel.
    """
    return page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle$"))


def wait_for_run_all(page: Page, budget: Budget, exercises: int) -> None:
    """Wait until every cell has run: all exercises and the last cell's button are there and the kernel is idle."""
    from playwright.sync_api import expect

    expect(page.locator(".swtrain-exercise")).to_have_count(exercises, timeout=budget.ms(60))
    expect(page.get_by_role("button", name="Check all my answers")).to_be_visible(timeout=budget.ms(60))
    expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))


def row_labels(page: Page) -> list[str]:
    """The ordering exercise's items as shown, top to bottom, without their numbers."""
    texts = exercise(page, ORDERING).locator(".widget-hbox .widget-html-content").all_inner_texts()
    return [re.sub(r"^\d+\.\s*", "", t.strip()) for t in texts]


def toggle_row(page: Page, statement: str) -> Locator:
    """The row of category buttons under one classification statement."""
    html = exercise(page, CLASSIFICATION).locator(".widget-html", has_text=statement)
    return html.locator("xpath=following-sibling::*[contains(@class, 'widget-toggle-buttons')]")


def saved_answers(path: Path) -> dict[str, Any] | None:
    """The answer values in the answer file, or None while it is missing or mid-write."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return {key: answer["value"] for key, answer in data.get("answers", {}).items()}


def assert_radio_labels_do_not_overlap(page: Page) -> None:
    """Long options wrap; each must stay clear of the next, or a click lands on the wrong option."""
    found = [b.bounding_box() for b in exercise(page, SINGLE).locator(".widget-radio-box label").all()]
    boxes = [b for b in found if b is not None]
    assert boxes and len(boxes) == len(found), found
    for upper, lower in itertools.pairwise(boxes):
        assert upper["y"] + upper["height"] <= lower["y"] + 0.5, f"radio options overlap: {upper} / {lower}"


def screenshot_whole_notebook(page: Page, path: Path) -> None:
    """A full-page screenshot with the window made as tall as the notebook, so every cell is in it.

    JupyterLab scrolls the notebook inside a fixed-size panel, so a plain full-page
    screenshot would show only the first screen.
    """
    # Window height at which the last cell's bottom edge fits above the status bar.
    needed = """() => {
        const scroller = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
        const cells = scroller.querySelectorAll('.jp-Cell');
        const bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
        return Math.ceil(bottom + scroller.scrollTop + (window.innerHeight - scroller.getBoundingClientRect().bottom));
    }"""
    width = page.viewport_size["width"] if page.viewport_size else 1280
    height = page.viewport_size["height"] if page.viewport_size else 900
    for _ in range(5):  # cells laid out only once visible can grow the notebook; stop when it fits
        page.evaluate("() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer').scrollTo(0, 0)")
        wanted = min(int(page.evaluate(needed)) + 40, 30000)
        if abs(wanted - height) <= 40:
            break
        height = wanted
        page.set_viewport_size({"width": width, "height": height})
        # Two animation frames: the resize has reached the layout before the next measurement.
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def test_answers_survive_kernel_restart_in_chromium(
    start_jupyterlab: Callable[[], LabServer], budget: Budget, case: Case
) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    lab = start_jupyterlab()
    answer_file = lab.root / "responses" / TRAINEE / f"{CASE_ID}.json"
    n_exercises = len(case.exercises)
    by_id = {e.id: e for e in case.exercises}
    single_label = next(o.label.en for o in by_id[SINGLE].options if o.value == SINGLE_PICK)  # type: ignore[union-attr]
    multiple_labels = {o.value: o.label.en for o in by_id[MULTIPLE].options}  # type: ignore[union-attr]
    order_values = {i.label.en: i.value for i in by_id[ORDERING].items}  # type: ignore[union-attr]
    statement = next(i.label.en for i in by_id[CLASSIFICATION].items if i.value == CLASSIFIED_ITEM)  # type: ignore[union-attr]
    category = next(c.label.en for c in by_id[CLASSIFICATION].categories if c.value == CLASSIFIED_AS)  # type: ignore[union-attr]
    for stale in (SCREENSHOT, FAILURE_SCREENSHOT):  # what is left in test-artifacts/ is from this run
        stale.unlink(missing_ok=True)
    page_errors: list[str] = []
    console: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=budget.ms(30))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        try:
            # --- open the notebook and run all cells ------------------------------------------------
            page.goto(lab.url(f"lab/tree/{NOTEBOOK}") + "&reset", timeout=budget.ms(60))
            expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))
            menu(page, budget, "Run", "Run All Cells")
            wait_for_run_all(page, budget, n_exercises)
            assert not answer_file.exists()

            # --- answer one exercise of each type ---------------------------------------------------
            assert_radio_labels_do_not_overlap(page)
            exercise(page, SINGLE).get_by_role("radio", name=single_label, exact=True).click()

            for value in MULTIPLE_PICKS:
                exercise(page, MULTIPLE).get_by_role("checkbox", name=multiple_labels[value], exact=True).click()

            shown = row_labels(page)
            assert sorted(shown) == sorted(order_values)
            exercise(page, ORDERING).get_by_role("button", name="↓").first.click()
            moved = [shown[1], shown[0], *shown[2:]]
            expect(exercise(page, ORDERING).locator(".widget-hbox .widget-html-content").first).to_contain_text(
                moved[0]
            )

            toggle_row(page, statement).get_by_role("button", name=category, exact=True).click()

            given = exercise(page, NUMERIC).locator("table.swtrain-given td:nth-child(2)").all_inner_texts()
            total = sum(int(t) for t in given)  # the right answer for this trainee's variant
            number = exercise(page, NUMERIC).get_by_role("textbox")
            number.click()
            number.press_sequentially(str(total))
            number.press("Enter")

            text = exercise(page, FREE_TEXT).get_by_role("textbox")
            text.click()
            text.press_sequentially(FREE_TEXT_ANSWER)
            text.blur()

            for exercise_id in (SINGLE, MULTIPLE, ORDERING, CLASSIFICATION, NUMERIC, FREE_TEXT):
                expect(exercise(page, exercise_id).locator(".swtrain-saved")).to_contain_text(
                    "Saved at", timeout=budget.ms(20)
                )

            # --- the answer file on disk is the proof of saving --------------------------------------
            expected = {
                SINGLE: SINGLE_PICK,
                MULTIPLE: MULTIPLE_PICKS,
                ORDERING: [order_values[t] for t in moved],
                CLASSIFICATION: {CLASSIFIED_ITEM: CLASSIFIED_AS},
                NUMERIC: float(total),
                FREE_TEXT: FREE_TEXT_ANSWER,
            }
            budget.poll(lambda: saved_answers(answer_file) == expected, "the answer file to hold all six answers")
            saved_before_restart = answer_file.read_bytes()

            # --- restart the kernel and run all again ------------------------------------------------
            # Old widget views stay on the page until their cell runs again; mark them to tell them apart.
            page.evaluate("() => document.querySelectorAll('.jp-OutputArea-child').forEach(e => e.dataset.old = '1')")
            restarts = lab.log_text().count("Kernel restarted:")
            menu(page, budget, "Kernel", "Restart Kernel and Run All Cells…")
            page.locator(".jp-Dialog button.jp-mod-accept", has_text="Restart").click()
            budget.poll(
                lambda: lab.log_text().count("Kernel restarted:") > restarts, "the server to restart the kernel"
            )
            expect(page.locator(".jp-OutputArea-child[data-old]")).to_have_count(0, timeout=budget.ms(60))
            wait_for_run_all(page, budget, n_exercises)

            # --- every answer is shown again ----------------------------------------------------------
            radios = exercise(page, SINGLE).get_by_role("radio")
            expect(radios).to_have_count(len(by_id[SINGLE].options))  # type: ignore[union-attr]
            expect(exercise(page, SINGLE).get_by_role("radio", name=single_label, exact=True)).to_be_checked()
            expect(exercise(page, SINGLE).locator("input[type=radio]:checked")).to_have_count(1)

            for value, text_label in multiple_labels.items():
                box = exercise(page, MULTIPLE).get_by_role("checkbox", name=text_label, exact=True)
                if value in MULTIPLE_PICKS:
                    expect(box).to_be_checked()
                else:
                    expect(box).not_to_be_checked()

            expect(exercise(page, ORDERING).locator(".widget-hbox .widget-html-content")).to_have_text(
                [re.compile(rf"^\s*{n}\.\s*{re.escape(t)}\s*$") for n, t in enumerate(moved, start=1)]
            )

            row = toggle_row(page, statement)
            expect(row.locator("button.mod-active")).to_have_count(1)
            expect(row.get_by_role("button", name=category, exact=True)).to_have_class(re.compile(r"\bmod-active\b"))
            expect(exercise(page, CLASSIFICATION).locator("button.mod-active")).to_have_count(1)

            expect(exercise(page, NUMERIC).get_by_role("textbox")).to_have_value(f"{total:g}")
            expect(exercise(page, FREE_TEXT).get_by_role("textbox")).to_have_value(FREE_TEXT_ANSWER)

            # Practice mode grades on load: the right total is marked correct again.
            expect(exercise(page, NUMERIC).locator(".swtrain-feedback")).to_have_class(re.compile(r"swtrain-correct"))
            expect(page.locator(".swtrain-error")).to_have_count(0)
            # JupyterLab renders stderr and tracebacks alike as this output type.
            expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)

            # Loading the answers again changed nothing on disk.
            assert answer_file.read_bytes() == saved_before_restart
            data = json.loads(saved_before_restart)
            assert (data["trainee_id"], data["case_id"], data["language"]) == (TRAINEE, CASE_ID, "en")
            assert saved_answers(answer_file) == expected
            assert not page_errors, page_errors

            screenshot_whole_notebook(page, SCREENSHOT)
        except BaseException:
            print("--- JupyterLab log (tail) ---", lab.log_tail(80), sep="\n")
            print("--- page errors ---", *page_errors, "--- console errors and warnings ---", *console[-40:], sep="\n")
            try:
                FAILURE_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(FAILURE_SCREENSHOT), timeout=10_000)
                print(f"failure screenshot: {FAILURE_SCREENSHOT}")
            except Exception as exc:  # the page may be gone; the log above still helps
                print(f"no failure screenshot: {exc}")
            raise
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000


def current_notebook(page: Page) -> Locator:
    """The notebook panel on show (JupyterLab keeps the other tabs' panels hidden)."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")


def scroll_top(page: Page) -> int:
    return int(
        page.evaluate(
            "() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer').scrollTop"
        )
    )


def test_every_case_opens_with_one_click_from_the_lab_index_and_run_all_ends_at_the_top(
    start_jupyterlab: Callable[[], LabServer], budget: Budget
) -> None:
    """JupyterLab's index links every case to its own notebook: one click opens it, its first cell says to run
    all cells. Running all cells of a notebook whose outputs were saved (as JupyterLab autosaves them) leaves
    the view at the top, where the case begins, not at the last cell; a language chosen there is the
    notebook's language when it runs again."""
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    from swtrain.cases import cases_by_module
    from swtrain.course_index import CASES_FOLDER

    budget.end += 240  # nine notebooks open, one run twice
    every_case = sorted((case for cases in cases_by_module().values() for case in cases), key=lambda c: c.id)
    lab = start_jupyterlab()
    shots = ARTIFACTS / "lab-way"
    failure = ARTIFACTS / "lab-way-failure.png"
    failure.unlink(missing_ok=True)
    page_errors: list[str] = []

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=budget.ms(30))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        try:
            page.goto(lab.url("lab/tree/index.ipynb") + "&reset", timeout=budget.ms(60))
            index_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=re.compile(r"^index\.ipynb"))
            for case in every_case:  # --- one click from the index to every case ------------------------
                index_tab.click()
                link = current_notebook(page).locator(".jp-RenderedMarkdown a", has_text=case.title.en)
                expect(link).to_have_count(1, timeout=budget.ms(60))
                link.click()
                expect(page.locator('.lm-DockPanel-tabBar .lm-TabBar-tab[aria-selected="true"]')).to_contain_text(
                    f"{case.id}.ipynb", timeout=budget.ms(30)
                )
                cue = current_notebook(page).locator(".jp-MarkdownCell").first
                expect(cue).to_contain_text("Start here: choose Run → Run All Cells", timeout=budget.ms(30))
                expect(cue).to_be_in_viewport()
            page.screenshot(path=str(shots / "case-before-run.png"))

            # --- the last case opened: run all, save with outputs, reload, run all again -------------------
            case = every_case[-1]
            expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))
            menu(page, budget, "Run", "Run All Cells")
            wait_for_run_all(page, budget, len(case.exercises))
            page.keyboard.press("Control+s")
            budget.poll(lambda: lab.log_text().count(f"Saving file at /cases/{case.id}.ipynb") >= 1, "the save")
            # the trainee comes back later: the notebook opens with the outputs JupyterLab saved
            page.goto(lab.url(f"lab/tree/{CASES_FOLDER}/{case.id}.ipynb") + "&reset", timeout=budget.ms(60))
            expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))
            expect(current_notebook(page).locator(".swtrain-exercise")).to_have_count(
                len(case.exercises), timeout=budget.ms(60)
            )
            assert scroll_top(page) == 0
            page.evaluate("() => document.querySelectorAll('.jp-OutputArea-child').forEach(e => e.dataset.old = '1')")
            menu(page, budget, "Run", "Run All Cells")
            expect(page.locator(".jp-OutputArea-child[data-old]")).to_have_count(0, timeout=budget.ms(60))
            wait_for_run_all(page, budget, len(case.exercises))
            # the view comes back to the top once the last cell has run (before, it stayed 11,000 px down)
            budget.poll(lambda: scroll_top(page) == 0, "the view to be back at the top after Run All")
            header = current_notebook(page).locator(".swtrain-case-header h2")
            expect(header).to_have_text(case.title.en)
            expect(header).to_be_in_viewport()
            page.screenshot(path=str(shots / "case-after-run-all.png"))

            # --- 中文, then run all again: the notebook opens in the language chosen ------------------------
            current_notebook(page).locator(".swtrain-language").get_by_role("button", name="中文").click()
            expect(header).to_have_text(case.title.zh)
            menu(page, budget, "Run", "Run All Cells")
            expect(current_notebook(page).get_by_role("button", name="检查我的全部答案")).to_be_visible(
                timeout=budget.ms(60)
            )
            expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))
            expect(header).to_have_text(case.title.zh)
            assert (lab.root / "responses" / TRAINEE / ".language").read_text(encoding="utf-8") == "zh\n"
            page.screenshot(path=str(shots / "case-zh-after-run-all.png"))
            assert not page_errors, page_errors
        except BaseException:
            print("--- JupyterLab log (tail) ---", lab.log_tail(80), "--- page errors ---", *page_errors, sep="\n")
            try:
                page.screenshot(path=str(failure), timeout=10_000)
                print(f"failure screenshot: {failure}")
            except Exception as exc:
                print(f"no failure screenshot: {exc}")
            raise
        finally:
            browser.close()
