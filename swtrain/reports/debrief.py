"""The class debrief of a scenario: how the cohort decided, from OUT/scenario_paths.csv (swtrain.cohort).

    choice_counts(OUT, case, exercise_id, lang)   DataFrame: per decision point and choice, how many trainees chose it
    decision_chart(OUT, case, exercise_id, lang)  Figure: one bar chart per decision point, the key's best choice marked
    path_diagram(OUT, case, exercise_id, lang)    Figure: the scenario's scenes, each arrow as thick as the number
                                                  of trainees who took it
    debriefs(OUT, lang, cases)                    (heading, chart, diagram) for every scenario in OUT

A trainee who passed a decision point twice (a loop) counts once per choice
made there. Everything is drawn in the instructor's language.
"""

from __future__ import annotations

import csv
import math
import textwrap
from collections import Counter, deque
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from ..cases import has_key, load_case, load_key
from ..errors import AnswerInvalid, SwtrainError
from ..exercises.scenario import Scenario, ScenarioKey, replay
from ..i18n import messages
from ..models import Case, Key
from .charts import BAR, LIGHT, drawing

_BEST = "#15803d"


def _scenario(case: Case, exercise_id: str) -> Scenario:
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


def _walks(scenario: Scenario, paths: list[list[str]]) -> list[tuple[list[str], list[str]]]:
    """(scenes, choices) of each path that still fits the scenario."""
    walks = []
    for path in paths:
        try:
            walk = replay(scenario, path)
        except AnswerInvalid:
            continue
        walks.append((walk.scenes, walk.choices))
    return walks


def decision_order(scenario: Scenario) -> list[str]:
    """Decision scenes in the order a reader meets them: breadth first from the start."""
    order, seen, queue = [], {scenario.start}, deque([scenario.start])
    while queue:
        scene = scenario.scene(queue.popleft())
        if scene.choices:
            order.append(scene.id)
        for choice in scene.choices:
            if choice.goto not in seen:
                seen.add(choice.goto)
                queue.append(choice.goto)
    return order


def choice_counts(out: Path | str, case: Case, exercise_id: str, language: str) -> pd.DataFrame:
    """One row per decision point and choice (zeros included): scene, choice, label, trainees."""
    scenario = _scenario(case, exercise_id)
    counts: Counter[tuple[str, str]] = Counter()
    for scenes, choices in _walks(scenario, read_paths(out, case.id, exercise_id)):
        counts.update(set(zip(scenes, choices, strict=False)))
    msg = messages(language)
    rows = [
        {
            msg("Decision point"): scene_id,
            msg("Choice"): choice.label.get(language),
            "choice_id": choice.id,
            msg("Trainees"): counts[(scene_id, choice.id)],
        }
        for scene_id in decision_order(scenario)
        for choice in scenario.scene(scene_id).choices
    ]
    return pd.DataFrame(rows)


def decision_chart(out: Path | str, case: Case, exercise_id: str, language: str, key: Key | None = None) -> Figure:
    """A horizontal bar chart per decision point; with the key, the best choice is drawn in green."""
    scenario = _scenario(case, exercise_id)
    msg = messages(language)
    table = choice_counts(out, case, exercise_id, language)
    scenes = decision_order(scenario)
    entry = key.exercises[exercise_id] if key is not None else None
    credit = dict(entry.credit) if isinstance(entry, ScenarioKey) else {}
    with drawing(language) as figure:
        columns = 2 if len(scenes) > 1 else 1
        rows = math.ceil(len(scenes) / columns)
        figure.set_size_inches(6 * columns, 0.4 + 2.1 * rows)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, scene_id in zip(axes, scenes, strict=False):
            part = table[table[msg("Decision point")] == scene_id]
            labels = [textwrap.fill(text, 34) for text in part[msg("Choice")]]
            colours = [_BEST if credit.get(c, 0) >= 1 else BAR for c in part["choice_id"]]
            sns.barplot(
                x=list(part[msg("Trainees")]), y=labels, hue=labels, palette=colours, legend=False, saturation=1, ax=ax
            )
            scene = scenario.scene(scene_id)
            ax.set_title(_clip(f"{scene_id}: {scene.text.get(language)}", 60), fontsize=10, loc="left")
            ax.set_xlabel(msg("Trainees"))
            ax.set_ylabel("")
            ax.tick_params(axis="y", labelsize=8)
        for ax in axes[len(scenes) :]:
            ax.set_visible(False)
        figure.suptitle(msg("How the class decided: {title}", title=scenario.title.get(language)))
    return figure


