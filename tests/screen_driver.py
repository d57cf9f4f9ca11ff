"""Opening the screen check's pages in chromium, a few at a time, and checking each at every width.

One browser, a few tabs. Each tab takes the next page from the queue, and
while one tab's page is still loading (Voilà running the notebook, a
JupyterLab kernel running all cells) another tab's page is checked. A page is
checked when it is complete: every exercise and the last cell's output are
on it (or an error box is). At each width the window is first made as tall
as the page, so that every part of it is laid out and on screen for axe-core
and for the full-page screenshot; then the rules of `screen_check` run and
the screenshot is saved.

JupyterLab is scoped to the notebook: its menus, file browser and status bar
are JupyterLab's, not ours, so the rules and axe-core look only inside the
notebook area, and the file browser is closed so the notebook has the window
a trainee gives it.
"""

from __future__ import annotations

import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .screen_check import AxeViolation, Finding, TextRules, axe_violations, check_page
from .screen_site import WIDTHS, PageSpec

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from .browser_support import AppServer, LabServer

PAGE_SECONDS = 150.0  # one try at a page, from opening it to complete; a normal one takes 5 to 30 s
TRIES = 2  # a page that is not complete is opened once more (Voilà drops a cell's output on a busy machine)
WINDOW_HEIGHT = 900
MAX_HEIGHT = 30000  # the tallest window chromium is asked for (a whole page fits under it)
SHOT_QUALITY = 55  # JPEG: a tall page's PNG is 2 MB and slow to encode; text stays readable at 55
# axe-core runs once a page, in the wide window, to keep the run short: its rules read markup, names, roles and
# colours, which do not change with the width; what the narrow window does to the layout is the screen rules' job.
# SCREEN_AXE_WIDTHS=1280,800 runs it at both.
AXE_WIDTHS = tuple(int(w) for w in os.environ.get("SCREEN_AXE_WIDTHS", "1280").split(","))

_SETTLE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))"

# How tall the window must be for the whole page to show: the main scroller's content plus what is around it.
_NEEDED_HEIGHT = """(selector) => {
    const scroller = selector ? document.querySelector(selector) : null;
    if (!scroller) {
        return document.scrollingElement.scrollHeight;
    }
    return Math.ceil(scroller.scrollHeight + (window.innerHeight - scroller.clientHeight));
}"""
# JupyterLab pads the notebook below its last cell by a share of the window ("scroll past end"), so the
# window that fits it is measured to the last cell's bottom edge instead.
_NEEDED_HEIGHT_LAB = """() => {
    const scroller = document.querySelector('.jp-NotebookPanel-notebook .jp-WindowedPanel-outer');
    const cells = scroller.querySelectorAll('.jp-Cell');
    const bottom = cells[cells.length - 1].getBoundingClientRect().bottom;
    return Math.ceil(bottom + scroller.scrollTop + (window.innerHeight - scroller.getBoundingClientRect().bottom)) + 40;
}"""
_ERROR_JS = """() => {
    const box = document.querySelector('.swtrain-error, [data-mime-type="application/vnd.jupyter.stderr"]');
    if (box) return box.innerText.slice(0, 300);
    const text = document.body ? document.body.innerText : '';
    const i = text.indexOf('There was an error when executing cell');
    return i >= 0 ? text.slice(i, i + 300) : '';
}"""
_STATE_JS = """() => `readyState ${document.readyState}, fonts ${document.fonts.status}, ` +
    `${[...document.images].filter(i => !i.complete).length} images loading, ` +
    `${document.querySelectorAll('.swtrain-exercise').length} exercises, summary button ` +
    `${!!document.querySelector('button.swtrain-primary')}, url ${location.href.slice(0, 120)}`"""
_IMAGES_AND_FONTS = "[...document.images].every(i => i.complete) && document.fonts.status === 'loaded'"
_LAB_IDLE = (
    "[...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\|\\s*Idle$/.test(e.textContent.trim()))"
)


