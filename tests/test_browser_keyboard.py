"""Every exercise kind answered with the keyboard alone, in the trainee app (Voilà) in Debian's chromium.

Three case pages hold one exercise of each kind: child-in-crisis (single
choice, multiple choice, numeric, classification, ordering, scenario, free
text), elderly-self-management (chart choice, screening) and
infant-heart-family (ecomap). The test presses only Tab, Shift+Tab, the arrow
keys (in drop-downs), Space and Enter, and types what a trainee writes: it moves the focus
one Tab at a time towards the control a trainee would choose, checks that the
focused control shows a focus ring, and answers each exercise with the key's
answer. Moving an ordering's item keeps the focus on that item's button, so
Enter pressed again moves it on; a scenario's decision leaves the focus on the
next scene's choices. Then it reads the answer file and checks that every
answer was saved as given. Screenshots of each page go to test-artifacts/.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from swtrain.cases import load_case, load_key
from swtrain.exercises.scenario import best_path, replay
from swtrain.exercises.screening import instrument_of, own_score
from swtrain.models import Case, Key
from swtrain.variants import derive_variant

from .browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    AppServer,
    Budget,
    block_outside_requests,
    copy_notebooks,
    require_chromium,
    start_app,
    stopping,
)
from .conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

TRAINEE = "t-keys-01"
ARTIFACTS = ROOT / "test-artifacts"
TOTAL_SECONDS = 420  # three case pages, a few hundred key presses; a normal run takes about two minutes
MOST_TABS = 400  # more presses than this to reach one control means the control is not in the tab order
WRITTEN = "Keyboard only: a safety plan with the mother today. 今天与母亲制定安全计划。"

# Where the focus is, seen from the control a trainee wants: "here", or which way to press Tab.
_WHERE = """
([scope, selector, text]) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const label = (el) => norm(el.closest('label') ? el.closest('label').innerText : el.innerText || el.value);
  const box = document.querySelector(scope);
  if (!box) return 'no scope ' + scope;
  const found = [...box.querySelectorAll(selector)].filter((el) => text === null || label(el) === text);
  if (found.length !== 1) return 'found ' + found.length + ' of ' + selector + ' ' + text;
  const target = found[0], active = document.activeElement;
  if (active === target) return 'here';
  if (!active || active === document.body) return 'forward';
  return active.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING ? 'forward' : 'backward';
}
"""

# The focused control draws a ring a trainee can see: a solid outline at least 2 px wide, or a box shadow.
_RING = """
() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  return el.matches(':focus-visible') && (outline || s.boxShadow !== 'none');
}
"""


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Callable[[Budget], AppServer]]:
    with stopping() as servers:

        def start(budget: Budget) -> AppServer:
            root = copy_notebooks(ROOT / "notebooks", tmp_path / "notebooks")
            server = start_app(root, tmp_path, TRAINEE)
            servers.append(server)
            server.wait_until_ready(budget)
            return server

        yield start


class Keys:
    """A trainee at a keyboard: moves the focus with Tab and Shift+Tab, answers with arrows, Space and Enter."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0

    def press(self, key: str) -> None:
        self.presses += 1
        self.page.keyboard.press(key)

    def focus(self, scope: str, selector: str, text: str | None = None) -> None:
        """Tab (or Shift+Tab) until the control `selector` in `scope` (labelled `text`) has the focus and a ring."""
        for _ in range(MOST_TABS):
            where = self.page.evaluate(_WHERE, [scope, selector, text])
            if where == "here":
                assert self.page.evaluate(_RING), f"no visible focus ring on {selector} {text or ''} in {scope}"
                return
            assert where in ("forward", "backward"), where
            self.press("Tab" if where == "forward" else "Shift+Tab")
        raise AssertionError(f"{selector} {text or ''} in {scope} is not reached with Tab")

    def active_value(self) -> str:
        return str(self.page.evaluate("() => document.activeElement.value"))

    def choose_in_select(self, wanted: str) -> None:
        """Arrow down (or up) through the focused drop-down until it shows `wanted` (an option's text)."""
        # ipywidgets writes the spaces of an option as no-break spaces
        options = self.page.evaluate(
            "() => [...document.activeElement.options].map((o) => o.text.replace(/\\s+/g, ' ').trim())"
        )
        wanted = " ".join(wanted.split())
        assert wanted in options, (wanted, options)
        for _ in range(len(options) * 2):
            shown = self.page.evaluate(
                "() => document.activeElement.selectedOptions[0].text.replace(/\\s+/g, ' ').trim()"
            )
            if shown == wanted:
                return
            self.press("ArrowDown" if options.index(shown) < options.index(wanted) else "ArrowUp")
        raise AssertionError(f"the drop-down never showed {wanted!r}")

    def choose_radio(self, scope: str, wanted: str) -> None:
        """Tab to the radio button labelled `wanted` and press Space (ipywidgets' radios are not one group)."""
        self.focus(scope, "input[type=radio]", wanted)
        self.press("Space")
        checked = self.page.evaluate(
            "(s) => document.querySelector(s + ' input[type=radio]:checked').closest('label').innerText.trim()",
            scope,
        )
        assert " ".join(checked.split()) == " ".join(wanted.split()), (checked, wanted)


