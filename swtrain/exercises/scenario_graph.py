"""What `swtrain check` verifies of a scenario's graph: scenes that exist and are reachable, paths that can end,
counters declared, choice ids used once (the scenario kind's case_problems)."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from ..errors import Problem
from .scenario import Scenario

if TYPE_CHECKING:
    from ..models import Case


def graph_problems(scenario: Scenario, field: str, case: Case) -> list[Problem]:
    found: list[Problem] = []
    index_of: dict[str, int] = {}
    for i, scene in enumerate(scenario.scenes):
        if scene.id in index_of:  # each repeat named where it stands, in file order
            found.append(Problem(f"{field}.scenes.{i}.id", scene.id, "a scene id used once"))
        index_of.setdefault(scene.id, i)
    if scenario.start not in index_of:
        found.append(Problem(f"{field}.start", scenario.start, f"a scene id ({', '.join(index_of)})"))
        return found
    counters = {c.id for c in scenario.counters}
    speakers = {p.id for p in case.people} | {"worker"}
    choice_ids: dict[str, str] = {}
    for i, scene in enumerate(scenario.scenes):
        where = f"{field}.scenes.{i}"
        if scene.speaker is not None and scene.speaker not in speakers:
            found.append(Problem(f"{where}.speaker", scene.speaker, f"'worker' or a person id, in scene {scene.id!r}"))
        for j, choice in enumerate(scene.choices):
            if choice.id in choice_ids:
                found.append(
                    Problem(
                        f"{where}.choices.{j}.id",
                        choice.id,
                        f"a choice id used once in the scenario (in scene {scene.id!r}, and {choice_ids[choice.id]!r})",
                    )
                )
            choice_ids[choice.id] = scene.id
            if choice.goto not in index_of:
                found.append(Problem(f"{where}.choices.{j}.goto", choice.goto, f"a scene id, in scene {scene.id!r}"))
            for counter in choice.effects:
                if counter not in counters:
                    declared = ", ".join(sorted(counters)) or "none declared"
                    found.append(
                        Problem(
                            f"{where}.choices.{j}.effects",
                            counter,
                            f"a counter declared under counters ({declared}), in scene {scene.id!r}",
                        )
                    )
    if any(p.field.endswith(".goto") for p in found):
        return found
    reachable = _reachable(scenario, scenario.start)
    for i, scene in enumerate(scenario.scenes):
        if scene.id not in reachable:
            found.append(
                Problem(f"{field}.scenes.{i}", scene.id, f"a scene reachable from the start {scenario.start!r}")
            )
    ends = {s.id for s in scenario.scenes if s.is_end}
    if not ends:
        found.append(Problem(f"{field}.scenes", None, "at least one end scene (a scene without choices)"))
        return found
    for i, scene in enumerate(scenario.scenes):
        if scene.id in reachable and not (_reachable(scenario, scene.id) & ends):
            found.append(
                Problem(
                    f"{field}.scenes.{i}",
                    scene.id,
                    "a way on to an end scene: from this scene every path loops without an exit",
                )
            )
    return found


def _reachable(scenario: Scenario, start: str) -> set[str]:
    scenes = {s.id: s for s in scenario.scenes}
    seen = {start}
    queue = deque([start])
    while queue:
        for choice in scenes[queue.popleft()].choices:
            if choice.goto in scenes and choice.goto not in seen:
                seen.add(choice.goto)
                queue.append(choice.goto)
    return seen
