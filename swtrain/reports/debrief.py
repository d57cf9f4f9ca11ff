"""The class debrief of a scenario: how the cohort decided, from OUT/scenario_paths.csv (swtrain.cohort).

    choice_counts(OUT, case, exercise_id, lang)   DataFrame: per decision point and choice, how many trainees chose it
    decision_chart(OUT, case, exercise_id, lang)  Figure: one bar chart per decision point, the key's best choice marked
    path_diagram(OUT, case, exercise_id, lang)    Figure: the scenario's scenes, each arrow as thick as the number
                                                  of trainees who took it
    debriefs(OUT, lang, cases)                    a Debrief (heading, charts, tables) for every scenario in OUT

Nothing on a chart is an id from the case file: decision points are numbered in the order a reader meets
them ("Decision 2") and titled with the opening words of their scene, endings are numbered likewise, and
each choice has a letter ("B") beside its label in words; the path map's arrows name the letters they stand
for. A trainee who passed a decision point twice (a loop) counts once per choice made there. Everything is
drawn in the instructor's language.
"""

from __future__ import annotations

import csv
from collections import Counter, deque
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import MaxNLocator

from ..cases import has_key, load_case, load_key
from ..errors import AnswerInvalid, SwtrainError
from ..exercises.scenario import Scenario, ScenarioKey, replay
from ..i18n import messages, plural
from ..models import Case, Key
from .figures import BAR, LIGHT, MUTED, SMALLEST, clip, drawing, wrap

_BEST = "#15803d"
_LETTERS = "ABCDEFGH"
#: Width of a choice's label beside its bar, in Latin letters (a Chinese character counts two).
_CHOICE_WIDTH = 44
#: The path map's grid: inches between two scenes side by side, and between two layers.
_COLUMN, _ROW = 1.75, 1.05


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
    """Decision scenes in the order the path map shows them: from the start down, and left to right."""
    return [s for s in map_order(scenario) if not scenario.scene(s).is_end]


def map_order(scenario: Scenario) -> list[str]:
    """Every scene in the order the path map shows it: by layer from the start down, then left to right."""
    scenes, _routes = _layout(scenario)
    return sorted(scenes, key=lambda s: (scenes[s][1], scenes[s][0]))


def _reading_order(scenario: Scenario) -> list[str]:
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


def scene_opening(scenario: Scenario, scene_id: str, language: str, width: int = 120) -> str:
    """The first words of a scene's text, on one line of at most `width` Latin letters."""
    return clip(scenario.scene(scene_id).text.get(language), width)


def choice_letters(scenario: Scenario) -> dict[str, str]:
    """Each choice's letter at its decision point, in the case's order: A, B, C, D."""
    return {choice.id: _LETTERS[i] for scene in scenario.scenes for i, choice in enumerate(scene.choices)}


def choice_counts(out: Path | str, case: Case, exercise_id: str, language: str, key: Key | None = None) -> pd.DataFrame:
    """One row per decision point and choice (zeros included): scene_id and choice_id (the case's ids, for
    code), then in `language` the decision point, the choice's letter and label, whether the key marks it the
    best choice (with a key), and how many trainees made it."""
    scenario = _scenario(case, exercise_id)
    counts: Counter[tuple[str, str]] = Counter()
    for scenes, choices in _walks(scenario, read_paths(out, case.id, exercise_id)):
        counts.update(set(zip(scenes, choices, strict=False)))
    msg = messages(language)
    names = scene_names(scenario, language)
    letters = choice_letters(scenario)
    best = _best_choices(key, exercise_id)
    rows = [
        {
            "scene_id": scene_id,
            "choice_id": choice.id,
            msg("Decision point"): names[scene_id],
            msg("Letter"): letters[choice.id],
            msg("Choice"): choice.label.get(language),
            msg("Best choice (key)"): msg("yes") if choice.id in best else "",
            msg("Trainees"): counts[(scene_id, choice.id)],
        }
        for scene_id in decision_order(scenario)
        for choice in scenario.scene(scene_id).choices
    ]
    return pd.DataFrame(rows)


def _best_choices(key: Key | None, exercise_id: str) -> set[str]:
    entry = key.exercises.get(exercise_id) if key is not None else None
    return {c for c, credit in entry.credit.items() if credit >= 1} if isinstance(entry, ScenarioKey) else set()


