"""The screen check: every page a trainee or an instructor sees, in chromium, at 1280 and 800 px wide.

Pages (`screen_site.page_specs`): every case of casedata/ in English and
Chinese, in the trainee app (Voilà) and in JupyterLab, in practice mode
unanswered and answered and in feedback mode; the app's index in both
languages and JupyterLab's index; the feedback page `swtrain grade` writes
for each case in each language; the cohort report exported to HTML in both
languages.

For each page and width, `test_screen_rules` fails on what
`screen_check` names (literal Markdown, an internal id, cut-off text, a
Latin sentence in a Chinese page, more than two decimals, a horizontal
scrollbar) and on a page that does not load or shows an error box;
`test_accessibility` fails on any axe-core violation of impact serious or
critical among the WCAG 2.0, 2.1 and 2.2 A and AA rules.

One JupyterLab server, one Voilà server and one browser serve the whole run;
the pages load three at a time. Only the pages of the selected tests are
loaded (`-k app-child-in-crisis-zh` checks those few). A full-page screenshot
of every page at every width, findings.json and findings.md go under
test-artifacts/screens/<run>/, printed at the start; the last two runs'
folders are kept. SCREEN_TABS="lab=2,web=2" sets the tabs per lane and
SCREEN_AXE_WIDTHS=1280,800 runs axe-core at both widths (default 1280).
A page that is not complete after 150 s is opened once more; findings.md
lists such pages.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from swtrain.cases import load_case

from .browser_support import CHROMIUM, CHROMIUM_ARGS, Budget, require_chromium, start_app, start_lab, stopping
from .conftest import ROOT
from .screen_check import TextRules, case_rules, course_rules
from .screen_driver import PageJob, PageResult, app_job, describe, file_job, lab_job, run_pages
from .screen_report import findings_markdown
from .screen_site import CASEDATA, PageSpec, Site, build_site, case_ids, export_cohort_reports, page_specs

pytestmark = pytest.mark.browser

SPECS = page_specs()
ARTIFACTS = ROOT / "test-artifacts" / "screens"
SERVER_SECONDS = 120
REPORT_SECONDS = 300
KEEP_RUNS = 2  # earlier runs' folders are kept for comparison; older ones are removed
# JupyterLab lays out every cell, not only those in view, so text and boxes below the fold are measured too.
LAB_SETTINGS = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}


@dataclass
class ScreenRun:
    folder: Path
    results: dict[str, PageResult]


def cohort_rules(language: str) -> TextRules:
    """The rules for the cohort report: it shows every case, so every case's ids and words."""
    each = [case_rules(CASEDATA / case_id, language) for case_id in case_ids()]
    course = course_rules(CASEDATA, language)
    return TextRules(
        language=language,
        ids=course.ids.union(*(r.ids for r in each)),
        words=course.words.union(*(r.words for r in each)),
        allowed_latin=tuple(sorted({p for r in each for p in r.allowed_latin}, key=len, reverse=True)),
        english_words=course.english_words.union(*(r.english_words for r in each)),
        phrases=course.phrases.union(*(r.phrases for r in each)),
    )


def selected_specs(request: pytest.FixtureRequest) -> list[PageSpec]:
    """The pages of the tests this session runs (all of them, unless some were deselected)."""
    names = {
        item.callspec.params["spec"].name
        for item in request.session.items
        # nbval's notebook items have no module: only this file's tests count
        if getattr(item, "module", None) is request.module
        and hasattr(item, "callspec")
        and "spec" in item.callspec.params
    }
    return [spec for spec in SPECS if spec.name in names]


def interleaved(jobs: list[PageJob]) -> list[PageJob]:
    """App and JupyterLab pages alternately (one waits on a Voilà kernel while the other renders), then files."""
    app = [j for j in jobs if j.spec.kind.startswith("app")]
    lab = [j for j in jobs if j.spec.kind.startswith("lab")]
    files = [j for j in jobs if j not in app and j not in lab]
    mixed: list[PageJob] = []
    for n in range(max(len(app), len(lab))):
        mixed.extend(side[n] for side in (app, lab) if n < len(side))
    return mixed + files


def tab_counts() -> dict[str, int]:
    """Tabs per lane: SCREEN_TABS="lab=2,web=2" (the default) on two cores."""
    given = os.environ.get("SCREEN_TABS", "lab=2,web=2")
    return {lane: int(count) for lane, count in (part.split("=") for part in given.split(","))}