@dataclass
class PageResult:
    """What the check found on one page: per width, the rules' findings and axe-core's violations."""

    spec: PageSpec
    findings: dict[int, list[Finding]] = field(default_factory=dict)
    axe: dict[int, list[AxeViolation]] = field(default_factory=dict)
    screenshots: list[Path] = field(default_factory=list)
    error: str = ""  # the page did not load, or shows an error box
    retried: str = ""  # why the first try at the page was not complete, when a second try was
    seconds: float = 0.0
    #: seconds spent on each step of checking (fit, rules, axe, screenshot), for tuning the run
    steps: dict[str, float] = field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        self.steps[step] = self.steps.get(step, 0.0) + time.monotonic() - started

    def distinct_findings(self) -> list[tuple[Finding, tuple[int, ...]]]:
        """Each finding once, with the widths it was found at."""
        seen: dict[Finding, list[int]] = {}
        for width, found in self.findings.items():
            for finding in found:
                widths = seen.setdefault(finding, [])
                if width not in widths:
                    widths.append(width)
        return [(f, tuple(w)) for f, w in seen.items()]

    def distinct_axe(self) -> list[tuple[AxeViolation, tuple[int, ...]]]:
        seen: dict[tuple[str, str], tuple[AxeViolation, list[int]]] = {}
        for width, found in self.axe.items():
            for violation in found:
                entry = seen.setdefault((violation.rule, violation.impact), (violation, []))
                entry[1].append(width)
        return [(v, tuple(w)) for v, w in seen.values()]


@dataclass
class PageJob:
    """How to open one page in a tab and tell when it is complete."""

    spec: PageSpec
    url: str
    rules: TextRules
    scope: str | None = None
    scrollers: tuple[str, ...] = ()
    skip_text: tuple[str, ...] = ()  # what the text rules do not read (JupyterLab's code cells)
    height_js: str = _NEEDED_HEIGHT
    height_arg: str | None = None
    ready_js: str = "() => true"  # true once the page's content is all there
    lab: LabServer | None = None  # set for a JupyterLab notebook: open, close the file browser, Run All
    notebook: str = ""
    #: what axe-core looks at (an axe context); None: the whole page
    axe_context: dict[str, Any] | None = None
    tries: int = 0
    retried: str = ""  # why the page was opened a second time
    started: float = 0.0
    started_running: float = 0.0
    stage: str = "new"

    @property
    def lane(self) -> str:
        """JupyterLab pages keep to their own tabs: a tab that shows JupyterLab opens the next notebook in it."""
        return "lab" if self.lab is not None else "web"

    def start(self, page: Page) -> None:
        self.started = time.monotonic()
        self.tries += 1
        self.stage = "opening"
        if self.lab is not None and page.url.startswith(self.lab.base_url) and page.locator(".jp-LabShell").count():
            close_notebook(page)
            open_from_path(page, self.notebook)
        else:
            page.goto(self.url, wait_until="commit", timeout=PAGE_SECONDS * 1000)

    def ready(self, page: Page) -> bool:
        """Advance the page one step if it can; True once it is complete."""
        if page.evaluate(f"() => document.readyState === 'complete' && {_IMAGES_AND_FONTS}") is not True:
            return False
        if self.lab is not None and self.stage == "opening":
            if not page.evaluate(_LAB_OPEN, self.notebook):
                return False
            close_file_browser(page)
            run_all_cells(page)
            self.stage = "running"
            self.started_running = time.monotonic()
            return False
        if page.evaluate(_ERROR_JS):
            return True
        done = page.evaluate(self.ready_js)
        if done and self.lab is not None:
            # the status bar says Idle only once the last cell has run and its output is shown
            done = page.evaluate(f"() => {_LAB_IDLE}") and time.monotonic() - self.started_running > 1.0
        return bool(done)

    def timed_out(self) -> bool:
        return time.monotonic() - self.started > PAGE_SECONDS