def decision_chart(out: Path | str, case: Case, exercise_id: str, language: str, key: Key | None = None) -> Figure:
    """A horizontal bar chart per decision point, titled with its number and the opening of its scene; each
    bar is a choice with its letter and label in words, and the number of trainees at its end. With the key,
    the best choice is drawn in green and says so."""
    scenario = _scenario(case, exercise_id)
    msg = messages(language)
    table = choice_counts(out, case, exercise_id, language, key)
    scenes = decision_order(scenario)
    names = scene_names(scenario, language)
    most = max(1, int(table[msg("Trainees")].max()) if len(table) else 1)
    labels: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for scene_id in scenes:
        part = table[table["scene_id"] == scene_id]
        labels[scene_id] = [
            wrap(f"{letter}  {text}", _CHOICE_WIDTH)
            for letter, text in zip(part[msg("Letter")], part[msg("Choice")], strict=True)
        ]
        opening = scenario.scene(scene_id).text.get(language)
        titles[scene_id] = wrap(f"{names[scene_id]} · {' '.join(opening.split())}", 86, max_lines=2)
    heights = [
        0.28 * (titles[s].count("\n") + 1) + sum(0.12 + 0.165 * (label.count("\n") + 1) for label in labels[s]) + 0.42
        for s in scenes
    ]
    with drawing(language) as figure:
        figure.set_size_inches(7.5, 0.5 + sum(heights))
        panels: list[Any] = (
            list(figure.subfigures(len(scenes), 1, height_ratios=heights, squeeze=False)[:, 0]) if scenes else []
        )
        for panel, scene_id in zip(panels, scenes, strict=True):
            part = table[table["scene_id"] == scene_id]
            ax = panel.subplots()
            positions = list(range(len(part)))
            is_best = [bool(b) for b in part[msg("Best choice (key)")]]
            counts = [int(c) for c in part[msg("Trainees")]]
            ax.barh(positions, counts, height=0.6, color=[_BEST if b else BAR for b in is_best])
            for position, count, best in zip(positions, counts, is_best, strict=True):
                note = msg("{count} · best choice", count=count) if best else str(count)
                ax.text(
                    count + most * 0.02,
                    position,
                    note,
                    va="center",
                    fontsize=SMALLEST + 0.5,
                    color=_BEST if best else "#18181b",
                )
            ax.set_yticks(positions, labels[scene_id], fontsize=SMALLEST + 0.5)
            for label in ax.get_yticklabels():
                label.set_multialignment("left")
            ax.set_ylim(len(part) - 0.5, -0.5)
            ax.set_xlim(0, most / 0.66)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="x", labelsize=SMALLEST)
            panel.suptitle(titles[scene_id], x=0.01, ha="left", fontsize=10, fontweight="bold")
        if scenes:
            panels[-1].axes[0].set_xlabel(msg("Trainees who made the choice"))
        figure.suptitle(msg("How the class decided: {title}", title=scenario.title.get(language)), fontsize=12)
    return figure


