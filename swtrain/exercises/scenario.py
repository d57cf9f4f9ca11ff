"""Scenario: a branching interview; each choice leads to another scene and changes the counters.

The answer is the path: the ids of the choices made, in order, from the
start scene on. Replaying it gives the scenes passed and the counters after
each choice; a choice that is not one of the current scene's choices ends
the replay, so a path saved for one version of a case never grades against
a scene it did not see. `swtrain check` checks that every scene is
reachable, every path can end, no loop lacks an exit and every counter is
declared.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ..errors import AnswerInvalid, Problem
from ..fields import Frozen, Slug, Text
from ..i18n import plural
from .base import ExerciseBase, ExerciseKind, KeyBase, Scored, quoted, words

if TYPE_CHECKING:
    from ..i18n import Messages
    from ..models import Case

#: A path longer than this is refused: a loop with an exit is allowed, an endless walk is not.
MAX_DECISIONS = 200


class ScenarioCounter(Frozen):
    """A named quantity a scenario's choices change (rapport, risk known, the family's budget)."""

    id: Slug
    label: Text
    initial: int = 0
    shown: bool = True
    unit: Text | None = None


class ScenarioChoice(Frozen):
    """One choice at a decision point: where it leads and how it changes the counters."""

    id: Slug
    label: Text
    goto: Slug
    effects: Mapping[str, int] = Field(default_factory=dict)


class Scene(Frozen):
    """A moment of the scenario. With choices it is a decision point (two to four); without, an end."""

    id: Slug
    text: Text
    speaker: Slug | None = None
    content_note: Text | None = None
    choices: tuple[ScenarioChoice, ...] = ()
    allow_back: bool = False

    @field_validator("choices")
    @classmethod
    def _two_to_four(cls, value: tuple[ScenarioChoice, ...]) -> tuple[ScenarioChoice, ...]:
        if value and not 2 <= len(value) <= 4:
            raise ValueError(f"two to four choices at a decision point (or none at an end scene), not {len(value)}")
        return value

    @property
    def is_end(self) -> bool:
        return not self.choices


class Scenario(ExerciseBase):
    """A branching interview; the answer is the path. Choice ids are unique in the scenario, so a path reads alone."""

    type: Literal["scenario"]
    start: Slug
    counters: tuple[ScenarioCounter, ...] = ()
    scenes: Annotated[tuple[Scene, ...], Field(min_length=2)]

    def scene(self, scene_id: str) -> Scene:
        return next(s for s in self.scenes if s.id == scene_id)

    def choice_labels(self, language: str) -> dict[str, str]:
        """Every choice's id and its label in `language`."""
        return {c.id: c.label.get(language) for s in self.scenes for c in s.choices}


class CounterRule(Frozen):
    """A counter that must stand at or above (or at or below) a value when the path reaches a scene.

    For example: risk_known at least 1 on reaching the scene of Roberts'
    stage 5 (the lethality assessment came first). `weight` is its share of
    the exercise's points. A finished path that never reaches the scene
    breaks the rule (it ended before the milestone) unless `unreached` is
    "not_judged" (the scene lies on only one of several good routes); an
    unfinished path is judged once it gets there.
    """

    id: Slug
    at_scene: Slug
    counter: Slug
    at_least: int | None = None
    at_most: int | None = None
    weight: Annotated[float, Field(gt=0, lt=1)]
    feedback: Text
    unreached: Literal["fails", "not_judged"] = "fails"

    @model_validator(mode="after")
    def _has_a_bound(self) -> CounterRule:
        if self.at_least is None and self.at_most is None:
            raise ValueError("at_least or at_most (the value the counter must reach or keep under)")
        return self


