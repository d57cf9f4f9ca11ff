"""The item analysis and marker agreement that `swtrain grade` writes: planted effects found and nothing else,
pending answers left out, figures checked by hand on a small case, both languages, and the command line."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cases import load_case, load_key
from swtrain.cli import main
from swtrain.cohort import grade_cohort
from swtrain.demo import Plants, write_demo_cohort
from swtrain.reports.item_analysis import ItemScore, Record, analyse_case

CASE = "child-in-crisis"
MISKEY, FLAT, DIF = "engage-child", "confidentiality-limits", "distress-band"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def exercise_rows(out: Path) -> dict[str, dict[str, str]]:
    return {r["exercise_id"]: r for r in rows_of(out / "item_analysis.csv") if r["level"] == "exercise"}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    plants = Plants(miskey=MISKEY, flat=FLAT, dif=DIF, markers=2, lenient=True)
    write_demo_cohort(CASE, 400, 1, root / "subs", plants=plants, reviews_dir=root / "reviews")
    grade_cohort(root / "subs", root / "out", reviews_dir=root / "reviews")
    return root / "out"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clean")
    write_demo_cohort(CASE, 400, 1, root / "subs", plants=Plants(markers=2), reviews_dir=root / "reviews")
    grade_cohort(root / "subs", root / "out", reviews_dir=root / "reviews")
    return root / "out"


def test_the_planted_effects_are_found_and_nothing_else_is_severe(planted: Path) -> None:
    rows = exercise_rows(planted)
    assert {e for e, r in rows.items() if r["severity"] == "severe"} == {MISKEY, FLAT, DIF}
    # the miskey: the strong trainees chose a distractor over the key, and the item goes against the rest
    assert "Strong trainees chose distractor option B" in rows[MISKEY]["flags"]
    assert float(rows[MISKEY]["item_rest_r"]) < 0
    options = [
        r for r in rows_of(planted / "item_analysis.csv") if r["level"] == "option" and r["exercise_id"] == MISKEY
    ]
    key = next(o for o in options if o["keyed"] == "yes")
    assert max(float(o["chosen_upper"]) for o in options if o["keyed"] == "no") > float(key["chosen_upper"])
    # the coin-toss item separates no one; the DIF item is class C in favour of the Chinese answers (delta > 0)
    assert float(rows[FLAT]["item_rest_r"]) < 0.1 and float(rows[FLAT]["upper_lower_d"]) < 0.1
    assert rows[DIF]["ets_class"] == "C" and float(rows[DIF]["ets_delta"]) >= 1.5 and float(rows[DIF]["mh_p"]) < 0.05
    assert "more often in Chinese" in rows[DIF]["flags"]
    assert all(r["ets_class"] in ("A", "") for e, r in rows.items() if e != DIF)
    # the lenient marker: every criterion's levels applied unalike, marker-2 leaning up, poor totals
    agreement = rows_of(planted / "marker_agreement.csv")
    criteria = [r for r in agreement if r["statistic"] == "kappa"]
    assert criteria and all(float(r["value"]) < 0.667 for r in criteria)
    assert all("marker-2 +" in r["lean"] for r in criteria)
    assert all(float(r["value"]) < 0.5 for r in agreement if r["statistic"] == "icc")
    page = (planted / "item_analysis.html").read_text(encoding="utf-8")
    first = page[: page.index("<h2", page.index("Look at these first") + 40)]
    assert first.count("a lenient marker.") == 2  # one per free-text exercise
    notes = rows_of(planted / "review_notes.csv")
    assert any("levels apart" in n["note"] and n["trainee_id"] for n in notes)


def test_an_unplanted_cohort_has_no_severe_flag_and_its_markers_agree(clean: Path) -> None:
    rows = rows_of(clean / "item_analysis.csv")
    assert [r["exercise_id"] for r in rows if r["severity"] == "severe"] == []
    agreement = rows_of(clean / "marker_agreement.csv")
    assert all(float(r["value"]) >= 0.667 for r in agreement if r["statistic"] == "kappa")
    assert all(float(r["value"]) >= 0.75 for r in agreement if r["statistic"] == "icc")
    page = (clean / "item_analysis.html").read_text(encoding="utf-8")
    assert "No exercise and no marker needs a look before the grades go out." in page


def test_three_markers_are_compared_with_krippendorffs_alpha(tmp_path: Path) -> None:
    plants = Plants(markers=3, lenient=True)
    write_demo_cohort(CASE, 80, 4, tmp_path / "subs", bad=0, plants=plants, reviews_dir=tmp_path / "reviews")
    grade_cohort(tmp_path / "subs", tmp_path / "out", reviews_dir=tmp_path / "reviews")
    agreement = rows_of(tmp_path / "out" / "marker_agreement.csv")
    criteria = [r for r in agreement if r["criterion"]]
    assert criteria and {r["statistic"] for r in criteria} == {"alpha"}
    assert all(r["markers"] == "marker-1 marker-2 marker-3" for r in agreement)
    # the third marker is the lenient one: it leans up, the other two lean down, against the others
    for row in criteria:
        lean = dict(part.rsplit(" ", 1) for part in row["lean"].split("; "))
        assert float(lean["marker-3"]) >= 0.5 > float(lean["marker-1"])
    page = (tmp_path / "out" / "item_analysis.html").read_text(encoding="utf-8")
    assert "marker-3 gives" in page and "than the other markers" in page and "marker-1 gives" not in page


def test_the_dif_item_is_shown_in_both_languages_side_by_side(planted: Path) -> None:
    page = (planted / "item_analysis.html").read_text(encoding="utf-8")
    exercise = load_case(CASE).exercise(DIF)
    side = page[page.index("the two texts") :]
    assert '<td lang="en"' in side and '<td lang="zh-Hans"' in side
    assert exercise.prompt.zh.split("。")[0] in side
    assert page.count(": the two texts</h3>") == 1  # the class C item only


def test_answers_waiting_for_a_marker_are_left_out_of_every_figure(tmp_path: Path) -> None:
    write_demo_cohort(CASE, 30, 2, tmp_path / "subs", bad=0)
    grade_cohort(tmp_path / "subs", tmp_path / "out")
    rows = exercise_rows(tmp_path / "out")
    for free_text in ("action-plan", "balanced-thought"):
        row = rows[free_text]
        assert int(row["pending"]) > 20 and row["marked"] == "0"
        assert row["difficulty"] == row["item_rest_r"] == row["alpha_if_deleted"] == ""
        assert "wait for a marker: the figures come once at least 10 answers are marked." in row["flags"]
    case_row = next(r for r in rows_of(tmp_path / "out" / "item_analysis.csv") if r["level"] == "case")
    assert "leaves out 2 exercises" in case_row["flags"]
    assert rows["first-priority"]["alpha_if_deleted"] != ""
    # 30 trainees: fewer than 20 answered in English or in Chinese, so no DIF figure, and it says so
    assert all(r["mh_odds_ratio"] == "" for r in rows.values())
    assert "No comparison of the languages" in rows["first-priority"]["flags"]


def test_option_shares_by_group_computed_by_hand() -> None:
    # Eight trainees; the rest of the case (one other exercise, first-priority, 2 points) ranks them 0..7 points
    # only through `distress-total`. The 27% groups are the two lowest and the two highest by that rest score.
    case = load_case(CASE)
    key = load_key(case)
    ids = [e.id for e in case.exercises]
    other = "distress-total"  # numeric, 2 points
    rest = [0, 0, 0.5, 1, 1, 1.5, 2, 2]
    chosen = [
        "money-first",
        "money-first",
        "lethality",
        "lethality",
        "lethality",
        "lethality",
        "lethality",
        "lethality",
    ]

    def record(i: int) -> Record:
        items = []
        for exercise_id in ids:
            if exercise_id == "first-priority":
                right = chosen[i] == "lethality"
                items.append(ItemScore(exercise_id, 2.0 if right else 0.0, 2.0, True, (chosen[i],)))
            elif exercise_id == other:
                items.append(ItemScore(exercise_id, rest[i], 2.0, True))
            else:
                items.append(ItemScore(exercise_id, 0.0, case.exercise(exercise_id).points, False))
        return Record(f"t{i}", "en", tuple(items))

    analysis = analyse_case(case, key, [record(i) for i in range(8)])
    item = next(e for e in analysis.exercises if e.exercise.id == "first-priority")
    shares = {o.value: (o.share, o.upper, o.lower) for o in item.options}
    # lower two (rest 0, 0) both chose money-first; upper two (rest 2, 2) both chose the key
    assert shares["money-first"] == (2 / 8, 0.0, 1.0)
    assert shares["lethality"] == (6 / 8, 1.0, 0.0)
    # D: upper mean share 1.0 minus lower 0.0; difficulty p 6/8; every other exercise scored 0 (no spread)
    assert item.upper_lower == pytest.approx(1.0) and item.mean == pytest.approx(0.75)
    assert item.full_credit == pytest.approx(0.75) and item.answered == 8 and item.pending == 0


def test_the_page_reads_in_chinese_and_the_analysis_can_be_left_out(tmp_path: Path) -> None:
    runner = CliRunner()
    subs = tmp_path / "subs"
    write_demo_cohort(CASE, 30, 3, subs, bad=0)
    done = runner.invoke(main, ["grade", str(subs), "--out", str(tmp_path / "zh"), "--language", "zh"])
    assert done.exit_code == 0, done.output
    assert "item_analysis.html" in done.output
    page = (tmp_path / "zh" / "item_analysis.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and "<h1" in page and "题目分析" in page and "请先看这些" in page
    assert CASE not in page and "first-priority" not in page  # no id from the case file
    flags = " ".join(r["flags"] for r in rows_of(tmp_path / "zh" / "item_analysis.csv"))
    assert "等待评阅" in flags
    done = runner.invoke(main, ["grade", str(subs), "--out", str(tmp_path / "none"), "--no-item-analysis"])
    assert done.exit_code == 0 and not (tmp_path / "none" / "item_analysis.csv").exists()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["--plant", "miskey=engage-chld"], "has no exercise 'engage-chld' Did you mean 'engage-child'?"),
        (["--plant", "miskey=crisis-signs"], "'crisis-signs' is not a single-choice exercise"),
        (["--plant", "flat=action-plan"], "'action-plan' is scored by a person"),
        (["--plant", "lenient-marker"], "--plant lenient-marker needs at least 2 markers, not 0"),
        (["--plant", "dif"], "--plant 'dif' is not an effect swtrain can plant"),
        (["--markers", "2"], "markers need a folder for their review files"),
    ],
)
def test_demo_cohort_refuses_a_plant_that_does_not_fit(tmp_path: Path, arguments: list[str], expected: str) -> None:
    done = CliRunner().invoke(main, ["demo-cohort", "--case", CASE, "--out", str(tmp_path / "subs"), *arguments])
    assert done.exit_code != 0 and expected in done.output.replace("\n", " ")
    assert not (tmp_path / "subs").exists()


def test_the_statistics_libraries_stay_out_of_import_swtrain_and_grading_imports() -> None:
    code = (
        "import sys, swtrain, swtrain.cohort, swtrain.notebook\n"
        "heavy = ('scipy', 'pingouin', 'statsmodels', 'krippendorff', 'sklearn', 'matplotlib', 'pandas')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