_LAB_OPEN = f"""(notebook) => {{
    const current = document.querySelector('.lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel');
    return !!document.querySelector('.jp-NotebookPanel-notebook') && !!current && current.textContent === notebook
        && {_LAB_IDLE};
}}"""


def lab_menu(page: Page, top: str, item: str) -> None:
    """Click a JupyterLab main-menu entry, such as Run > Run All Cells."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def close_file_browser(page: Page) -> None:
    """Collapse JupyterLab's left sidebar (clicking its current tab), so the notebook has the window."""
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


def run_all_cells(page: Page) -> None:
    lab_menu(page, "Run", "Run All Cells")


def close_notebook(page: Page) -> None:
    """Close the open notebook and shut its kernel down (File > Close and Shut Down Notebook, Ok)."""
    if not page.locator(".jp-NotebookPanel").count():
        return
    lab_menu(page, "File", "Close and Shut Down Notebook…")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    page.locator(".jp-NotebookPanel").wait_for(state="detached")


def open_from_path(page: Page, notebook: str) -> None:
    """File > Open from Path…, as a person opens a notebook without the file browser."""
    lab_menu(page, "File", "Open from Path…")
    field = page.locator(".jp-Dialog input")
    field.fill(notebook)
    field.press("Enter")


def practice_ready(exercises: int, scope: str = "document") -> str:
    return (
        f"() => {scope}.querySelectorAll('.swtrain-exercise').length === {exercises}"
        f" && !!{scope}.querySelector('button.swtrain-primary')"
    )


def app_job(spec: PageSpec, app: AppServer, rules: TextRules, exercises: int) -> PageJob:
    """A page of the trainee app (Voilà): the index, or a case in one state."""
    if spec.kind == "app-index":
        url, ready = (
            app.url(f"voila/render/index.ipynb?language={spec.language}"),
            "() => !!document.querySelector('.swtrain-course')",
        )
    elif spec.state == "unanswered":
        from swtrain.cases import load_case, load_modules

        notebook = {m.id: m.notebook for m in load_modules()}[load_case(spec.case_id).module]
        url = app.url(f"voila/render/{notebook}?case_id={spec.case_id}&language={spec.language}")
        ready = practice_ready(exercises)
    else:  # answered and feedback pages need the trainee and mode that only a notebook's parameters set
        url = app.url(f"voila/render/{spec.notebook}?language={spec.language}")
        ready = (
            "() => !!document.querySelector('.swtrain-summary')"
            if spec.state == "feedback"
            else practice_ready(exercises)
        )
    return PageJob(spec, url, rules, scrollers=("#rendered_cells",), height_arg="#rendered_cells", ready_js=ready)


def lab_job(spec: PageSpec, lab: LabServer, rules: TextRules, exercises: int) -> PageJob:
    """A notebook in JupyterLab, opened, its file browser closed, and all its cells run."""
    notebook = "index.ipynb" if spec.kind == "lab-index" else spec.notebook
    scope = ".jp-NotebookPanel-notebook"
    if spec.kind == "lab-index":
        ready = "() => true"
    elif spec.state == "feedback":
        ready = f"() => !!document.querySelector('{scope} .swtrain-summary')"
    else:
        ready = practice_ready(exercises, f"document.querySelector('{scope}')")
    return PageJob(
        spec,
        lab.url(f"lab/tree/{notebook}") + "&reset",
        rules,
        scope=scope,
        axe_context=LAB_AXE_CONTEXT,
        scrollers=(f"{scope} .jp-WindowedPanel-outer",),
        # JupyterLab is the instructors' route (README): its code cells, folded to their first line, are code they
        # edit, not text for a reader; the notebook's Markdown and every cell's output are read
        skip_text=(".jp-CodeCell .jp-Cell-inputWrapper",),
        height_js=_NEEDED_HEIGHT_LAB,
        ready_js=ready,
        lab=lab,
        notebook=notebook,
    )