class ScenarioKey(KeyBase):
    """Credit (0 to 1) and feedback per choice, and rules on counters.

    The score: the rules' weights judged on the path, and the rest shared by
    the decisions: the mean credit of the choices made, where an unfinished
    path counts the fewest decisions still needed to reach an end as 0.
    """

    type: Literal["scenario"]
    credit: Annotated[Mapping[str, Annotated[float, Field(ge=0, le=1)]], Field(min_length=1)]
    feedback: Mapping[str, Text] = Field(default_factory=dict)
    rules: tuple[CounterRule, ...] = ()

    @model_validator(mode="after")
    def _weights_leave_room(self) -> ScenarioKey:
        if sum(r.weight for r in self.rules) >= 1:
            raise ValueError("rules whose weights add up to less than 1 (the rest is the decisions' share)")
        return self


class ScenarioKind(ExerciseKind[Scenario, ScenarioKey]):
    name = "scenario"
    exercise_model = Scenario
    key_model = ScenarioKey
    widget = "swtrain.widgets.scenario.ScenarioWidget"

    def case_problems(self, exercise: Scenario, field: str, case: Case) -> list[Problem]:
        """Scenes that exist and are reachable, paths that can end, declared counters, choice ids used once."""
        from .scenario_graph import graph_problems

        return graph_problems(exercise, field, case)

    def key_problems(self, exercise: Scenario, key: ScenarioKey, field: str) -> list[Problem]:
        """Credits, feedback or rules naming choices, scenes or counters the scenario lacks."""
        choices = {c.id for s in exercise.scenes for c in s.choices}
        scenes = {s.id for s in exercise.scenes}
        counters = {c.id for c in exercise.counters}
        found = [Problem(f"{field}.credit", c, "a choice id of the scenario") for c in key.credit if c not in choices]
        missing = sorted(choices - set(key.credit))
        if missing:
            found.append(Problem(f"{field}.credit", missing, "a credit (0 to 1) for every choice"))
        found += [
            Problem(f"{field}.feedback", c, "a choice id of the scenario") for c in key.feedback if c not in choices
        ]
        for i, rule in enumerate(key.rules):
            if rule.at_scene not in scenes:
                found.append(Problem(f"{field}.rules.{i}.at_scene", rule.at_scene, "a scene id of the scenario"))
            if rule.counter not in counters:
                found.append(Problem(f"{field}.rules.{i}.counter", rule.counter, "a counter declared in the scenario"))
        return found

    def score(
        self, exercise: Scenario, key: ScenarioKey, value: Any, variant: int, msg: Messages, reveal: bool
    ) -> Scored:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AnswerInvalid(
                msg("The saved path is not a list of choices (found {found}).", found=type(value).__name__)
            )
        if len(value) > MAX_DECISIONS:
            raise AnswerInvalid(msg("The saved path has more than {count} decisions.", count=MAX_DECISIONS))
        fits = longest_valid(exercise, value)
        if len(fits) < len(value):
            raise AnswerInvalid(
                msg("The saved path does not fit the scenario from decision {step} on.", step=len(fits) + 1)
            )
        return grade_path(exercise, key, value, msg, reveal)

    def answer_text(self, exercise: Scenario, value: Any, msg: Messages) -> str:
        return words(value, exercise.choice_labels(msg.language), " → ")

    def debrief(self, exercise: Scenario, key: ScenarioKey, value: Any, msg: Messages) -> list[tuple[str, str]]:
        path = self.path_taken(value)
        return debrief_rows(exercise, key, path, msg) if path else []

    def path_taken(self, value: Any) -> list[str] | None:
        return value if isinstance(value, list) and all(isinstance(v, str) for v in value) else None

    def demo_answer(
        self, exercise: Scenario, key: ScenarioKey, variant: int, right: bool, language: str, rng: random.Random
    ) -> list[str]:
        """The best path when `right`; else a walk that now and then takes another choice, to an end."""
        if right:
            return best_path(exercise, key)
        scene = exercise.scene(exercise.start)
        path: list[str] = []
        while scene.choices and len(path) < MAX_DECISIONS // 4:
            best = max(scene.choices, key=lambda c: key.credit.get(c.id, 0))
            others = [c for c in scene.choices if c is not best]
            choice = best if rng.random() < 0.5 or not others else rng.choice(others)
            path.append(choice.id)
            scene = exercise.scene(choice.goto)
        return path


