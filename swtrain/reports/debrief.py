"""The class debrief of a scenario: how the cohort decided, from OUT/scenario_paths.csv (swtrain.cohort).

    choice_counts(OUT, case, exercise_id, lang)   DataFrame: per decision point and choice, how many trainees chose it
    route_counts(OUT, case, exercise_id, lang)    DataFrame: the path map as a table, one row per step taken
    decision_chart(OUT, case, exercise_id, lang)  Figure: one bar chart per decision point, the key's best choice marked
    debriefs(OUT, lang, cases)                    a Debrief (heading, charts, tables) for every scenario in OUT;
                                                  its map of the class's paths is swtrain.reports.path_map's

Nothing on a chart is an id from the case file: decision points are numbered in the order the path map
shows them ("Decision 2") and titled with the opening words of their scene, endings are numbered likewise,
and each choice has a letter ("B") beside its label in words; the path map's arrows name the letters they
stand for. A trainee who passed a decision point twice (a loop) counts once per choice made there.
Everything is drawn in the instructor's language.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..cases import has_key, load_case, load_key
from ..exercises.scenario import ScenarioKey
from ..i18n import messages, separator
from ..models import Case, Key
from .figures import BAR, SMALLEST, drawing, wrap
from .path_map import path_diagram
from .scenario_paths import (
    choice_letters,
    decision_order,
    map_order,
    read_paths,
    scenario_of,
    scene_names,
    scene_text,
    traffic,
    walks_of,
)

_BEST = "#15803d"
#: Width of a choice's label beside its bar, in Latin letters (a Chinese character counts two).
_CHOICE_WIDTH = 44


def choice_counts(out: Path | str, case: Case, exercise_id: str, language: str, key: Key | None = None) -> pd.DataFrame:
    """One row per decision point and choice (zeros included): scene_id and choice_id (the case's ids, for
    code), then in `language` the decision point, the choice's letter and label, whether the key marks it the
    best choice (with a key), and how many trainees made it."""
    scenario = scenario_of(case, exercise_id)
    counts: Counter[tuple[str, str]] = Counter()
    for scenes, choices in walks_of(scenario, read_paths(out, case.id, exercise_id)):
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
    scenario = scenario_of(case, exercise_id)
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


def route_counts(out: Path | str, case: Case, exercise_id: str, language: str) -> pd.DataFrame:
    """The path map as a table: one row per arrow taken, in map order: from, the choices (letter and words),
    to, and how many trainees took it."""
    scenario = scenario_of(case, exercise_id)
    msg = messages(language)
    edges, taken, _reached = traffic(walks_of(scenario, read_paths(out, case.id, exercise_id)))
    names = scene_names(scenario, language)
    letters = choice_letters(scenario)
    labels = scenario.choice_labels(language)
    rank = {scene_id: index for index, scene_id in enumerate(map_order(scenario))}
    rows = [
        {
            msg("From"): names[source],
            msg("Choices"): separator(msg).join(
                f"{letters[c]} {labels[c]}" for c in sorted(taken[(source, target)], key=letters.__getitem__)
            ),
            msg("To"): names[target],
            msg("Trainees"): count,
        }
        for (source, target), count in sorted(edges.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]]))
    ]
    return pd.DataFrame(rows, columns=[msg("From"), msg("Choices"), msg("To"), msg("Trainees")])


@dataclass(frozen=True)
class Debrief:
    """One scenario's class debrief: its heading, its two charts and the data they show, for the report."""

    heading: str
    choices: Figure
    paths: Figure
    counts: pd.DataFrame  # choice_counts
    routes: pd.DataFrame  # route_counts
    scenes: list[tuple[str, str, int]]  # (name on the charts, the scene's text, trainees who reached it)
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
        scenario = scenario_of(case, exercise_id)
        names = scene_names(scenario, language)
        walks = walks_of(scenario, read_paths(out, case_id, exercise_id))
        reached = traffic(walks)[2]
        yield Debrief(
            heading=f"{case.title.get(language)} · {scenario.title.get(language)}",
            choices=decision_chart(out, case, exercise_id, language, key),
            paths=path_diagram(out, case, exercise_id, language),
            counts=choice_counts(out, case, exercise_id, language, key),
            routes=route_counts(out, case, exercise_id, language),
            scenes=[(names[s], scene_text(scenario, s, language), reached[s]) for s in map_order(scenario)],
            trainees=len(walks),
        )