# In JupyterLab axe-core looks at what the notebook renders (its Markdown and its cells' outputs), not at
# JupyterLab's own parts inside the notebook: the cell list (role "feed"), prompts, collapsed-code placeholders and
# the heading-collapse buttons. Those are JupyterLab's, fixed upstream or not at all; ours are the same in the app.
LAB_AXE_CONTEXT: dict[str, Any] = {
    "include": [
        [".jp-NotebookPanel-notebook .jp-MarkdownOutput"],
        [".jp-NotebookPanel-notebook .jp-Cell-outputArea"],
    ],
    "exclude": [[".jp-collapseHeadingButton"], [".jp-OutputPrompt"]],
}


def file_job(spec: PageSpec, path: Path, rules: TextRules) -> PageJob:
    """A static HTML file: a feedback page or the exported cohort report."""
    return PageJob(spec, path.resolve().as_uri(), rules)


def settle(page: Page) -> None:
    page.evaluate(_SETTLE)


def fit_window(page: Page, width: int, job: PageJob) -> int:
    """Make the window `width` wide and as tall as the whole page (at most MAX_HEIGHT); the height."""
    height = WINDOW_HEIGHT
    page.set_viewport_size({"width": width, "height": height})
    settle(page)
    for _ in range(8):  # widgets re-flow after each resize; stop once the window fits the page
        needed = min(max(int(page.evaluate(job.height_js, job.height_arg)), WINDOW_HEIGHT), MAX_HEIGHT)
        if abs(needed - height) <= 2:
            break
        height = needed
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
    return height


def check_open_page(page: Page, job: PageJob, shots: Path, *, axe_widths: Iterable[int] = AXE_WIDTHS) -> PageResult:
    """Every rule and axe-core at each width, with a full-page screenshot at each."""
    result = PageResult(job.spec, retried=job.retried)
    error = page.evaluate(_ERROR_JS)
    if error:
        result.error = f"the page shows an error: {error}"
    for width in WIDTHS:
        started = time.monotonic()
        fit_window(page, width, job)
        result.timed("fit", started)
        started = time.monotonic()
        result.findings[width] = check_page(page, job.rules, job.scope, job.scrollers, job.skip_text)
        result.timed("rules", started)
        if width in axe_widths:
            started = time.monotonic()
            result.axe[width] = axe_violations(page, job.axe_context)
            result.timed("axe", started)
        started = time.monotonic()
        shot = shots / job.spec.kind / f"{job.spec.name}-{width}.jpg"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(shot), full_page=True, quality=SHOT_QUALITY, animations="disabled", caret="hide", timeout=60_000
        )
        result.screenshots.append(shot)
        result.timed("screenshot", started)
    page.set_viewport_size({"width": WIDTHS[0], "height": WINDOW_HEIGHT})
    return result


def failed_page(page: Page, job: PageJob, shots: Path, why: str) -> PageResult:
    result = PageResult(job.spec, error=why)
    shot = shots / job.spec.kind / f"{job.spec.name}-failed.jpg"
    shot.parent.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(shot), full_page=True, quality=SHOT_QUALITY, timeout=20_000)
        result.screenshots.append(shot)
    except Exception as exc:  # the page may be gone; the error still says what happened
        result.error += f" (no screenshot: {exc})"
    return result