KIND = ScenarioKind()


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
    """Follow `path` from the start; AnswerInvalid naming the step that does not fit (for the instructor)."""
    if len(path) > MAX_DECISIONS:
        raise AnswerInvalid(f"at most {MAX_DECISIONS} decisions, not {len(path)}")
    scenes = {s.id: s for s in scenario.scenes}
    counters = {c.id: c.initial for c in scenario.counters}
    walk = Walk([scenario.start], [], [dict(counters)])
    for step, choice_id in enumerate(path, start=1):
        scene = scenes[walk.here]
        choice = next((c for c in scene.choices if c.id == choice_id), None)
        if choice is None:
            offered = ", ".join(c.id for c in scene.choices) or "none (an end scene)"
            raise AnswerInvalid(f"decision {step} at scene {scene.id!r}: one of {offered}, not {choice_id!r}")
        for counter, change in choice.effects.items():
            counters[counter] += change
        walk.scenes.append(choice.goto)
        walk.choices.append(choice.id)
        walk.counters.append(dict(counters))
    return walk


def longest_valid(scenario: Scenario, path: Sequence[str]) -> list[str]:
    """The longest start of `path` that fits the scenario (a path saved for an older version resumes there)."""
    scenes = {s.id: s for s in scenario.scenes}
    here, fits = scenario.start, []
    for choice_id in path[:MAX_DECISIONS]:
        choice = next((c for c in scenes[here].choices if c.id == choice_id), None)
        if choice is None:
            break
        fits.append(choice_id)
        here = choice.goto
    return fits


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


def grade_path(scenario: Scenario, key: ScenarioKey, path: list[str], msg: Messages, reveal: bool) -> Scored:
    """The fraction earned, and notes: the rules' verdicts; for a path not finished, each choice with its feedback
    and how far the end is (a finished path is set beside the best one by `debrief_rows`)."""
    walk = replay(scenario, path)
    lang = msg.language
    scenes = {s.id: s for s in scenario.scenes}
    labels = scenario.choice_labels(lang)
    remaining = 0 if scenes[walk.here].is_end else decisions_to_end(scenario, walk.here)
    notes = []
    if remaining:
        notes = [decision_text(step, choice, labels, key, msg) for step, choice in enumerate(walk.choices, start=1)]
        notes.append(
            plural(
                "Not finished: at least {count} more decision to an end.",
                "Not finished: at least {count} more decisions to an end.",
                remaining,
                msg,
                count=remaining,
            )
        )
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
    return fraction, notes


def decision_text(step: int, choice: str, labels: Mapping[str, str], key: ScenarioKey, msg: Messages) -> str:
    """One decision in words, with the key's feedback on it: 2. “Ask what she knows” · feedback."""
    text = msg("{step}. “{choice}”", step=step, choice=quoted(labels[choice]))
    return text + (
        msg(": {feedback}", feedback=key.feedback[choice].get(msg.language)) if choice in key.feedback else ""
    )


def debrief_rows(scenario: Scenario, key: ScenarioKey, path: list[str], msg: Messages) -> list[tuple[str, str]]:
    """A finished path beside the best path, decision by decision, each with its feedback ([] if not finished)."""
    fits = longest_valid(scenario, path)
    if len(fits) < len(path) or not scenario.scene(replay(scenario, fits).here).is_end:
        return []
    labels = scenario.choice_labels(msg.language)
    yours = [decision_text(n, c, labels, key, msg) for n, c in enumerate(fits, start=1)]
    best = [decision_text(n, c, labels, key, msg) for n, c in enumerate(best_path(scenario, key), start=1)]
    return list(zip_longest(yours, best, fillvalue=""))
