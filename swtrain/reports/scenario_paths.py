"""A scenario as the class walked it, and as the debrief draws it: no drawing here.

read_paths(OUT, case_id, exercise_id)   every trainee's path, from OUT/scenario_paths.csv
walks_of(scenario, paths)                  (scenes, choices) of each path that still fits the scenario
traffic(walks)                          trainees per step, the choices of each step, trainees per scene
layout(scenario)                        each scene's place on the path map, and the way points of long arrows
map_order / decision_order              scenes in the order the map shows them (from the start down)
scene_names / choice_letters            "Decision 2", "Ending 1", and "A" to "D": never the case's ids
"""

from __future__ import annotations

import csv
from collections import Counter, deque
from collections.abc import Hashable
from pathlib import Path
from typing import TypeAlias

from ..errors import AnswerInvalid, SwtrainError
from ..exercises.scenario import Scenario, replay
from ..i18n import messages
from ..models import Case

_LETTERS = "ABCDEFGH"


def scenario_of(case: Case, exercise_id: str) -> Scenario:
    exercise = case.exercise(exercise_id)
    if not isinstance(exercise, Scenario):
        raise SwtrainError(f"Exercise {exercise_id!r} of case {case.id!r} is a {exercise.type}, not a scenario.")
    return exercise


def read_paths(out: Path | str, case_id: str, exercise_id: str) -> list[list[str]]:
    """Every trainee's path through one scenario, as graded into OUT/scenario_paths.csv."""
    path = Path(out) / "scenario_paths.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            row["path"].split()
            for row in csv.DictReader(handle)
            if row["case_id"] == case_id and row["exercise_id"] == exercise_id
        ]


def walks_of(scenario: Scenario, paths: list[list[str]]) -> list[tuple[list[str], list[str]]]:
    """(scenes, choices) of each path that still fits the scenario."""
    walks = []
    for path in paths:
        try:
            walk = replay(scenario, path)
        except AnswerInvalid:
            continue
        walks.append((walk.scenes, walk.choices))
    return walks


def traffic(
    walks: list[tuple[list[str], list[str]]],
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[str]], Counter[str]]:
    """Trainees per (scene, next scene), the choices that led there, and trainees who reached each scene."""
    edges: Counter[tuple[str, str]] = Counter()
    taken: dict[tuple[str, str], set[str]] = {}
    reached: Counter[str] = Counter()
    for scenes, choices in walks:
        steps = set(zip(scenes, scenes[1:], choices, strict=False))
        edges.update({(a, b) for a, b, _ in steps})
        for a, b, choice in steps:
            taken.setdefault((a, b), set()).add(choice)
        reached.update(set(scenes))
    return edges, taken, reached


def decision_order(scenario: Scenario) -> list[str]:
    """Decision scenes in the order the path map shows them: from the start down, and left to right."""
    return [s for s in map_order(scenario) if not scenario.scene(s).is_end]


def map_order(scenario: Scenario) -> list[str]:
    """Every scene in the order the path map shows it: by layer from the start down, then left to right."""
    scenes, _routes = layout(scenario)
    return sorted(scenes, key=lambda s: (scenes[s][1], scenes[s][0]))


def reading_order(scenario: Scenario) -> list[str]:
    """Every scene reachable from the start, breadth first; then any scene no path reaches."""
    order, seen, queue = [], {scenario.start}, deque([scenario.start])
    while queue:
        scene = scenario.scene(queue.popleft())
        order.append(scene.id)
        for choice in scene.choices:
            if choice.goto not in seen:
                seen.add(choice.goto)
                queue.append(choice.goto)
    return order + [s.id for s in scenario.scenes if s.id not in seen]


def scene_names(scenario: Scenario, language: str) -> dict[str, str]:
    """Each scene's name on the charts: "Decision 1", "Decision 2", ... and "Ending 1", ... in map order."""
    msg = messages(language)
    names: dict[str, str] = {}
    decisions = endings = 0
    for scene_id in map_order(scenario):
        if scenario.scene(scene_id).is_end:
            endings += 1
            names[scene_id] = msg("Ending {number}", number=endings)
        else:
            decisions += 1
            names[scene_id] = msg("Decision {number}", number=decisions)
    return names


