"""Every chart of the cohort report, drawn for every case of casedata/ in both languages, is readable at the size
it is shown: no two texts overlap, no text leaves the figure, no type is smaller than 9 points, bars have room,
and nothing on a chart is an id from a case file. Text boxes are matplotlib's own (Text.get_window_extent with
the figure's renderer), taken from the texts that are actually drawn."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from swtrain.cases import case_ids, load_case, load_key
from swtrain.cohort import grade_cohort
from swtrain.demo import write_demo_cohort
from swtrain.exercises.scenario import Scenario
from swtrain.i18n import messages
from swtrain.reports import charts, cohort_data, debrief, item_charts, path_map
from swtrain.reports.figures import SHOWN_DPI, SMALLEST, text_width, wrap
from swtrain.reports.item_analysis import ItemAnalysis

LANGUAGES = ("en", "zh")
ALL_CASES = sorted(case_ids())
SCENARIOS = [
    (case_id, exercise.id)
    for case_id in ALL_CASES
    for exercise in load_case(case_id).exercises
    if isinstance(exercise, Scenario)
]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every case of casedata/ answered by a small demo cohort (free text pending review), graded together."""
    root = tmp_path_factory.mktemp("every-case")
    for case_id in ALL_CASES:
        write_demo_cohort(case_id, 12, 3, root / "subs", bad=0)
    grade_cohort(root / "subs", root / "out", workers=1)
    return root / "out"


@contextmanager
def recording_drawn_texts() -> Iterator[list[Text]]:
    """Every Text drawn while the block runs (tick labels, titles, annotations), visible and not empty."""
    drawn: list[Text] = []
    original = Text.draw

    def draw(self: Text, renderer: Any) -> None:
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        original(self, renderer)

    Text.draw = draw  # type: ignore[method-assign]
    try:
        yield drawn
    finally:
        Text.draw = original  # type: ignore[method-assign]


def shown(figure: Figure) -> list[tuple[Text, Bbox]]:
    """The figure laid out at the size the report shows it (96 px an inch), as a draw would (constrained layout
    included) but without painting a pixel: each text a draw paints, with its box from the figure's renderer."""
    figure.set_dpi(SHOWN_DPI)
    FigureCanvasAgg(figure)
    with recording_drawn_texts() as drawn:
        figure.draw_without_rendering()
    return [(t, t.get_window_extent()) for t in drawn]


