"""The exercise kinds: one module each in this package, listed here by name.

    kind_of(exercise)     the kind of an exercise (its `type` in case.yaml)
    KINDS                 every kind by name, in the order below
    exercise_union()      the case model of every kind, for Case.exercises
    key_union()           the key model of every kind, for Key.exercises

A kind's module holds its case and key models and a subclass of
`ExerciseKind` as `KIND`: key checks, scoring, the answer in words, an
optional drawing, a synthetic answer and the name of its widget. Adding a
kind is that module, a widget module under swtrain/widgets/, its name below
and its catalog strings; nothing else in swtrain names a kind.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Annotated, Any, Union

from pydantic import Field

from .base import ExerciseBase, ExerciseKind, KeyBase, Scored

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = ["KINDS", "ExerciseBase", "ExerciseKind", "KeyBase", "Scored", "exercise_union", "key_union", "kind_of"]

KINDS: dict[str, ExerciseKind[Any, Any]] = {
    kind.name: kind
    for kind in (
        import_module(f".{module}", __name__).KIND
        for module in (
            "single_choice",
            "multiple_choice",
            "ordering",
            "classification",
            "numeric",
            "free_text",
            "chart_choice",
            "ecomap",
            "screening",
            "scenario",
        )
    )
}


def kind_of(exercise: ExerciseBase | KeyBase | str) -> ExerciseKind[Any, Any]:
    """The kind of an exercise or key entry (or of a `type` name)."""
    name = exercise if isinstance(exercise, str) else str(getattr(exercise, "type", ""))
    return KINDS[name]


def _tagged_union(models: list[type[BaseModel]]) -> Any:
    # pydantic picks the model by the `type` field every kind's models declare as a literal
    return Annotated[Union[tuple(models)], Field(discriminator="type")]  # noqa: UP007


def exercise_union() -> Any:
    """The case models of every kind as one tagged union."""
    return _tagged_union([kind.exercise_model for kind in KINDS.values()])


def key_union() -> Any:
    """The key models of every kind as one tagged union."""
    return _tagged_union([kind.key_model for kind in KINDS.values()])