def path_diagram(out: Path | str, case: Case, exercise_id: str, language: str) -> Figure:
    """The scenes as a left-to-right map; each arrow's width and label give how many trainees took it."""
    scenario = _scenario(case, exercise_id)
    msg = messages(language)
    walks = _walks(scenario, read_paths(out, case.id, exercise_id))
    edges: Counter[tuple[str, str]] = Counter()
    reached: Counter[str] = Counter()
    for scenes, _choices in walks:
        edges.update(set(pairwise(scenes)))
        reached.update(set(scenes))
    depth = _depths(scenario)
    layers: dict[int, list[str]] = {}
    for scene in scenario.scenes:
        layers.setdefault(depth.get(scene.id, max(depth.values()) + 1), []).append(scene.id)
    position = {
        scene_id: (layer, (len(members) - 1) / 2 - index)
        for layer, members in layers.items()
        for index, scene_id in enumerate(members)
    }
    most = max(edges.values(), default=1)
    with drawing(language) as figure:
        figure.set_size_inches(max(6.0, 1.9 * len(layers)), max(3.5, 1.3 * max(len(m) for m in layers.values())))
        ax = figure.subplots()
        for (source, target), count in edges.items():
            (x1, y1), (x2, y2) = position[source], position[target]
            bend = 0.35 if x2 <= x1 else 0.0  # a way back (a loop) curves
            arrow = FancyArrowPatch(
                (x1, y1),
                (x2, y2),
                arrowstyle="-|>",
                mutation_scale=12,
                linewidth=0.8 + 6 * count / most,
                color=BAR,
                alpha=0.75,
                connectionstyle=f"arc3,rad={bend}",
                shrinkA=16,
                shrinkB=16,
            )
            ax.add_patch(arrow)
            ax.annotate(str(count), ((x1 + x2) / 2, (y1 + y2) / 2 + 0.12 + bend / 2), ha="center", fontsize=8)
        for scene in scenario.scenes:
            x, y = position[scene.id]
            shape = "s" if scene.is_end else "o"
            ax.scatter(
                [x],
                [y],
                s=900,
                marker=shape,
                color=LIGHT if reached[scene.id] else "#f4f4f5",
                zorder=3,
                edgecolors="#3f3f46",
            )
            ax.annotate(textwrap.fill(scene.id, 12), (x, y), ha="center", va="center", fontsize=7, zorder=4)
            ax.annotate(str(reached[scene.id]), (x, y - 0.32), ha="center", fontsize=7, color="#52525b")
        ax.set_xlim(-0.6, max(layers) + 0.6)
        ax.set_ylim(min(p[1] for p in position.values()) - 0.7, max(p[1] for p in position.values()) + 0.7)
        ax.axis("off")
        ax.set_title(
            msg(
                "Paths of the class through {title} ({count} trainees; circles: decisions, squares: ends)",
                title=scenario.title.get(language),
                count=len(walks),
            ),
            fontsize=10,
        )
    return figure


def debriefs(
    out: Path | str, language: str, cases: str = "", casedata: Path | None = None
) -> Iterator[tuple[str, Figure, Figure]]:
    """(heading, decision chart, path diagram) for every scenario the graded folder has paths for.

    `cases` is a comma-separated list of case ids to keep (empty: all).
    """
    path = Path(out) / "scenario_paths.csv"
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        found = sorted({(row["case_id"], row["exercise_id"]) for row in csv.DictReader(handle)})
    wanted = {c.strip() for c in cases.split(",") if c.strip()}
    for case_id, exercise_id in found:
        if wanted and case_id not in wanted:
            continue
        case = load_case(case_id, casedata)
        key = load_key(case, casedata) if has_key(case_id, casedata) else None
        heading = f"{case.title.get(language)} · {case.exercise(exercise_id).title.get(language)}"
        yield (
            heading,
            decision_chart(out, case, exercise_id, language, key),
            path_diagram(out, case, exercise_id, language),
        )


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (Chinese has no spaces to shorten at)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _depths(scenario: Scenario) -> dict[str, int]:
    depth = {scenario.start: 0}
    queue = deque([scenario.start])
    while queue:
        current = queue.popleft()
        for choice in scenario.scene(current).choices:
            if choice.goto not in depth:
                depth[choice.goto] = depth[current] + 1
                queue.append(choice.goto)
    return depth
