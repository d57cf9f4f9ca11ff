"""The answer types beyond the basic six in a real browser: chart choice, screening form, ecomap, scenario.

Chromium (Debian's) drives JupyterLab, as in tests/test_browser.py. In the
self-management notebook it checks that every chart image has loaded, picks
a chart, fills in the SEMCD-6 form (one button per item), types the mean and
chooses the next step. In the resource-linkage notebook, opened on the
infant heart case, it places three systems on the ecomap with the dropdowns
and watches the drawing follow, and plays the first two decisions of the
scenario. After "Restart Kernel and Run All Cells" every answer is shown
again: the chart still chosen, the form filled, the ecomap drawn, the
scenario at the same scene. Screenshots of each widget go to test-artifacts/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from swtrain.cases import load_case, load_key
from swtrain.exercises.chart_choice import ChartChoice
from swtrain.exercises.ecomap import Ecomap
from swtrain.exercises.scenario import Scenario, best_path, replay
from swtrain.exercises.screening import Screening, instrument_of, own_score

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
from .test_browser import kernel_idle, menu, saved_answers

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

TRAINEE = "demo"
ARTIFACTS = ROOT / "test-artifacts"
TOTAL_SECONDS = 240


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Callable[[], LabServer]]:
    with stopping() as servers:

        def start(budget: Budget) -> LabServer:
            root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
            set_case(root / "resource_linkage.ipynb", "infant-heart-family")
            server = start_lab(root, tmp_path)
            servers.append(server)
            server.wait_until_ready(budget)
            return server

        yield start  # type: ignore[misc]


def set_case(notebook: Path, case_id: str) -> None:
    """Open a module notebook on another case of its module, as an instructor edits the parameters cell."""
    data = json.loads(notebook.read_text(encoding="utf-8"))
    cell = next(c for c in data["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(cell["source"])
    cell["source"] = re.sub(r'^case_id: str = "[^"]*"', f'case_id: str = "{case_id}"', source, flags=re.M)
    assert case_id in "".join(cell["source"])
    notebook.write_text(json.dumps(data), encoding="utf-8")


def run_all(page: Page, budget: Budget, url: str, exercises: int) -> None:
    from playwright.sync_api import expect

    page.goto(url, timeout=budget.ms(60))
    expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))
    menu(page, budget, "Run", "Run All Cells")
    wait_until_run(page, budget, exercises)


def wait_until_run(page: Page, budget: Budget, exercises: int) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".swtrain-exercise")).to_have_count(exercises, timeout=budget.ms(90))
    expect(page.get_by_role("button", name="Check all my answers")).to_be_visible(timeout=budget.ms(60))
    expect(kernel_idle(page)).to_be_visible(timeout=budget.ms(60))


def restart_and_run_all(page: Page, budget: Budget, lab: LabServer, exercises: int) -> None:
    from playwright.sync_api import expect

    page.evaluate("() => document.querySelectorAll('.jp-OutputArea-child').forEach(e => e.dataset.old = '1')")
    restarts = lab.log_text().count("Kernel restarted:")
    menu(page, budget, "Kernel", "Restart Kernel and Run All Cells…")
    page.locator(".jp-Dialog button.jp-mod-accept", has_text="Restart").click()
    budget.poll(lambda: lab.log_text().count("Kernel restarted:") > restarts, "the server to restart the kernel")
    expect(page.locator(".jp-OutputArea-child[data-old]")).to_have_count(0, timeout=budget.ms(60))
    wait_until_run(page, budget, exercises)


def loaded_images(page: Page, selector: str) -> tuple[int, int]:
    """(images, images that have loaded with a size) under `selector`, after scrolling each into view."""
    images = page.locator(f"{selector} img")
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()
    script = "(s) => [...document.querySelectorAll(s + ' img')].filter(i => i.complete && i.naturalWidth > 100).length"
    return images.count(), int(page.evaluate(script, selector))


def test_chart_choice_screening_ecomap_and_scenario_in_chromium(lab: Callable[[Budget], LabServer]) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    budget = Budget(TOTAL_SECONDS)
    server = lab(budget)

    elderly = load_case("elderly-self-management")
    elderly_key = load_key(elderly)
    pick = next(e for e in elderly.exercises if isinstance(e, ChartChoice))
    semcd = next(e for e in elderly.exercises if isinstance(e, Screening) and e.instrument == "semcd-6")
    semcd_key: Any = elderly_key.exercises[semcd.id]
    instrument = instrument_of(semcd)
    mean, _band, _why = own_score(instrument, semcd_key.items)
    assert mean is not None

    infant = load_case("infant-heart-family")
    infant_key = load_key(infant)
    ecomap = next(e for e in infant.exercises if isinstance(e, Ecomap))
    links: Any = infant_key.exercises[ecomap.id]
    placed = list(links.links.items())[:3]
    scenario = next(e for e in infant.exercises if isinstance(e, Scenario))
    first_two = best_path(scenario, infant_key.exercises[scenario.id])[:2]  # type: ignore[arg-type]

    elderly_file = server.root / "responses" / TRAINEE / "elderly-self-management.json"
    infant_file = server.root / "responses" / TRAINEE / "infant-heart-family.json"
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=budget.ms(30))
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(20_000)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            # --- self-management: charts, chart choice, the SEMCD-6 form ---------------------------------
            run_all(page, budget, server.url("lab/tree/self_management.ipynb") + "&reset", len(elderly.exercises))
            count, loaded = loaded_images(page, ".swtrain-chart")
            assert count >= len(elderly.charts()) and loaded == count, (count, loaded)

            exercise(page, pick.id).locator(f".swtrain-chart-option-{elderly_key.exercises[pick.id].answer}").click()  # type: ignore[union-attr]
            form = exercise(page, semcd.id)
            for number, rating in semcd_key.items.items():
                values = [r.value for r in instrument.values_of(instrument.item(number))]
                form.locator(f".swtrain-item-{number} button").nth(values.index(rating)).click()
            total = form.get_by_role("textbox")
            total.click()
            total.press_sequentially(f"{mean:.2f}")
            total.press("Enter")
            step = next(o.label.en for o in semcd.next_steps if o.value == semcd_key.next_step)
            form.get_by_role("radio", name=step, exact=True).click()
            wanted_items = {str(n): str(v) for n, v in semcd_key.items.items()}
            budget.poll(
                lambda: (
                    (saved_answers(elderly_file) or {}).get(semcd.id, {}).get("result", {}).get("next")
                    == semcd_key.next_step
                ),
                "the SEMCD-6 answer to be saved",
            )
            saved = saved_answers(elderly_file) or {}
            assert saved[pick.id] == elderly_key.exercises[pick.id].answer  # type: ignore[union-attr]
            assert saved[semcd.id]["items"] == wanted_items
            assert float(saved[semcd.id]["result"]["total"]) == pytest.approx(mean, abs=0.01)
            expect(form.locator(".swtrain-feedback")).to_have_class(re.compile("swtrain-correct"))

            restart_and_run_all(page, budget, server, len(elderly.exercises))
            chosen = exercise(page, pick.id).locator(f".swtrain-chart-option-{saved[pick.id]}")
            expect(chosen).to_have_class(re.compile(r"\bmod-active\b"))
            expect(form.locator("button.mod-active")).to_have_count(len(semcd_key.items))
            expect(form.get_by_role("radio", name=step, exact=True)).to_be_checked()
            form.screenshot(path=str(ARTIFACTS / "browser-screening-form.png"))
            exercise(page, pick.id).screenshot(path=str(ARTIFACTS / "browser-chart-choice.png"))

            # --- the infant heart case: ecomap and scenario ------------------------------------------------
            run_all(page, budget, server.url("lab/tree/resource_linkage.ipynb") + "&reset", len(infant.exercises))
            drawing = exercise(page, ecomap.id).locator(".swtrain-ecomap-drawing")
            expect(drawing.locator(".swtrain-ecomap-system")).to_have_count(0)
            kinds = {"strong": "strong", "tenuous": "tenuous", "stressful": "stressful"}
            for system, link in placed:
                exercise(page, ecomap.id).locator(f".swtrain-ecomap-kind-{system} select").select_option(
                    label=kinds[link.kind]
                )
                flow = exercise(page, ecomap.id).locator(f".swtrain-ecomap-flow-{system} select")
                flow.select_option(index=["", "to_centre", "from_centre", "both", "none"].index(link.flow))
            expect(drawing.locator(".swtrain-ecomap-system")).to_have_count(len(placed))
            for system, link in placed:
                expect(drawing.locator(f'[data-system="{system}"]')).to_have_attribute("data-kind", link.kind)
            for choice in first_two:
                exercise(page, scenario.id).locator(f".swtrain-choice-{choice}").click()
                expect(exercise(page, scenario.id).locator(".swtrain-saved")).to_contain_text("Saved at")
            wanted_links = {s: {"kind": link.kind, "flow": link.flow} for s, link in placed}
            budget.poll(
                lambda: (
                    (saved_answers(infant_file) or {}).get(ecomap.id) == wanted_links
                    and (saved_answers(infant_file) or {}).get(scenario.id) == first_two
                ),
                "the ecomap and the scenario path to be saved",
            )
            # the scene the saved path leads to, as the page shows it (the view may follow the file a moment later)
            scene_before = replay(scenario, first_two).here
            expect(exercise(page, scenario.id).locator(".swtrain-scene")).to_have_attribute("data-scene", scene_before)

            restart_and_run_all(page, budget, server, len(infant.exercises))
            drawing = exercise(page, ecomap.id).locator(".swtrain-ecomap-drawing")
            expect(drawing.locator(".swtrain-ecomap-system")).to_have_count(len(placed))
            expect(exercise(page, scenario.id).locator(".swtrain-scene")).to_have_attribute("data-scene", scene_before)
            expect(page.locator(".swtrain-error")).to_have_count(0)
            expect(page.locator('[data-mime-type="application/vnd.jupyter.stderr"]')).to_have_count(0)
            assert (saved_answers(infant_file) or {}).get(ecomap.id) == wanted_links
            assert not errors, errors
            exercise(page, ecomap.id).screenshot(path=str(ARTIFACTS / "browser-ecomap.png"))
            exercise(page, scenario.id).screenshot(path=str(ARTIFACTS / "browser-scenario.png"))
        except BaseException:
            print("--- JupyterLab log (tail) ---", server.log_tail(80), "--- page errors ---", *errors, sep="\n")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "browser-widgets-failure.png"))
            raise
        finally:
            browser.close()