def overlap(a: Bbox, b: Bbox) -> float:
    """The area two boxes share, in square pixels."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(0.0, width) * max(0.0, height)


def check_readable(figure: Figure) -> list[Text]:
    """Assert the chart reads at its shown size; returns its drawn texts."""
    texts = shown(figure)
    assert texts, "the chart draws no text"
    page = figure.bbox
    for text, box in texts:
        inside = box.x0 >= page.x0 - 1 and box.y0 >= page.y0 - 1 and box.x1 <= page.x1 + 1 and box.y1 <= page.y1 + 1
        assert inside, f"{text.get_text()!r} leaves the figure: {box.bounds} outside {page.bounds}"
        assert text.get_fontsize() >= SMALLEST, f"{text.get_text()!r} is {text.get_fontsize()} pt"
    for (a, box_a), (b, box_b) in combinations(texts, 2):
        shared = overlap(box_a, box_b)
        assert shared <= 1.0, f"{a.get_text()!r} and {b.get_text()!r} overlap by {shared:.0f} px²"
    return [t for t, _ in texts]


def check_no_ids(texts: list[Text], ids: set[str]) -> None:
    """No id of the case on the chart: a hyphenated id nowhere in a text, a one-word id never a line on its own."""
    lines = [line.strip() for t in texts for line in t.get_text().splitlines()]
    for identifier in ids:
        if "-" in identifier:
            assert not any(identifier in line for line in lines), f"id {identifier!r} on the chart"
        else:
            assert identifier not in lines and f"{identifier}:" not in " ".join(lines), f"id {identifier!r} shown"


def case_ids_of(case_id: str) -> set[str]:
    case = load_case(case_id)
    found = {e.id for e in case.exercises}
    for exercise in case.exercises:
        if isinstance(exercise, Scenario):
            found |= {s.id for s in exercise.scenes} | {c.id for s in exercise.scenes for c in s.choices}
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_score_distribution_of_every_case_reads(out: Path, language: str) -> None:
    figure = charts.score_distribution(out, language)
    texts = check_readable(figure)
    shown_text = "\n".join(t.get_text() for t in texts)
    for case_id in ALL_CASES:
        assert wrap(load_case(case_id).title.get(language), 30) in shown_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_difficulty_of_every_exercise_reads_sorted_and_labelled(out: Path, language: str) -> None:
    figure = charts.exercise_difficulty(out, language)
    texts = check_readable(figure)
    check_no_ids(texts, set().union(*(case_ids_of(c) for c in ALL_CASES)))
    shown_text = "\n".join(t.get_text() for t in texts)
    titles = [e.title.get(language) for c in ALL_CASES for e in load_case(c).exercises]
    longest = max(titles, key=text_width)
    assert wrap(longest, charts.LABEL_WIDTH).splitlines()[0] in shown_text  # the longest label of casedata/ is drawn
    gradebook = cohort_data.read_gradebook(out)
    for ax, case_id in zip(figure.axes, ALL_CASES, strict=True):
        rows = cohort_data.difficulty_rows(gradebook, load_case(case_id), language)
        shares = [share for _, share, _, _ in rows if share == share]  # NaN (all pending) last
        assert shares == sorted(shares), f"{case_id}: not hardest first"
        bars = [p for p in ax.patches if isinstance(p, Rectangle)]
        values = [t.get_text() for t in ax.texts]
        assert len(values) == len(rows) == len(bars)
        for bar, value, (_title, share, _marked, _pending) in zip(bars, values, rows, strict=True):
            if share == share:
                assert value == f"{round(share * 100)}%" and bar.get_width() == pytest.approx(share)
            else:  # every answer waits for a reviewer: said so, and no bar (never a 0)
                assert value == ("pending review" if language == "en" else "待评阅") and bar.get_width() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_competency_profile_reads_with_values(out: Path, language: str) -> None:
    figure = charts.competency_profile(out, language)
    check_readable(figure)
    (ax,) = figure.axes
    assert all(re.fullmatch(r"\d{1,3}%", t.get_text()) for t in ax.texts) and len(ax.texts) == len(ax.patches)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("case_id", "exercise_id"), SCENARIOS, ids=[c for c, _ in SCENARIOS])
def test_the_decision_chart_reads_with_scenes_and_choices_in_words(
    out: Path, case_id: str, exercise_id: str, language: str
) -> None:
    case = load_case(case_id)
    figure = debrief.decision_chart(out, case, exercise_id, language, load_key(case))
    texts = check_readable(figure)
    check_no_ids(texts, case_ids_of(case_id))
    scenario = case.exercise(exercise_id)
    assert isinstance(scenario, Scenario)
    decisions = [s for s in scenario.scenes if s.choices]
    word = "Decision" if language == "en" else "决策点"
    titles = [t.get_text() for t in texts if t.get_text().startswith(word)]
    assert len(titles) == len(decisions)
    for ax in figure.axes:
        plot = ax.get_window_extent()
        assert plot.width >= 2.5 * SHOWN_DPI, f"bars squeezed into {plot.width:.0f} px"
        for bar in ax.patches:
            assert bar.get_window_extent().height >= 12, "a bar thinner than 12 px"
        ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        assert all(re.fullmatch(r"\d+", t) for t in ticks), f"count ticks that are not whole numbers: {ticks}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("case_id", "exercise_id"), SCENARIOS, ids=[c for c, _ in SCENARIOS])
def test_the_path_map_reads_with_each_scene_inside_its_box(
    out: Path, case_id: str, exercise_id: str, language: str
) -> None:
    figure = path_map.path_diagram(out, load_case(case_id), exercise_id, language)
    texts = check_readable(figure)
    check_no_ids(texts, case_ids_of(case_id))
    (ax,) = figure.axes
    boxes = [p.get_window_extent() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    names = [t for t in ax.texts if t.get_bbox_patch() is None]  # the scenes' names; arrow labels have a backing
    assert len(names) == len(boxes)
    for name in names:
        box = name.get_window_extent()
        home = [b for b in boxes if b.contains(*box.get_points().mean(axis=0))]
        assert len(home) == 1, f"{name.get_text()!r} is not in one box"
        assert home[0].x0 <= box.x0 and box.x1 <= home[0].x1 and home[0].y0 <= box.y0 and box.y1 <= home[0].y1, (
            f"{name.get_text()!r} overflows its box"
        )


def test_the_overlap_check_catches_overlapping_labels() -> None:
    figure = Figure(figsize=(3, 2), layout="constrained")
    ax = figure.subplots()
    ax.text(0.5, 0.5, "Decision one")
    ax.text(0.52, 0.5, "Decision two")
    with pytest.raises(AssertionError, match="overlap"):
        check_readable(figure)
    figure = Figure(figsize=(3, 2), layout="constrained")
    figure.subplots().set_title("A title far wider than the small figure it is drawn on")
    with pytest.raises(AssertionError, match="leaves the figure"):
        check_readable(figure)


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory) -> ItemAnalysis:
    """Every case of casedata/ answered by 60 demo trainees (enough in each language for the DIF chart)."""
    root = tmp_path_factory.mktemp("items")
    for case_id in ALL_CASES:
        write_demo_cohort(case_id, 60, 5, root / "subs", bad=0)
    analysis = grade_cohort(root / "subs", root / "out", workers=1).item_analysis
    assert analysis is not None
    return analysis


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_item_map_reads_and_labels_every_flagged_exercise(items: ItemAnalysis, language: str) -> None:
    figure = item_charts.item_map(items, language)
    texts = check_readable(figure)
    check_no_ids(texts, set().union(*(case_ids_of(c) for c in ALL_CASES)))
    msg = messages(language)
    for ax, case in zip(figure.axes, items.cases, strict=True):
        flagged = {
            str(n)
            for n, e in enumerate(case.exercises, start=1)
            if e.item_rest_r is not None and item_charts.severity(e, msg) != "ok"
        }
        assert {t.get_text() for t in ax.texts} == flagged, case.case.id


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case_id", ALL_CASES)
def test_the_option_chart_of_every_case_reads(items: ItemAnalysis, case_id: str, language: str) -> None:
    case = next(c for c in items.cases if c.case.id == case_id)
    figure = item_charts.option_chart(case, language)
    assert figure is not None
    texts = check_readable(figure)
    check_no_ids(texts, case_ids_of(case_id))
    choice = [e for e in case.exercises if e.options]
    panels = [ax for ax in figure.axes if ax.get_visible() and ax.axison]
    assert len(panels) == len(choice)
    msg = messages(language)
    for ax, item in zip(panels, choice, strict=True):
        expected = [msg("{letter} (key)", letter=o.letter) if o.keyed else o.letter for o in item.options]
        assert [t.get_text() for t in ax.get_yticklabels()] == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dif_chart_reads_with_a_point_per_compared_exercise(items: ItemAnalysis, language: str) -> None:
    figure = item_charts.dif_chart(items, language)
    assert figure is not None
    texts = check_readable(figure)
    check_no_ids(texts, set().union(*(case_ids_of(c) for c in ALL_CASES)))
    compared = [
        [e for e in case.exercises if e.dif is not None and not e.dif.too_small and e.dif.dif is not None]
        for case in items.cases
    ]
    assert sum(len(c) for c in compared) > 0
    points = [len(ax.collections) for ax in figure.axes]
    assert points == [len(c) for c in compared if c]
