"""The app's pool of preheated kernels serves exactly the page asked for: every case in both languages, opened
in chromium through a pool of two kernels per trainee notebook, shows its own case in its own language, each
from a preheated kernel (Voilà's log says so), and the index comes from the pool too.

A preheated kernel has started, imported swtrain and loaded its module's cases before anyone asks; it then
waits in swtrain.app.wait_for_page for the request it is given to, and reads case and language from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from swtrain.cases import case_ids, load_case, load_modules

from .browser_support import CHROMIUM, CHROMIUM_ARGS, Budget, copy_notebooks, require_chromium, start_app, stopping
from .conftest import ROOT
from .test_browser_kernels import kernels

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

POOL = 2  # kernels waiting per trainee notebook
REFILL = 1  # seconds after the last page took a kernel before the pool is refilled
CHECK_ALL = {"en": "Check all my answers", "zh": "检查我的全部答案"}


def test_every_case_in_both_languages_comes_right_from_the_pool(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    budget = Budget(420)
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
    notebooks = {module.id: module.notebook for module in load_modules()}
    trainee_notebooks = len(list(root.glob("*.ipynb")))
    with stopping() as servers:
        app = start_app(root, tmp_path, "t-pool", pool={"*": POOL}, pool_refill=REFILL)
        servers.append(app)
        app.wait_until_ready(budget)
        budget.poll(lambda: len(kernels(app)) >= POOL * trainee_notebooks, "the pool filled", cap_seconds=120)

        def filled() -> int:  # Voilà logs "Kernel pool of X is filled with N kernel(s)" whenever a pool is full
            return app.log_text().count("is filled with")

        def wait_for_refill(count: int) -> None:  # the pool is refilled REFILL s after the page took a kernel
            budget.poll(lambda: filled() >= count, "the pool to be refilled", cap_seconds=60, every=0.2)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tabs = browser.new_context()
            fills = filled()
            page = tabs.new_page()
            page.goto(app.url("voila/render/index.ipynb?language=zh"), timeout=budget.ms(60))
            expect(page.get_by_text(load_case("child-in-crisis").title.zh)).to_be_visible(timeout=budget.ms(60))
            page.close(run_before_unload=True)
            wait_for_refill(fills + 1)
            served = 0
            for case_id in case_ids():
                case = load_case(case_id)
                for language in ("en", "zh"):
                    fills = filled()
                    page = tabs.new_page()
                    query = f"case_id={case_id}&language={language}"
                    page.goto(app.url(f"voila/render/{notebooks[case.module]}?{query}"), timeout=budget.ms(60))
                    expect(page.get_by_role("button", name=CHECK_ALL[language])).to_be_visible(timeout=budget.ms(60))
                    text = page.inner_text("body")
                    assert case.title.get(language) in text, f"{case_id} in {language}: another page came"
                    assert case.exercises[0].title.get(language) in text, f"{case_id} in {language}"
                    served += 1
                    page.close(run_before_unload=True)
                    wait_for_refill(fills + 1)
            browser.close()
        uses = app.log_text().count("Using pre-heated kernel")
    assert served == 2 * len(case_ids())
    assert uses == served + 1, f"{uses} pages from the pool, {served + 1} asked for"
