"""The map of a class's paths through a scenario: scenes as numbered boxes from the start down, arrows as thick
as the number of trainees who took them, labelled with the letters of the choices.

    path_diagram(OUT, case, exercise_id, lang)   Figure
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path as MplPath

from ..i18n import messages, plural
from ..models import Case
from .figures import BAR, LIGHT, MUTED, SMALLEST, drawing, wrap
from .scenario_paths import (
    Route,
    choice_letters,
    layout,
    read_paths,
    scenario_of,
    scene_edges,
    scene_names,
    traffic,
    walks_of,
)

#: The grid: inches between two scenes side by side, and between two layers.
_COLUMN, _ROW = 1.75, 1.05


def path_diagram(out: Path | str, case: Case, exercise_id: str, language: str) -> Figure:
    """The scenes as a top-down map of numbered boxes (decisions rounded, endings square, a scene no one
    reached dashed and grey); each arrow's width and label give how many trainees took it and by which
    choices (their letters). An arrow that skips a layer is routed between the boxes, a loop round the side."""
    scenario = scenario_of(case, exercise_id)
    msg = messages(language)
    walks = walks_of(scenario, read_paths(out, case.id, exercise_id))
    edges, taken, reached = traffic(walks)
    grid, routes = layout(scenario)
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
        for source, target in scene_edges(scenario):
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