def saved_answers(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {key: answer["value"] for key, answer in data.get("answers", {}).items()}


def open_case(page: Page, app: AppServer, budget: Budget, case: Case, notebook: str, language: str) -> None:
    from playwright.sync_api import expect

    page.goto(app.url(f"voila/render/{notebook}?case_id={case.id}&language={language}"), timeout=budget.ms(60))
    expect(page.locator(".swtrain-exercise")).to_have_count(len(case.exercises), timeout=budget.ms(90))


def scope(exercise_id: str) -> str:
    return f".swtrain-exercise-{exercise_id}"


def labels(options: Any, language: str) -> dict[str, str]:
    return {o.value: o.label.get(language) for o in options}


def answer_crisis_case(keys: Keys, case: Case, key: Key, language: str) -> dict[str, Any]:
    """Single choice, multiple choice, numeric, classification, ordering, scenario and free text, by keys."""
    page = keys.page
    wanted: dict[str, Any] = {}
    by_kind = {type(e).__name__: e for e in reversed(case.exercises)}  # the first exercise of each kind

    single: Any = by_kind["SingleChoice"]
    answer = key.exercises[single.id].answer  # type: ignore[union-attr]
    keys.choose_radio(scope(single.id), labels(single.options, language)[answer])
    wanted[single.id] = answer

    multiple: Any = by_kind["MultipleChoice"]
    right = list(key.exercises[multiple.id].answers)  # type: ignore[union-attr]
    for value in right:
        keys.focus(scope(multiple.id), "input[type=checkbox]", labels(multiple.options, language)[value])
        keys.press("Space")
    wanted[multiple.id] = [o.value for o in multiple.options if o.value in right]

    numeric: Any = by_kind["Numeric"]
    number = key.exercises[numeric.id].expected(numeric, derive_variant(TRAINEE, case.id))  # type: ignore[union-attr]
    keys.focus(scope(numeric.id), "input[type=text]")
    page.keyboard.type(f"{number:g}")
    keys.press("Enter")
    wanted[numeric.id] = number

    sorting: Any = by_kind["Classification"]
    categories = labels(sorting.categories, language)
    for item, category in key.exercises[sorting.id].answers.items():  # type: ignore[union-attr]
        keys.focus(f"{scope(sorting.id)} .swtrain-classify-{item}", "button", categories[category])
        keys.press("Space")
    wanted[sorting.id] = dict(key.exercises[sorting.id].answers)  # type: ignore[union-attr]

    ordering: Any = by_kind["Ordering"]
    wanted[ordering.id] = sort_by_keys(keys, ordering, list(key.exercises[ordering.id].order), language)  # type: ignore[union-attr]

    scenario: Any = by_kind["Scenario"]
    path = best_path(scenario, key.exercises[scenario.id])  # type: ignore[arg-type]
    choice_labels = scenario.choice_labels(language)
    for step, choice in enumerate(path, start=1):
        keys.focus(scope(scenario.id), "button.swtrain-choice", _lettered(page, scenario.id, choice_labels[choice]))
        keys.press("Enter")
        page.wait_for_function(
            "([s, n]) => document.querySelector(s + ' .swtrain-scene').dataset.step === String(n)",
            arg=[scope(scenario.id), step],
        )
        if not case_scene_is_end(scenario, path[:step]):
            # the focus stays with the scenario's choices: the next decision is near, not a whole page away
            assert page.evaluate(
                "(s) => document.activeElement.matches(s + ' button.swtrain-choice')", scope(scenario.id)
            )
    wanted[scenario.id] = path

    free: Any = by_kind["FreeText"]
    keys.focus(scope(free.id), "textarea")
    page.keyboard.type(WRITTEN)
    keys.press("Tab")
    wanted[free.id] = WRITTEN
    return wanted


def case_scene_is_end(scenario: Any, path: list[str]) -> bool:
    return bool(scenario.scene(replay(scenario, path).here).is_end)


def _lettered(page: Page, exercise_id: str, label: str) -> str:
    """The text of the scenario button that shows `label` ("B. label"), once the scene offers it."""
    script = (
        "([s, label]) => [...document.querySelectorAll(s + ' button.swtrain-choice')]"
        ".filter((b) => b.offsetParent).map((b) => b.innerText.replace(/\\s+/g, ' ').trim())"
        ".filter((t) => t.replace(/^[A-D]\\. /, '') === label)"
    )
    wanted = " ".join(label.split())
    page.wait_for_function(f"(args) => ({script})(args).length === 1", arg=[scope(exercise_id), wanted])
    found: list[str] = page.evaluate(script, [scope(exercise_id), wanted])
    return found[0]


def sort_by_keys(keys: Keys, ordering: Any, order: list[str], language: str) -> list[str]:
    """Put the items in `order` with the move-up buttons (the focus follows the item moved), then save the order."""
    page = keys.page
    by_label = {i.label.get(language): i.value for i in ordering.items}
    box = scope(ordering.id)

    def shown() -> list[str]:
        texts = page.evaluate(
            "(s) => [...document.querySelectorAll(s + ' .swtrain-order-item')]"
            ".map((e) => e.innerText.replace(/^\\s*\\d+\\.\\s*/, '').trim())",
            box,
        )
        return [by_label[t] for t in texts]

    for position, item in enumerate(order):
        now = shown()
        at = now.index(item)
        if at == position:
            continue
        keys.focus(f"{box} .swtrain-order-row:nth-child({at + 1})", "button.swtrain-move-up")
        for row in range(at, position, -1):
            keys.press("Enter")
            # the focus follows the item to the row above (to its ↓ once it is at the top): press again to go on
            page.wait_for_function(
                "(row) => document.activeElement.matches(row + ' button')",
                arg=f"{box} .swtrain-order-row:nth-child({row})",
            )
        page.wait_for_function(
            "([s, n, text]) => document.querySelectorAll(s + ' .swtrain-order-item')[n].innerText.includes(text)",
            arg=[box, position, next(i.label.get(language) for i in ordering.items if i.value == item)],
        )
    assert shown() == order
    keys.focus(box, "button.swtrain-save-order")
    keys.press("Enter")
    return order


def answer_self_management_case(keys: Keys, case: Case, key: Key, language: str) -> dict[str, Any]:
    """Chart choice and a screening form, by keys."""
    page = keys.page
    wanted: dict[str, Any] = {}
    pick: Any = next(e for e in case.exercises if type(e).__name__ == "ChartChoice")
    answer = key.exercises[pick.id].answer  # type: ignore[union-attr]
    keys.focus(scope(pick.id), f".swtrain-chart-option-{answer}")
    keys.press("Space")
    wanted[pick.id] = answer

    form: Any = next(e for e in case.exercises if type(e).__name__ == "Screening")
    form_key: Any = key.exercises[form.id]
    instrument = instrument_of(form)
    for number, rating in form_key.items.items():
        item = instrument.item(number)
        rated = next(r for r in instrument.values_of(item) if r.value == rating)
        text = rated.label.get(language) if rated.label else str(rated.value)
        keys.focus(f"{scope(form.id)} .swtrain-item-{number}", "button", text)
        keys.press("Space")
    value, band, _why = own_score(instrument, form_key.items)
    assert value is not None
    keys.focus(scope(form.id), ".swtrain-screening-total input")
    page.keyboard.type(f"{value:g}")
    keys.press("Enter")
    result = {"total": f"{value:g}", "next": form_key.next_step}
    if band is not None:
        index = instrument.bands.index(band)
        keys.focus(scope(form.id), ".swtrain-screening-band select")
        keys.choose_in_select(f"{band.label.get(language)} ({band.min:g}–{band.max:g})")
        result["band"] = str(index)
    keys.choose_radio(
        f"{scope(form.id)} .swtrain-screening-next", labels(form.next_steps, language)[form_key.next_step]
    )
    wanted[form.id] = {"items": {str(n): str(v) for n, v in form_key.items.items()}, "result": result}
    return wanted


def answer_ecomap_case(keys: Keys, case: Case, key: Key, language: str) -> dict[str, Any]:
    """Every system of the ecomap placed with the two drop-downs of its row, by keys."""
    from swtrain.exercises import ecomap
    from swtrain.i18n import messages

    msg = messages(language)
    exercise: Any = next(e for e in case.exercises if type(e).__name__ == "Ecomap")
    links: Any = key.exercises[exercise.id].links  # type: ignore[union-attr]
    kinds = ecomap.kind_labels(msg)
    flows = ecomap.flow_labels(msg, exercise.centre.get(language))
    for system, link in links.items():
        keys.focus(scope(exercise.id), f".swtrain-ecomap-kind-{system} select")
        keys.choose_in_select(kinds[link.kind])
        keys.focus(scope(exercise.id), f".swtrain-ecomap-flow-{system} select")
        keys.choose_in_select(flows[link.flow])
    return {exercise.id: {s: {"kind": link.kind, "flow": link.flow} for s, link in links.items()}}


PAGES: list[tuple[str, str, str, Callable[[Keys, Case, Key, str], dict[str, Any]]]] = [
    ("child-in-crisis", "crisis_intervention.ipynb", "zh", answer_crisis_case),
    ("elderly-self-management", "self_management.ipynb", "en", answer_self_management_case),
    ("infant-heart-family", "resource_linkage.ipynb", "zh", answer_ecomap_case),
]


def test_every_exercise_kind_answered_with_the_keyboard_alone(app: Callable[[Budget], AppServer]) -> None:
    require_chromium()
    from playwright.sync_api import sync_playwright

    budget = Budget(TOTAL_SECONDS)
    server = app(budget)
    errors: list[str] = []
    kinds: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=budget.ms(30))
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda e: errors.append(str(e)))
        block_outside_requests(page)
        keys = Keys(page)
        try:
            for case_id, notebook, language, answer in PAGES:
                case = load_case(case_id)
                open_case(page, server, budget, case, notebook, language)
                wanted = answer(keys, case, load_key(case), language)
                kinds |= {type(case.exercise(e)).__name__ for e in wanted}
                answer_file = server.root / "responses" / TRAINEE / f"{case_id}.json"
                budget.poll(
                    lambda f=answer_file, w=wanted: all(saved_answers(f).get(e) == v for e, v in w.items()),
                    f"every answer of {case_id} given by keys to be saved",
                )
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"keyboard-{case_id}.png"))
            assert not errors, errors
        except BaseException:
            print("--- server log (tail) ---", server.log_tail(80), "--- page errors ---", *errors, sep="\n")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "keyboard-failure.png"))
            raise
        finally:
            browser.close()
    assert kinds == {
        "SingleChoice",
        "MultipleChoice",
        "Numeric",
        "Classification",
        "Ordering",
        "Scenario",
        "FreeText",
        "ChartChoice",
        "Screening",
        "Ecomap",
    }
    print(f"{keys.presses} key presses answered ten exercise kinds")