def say(request: pytest.FixtureRequest, line: str) -> None:
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        print(line)


@pytest.fixture(scope="module")
def screen_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScreenRun]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    specs = selected_specs(request)
    for old in sorted(ARTIFACTS.glob("20*"))[:-KEEP_RUNS]:  # a run's screenshots take tens of MB
        shutil.rmtree(old, ignore_errors=True)
    folder = ARTIFACTS / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    say(request, f"\nscreen check: {len(specs)} pages; screenshots and findings in {folder}")
    work = tmp_path_factory.mktemp("screens")
    site: Site = build_site(work)
    # The exports run before the servers start: two more kernels beside Voilà's and JupyterLab's slow the first
    # pages down (Voilà then drops a cell's output on a two-core machine).
    exports = export_cohort_reports(site, work) if any(s.kind == "cohort-report" for s in specs) else []
    for process in exports:
        process.wait(timeout=REPORT_SECONDS)
    exercises = {case_id: len(load_case(case_id).exercises) for case_id in case_ids()}
    budget = Budget(SERVER_SECONDS)
    with stopping() as servers:
        app = start_app(site.notebooks, work, None)
        servers.append(app)
        lab = start_lab(site.notebooks, work, LAB_SETTINGS)
        servers.append(lab)
        app.wait_until_ready(budget)
        lab.wait_until_ready(budget)

        jobs = []
        for spec in specs:
            if spec.kind in ("app-index", "lab-index", "cohort-report", "item-analysis"):
                rules = (
                    course_rules(CASEDATA, spec.language)
                    if spec.kind not in ("cohort-report", "item-analysis")
                    else cohort_rules(spec.language)
                )
            else:
                rules = case_rules(CASEDATA / spec.case_id, spec.language)
            n = exercises.get(spec.case_id, 0)
            if spec.kind.startswith("app"):
                jobs.append(app_job(spec, app, rules, n))
            elif spec.kind.startswith("lab"):
                jobs.append(lab_job(spec, lab, rules, n))
            elif spec.kind == "feedback-page":
                jobs.append(file_job(spec, site.feedback_page(spec), rules))
            elif spec.kind == "item-analysis":
                jobs.append(file_job(spec, site.item_analysis(spec), rules))
            else:
                jobs.append(file_job(spec, site.cohort_report(spec), rules))

        def before(job: PageJob) -> None:
            if job.spec.kind == "cohort-report":
                for process in exports:
                    if process.wait(timeout=REPORT_SECONDS) != 0:
                        log = site.reports / f"cohort-report-{job.spec.language}.log"
                        raise AssertionError(f"Exporting the cohort report failed:\n{log.read_text()[-3000:]}")

        started = time.monotonic()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
            try:
                results = run_pages(
                    browser,
                    interleaved(jobs),
                    folder,
                    tabs=tab_counts(),
                    before=before,
                    done=lambda r: say(request, f"  {r.spec.name}: {r.seconds:.0f} s {r.steps}"),
                )
            finally:
                browser.close()
    seconds = time.monotonic() - started
    (folder / "findings.json").write_text(json.dumps(describe(results), ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "findings.md").write_text(findings_markdown(results, seconds), encoding="utf-8")
    say(request, f"screen check: {len(results)} pages in {seconds:.0f} s; see {folder / 'findings.md'}")
    yield ScreenRun(folder, {r.spec.name: r for r in results})


def shots_of(result: PageResult) -> str:
    return "\n".join(f"  screenshot: {path}" for path in result.screenshots)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_screen_rules(spec: PageSpec, screen_run: ScreenRun) -> None:
    result = screen_run.results[spec.name]
    problems = [result.error] if result.error else []
    problems += [f"{finding} at {'/'.join(map(str, widths))} px" for finding, widths in result.distinct_findings()]
    assert not problems, (
        f"{spec.name} shows {len(problems)} problems:\n" + "\n".join(problems) + "\n" + shots_of(result)
    )


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_accessibility(spec: PageSpec, screen_run: ScreenRun) -> None:
    result = screen_run.results[spec.name]
    assert result.axe or not result.error, f"{spec.name} was not checked: {result.error}\n{shots_of(result)}"
    problems = [f"{violation} at {'/'.join(map(str, widths))} px" for violation, widths in result.distinct_axe()]
    assert not problems, (
        f"{spec.name} breaks {len(problems)} axe-core rules:\n" + "\n".join(problems) + "\n" + shots_of(result)
    )
