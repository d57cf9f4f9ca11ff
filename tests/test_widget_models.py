"""Widget models: shared layouts and styles, classes given at construction, and what a case page costs.

That no shared model is ever changed is checked after every test (conftest.shared_widget_models_unchanged),
so every test that answers in a widget checks it too."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ipywidgets as w
import pytest

from swtrain.notebook import open_case
from swtrain.widgets.shared import AUTO, html, make, vbox


def test_widgets_share_the_layout_and_style_they_ask_for_by_value() -> None:
    first, second = html("a"), html("b")
    assert first.layout is second.layout and first.style is second.style
    wide, also_wide = make(w.Button, layout=AUTO), make(w.Button, layout={"width": "auto"})
    assert wide.layout is also_wide.layout and wide.layout.width == "auto"
    assert wide.layout is not first.layout
    assert wide.style is also_wide.style and isinstance(wide.style, w.ButtonStyle)
    toggles = make(w.ToggleButtons, options=["x"], style={"button_width": "auto"})
    assert toggles.style.button_width == "auto"
    assert toggles.style is not make(w.ToggleButtons, options=["x"]).style


def test_a_layout_given_as_an_instance_stays_the_widgets_own() -> None:
    own = w.Layout(display="none")
    box = vbox([], layout=own)
    assert box.layout is own
    box.layout.display = ""
    assert vbox().layout.display is None  # the shared layout did not change with it


def test_classes_are_given_at_construction() -> None:
    changes: list[str] = []
    widget = make(w.Button, "swtrain-primary", "swtrain-extra", description="Go")
    widget.observe(lambda change: changes.append(change["name"]))
    assert widget._dom_classes == ("swtrain-primary", "swtrain-extra")
    assert changes == []


def test_a_closed_shared_model_is_made_again() -> None:
    old = html().layout
    old.close()
    new = html().layout
    assert new is not old and new.comm is not None


@pytest.fixture
def built_models() -> Iterator[list[Any]]:
    """Every widget model made while the test runs, and each one's changes after it was made."""
    made: list[Any] = []

    def constructed(widget: Any) -> None:
        made.append(widget)
        widget.changed = Counter()  # type: ignore[attr-defined]
        widget.observe(lambda change: widget.changed.update([change["name"]]))

    w.Widget.on_widget_constructed(constructed)
    try:
        yield made
    finally:
        w.Widget.on_widget_constructed(None)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("case_id", ["child-in-crisis", "infant-heart-family"])
def test_a_case_page_builds_few_models(
    case_id: str, language: str, built_models: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each model is a message from the kernel, read by the app server and built by the browser: the page
    shares layouts and styles (472 models and 140 updates before they were shared, for child-in-crisis)."""
    monkeypatch.setattr("IPython.display.display", lambda *objects, **kwargs: None)
    session = open_case(case_id, "t001", language=language, mode="practice", responses_dir=tmp_path)
    session.show_header()
    session.show_case()
    session.show_exercises()
    session.show_summary()
    kinds = Counter(type(m).__name__ for m in built_models)
    layouts = kinds["Layout"]
    styles = sum(n for kind, n in kinds.items() if kind.endswith("Style"))
    controls = sum(kinds.values()) - layouts - styles
    assert controls > 100  # the page is all there
    assert layouts <= 20 and styles <= 8, kinds
    # a class is given as a widget is made, not sent as a change after it
    class_changes = sum(m.changed["_dom_classes"] for m in built_models)
    assert class_changes <= 4, class_changes  # only a scenario's first scene names its choices later
    # a scenario fills its first scene's choices (shown and spare) after making its buttons
    assert sum(m.changed["children"] for m in built_models) <= 3


def test_a_language_switch_closes_the_widgets_it_replaces(
    built_models: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page built again in another language leaves no old widget model open in the kernel."""
    monkeypatch.setattr("IPython.display.display", lambda *objects, **kwargs: None)
    session = open_case("child-in-crisis", "t001", language="en", mode="practice", responses_dir=tmp_path)
    session.show_header()
    session.show_case()
    session.show_exercises()
    session.show_summary()

    def open_models() -> int:
        return sum(1 for m in built_models if m.comm is not None)

    first = open_models()
    session.set_language("zh")
    session.set_language("en")
    assert len(built_models) > 2 * first  # two more pages were built
    assert open_models() == first
    session.refresh()  # "Show my latest answers" builds the exercises again
    assert open_models() == first
    boxes = [box for box, _build in session._views]
    assert all(child.comm is not None for box in boxes for child in box.children)