def scene_text(scenario: Scenario, scene_id: str, language: str) -> str:
    """A scene's whole text on one line (the path map's table says what each numbered box is)."""
    return " ".join(scenario.scene(scene_id).text.get(language).split())


def choice_letters(scenario: Scenario) -> dict[str, str]:
    """Each choice's letter at its decision point, in the case's order: A, B, C, D."""
    return {choice.id: _LETTERS[i] for scene in scenario.scenes for i, choice in enumerate(scene.choices)}


def scene_edges(scenario: Scenario) -> list[tuple[str, str]]:
    """Every (scene, scene it leads to) of the scenario, once."""
    return list(dict.fromkeys((scene.id, choice.goto) for scene in scenario.scenes for choice in scene.choices))


Route: TypeAlias = list[tuple[float, int]]


def layout(scenario: Scenario) -> tuple[dict[str, tuple[float, int]], dict[tuple[str, str], Route]]:
    """(across, layer) of each scene, and the way points of each arrow that skips layers (one a layer between).

    A scene's layer is the longest way to it from the start that goes through no loop, so every arrow but a
    loop's points down. An arrow that skips layers passes through a place of its own in each layer between,
    and the places of a layer are ordered by where the places leading to them stand, so that arrows cross as
    little as they can (the layered drawing of Sugiyama, Tagawa and Toda, 1981, without its refinements).
    """
    layer = _layers(scenario)
    slots: dict[int, list[Hashable]] = {}
    parents: dict[Hashable, list[Hashable]] = {}
    for scene_id in reading_order(scenario):
        slots.setdefault(layer[scene_id], []).append(scene_id)
    long_edges = []
    for scene in scenario.scenes:
        for target in dict.fromkeys(c.goto for c in scene.choices):
            previous: Hashable = scene.id
            if layer[target] > layer[scene.id] + 1:
                long_edges.append((scene.id, target))
                for between in range(layer[scene.id] + 1, layer[target]):
                    waypoint = (scene.id, target, between)
                    slots[between].append(waypoint)
                    parents[waypoint] = [previous]
                    previous = waypoint
            parents.setdefault(target, []).append(previous)
    place: dict[Hashable, tuple[float, int]] = {}
    for number in sorted(slots):
        members = slots[number]
        if number:

            def pull(slot: Hashable) -> float:
                placed = [place[p][0] for p in parents.get(slot, []) if p in place]
                return sum(placed) / len(placed) if placed else 0.0

            members = sorted(members, key=pull)
        for index, slot in enumerate(members):
            place[slot] = (index - (len(members) - 1) / 2, number)
    scenes = {s.id: place[s.id] for s in scenario.scenes}
    routes = {
        (source, target): [place[(source, target, n)] for n in range(layer[source] + 1, layer[target])]
        for source, target in long_edges
    }
    return scenes, routes


def _layers(scenario: Scenario) -> dict[str, int]:
    """Each scene's layer: the longest way from the start through no loop (unreachable scenes last)."""
    order = reading_order(scenario)
    # An arrow to a scene still open in the depth-first walk closes a loop: it is left out of the layering.
    forward: dict[str, list[str]] = {s: [] for s in order}
    state: dict[str, int] = {}
    stack = [(scenario.start, iter(c.goto for c in scenario.scene(scenario.start).choices))]
    state[scenario.start] = 1
    while stack:
        current, targets = stack[-1]
        target = next(targets, None)
        if target is None:
            state[current] = 2
            stack.pop()
        elif state.get(target) != 1:
            forward[current].append(target)
            if target not in state:
                state[target] = 1
                stack.append((target, iter(c.goto for c in scenario.scene(target).choices)))
    layer = {scenario.start: 0}
    for scene_id in _topological(forward, scenario.start):
        for target in forward[scene_id]:
            layer[target] = max(layer.get(target, 0), layer[scene_id] + 1)
    deepest = max(layer.values())
    return {s: layer.get(s, deepest + 1) for s in order}


def _topological(forward: dict[str, list[str]], start: str) -> list[str]:
    """The scenes reachable from `start` with every scene before the scenes it leads to (no loops here)."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(scene_id: str) -> None:
        seen.add(scene_id)
        for target in forward[scene_id]:
            if target not in seen:
                visit(target)
        done.append(scene_id)

    visit(start)
    return done[::-1]