def path_diagram(out: Path | str, case: Case, exercise_id: str, language: str) -> Figure:
    """The scenes as a top-down map of numbered boxes (decisions rounded, endings square, a scene no one
    reached dashed and grey); each arrow's width and label give how many trainees took it and by which
    choices (their letters). An arrow that skips a layer is routed between the boxes, a loop round the side."""
    scenario = _scenario(case, exercise_id)
    msg = messages(language)
    walks = _walks(scenario, read_paths(out, case.id, exercise_id))
    edges, taken, reached = _traffic(walks)
    grid, routes = _layout(scenario)
    names = scene_names(scenario, language)
    letters = choice_letters(scenario)
    # One unit across is _COLUMN inches, one layer down _ROW inches: boxes keep their size whatever the map.
    offsets = [x for x, _ in grid.values()] + [x for route in routes.values() for x, _ in route]
    layers = max(layer for _, layer in grid.values()) + 1
    width = _COLUMN * (max(offsets) - min(offsets) + 1) + 0.2
    title = wrap(
        msg(
            "Paths of the class through “{title}” ({count} trainees). Each arrow: the choices taken (letters as in "
            "the chart above) and how many trainees took them.",
            title=scenario.title.get(language),
            count=len(walks),
        ),
        int(width * 72 / 6.2),
    )
    most = max(edges.values(), default=1)
    box_w, box_h = 1.05 / _COLUMN, 0.46 / _ROW
    with drawing(language) as figure:
        figure.set_size_inches(width, _ROW * layers + 0.25 + 0.2 * (title.count("\n") + 1))
        ax = figure.subplots()
        boxes = {}
        for scene in scenario.scenes:
            x, y = grid[scene.id][0], -grid[scene.id][1]
            seen = reached[scene.id] > 0
            box = FancyBboxPatch(
                (x - box_w / 2, y - box_h / 2),
                box_w,
                box_h,
                boxstyle="square,pad=0" if scene.is_end else "round,pad=0,rounding_size=0.08",
                facecolor=LIGHT if seen else "#f4f4f5",
                edgecolor="#3f3f46" if seen else "#a1a1aa",
                linestyle="-" if seen else "--",
                zorder=3,
            )
            ax.add_patch(box)
            boxes[scene.id] = box
            people = plural("{count} trainee", "{count} trainees", reached[scene.id], msg, count=reached[scene.id])
            ax.text(
                x,
                y,
                f"{names[scene.id]}\n{people}",
                ha="center",
                va="center",
                fontsize=SMALLEST,
                zorder=4,
                color="#18181b" if seen else MUTED,
                linespacing=1.3,
            )
        for source, target in _scene_edges(scenario):
            if (source, target) not in edges:
                _arrow(
                    ax,
                    grid,
                    routes,
                    boxes,
                    source,
                    target,
                    box_h,
                    {"arrowstyle": "-", "linestyle": ":", "linewidth": 0.9, "color": "#a1a1aa", "zorder": 1},
                )
        for (source, target), count in sorted(edges.items()):
            style = {
                "arrowstyle": "-|>",
                "mutation_scale": 12,
                "linewidth": 0.8 + 5 * count / most,
                "color": BAR,
                "alpha": 0.7,
                "zorder": 2,
            }
            label_at = _arrow(ax, grid, routes, boxes, source, target, box_h, style)
            which = ", ".join(sorted(letters[c] for c in taken[(source, target)]))
            ax.text(
                *label_at,
                f"{which} · {count}",
                ha="center",
                va="center",
                fontsize=SMALLEST,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9},
            )
        ax.set_xlim(min(offsets) - 0.5, max(offsets) + 0.5)
        ax.set_ylim(-(layers - 1) - 0.5, 0.5)
        ax.axis("off")
        ax.set_title(title, fontsize=10)
    return figure


def _traffic(
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


def route_counts(out: Path | str, case: Case, exercise_id: str, language: str) -> pd.DataFrame:
    """The path map as a table: one row per arrow taken, in map order: from, the choices (letter and words),
    to, and how many trainees took it."""
    scenario = _scenario(case, exercise_id)
    msg = messages(language)
    edges, taken, _reached = _traffic(_walks(scenario, read_paths(out, case.id, exercise_id)))
    names = scene_names(scenario, language)
    letters = choice_letters(scenario)
    labels = scenario.choice_labels(language)
    rank = {scene_id: index for index, scene_id in enumerate(map_order(scenario))}
    rows = [
        {
            msg("From"): names[source],
            msg("Choices"): "; ".join(
                f"{letters[c]} {labels[c]}" for c in sorted(taken[(source, target)], key=letters.__getitem__)
            ),
            msg("To"): names[target],
            msg("Trainees"): count,
        }
        for (source, target), count in sorted(edges.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]]))
    ]
    return pd.DataFrame(rows, columns=[msg("From"), msg("Choices"), msg("To"), msg("Trainees")])


def _scene_edges(scenario: Scenario) -> list[tuple[str, str]]:
    """Every (scene, scene it leads to) of the scenario, once."""
    return list(dict.fromkeys((scene.id, choice.goto) for scene in scenario.scenes for choice in scene.choices))


