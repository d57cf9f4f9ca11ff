"""The screen check's rules, each proven on small pages in chromium: one that must fail it, one that must pass.

Fixtures are tests/data/screens/<rule>-fail|pass-<what>.html. A fail page
must show findings of its rule and of no other rule; a pass page must show no
finding at all. The page's <html> says what the rules need to know:
`lang` (en or zh), `data-ids` (the case's ids), `data-words` (the ids the
page's language uses as words), `data-phrases` (texts the author wrote,
separated by |), `data-names` (people's Latin names) and
`data-scrollers` (the page's main scrolling box). axe-<fail|pass>-<rule id>
pages are checked by axe-core: a fail page breaks that axe rule (impact
serious or critical), a pass page breaks none. Pages are checked at 800 px
wide, where a too-wide page shows a scrollbar.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .browser_support import CHROMIUM, CHROMIUM_ARGS, require_chromium
from .conftest import TESTS
from .screen_check import (
    RULES,
    Block,
    TextRules,
    axe_violations,
    case_ids,
    case_rules,
    check_page,
    instrument_phrases,
    latin_runs,
    text_findings,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

FIXTURES = TESTS / "data" / "screens"
RULE_PAGES = sorted(p for p in FIXTURES.glob("*.html") if not p.name.startswith("axe-"))
AXE_PAGES = sorted(FIXTURES.glob("axe-*.html"))
WIDTH = 800


def rule_of(path: Path) -> tuple[str, bool]:
    """The rule a fixture is about and whether it must fail it, from its name: <rule>-fail|pass-<what>."""
    for outcome in ("fail", "pass"):
        rule, sep, _ = path.stem.partition(f"-{outcome}-")
        if sep:
            return rule, outcome == "fail"
    raise ValueError(f"{path.name}: a fixture is named <rule>-fail-<what>.html or <rule>-pass-<what>.html")


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            tab = browser.new_page(viewport={"width": WIDTH, "height": 700})
            yield tab
        finally:
            browser.close()


def open_fixture(page: Page, path: Path) -> dict[str, Any]:
    page.goto(path.as_uri())
    return dict(page.evaluate("() => ({lang: document.documentElement.lang, ...document.documentElement.dataset})"))


def fixture_rules(meta: dict[str, Any]) -> TextRules:
    words = frozenset(meta.get("words", "").split())
    return TextRules(
        language=meta["lang"],
        ids=frozenset(meta.get("ids", "").split()),
        words=words,
        allowed_latin=(*([meta["names"]] if meta.get("names") else []), *instrument_phrases()),
        english_words=words,
        phrases=frozenset(meta.get("phrases", "").split("|")) - {""},
    )


def test_every_rule_has_a_failing_and_a_passing_page() -> None:
    covered = {rule_of(p) for p in RULE_PAGES}
    assert covered == {(rule, outcome) for rule in RULES for outcome in (True, False)}
    assert {p.stem.split("-")[1] for p in AXE_PAGES} == {"fail", "pass"}


@pytest.mark.parametrize("path", RULE_PAGES, ids=[p.stem for p in RULE_PAGES])
def test_rule_page(page: Page, path: Path) -> None:
    rule, must_fail = rule_of(path)
    meta = open_fixture(page, path)
    scrollers = meta.get("scrollers", "").split()
    found = check_page(page, fixture_rules(meta), None, scrollers)
    if must_fail:
        assert found, f"{path.name} should fail the {rule} rule, but the check found nothing"
        assert {f.rule for f in found} == {rule}, [str(f) for f in found]
    else:
        assert not found, [str(f) for f in found]


@pytest.mark.parametrize("path", AXE_PAGES, ids=[p.stem for p in AXE_PAGES])
def test_axe_page(page: Page, path: Path) -> None:
    must_fail = path.stem.startswith("axe-fail-")
    open_fixture(page, path)
    found = axe_violations(page)
    if must_fail:
        axe_rule = path.stem.removeprefix("axe-fail-")
        assert [v.rule for v in found] == [axe_rule], [str(v) for v in found]
        assert found[0].impact in ("serious", "critical") and found[0].nodes >= 1
    else:
        assert not found, [str(v) for v in found]


def test_axe_is_scoped_to_the_given_element(page: Page) -> None:
    """JupyterLab's own chrome is left out by a scope: a violation outside it is not reported."""
    page.set_content(
        '<html lang="en"><head><title>Scope</title></head><body>'
        '<div id="chrome"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="9" height="9"></div>'
        '<main id="notebook"><p>Our text.</p></main></body></html>'
    )
    assert [v.rule for v in axe_violations(page)] == ["image-alt"]
    assert axe_violations(page, "#notebook") == []
    assert axe_violations(page, {"include": [["body"]], "exclude": [["#chrome"]]}) == []


# --- the text rules without a browser ---------------------------------------------------------------


def test_latin_runs_join_words_across_ascii_punctuation_and_digits_only() -> None:
    text = "第 5 天：agree a plan (day 6), 然后 call her."
    runs = [(text[s:e], n) for s, e, n in latin_runs(text)]
    assert runs == [("agree a plan (day", 4), ("call her", 2)]


def test_a_one_word_id_inside_english_prose_on_a_chinese_page_is_left_to_the_latin_rule() -> None:
    rules = TextRules("zh", ids=frozenset({"rapport", "not-wake-up"}), english_words=frozenset({"rapport"}))
    found = text_findings([Block("Build rapport with the mother before the not-wake-up scene.", "p")], rules)
    assert sorted(f.rule for f in found) == ["internal-id", "latin-in-chinese"]
    assert "not-wake-up" in next(f.text for f in found if f.rule == "internal-id")


def test_english_marked_as_english_on_a_chinese_page_is_meant() -> None:
    rules = TextRules("zh", ids=frozenset())
    sentence = "Build rapport with the mother before anything else."
    assert [f.rule for f in text_findings([Block(sentence, "td")], rules)] == ["latin-in-chinese"]
    assert text_findings([Block(sentence, "td", lang="en")], rules) == []
    assert [f.rule for f in text_findings([Block(sentence, "td", lang="zh-Hans")], rules)] == ["latin-in-chinese"]


def test_case_ids_hold_every_kind_of_id_and_no_bare_numbers() -> None:
    ids = case_ids(TESTS.parent / "casedata" / "child-in-crisis")
    for expected in ("child-in-crisis", "crisis-intervention", "first-priority", "lethality", "action-plan"):
        assert expected in ids
    assert not any(i.isdigit() for i in ids)


def test_case_rules_know_the_case_words_and_allow_instrument_names() -> None:
    rules = case_rules(TESTS.parent / "casedata" / "child-in-crisis", "en")
    assert "follow-up" in rules.words and "child-in-crisis" not in rules.words
    assert any("Kessler" in phrase for phrase in rules.allowed_latin)
