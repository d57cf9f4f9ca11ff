"""The app gives kernels back: a page left, closed or reloaded shuts its kernel down at once (its beacon passes
the XSRF check), a page that died without a word loses its kernel to the culler, and an open page keeps its
kernel however long it sits idle. Debian's chromium drives `swtrain serve`'s own server (swtrain.app_server).

Kernels are counted as the server's child processes running ipykernel.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest

from swtrain.app_kernel import is_kernel

from .browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    Budget,
    copy_notebooks,
    require_chromium,
    start_app,
    stopping,
)
from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

CULL_AFTER = 12  # seconds: short, so the test waits little; the culler looks every 3 s
INDEX = "voila/render/index.ipynb?language=en"
CASE = "voila/render/crisis_intervention.ipynb?case_id=child-in-crisis&language=en"
OTHER = "voila/render/crisis_intervention.ipynb?case_id=child-far-from-home-cbt&language=zh"


def kernels(app: AppServer) -> set[int]:
    """The server's kernels: the process ids of its children running ipykernel."""
    children = psutil.Process(app.process.pid).children(recursive=True)
    return {child.pid for child in children if is_kernel(_cmdline(child))}


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def until(app: AppServer, count: int, seconds: float, what: str, gone: set[int] = frozenset()) -> float:
    """Wait until the server has `count` kernels, none of them in `gone`; the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        now = kernels(app)
        if len(now) == count and not now & gone:
            return time.monotonic() - start
        time.sleep(0.25)
    now = kernels(app)
    raise AssertionError(f"{what}: kernels {sorted(now)} after {seconds:.0f} s, expected {count} without {gone}")


def opened(page: Page, app: AppServer, path: str, budget: Budget) -> None:
    """Open `path` and wait until its widgets are drawn (the page's kernel is then connected)."""
    page.goto(app.url(path), timeout=budget.ms(60))
    page.locator(".widget-html, .swtrain-exercise, .jupyter-widgets").first.wait_for(timeout=budget.ms(60))


def test_left_closed_and_dead_pages_give_their_kernels_back_and_an_open_page_keeps_its(tmp_path: Path) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    budget = Budget(240)
    root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
    with stopping() as servers:
        app = start_app(root, tmp_path, "t-kernels", cull_after=CULL_AFTER)
        servers.append(app)
        app.wait_until_ready(budget)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            tabs = browser.new_context()  # one browser window's tabs
            first = tabs.new_page()
            opened(first, app, INDEX, budget)
            until(app, 1, 30, "the index open")
            index_kernel = kernels(app)
            opened(first, app, CASE, budget)  # leaving the index: its page sends the shutdown beacon
            left = until(app, 1, 10, "the index left for a case", gone=index_kernel)
            second = tabs.new_page()
            case_kernel = kernels(app)
            opened(second, app, OTHER, budget)
            until(app, 2, 30, "a second page open")
            second_kernel = kernels(app) - case_kernel
            second.close(run_before_unload=True)  # the tab closed: its beacon goes out
            closed = until(app, 1, 10, "the second tab closed", gone=second_kernel)
            first.reload()
            first.locator(".swtrain-exercise").first.wait_for(timeout=budget.ms(60))
            reloaded = until(app, 1, 10, "the case page reloaded", gone=case_kernel)
            open_kernel = kernels(app)
            dead = tabs.new_page()
            opened(dead, app, INDEX, budget)
            until(app, 2, 30, "a third page open")
            dead.close(run_before_unload=False)  # no beacon: a crashed tab, a laptop put to sleep
            time.sleep(3)
            assert len(kernels(app)) == 2, "a page that died without a word keeps its kernel until the culler comes"
            culled = until(app, 1, CULL_AFTER + 20, "the dead page's kernel culled")
            time.sleep(CULL_AFTER + 4)  # the open page sits idle past the cull time
            assert kernels(app) == open_kernel, "the open page lost its kernel"
            assert "403 POST /voila/api/shutdown" not in app.log_text()
            browser.close()  # the browser quits without beacons: the culler gives the kernel back
            gone = until(app, 0, CULL_AFTER + 20, "the browser closed")
    print(
        f"kernels given back: left {left:.1f} s, tab closed {closed:.1f} s, reload {reloaded:.1f} s; "
        f"without a beacon culled after {culled:.1f} s and {gone:.1f} s (cull time {CULL_AFTER} s)"
    )
