"""`swtrain report`: the cohort notebook exported as one page without code, checked as a person sees it.

The page is made for a demo cohort of two cases (one with a scenario, free text pending review, a broken
file) in English and in Chinese, then loaded in Debian's chromium at 1280 and 800 px wide. Screenshots of
every page checked are kept under test-artifacts/report/ (the test prints the folder).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cases import load_case
from swtrain.cli import main
from swtrain.demo import write_demo_cohort
from swtrain.exercises.scenario import Scenario

from .browser_support import CHROMIUM, CHROMIUM_ARGS, require_chromium
from .conftest import ROOT

CASES = ("child-in-crisis", "elderly-self-management")
ARTIFACTS = ROOT / "test-artifacts" / "report"
WIDTHS = (1280, 800)
# Three Latin words in a row: an English sentence, or part of one (names such as CSWE EPAS are two words).
LATIN_RUN = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report of one demo cohort in each language, as `swtrain report` writes it."""
    root = tmp_path_factory.mktemp("report")
    for case_id in CASES:
        write_demo_cohort(case_id, 10, 4, root / "subs", bad=1)
    written = {}
    for language in ("en", "zh"):
        target = root / f"report-{language}.html"
        result = CliRunner().invoke(
            main,
            ["report", str(root / "subs"), "--out", str(target), "--graded", str(root / f"graded-{language}"),
             "--language", language],
            catch_exceptions=False,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert (root / f"graded-{language}" / "cohort_report.ipynb").is_file()
        written[language] = target
    return written


def internal_ids() -> set[str]:
    """Every exercise, scene and choice id of the report's cases."""
    found: set[str] = set()
    for case_id in CASES:
        for exercise in load_case(case_id).exercises:
            found.add(exercise.id)
            if isinstance(exercise, Scenario):
                found |= {s.id for s in exercise.scenes} | {c.id for s in exercise.scenes for c in s.choices}
    return found


@pytest.mark.notebook
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_has_no_code_and_a_text_alternative_for_every_chart(pages: dict[str, Path], language: str) -> None:
    html = pages[language].read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in html
    assert ("<title>Cohort report</title>" if language == "en" else "<title>学员整体报告</title>") in html
    body = html[html.index("<body") :]
    for code in ("jp-InputArea", "jp-InputPrompt", "jp-OutputPrompt", "grade_cohort(", "display(", "In&nbsp;["):
        assert code not in body, f"{code!r} is on the page"
    assert "Run All Cells" not in html  # JupyterLab's own cell is left out
    assert not re.search(r"<script[^>]+src=\"https?:", html)  # nothing fetched from the internet
    images = re.findall(r"<img [^>]*>", html)
    # scores, difficulty, competencies, one scenario's decisions and path map; the item map and each case's
    # options chart (no DIF chart: 10 trainees a case are too few in each language, and the page says so)
    assert len(images) == 5 + 1 + len(CASES)
    assert ("No comparison yet" if language == "en" else "暂时无法比较") in html
    for image in images:
        alt = re.search(r'alt="([^"]*)"', image)
        assert alt and len(alt.group(1)) > 30, "a chart without alt text"
        assert re.search(r'width="\d+"', image)
    assert html.count("<details") == len(images) and html.count("<table") >= 10  # each chart's data, the summary


@pytest.mark.notebook
@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_reads_in_chromium(pages: dict[str, Path], language: str) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"screenshots of the report: {ARTIFACTS}")
    ids = internal_ids()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                           else route.abort())  # fmt: skip
                page.goto(pages[language].as_uri())
                page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # the tables
                page.screenshot(path=str(ARTIFACTS / f"report-{language}-{width}.png"), full_page=True)
                where = f"{language} at {width} px"
                scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                assert scroll[0] <= scroll[1], f"a horizontal scrollbar ({where}): {scroll}"
                cut = page.evaluate(CUT_OFF)
                assert cut == [], f"text cut off ({where}): {cut}"
                images = page.evaluate(
                    "[...document.images].map(i => [i.naturalWidth, i.getBoundingClientRect().width, "
                    "+i.getAttribute('width')])"
                )
                for natural, shown, drawn in images:
                    assert natural > 0, "an image that did not load"
                    assert shown >= 0.95 * drawn, f"a chart shrunk to {shown:.0f} of {drawn} px ({where})"
                text = page.inner_text("body")
                check_text(text, language, ids)
                page.close()
        finally:
            browser.close()


def check_text(text: str, language: str, ids: set[str]) -> None:
    """The page's visible text: finished prose, no Markdown, no ids, short numbers, one language."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        assert "**" not in line and "|---" not in line and not line.startswith("# "), f"Markdown shown: {line!r}"
        assert not re.search(r"\d\.\d{3,}", line), f"a number with more than two decimals: {line!r}"
        assert line not in ids, f"an id shown: {line!r}"
        for identifier in ids:
            assert "-" not in identifier or identifier not in line.replace(".json", ""), f"id {identifier!r}: {line!r}"
        if language == "zh":
            latin = LATIN_RUN.search(line)
            assert not latin, f"English in the Chinese report: {latin.group(0)!r} in {line!r}"
    assert ("Cohort report" if language == "en" else "学员整体报告") in lines


# Elements whose text is wider than their box and clipped, or given an ellipsis by CSS.
CUT_OFF = """
[...document.querySelectorAll('body *')].filter(e => {
  const style = getComputedStyle(e);
  if (!e.innerText || style.display === 'none' || e.tagName === 'IMG') return false;
  const clipped = ['hidden', 'clip', 'scroll', 'auto'].includes(style.overflowX);
  return (style.textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth)
      || (clipped && e.scrollWidth > e.clientWidth + 1);
}).map(e => e.tagName + ': ' + e.innerText.slice(0, 60))
"""
