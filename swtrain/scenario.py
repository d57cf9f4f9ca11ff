"""Branching scenarios: checking a scenario's graph, replaying a path, grading it.

A path is the list of choice ids a trainee made, from the start scene on.
Replaying it gives the scenes passed and the counters after each choice;
a choice that is not one of the current scene's choices ends the replay
with an error, so a path saved by one version of a case never grades
against a scene it did not see.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import Problem
from .i18n import Messages
from .models import Case, Scenario, ScenarioKey

#: A path longer than this is refused: a loop with an exit is allowed, an endless walk is not.
MAX_DECISIONS = 200


class PathError(ValueError):
    """A saved path that does not fit the scenario."""


@dataclass
class Walk:
    """A path replayed: the scenes reached (start first), counters after each step."""

    scenes: list[str]
    choices: list[str]
    counters: list[dict[str, int]] = field(default_factory=list)

    @property
    def here(self) -> str:
        return self.scenes[-1]

    def counters_now(self) -> dict[str, int]:
        return self.counters[-1]


def replay(scenario: Scenario, path: Sequence[str]) -> Walk:
    """Follow `path` from the start; PathError naming the step that does not fit."""
    if len(path) > MAX_DECISIONS:
        raise PathError(f"at most {MAX_DECISIONS} decisions, not {len(path)}")
    scenes = {s.id: s for s in scenario.scenes}
    counters = {c.id: c.initial for c in scenario.counters}
    walk = Walk([scenario.start], [], [dict(counters)])
    for step, choice_id in enumerate(path, start=1):
        scene = scenes[walk.here]
        choice = next((c for c in scene.choices if c.id == choice_id), None)
        if choice is None:
            offered = ", ".join(c.id for c in scene.choices) or "none (an end scene)"
            raise PathError(f"decision {step} at scene {scene.id!r}: one of {offered}, not {choice_id!r}")
        for counter, change in choice.effects.items():
            counters[counter] += change
        walk.scenes.append(choice.goto)
        walk.choices.append(choice.id)
        walk.counters.append(dict(counters))
    return walk


def best_path(scenario: Scenario, key: ScenarioKey) -> list[str]:
    """The path that takes the best-credited choice at every scene (the first of equals), to an end."""
    scene = scenario.scene(scenario.start)
    path: list[str] = []
    while scene.choices and len(path) < MAX_DECISIONS:
        choice = max(scene.choices, key=lambda c: key.credit.get(c.id, 0))
        path.append(choice.id)
        scene = scenario.scene(choice.goto)
    return path


def decisions_to_end(scenario: Scenario, scene_id: str) -> int:
    """The fewest decisions from `scene_id` to an end scene (0 at an end)."""
    scenes = {s.id: s for s in scenario.scenes}
    seen = {scene_id}
    queue = deque([(scene_id, 0)])
    while queue:
        current, depth = queue.popleft()
        if scenes[current].is_end:
            return depth
        for choice in scenes[current].choices:
            if choice.goto not in seen:
                seen.add(choice.goto)
                queue.append((choice.goto, depth + 1))
    return 0  # cannot happen in a checked scenario


def problems(case: Case) -> list[Problem]:
    """Every scenario of `case` checked: scenes exist and are reachable, paths can end, counters are declared."""
    found: list[Problem] = []
    for index, exercise in enumerate(case.exercises):
        if isinstance(exercise, Scenario):
            found.extend(scenario_problems(exercise, f"exercises.{index}", case))
    return found


def scenario_problems(scenario: Scenario, field: str, case: Case) -> list[Problem]:
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


def key_problems(scenario: Scenario, key: ScenarioKey, field: str) -> list[Problem]:
    """A key whose credits, feedback or rules name choices, scenes or counters the scenario lacks."""
    choices = {c.id for s in scenario.scenes for c in s.choices}
    scenes = {s.id for s in scenario.scenes}
    counters = {c.id for c in scenario.counters}
    found = [
        Problem(f"{field}.credit", choice, "a choice id of the scenario")
        for choice in key.credit
        if choice not in choices
    ]
    missing = sorted(choices - set(key.credit))
    if missing:
        found.append(Problem(f"{field}.credit", missing, "a credit (0 to 1) for every choice"))
    found.extend(
        Problem(f"{field}.feedback", choice, "a choice id of the scenario")
        for choice in key.feedback
        if choice not in choices
    )
    for i, rule in enumerate(key.rules):
        if rule.at_scene not in scenes:
            found.append(Problem(f"{field}.rules.{i}.at_scene", rule.at_scene, "a scene id of the scenario"))
        if rule.counter not in counters:
            found.append(Problem(f"{field}.rules.{i}.counter", rule.counter, "a counter declared in the scenario"))
    return found


def grade(
    scenario: Scenario, key: ScenarioKey, path: list[str], msg: Messages, reveal: bool
) -> tuple[float, list[str]]:
    """The fraction earned and the path in words, with each choice's feedback and the rules' verdicts."""
    walk = replay(scenario, path)
    lang = msg.language
    scenes = {s.id: s for s in scenario.scenes}
    labels = {c.id: c.label.get(lang) for s in scenario.scenes for c in s.choices}
    notes = []
    for step, choice in enumerate(walk.choices, start=1):
        line = msg("Decision {step}: {choice}", step=step, choice=labels[choice])
        if choice in key.feedback:
            line += " — " + key.feedback[choice].get(lang)
        notes.append(line)
    remaining = 0 if scenes[walk.here].is_end else decisions_to_end(scenario, walk.here)
    if remaining:
        notes.append(msg("Not finished: at least {count} more decision(s) to an end.", count=remaining))
    made = len(walk.choices)
    decisions = sum(key.credit[c] for c in walk.choices) / (made + remaining) if made + remaining else 1.0
    judged = []
    for rule in key.rules:
        if rule.at_scene in walk.scenes:
            value = walk.counters[walk.scenes.index(rule.at_scene)][rule.counter]
            kept = (rule.at_least is None or value >= rule.at_least) and (rule.at_most is None or value <= rule.at_most)
        elif remaining or rule.unreached == "not_judged":
            continue
        else:
            kept = False  # the path ended before the milestone the rule is about
        judged.append((rule.weight, kept))
        if not kept:
            notes.append(rule.feedback.get(lang))
    rules_weight = sum(weight for weight, _ in judged)
    fraction = (1 - rules_weight) * decisions + sum(weight for weight, kept in judged if kept)
    if reveal and fraction < 1:
        best = [c for c in walk.choices if key.credit[c] < 1]
        if best:
            notes.append(
                msg("Choices that earned less than full credit: {choices}", choices="; ".join(labels[c] for c in best))
            )
    return fraction, notes
