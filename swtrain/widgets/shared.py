"""Widgets built with shared layout and style models and with their CSS classes from the start.

ipywidgets gives every widget a layout model and most kinds a style model of their own; each is a
comm the kernel opens, the app server reads and the browser builds, and each `add_class` after
construction is one more message. A case page built that way held 472 models, 280 of them layouts and
styles, and sent 102 class updates. `make` gives a widget the kernel's one shared model for each
layout or style it asks for by value (a dict, or nothing for the defaults) and its classes as it is
made.

The rule that keeps sharing safe: a shared layout or style is never changed. A widget whose layout or
style changes later (shown and hidden, resized) is given an instance of its own (`w.Layout(...)`),
which `make` passes on untouched.
"""

from __future__ import annotations

from typing import Any, TypeVar

import ipywidgets as w

W = TypeVar("W", bound=w.DOMWidget)

#: A layout as wide as its content (the most common one asked for by value).
AUTO: dict[str, Any] = {"width": "auto"}

# (model class, its settings) -> the one model of that kind in this kernel
_SHARED: dict[tuple[type, tuple[tuple[str, Any], ...]], w.Widget] = {}


def shared(kind: type[w.Widget], settings: dict[str, Any] | None = None) -> Any:
    """The kernel's one `kind` model (a layout or style class) with `settings`; made on first use."""
    key = (kind, tuple(sorted((settings or {}).items())))
    model = _SHARED.get(key)
    if model is None or model.comm is None:  # a closed model (Widget.close_all) is made again
        model = _SHARED[key] = kind(**(settings or {}))
    return model


def make(kind: type[W], *classes: str, **traits: Any) -> W:
    """A `kind` widget with `traits` and the CSS `classes`; its layout and style are shared models unless
    given as instances (which stay the widget's own)."""
    for name in ("layout", "style"):
        trait = kind.class_traits().get(name)
        given = traits.get(name)
        if trait is not None and (given is None or isinstance(given, dict)):
            traits[name] = shared(trait.klass, given)
    if classes:
        traits["_dom_classes"] = classes
    return kind(**traits)


def replace_children(box: w.Box, children: list[Any] | tuple[Any, ...]) -> None:
    """Show `children` in `box` and close the widgets they replace, with their own layouts and styles (shared
    ones stay): a page rebuilt in another language does not keep the old widgets' models in the kernel."""
    old = box.children
    box.children = tuple(children)
    kept = {id(child) for child in box.children}
    for child in old:
        if id(child) not in kept:
            close_tree(child)


def close_tree(widget: Any) -> None:
    """Close `widget`, everything inside it, and the layout and style that are its own."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    shared_models = {id(model) for model in _SHARED.values()}
    for name in ("layout", "style"):
        model = getattr(widget, name, None)
        if isinstance(model, w.Widget) and id(model) not in shared_models:
            model.close()
    widget.close()


def html(value: str = "", *classes: str, **traits: Any) -> w.HTML:
    """An HTML widget (shared layout and style)."""
    return make(w.HTML, *classes, value=value, **traits)


def vbox(children: list[Any] | tuple[Any, ...] = (), *classes: str, **traits: Any) -> w.VBox:
    """A vertical box (shared layout)."""
    return make(w.VBox, *classes, children=tuple(children), **traits)


def hbox(children: list[Any] | tuple[Any, ...] = (), *classes: str, **traits: Any) -> w.HBox:
    """A horizontal box (shared layout)."""
    return make(w.HBox, *classes, children=tuple(children), **traits)