def run_pages(
    browser: Browser,
    jobs: Iterable[PageJob],
    shots: Path,
    *,
    tabs: dict[str, int] | None = None,
    before: Callable[[PageJob], None] = lambda job: None,
    done: Callable[[PageResult], None] = lambda result: None,
) -> list[PageResult]:
    """Open the jobs' pages in a few tabs at once and check each once it is complete; results in the jobs' order.

    `tabs` says how many tabs each lane has (default: two for JupyterLab, two for the rest).
    `before(job)` runs just before a page is opened (to wait for a file it needs); `done(result)` after each.
    """
    jobs = list(jobs)
    order = {id(job): n for n, job in enumerate(jobs)}
    queues = {lane: deque(j for j in jobs if j.lane == lane) for lane in ("lab", "web")}
    results: list[tuple[int, PageResult]] = []
    pages = []
    lanes = []
    for lane, count in (tabs or {"lab": 2, "web": 2}).items():
        for _ in range(count if queues[lane] else 0):
            page = browser.new_page(viewport={"width": WIDTHS[0], "height": WINDOW_HEIGHT})
            page.set_default_timeout(30_000)
            block_outside(page)
            remember_errors(page)
            pages.append(page)
            lanes.append(lane)
    if any(queues.values()) and not pages:
        raise ValueError(f"No tab for the pages: tabs={tabs}")
    active: dict[int, PageJob] = {}

    def close(slot: int, result: PageResult) -> None:
        job = active.pop(slot)
        result.seconds = time.monotonic() - job.started
        result.steps["load"] = result.seconds - sum(result.steps.values())
        results.append((order[id(job)], result))
        done(result)

    while any(queues.values()) or active:
        moved = False
        for slot, page in enumerate(pages):
            job = active.get(slot)
            if job is None:
                queue = queues[lanes[slot]]
                if queue:
                    job = queue.popleft()
                    before(job)
                    getattr(page, "screen_errors", []).clear()
                    active[slot] = job
                    try:
                        job.start(page)
                    except Exception as exc:
                        close(slot, failed_page(page, job, shots, f"the page did not open: {exc}"))
                    moved = True
                continue
            try:
                if job.ready(page):
                    close(slot, check_open_page(page, job, shots))
                    moved = True
                elif job.timed_out():
                    state = page.evaluate(_STATE_JS)
                    errors = getattr(page, "screen_errors", [])[-4:]
                    why = f"not complete after {PAGE_SECONDS:.0f} s (stage {job.stage}; {state}); " + " | ".join(errors)
                    if job.tries < TRIES:
                        job.retried = why
                        getattr(page, "screen_errors", []).clear()
                        if job.lab is not None:
                            page.goto("about:blank")  # the next try loads JupyterLab afresh
                        job.start(page)
                    else:
                        close(slot, failed_page(page, job, shots, why))
                    moved = True
            except Exception as exc:
                close(slot, failed_page(page, job, shots, f"the check failed: {type(exc).__name__}: {exc}"))
                moved = True
        if not moved:
            time.sleep(0.1)
    for page in pages:
        page.close()
    return [result for _, result in sorted(results, key=lambda pair: pair[0])]


def remember_errors(page: Page) -> None:
    """Keep the page's script errors and console errors, to say why a page never became complete."""
    errors: list[str] = []
    setattr(page, "screen_errors", errors)  # noqa: B010 - Playwright's Page has room for our own attribute
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)


def block_outside(page: Page) -> None:
    """Only the test's own servers and files: Voilà's page asks a CDN for icon fonts."""
    allowed = ("http://127.0.0.1", "ws://127.0.0.1", "file://", "data:")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed) else route.abort())


def describe(results: Iterable[PageResult]) -> dict[str, Any]:
    """The results as plain data, for the run's findings.json."""
    return {
        r.spec.name: {
            "kind": r.spec.kind,
            "case": r.spec.case_id,
            "language": r.spec.language,
            "state": r.spec.state,
            "seconds": round(r.seconds, 1),
            "steps": {k: round(v, 1) for k, v in r.steps.items()},
            "error": r.error,
            "retried": r.retried,
            "findings": [
                {"rule": f.rule, "text": f.text, "where": f.where, "widths": list(w)} for f, w in r.distinct_findings()
            ],
            "axe": [
                {
                    "rule": v.rule,
                    "impact": v.impact,
                    "nodes": v.nodes,
                    "help": v.help,
                    "example": v.example,
                    "widths": list(w),
                }
                for v, w in r.distinct_axe()
            ],
            "screenshots": [str(p) for p in r.screenshots],
        }
        for r in results
    }