def _arrow(
    ax: Axes,
    grid: dict[str, tuple[float, int]],
    routes: dict[tuple[str, str], Route],
    boxes: dict[str, FancyBboxPatch],
    source: str,
    target: str,
    box_h: float,
    style: dict[str, Any],
) -> tuple[float, float]:
    """Draw the arrow from one scene's box to another's; returns where its label goes."""
    (x1, layer1), (x2, layer2) = grid[source], grid[target]
    y1, y2 = -float(layer1), -float(layer2)
    if layer2 > layer1:  # down: from the bottom of one box to the top of the other, between the boxes
        points = [
            (x1, y1 - box_h / 2),
            *((x, -float(n)) for x, n in routes.get((source, target), [])),
            (x2, y2 + box_h / 2),
        ]
        ax.add_patch(FancyArrowPatch(path=MplPath(points), **style))
        return points[1] if len(points) > 2 else ((x1 + x2) / 2, (y1 + y2) / 2)
    bend = _bend(x1, y1, x2, y2)  # a loop back up, or across a layer: an arc round the outside
    ax.add_patch(
        FancyArrowPatch(
            (x1, y1),
            (x2, y2),
            patchA=boxes[source],
            patchB=boxes[target],
            connectionstyle=f"arc3,rad={bend}",
            **style,
        )
    )
    return _arc_middle(x1, y1, x2, y2, bend)


def _bend(x1: float, y1: float, x2: float, y2: float) -> float:
    """The arc3 bend of a way back: 0.35 to the side that takes the arc's middle further from the centre."""
    return max((0.35, -0.35), key=lambda rad: abs(_arc_middle(x1, y1, x2, y2, rad)[0]))


def _arc_middle(x1: float, y1: float, x2: float, y2: float, rad: float) -> tuple[float, float]:
    """The middle of matplotlib's arc3 curve from (x1, y1) to (x2, y2), in grid units. The bend is measured
    in inches (the grid's units across and down differ), so the offset is taken there and brought back."""
    dx, dy = (x2 - x1) * _COLUMN, (y2 - y1) * _ROW
    return (x1 + x2) / 2 + rad * dy / 2 / _COLUMN, (y1 + y2) / 2 - rad * dx / 2 / _ROW


Route: TypeAlias = list[tuple[float, int]]


def _layout(scenario: Scenario) -> tuple[dict[str, tuple[float, int]], dict[tuple[str, str], Route]]:
    """(across, layer) of each scene, and the way points of each arrow that skips layers (one a layer between).

    A scene's layer is the longest way to it from the start that goes through no loop, so every arrow but a
    loop's points down. An arrow that skips layers passes through a place of its own in each layer between,
    and the places of a layer are ordered by where the places leading to them stand, so that arrows cross as
    little as they can (the layered drawing of Sugiyama, Tagawa and Toda, 1981, without its refinements).
    """
    layer = _layers(scenario)
    slots: dict[int, list[Hashable]] = {}
    parents: dict[Hashable, list[Hashable]] = {}
    for scene_id in _reading_order(scenario):
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
    order = _reading_order(scenario)
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


@dataclass(frozen=True)
class Debrief:
    """One scenario's class debrief: its heading, its two charts and the data they show, for the report."""

    heading: str
    choices: Figure
    paths: Figure
    counts: pd.DataFrame  # choice_counts
    routes: pd.DataFrame  # route_counts
    scenes: list[tuple[str, str, int]]  # (name on the charts, the scene's opening words, trainees who reached it)
    trainees: int


def debriefs(out: Path | str, language: str, cases: str = "", casedata: Path | None = None) -> Iterator[Debrief]:
    """A Debrief for every scenario the graded folder has paths for.

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
        scenario = _scenario(case, exercise_id)
        names = scene_names(scenario, language)
        walks = _walks(scenario, read_paths(out, case_id, exercise_id))
        reached = _traffic(walks)[2]
        yield Debrief(
            heading=f"{case.title.get(language)} · {scenario.title.get(language)}",
            choices=decision_chart(out, case, exercise_id, language, key),
            paths=path_diagram(out, case, exercise_id, language),
            counts=choice_counts(out, case, exercise_id, language, key),
            routes=route_counts(out, case, exercise_id, language),
            scenes=[(names[s], scene_opening(scenario, s, language), reached[s]) for s in map_order(scenario)],
            trainees=len(walks),
        )
