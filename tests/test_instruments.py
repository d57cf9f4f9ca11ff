"""The instrument registry, scoring against hand-computed examples, the licence limits and the two commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from swtrain.cli import main
from swtrain.errors import SchemaVersionMismatch
from swtrain.fields import Text
from swtrain.instruments import (
    Band,
    Instrument,
    InstrumentInvalid,
    InstrumentNotFound,
    InvalidResponse,
    TooManyMissing,
    WrongResponses,
    all_instruments,
    instrument_ids,
    load_bands,
    load_instrument,
    score,
)
from swtrain.instruments.registry import DATA_DIR, load_instrument_file

from .conftest import ROOT
from .test_layout import imported_after

# --- hand-computed examples ---------------------------------------------------

# GDS-15: the depressive answer of each item (1 yes, 0 no); items 1, 5, 7, 11, 13 are depressive when "no".
GDS_DEPRESSIVE = [0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1]
GDS_HEALTHY = [1 - answer for answer in GDS_DEPRESSIVE]

# (instrument, example, responses, expected total or mean, expected band (English) or None)
EXAMPLES: list[tuple[str, str, Any, float, str | None]] = [
    ("phq-9", "min", [0] * 9, 0, "minimal"),
    ("phq-9", "max", [3] * 9, 27, "severe"),
    ("phq-9", "mixed", [1, 2, 0, 1, 3, 0, 1, 2, 0], 10, "moderate"),
    ("phq-9", "mixed-with-unscored-item-10", [1, 2, 0, 1, 3, 0, 1, 2, 0, 3], 10, "moderate"),
    ("phq-9", "band-edge-19", [3, 3, 3, 3, 3, 2, 1, 1, 0], 19, "moderately severe"),
    ("gad-7", "min", [0] * 7, 0, "minimal"),
    ("gad-7", "max", [3] * 7, 21, "severe"),
    ("gad-7", "mixed", [2, 1, 3, 0, 1, 2, 1], 10, "moderate"),
    ("gad-7", "mixed-mild", [1] * 7, 7, "mild"),
    ("k10", "min", [1] * 10, 10, "low"),
    ("k10", "max", [5] * 10, 50, "very high"),
    ("k10", "mixed", [2, 3, 1, 4, 2, 1, 3, 2, 1, 3], 22, "high"),
    ("k10", "band-edge-21", [2, 2, 2, 2, 2, 2, 2, 2, 2, 3], 21, "moderate"),
    ("k6", "min", [0] * 6, 0, "low"),
    ("k6", "max", [4] * 6, 24, "serious psychological distress"),
    ("k6", "mixed", [2, 3, 1, 4, 2, 1], 13, "serious psychological distress"),
    ("k6", "mixed-moderate", [2] * 6, 12, "moderate psychological distress"),
    ("semcd-6", "min", [1] * 6, 1.0, None),
    ("semcd-6", "max", [10] * 6, 10.0, None),
    ("semcd-6", "mixed", [5, 6, 7, 8, 9, 10], 7.5, None),
    ("semcd-6", "two-missing-mean-of-answered", [5, None, 7, "-", 9, 10], 7.75, None),
    ("gds-15", "min", GDS_HEALTHY, 0, "normal"),
    ("gds-15", "max", GDS_DEPRESSIVE, 15, "severe depression"),
    ("gds-15", "mixed-all-yes", [1] * 15, 10, "moderate depression"),
    ("gds-15", "mixed-all-no", [0] * 15, 5, "mild depression"),
    ("gds-15", "mixed-yes-no-words", ["no", "yes", "yes", "n", "no", "no", "y", *["no"] * 8], 6, "mild depression"),
    ("lsns-6", "min", [0] * 6, 0, "at risk of social isolation (below 12)"),
    ("lsns-6", "max", [5] * 6, 30, "not at risk (12 and above)"),
    ("lsns-6", "mixed", [3, 2, 4, 1, 0, 2], 12, "not at risk (12 and above)"),
    ("lsns-6", "mixed-at-risk", [3, 2, 4, 1, 0, 1], 11, "at risk of social isolation (below 12)"),
    ("family-apgar", "min", [0] * 5, 0, "severely dysfunctional"),
    ("family-apgar", "max", [2] * 5, 10, "functional"),
    ("family-apgar", "mixed", [2, 1, 1, 0, 2], 6, "moderately dysfunctional"),
    ("family-apgar", "band-edge-7", [2, 2, 1, 1, 1], 7, "functional"),
    ("osss-3", "min", [1, 1, 1], 3, "poor social support"),
    ("osss-3", "max", [4, 5, 5], 14, "strong social support"),
    ("osss-3", "mixed", [3, 4, 4], 11, "moderate social support"),
    ("osss-3", "band-edge-8", [2, 3, 3], 8, "poor social support"),
    ("pss-10", "min", [0, 0, 0, 4, 4, 0, 4, 4, 0, 0], 0, "low stress"),
    ("pss-10", "max", [4, 4, 4, 0, 0, 4, 0, 0, 4, 4], 40, "high stress"),
    ("pss-10", "mixed", [2, 3, 1, 3, 1, 2, 4, 0, 1, 2], 19, "moderate stress"),
    ("pss-10", "all-answers-0", [0] * 10, 16, "moderate stress"),
    ("pss-10", "all-answers-4", [4] * 10, 24, "moderate stress"),
    ("ssrs", "min", [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1], 12, None),
    ("ssrs", "max", [4, 4, 4, 4, 4, 4, 4, 4, 4, 9, 9, 4, 4, 4], 66, None),
    ("ssrs", "mixed", [2, 3, 1, 4, 3, 2, 1, 4, 1, 2, 5, 1, 2, 3], 34, None),
    ("ssrs", "mixed-item-5-as-list", [2, 3, 1, 4, [3, 2, 1, 4, 1], 2, 5, 1, 2, 3], 34, None),
    ("mspss", "min", [1] * 12, 1.0, "low support"),
    ("mspss", "max", [7] * 12, 7.0, "high support"),
    ("mspss", "mixed", [7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6], 4.0, "moderate support"),
    ("mspss", "gap-2.92-reads-low", [3] * 11 + [2], 35 / 12, "low support"),
    ("mspss", "gap-5.08-reads-moderate", [5] * 11 + [6], 61 / 12, "moderate support"),
    ("distress-rating", "min", [0], 0, "below the usual cut-off"),
    ("distress-rating", "max", [10], 10, "needs further evaluation (4 and above)"),
    ("distress-rating", "mixed-3", [3], 3, "below the usual cut-off"),
    ("distress-rating", "mixed-4", [4], 4, "needs further evaluation (4 and above)"),
    ("caregiver-burden-22", "min", [0] * 22, 0, "little or no burden"),
    ("caregiver-burden-22", "max", [4] * 22, 88, "severe burden"),
    ("caregiver-burden-22", "mixed", [1] * 10 + [2] * 12, 34, "mild to moderate burden"),
    ("caregiver-burden-22", "band-edge-20", [1] * 20 + [0] * 2, 20, "little or no burden"),
    ("child-qol-23", "min", [4] * 23, 0.0, None),
    ("child-qol-23", "max", [0] * 23, 100.0, None),
    ("child-qol-23", "mixed", [0] * 10 + [2] * 13, (10 * 100 + 13 * 50) / 23, None),
    ("child-qol-23", "eleven-missing-mean-of-answered", [1] * 12 + [None] * 11, 75.0, None),
    ("anxiety-depression-14", "min", [0] * 14, 0, None),
    ("anxiety-depression-14", "max", [3] * 14, 42, None),
    ("anxiety-depression-14", "mixed", [2, 1] * 7, 21, None),
    ("postnatal-depression-10", "min", [0] * 10, 0, None),
    ("postnatal-depression-10", "max", [3] * 10, 30, None),
    ("postnatal-depression-10", "mixed", [1, 1, 2, 1, 2, 1, 1, 2, 1, 0], 12, None),
]


@pytest.mark.parametrize(
    ("instrument_id", "responses", "expected", "band"),
    [pytest.param(i, r, v, b, id=f"{i}-{name}") for i, name, r, v, b in EXAMPLES],
)
def test_score_matches_the_hand_computed_example(
    instrument_id: str, responses: Any, expected: float, band: str | None
) -> None:
    result = score(instrument_id, responses)
    assert result.value == pytest.approx(expected)
    assert (result.band.label.en if result.band else None) == band


def test_every_instrument_has_a_min_max_and_mixed_example() -> None:
    for instrument_id in instrument_ids():
        names = {name.split("-")[0] for i, name, *_ in EXAMPLES if i == instrument_id}
        assert {"min", "max", "mixed"} <= names, instrument_id


@pytest.mark.parametrize(
    ("instrument_id", "low", "high"),
    [
        ("phq-9", 0, 27),
        ("gad-7", 0, 21),
        ("k10", 10, 50),
        ("k6", 0, 24),
        ("semcd-6", 1, 10),
        ("gds-15", 0, 15),
        ("lsns-6", 0, 30),
        ("family-apgar", 0, 10),
        ("osss-3", 3, 14),
        ("pss-10", 0, 40),
        ("ssrs", 12, 66),
        ("mspss", 1, 7),
        ("distress-rating", 0, 10),
        ("caregiver-burden-22", 0, 88),
        ("child-qol-23", 0, 100),
        ("anxiety-depression-14", 0, 42),
        ("postnatal-depression-10", 0, 30),
    ],
)
def test_score_range_is_the_published_one(instrument_id: str, low: float, high: float) -> None:
    instrument = load_instrument(instrument_id)
    lowest = score(instrument, _all_at(instrument, "low"))
    assert (lowest.minimum, lowest.maximum) == (low, high)
    assert score(instrument, _all_at(instrument, "high")).value == high
    assert lowest.value == low


def test_the_registry_has_every_instrument_of_domain_section_2() -> None:
    assert instrument_ids() == [
        "anxiety-depression-14",
        "caregiver-burden-22",
        "child-qol-23",
        "distress-rating",
        "family-apgar",
        "gad-7",
        "gds-15",
        "k10",
        "k6",
        "lsns-6",
        "mspss",
        "osss-3",
        "phq-9",
        "postnatal-depression-10",
        "pss-10",
        "semcd-6",
        "ssrs",
    ]


def _all_at(instrument: Instrument, end: str) -> list[Any]:
    """Responses that give the lowest (or highest) points on every scored item."""
    from swtrain.instruments.scoring import points_for

    answers: list[Any] = []
    for item in instrument.items:
        values = [r.value for r in instrument.values_of(item)]
        choose = min if end == "low" else max
        best = choose(values, key=lambda v, item=item: points_for(instrument, item, v))
        answers.extend([best] * max(1, len(item.sub_items)))
    return answers


# --- scoring rules --------------------------------------------------------------


def test_pss10_reverses_items_4_5_7_8() -> None:
    result = score("pss-10", [2, 3, 1, 3, 1, 2, 4, 0, 1, 2])
    assert {n: result.item_points[n] for n in (4, 5, 7, 8)} == {4: 1, 5: 3, 7: 0, 8: 4}
    assert {n: result.item_points[n] for n in (1, 2, 3, 6, 9, 10)} == {1: 2, 2: 3, 3: 1, 6: 2, 9: 1, 10: 2}


def test_gds15_scores_one_point_per_depressive_answer() -> None:
    instrument = load_instrument("gds-15")
    assert [i.depressive_answer for i in instrument.items] == ["yes" if a else "no" for a in GDS_DEPRESSIVE]
    result = score(instrument, [1] + [0] * 14)  # "yes" to item 1 is not depressive; "no" to 5, 7, 11, 13 is
    assert result.value == 4
    assert [n for n, p in result.item_points.items() if p] == [5, 7, 11, 13]


def test_ssrs_sub_items_count_items_and_subscales() -> None:
    result = score("ssrs", [2, 3, 1, 4, 3, 2, 1, 4, 1, 2, 5, 1, 2, 3])
    assert result.item_points[5] == 11  # 3 + 2 + 1 + 4 + 1
    assert (result.item_points[6], result.item_points[7]) == (2, 5)  # numbers of sources
    subscales = {s.id: s.value for s in result.subscales}
    assert subscales == {"objective": 10, "subjective": 18, "utilisation": 6}
    assert result.answers["5C"] == 1
    assert result.band is None


def test_ssrs_counts_zero_when_there_is_no_source() -> None:
    result = score("ssrs", [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1])
    assert (result.item_points[6], result.item_points[7]) == (0, 0)
    assert {s.id: s.value for s in result.subscales}["objective"] == 1


def test_ssrs_by_item_number_with_sub_items_in_either_form() -> None:
    base = {"1": 2, "2": 3, "3": 1, "4": 4, "6": 2, "7": 5, "8": 1, "9": 2, "10": 3}
    nested = score("ssrs", {**base, 5: {"A": 3, "b": 2, "C": 1, "D": 4, "E": 1}})
    flat = score("ssrs", {**base, "5A": 3, "5b": 2, "5C": 1, "5D": 4, "5E": 1})
    assert nested.value == flat.value == 34


def test_ssrs_bands_are_not_shipped_but_can_be_passed() -> None:
    instrument = load_instrument("ssrs")
    assert instrument.bands == () and instrument.bands_note is not None
    bands = [
        Band(min=12, max=32, label=Text(en="lower", zh="较低")),
        Band(min=33, max=66, label=Text(en="higher", zh="较高")),
    ]
    result = score("ssrs", [2, 3, 1, 4, 3, 2, 1, 4, 1, 2, 5, 1, 2, 3], bands=bands)
    assert result.band is not None and result.band.label.en == "higher"


def _write_bands(path: Path, instrument: str = "ssrs", low: int = 12) -> Path:
    path.write_text(
        f"schema_version: 1\ninstrument: {instrument}\nsource: our ward's audit, 2025\nbands:\n"
        f"  - {{min: {low}, max: 35, label: {{en: low, zh: 低}}}}\n"
        "  - {min: 36, max: 66, label: {en: high, zh: 高}}\n",
        encoding="utf-8",
    )
    return path


def test_ssrs_bands_from_a_user_file(tmp_path: Path) -> None:
    bands = load_bands(_write_bands(tmp_path / "ssrs-bands.yaml"))
    result = score("ssrs", [2, 3, 1, 4, 3, 2, 1, 4, 1, 2, 5, 1, 2, 3], bands=bands)
    assert result.band is not None and result.band.label.zh == "低"


def test_bands_for_another_instrument_or_outside_the_range_are_refused(tmp_path: Path) -> None:
    responses = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]
    with pytest.raises(WrongResponses, match="The bands are for 'mspss', not 'ssrs'"):
        score("ssrs", responses, bands=load_bands(_write_bands(tmp_path / "a.yaml", instrument="mspss")))
    with pytest.raises(WrongResponses, match="a band from 0 to 35 lies outside the score range 12 to 66"):
        score("ssrs", responses, bands=load_bands(_write_bands(tmp_path / "b.yaml", low=0)))


def test_mean_subscales_of_mspss() -> None:
    result = score("mspss", [7, 6, 5, 4, 3, 2, 1, 2, 3, 4, 5, 6])
    assert {s.id: s.value for s in result.subscales} == {"significant-other": 5.0, "family": 4.0, "friends": 3.0}


def test_lsns6_family_and_friends_subscales() -> None:
    result = score("lsns-6", [3, 2, 4, 1, 0, 2])
    assert {s.id: s.value for s in result.subscales} == {"family": 9, "friends": 3}


@pytest.mark.parametrize(
    ("responses", "anxiety", "depression"),
    [
        ([2, 1] * 7, ("14", "abnormal"), ("7", "normal")),
        ([2, 0, 2, 0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0], ("8", "borderline"), ("0", "normal")),
        ([1, 2] * 5 + [1, 1, 1, 0], ("7", "normal"), ("11", "abnormal")),
    ],
)
def test_anxiety_depression_14_subscales_and_their_bands(
    responses: list[int], anxiety: tuple[str, str], depression: tuple[str, str]
) -> None:
    found = {
        s.id: (f"{s.value:g}", s.band.label.en if s.band else "")
        for s in score("anxiety-depression-14", responses).subscales
    }
    assert found == {"anxiety": anxiety, "depression": depression}


def test_cutoffs_and_safety_items() -> None:
    gad = score("gad-7", [2, 1, 3, 0, 1, 2, 1])
    assert [c.label.en for c in gad.cutoffs] == ["refer for further assessment (10 and above)"]
    assert score("gad-7", [1] * 7).cutoffs == ()
    assert score("k6", [2, 3, 1, 4, 2, 1]).cutoffs and not score("k6", [2] * 6).cutoffs
    assert score("distress-rating", [4]).cutoffs and not score("distress-rating", [3]).cutoffs
    epds = score("postnatal-depression-10", [1, 1, 2, 1, 2, 1, 1, 2, 1, 1])
    assert (epds.value, len(epds.cutoffs), epds.safety_items) == (13, 1, (10,))
    assert score("postnatal-depression-10", [1, 1, 2, 1, 2, 1, 1, 2, 1, 0]).cutoffs == ()
    assert score("phq-9", [0] * 8 + [1]).safety_items == (9,)
    assert score("phq-9", [3] * 8 + [0]).safety_items == ()


def test_score_accepts_an_instrument_object_and_reports_total_or_mean() -> None:
    phq = score(load_instrument("phq-9"), [1, 2, 0, 1, 3, 0, 1, 2, 0])
    assert (phq.total, phq.mean, phq.missing_count) == (10, None, 0)
    semcd = score("semcd-6", [5, 6, 7, 8, 9, 10])
    assert (semcd.total, semcd.mean) == (None, 7.5)


# --- missing items --------------------------------------------------------------


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_missing_items_at_the_allowed_number_are_scored(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    allowed = instrument.missing.max_missing
    responses = _with_missing(instrument, allowed)
    result = score(instrument, responses)
    assert result.missing_count == allowed


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_missing_items_beyond_the_allowed_number_are_an_error(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    allowed = instrument.missing.max_missing
    with pytest.raises(TooManyMissing) as caught:
        score(instrument, _with_missing(instrument, allowed + 1))
    assert f"{instrument_id} is not scored: {allowed + 1} item(s) missing" in str(caught.value)
    assert ("at most 2 may be missing" if instrument_id == "semcd-6" else "") in str(caught.value)


def _with_missing(instrument: Instrument, count: int) -> list[Any]:
    """The lowest answers with the first `count` scored items left blank (each sub-item of them too)."""
    answers: list[Any] = []
    blank = {item.number for item in instrument.scored_items[:count]}
    for item, value in zip(instrument.items, _nested_low(instrument), strict=True):
        answers.append(None if item.number in blank else value)
    return answers


def _nested_low(instrument: Instrument) -> list[Any]:
    flat = iter(_all_at(instrument, "low"))
    return [[next(flat) for _ in item.sub_items] if item.sub_items else next(flat) for item in instrument.items]


def test_too_many_missing_names_the_items() -> None:
    with pytest.raises(TooManyMissing) as caught:
        score("semcd-6", [5, None, "", 8, "-", 10])
    assert str(caught.value) == "semcd-6 is not scored: 3 item(s) missing (2, 3, 5); at most 2 may be missing."
    assert caught.value.missing == (2, 3, 5)
    with pytest.raises(TooManyMissing, match=r"1 item\(s\) missing \(4\); every item must be answered"):
        score("phq-9", [0, 0, 0, None, 0, 0, 0, 0, 0])


def test_child_qol_23_with_twelve_missing_is_not_scored() -> None:
    with pytest.raises(TooManyMissing, match="at most 11 may be missing"):
        score("child-qol-23", [1] * 11 + [None] * 12)


def test_a_missing_ssrs_sub_item_leaves_item_5_missing() -> None:
    with pytest.raises(TooManyMissing, match=r"missing \(5\)"):
        score("ssrs", [2, 3, 1, 4, 3, 2, None, 4, 1, 2, 5, 1, 2, 3])


def test_phq9_item_10_may_be_left_blank() -> None:
    assert score("phq-9", [1, 2, 0, 1, 3, 0, 1, 2, 0, None]).missing == ()


# --- values that are not allowed ----------------------------------------------


@pytest.mark.parametrize("instrument_id", instrument_ids())
def test_a_value_above_the_range_names_the_item_and_the_allowed_values(instrument_id: str) -> None:
    instrument = load_instrument(instrument_id)
    responses = _all_at(instrument, "low")
    values = [r.value for r in instrument.values_of(instrument.items[0])]
    responses[0] = max(values) + 1
    with pytest.raises(InvalidResponse) as caught:
        score(instrument, responses)
    assert caught.value.item == "1"
    assert caught.value.allowed == tuple(values)
    assert str(caught.value).startswith(f"{instrument_id} item 1: found {max(values) + 1}; allowed: ")


@pytest.mark.parametrize(
    ("instrument_id", "position", "value", "message"),
    [
        ("phq-9", 2, 4, "phq-9 item 3: found 4; allowed: 0, 1, 2, 3."),
        ("phq-9", 9, 4, "phq-9 item 10: found 4; allowed: 0, 1, 2, 3."),
        ("phq-9", 0, -1, "phq-9 item 1: found -1; allowed: 0, 1, 2, 3."),
        ("phq-9", 1, 2.5, "phq-9 item 2: found 2.5; allowed: 0, 1, 2, 3."),
        ("phq-9", 1, "two", "phq-9 item 2: found 'two'; allowed: 0, 1, 2, 3."),
        ("phq-9", 1, True, "phq-9 item 2: found True; allowed: 0, 1, 2, 3."),
        ("k10", 0, 0, "k10 item 1: found 0; allowed: 1, 2, 3, 4, 5."),
        ("semcd-6", 5, 11, "semcd-6 item 6: found 11; allowed: whole numbers 1 to 10."),
        ("gds-15", 3, 2, "gds-15 item 4: found 2; allowed: 1 (yes) or 0 (no)."),
        ("osss-3", 0, 5, "osss-3 item 1: found 5; allowed: 1, 2, 3, 4."),
        ("pss-10", 3, 5, "pss-10 item 4: found 5; allowed: 0, 1, 2, 3, 4."),
        ("ssrs", 9, 10, "ssrs item 6: found 10; allowed: whole numbers 0 to 9."),
        ("ssrs", 6, 5, "ssrs item 5C: found 5; allowed: 1, 2, 3, 4."),
        ("mspss", 11, 8, "mspss item 12: found 8; allowed: whole numbers 1 to 7."),
    ],
)
def test_an_invalid_value_is_a_clear_error(instrument_id: str, position: int, value: Any, message: str) -> None:
    instrument = load_instrument(instrument_id)
    responses = _all_at(instrument, "low")
    responses[position] = value
    with pytest.raises(InvalidResponse) as caught:
        score(instrument, responses)
    assert str(caught.value) == f"{message} Leave a missing answer blank: None, '' or '-'."


def test_osss3_item_2_allows_5_where_item_1_does_not() -> None:
    assert score("osss-3", [4, 5, 5]).value == 14


def test_whole_floats_and_digit_strings_are_accepted() -> None:
    assert score("phq-9", [1.0, "2", " 0 ", 1, 3, 0, 1, 2, 0]).value == 10


def test_wrong_number_of_responses_and_unknown_items() -> None:
    with pytest.raises(WrongResponses, match=r"ssrs: found 3 responses, expected 10 or 14") as caught:
        score("ssrs", [1, 2, 3])
    assert "5A, 5B, 5C, 5D, 5E, 6" in caught.value.hint
    with pytest.raises(WrongResponses, match="phq-9: found 8 responses, expected 9 or 10"):
        score("phq-9", [0] * 8)
    with pytest.raises(WrongResponses, match="phq-9 has no item '11'"):
        score("phq-9", {"11": 0})
    with pytest.raises(WrongResponses, match="ssrs item 5: found 3; expected its sub-items A, B, C, D, E"):
        score("ssrs", [2, 3, 1, 4, 3, 2, 5, 1, 2, 3])


def test_an_unknown_instrument_suggests_the_closest() -> None:
    with pytest.raises(InstrumentNotFound, match=re.escape("'phq9' is not a known instrument. Did you mean 'phq-9'?")):
        load_instrument("phq9")
    assert load_instrument("PHQ-9").id == "phq-9"


# --- the registry files -------------------------------------------------------


def test_instrument_files_load_once_and_are_frozen() -> None:
    assert load_instrument("k10") is load_instrument("k10")
    with pytest.raises(ValueError):
        load_instrument("k10").rule = "mean"  # type: ignore[misc]


def _write_instrument(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _raw(instrument_id: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA_DIR / f"{instrument_id}.yaml").read_text(encoding="utf-8"))
    return data


def test_a_class_b_file_with_item_wording_is_refused(tmp_path: Path) -> None:
    data = _raw("pss-10")
    data["items"][0]["text"] = {"en": "An item", "zh": "一个条目"}
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument_file(_write_instrument(tmp_path, data))
    assert "licence class B ships no wording" in str(caught.value)


def test_a_class_a_file_without_a_translation_note_is_refused(tmp_path: Path) -> None:
    data = _raw("gad-7")
    del data["translation_note"]
    with pytest.raises(InstrumentInvalid, match="translation_note"):
        load_instrument_file(_write_instrument(tmp_path, data))


def test_an_instrument_file_error_names_the_file_and_field(tmp_path: Path) -> None:
    data = _raw("k6")
    data["rule"] = "median"
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument_file(_write_instrument(tmp_path, data))
    assert "k6.yaml" in str(caught.value) and "rule: found 'median'" in str(caught.value)


def test_an_instrument_file_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    data = _raw("k6")
    data["schema_version"] = 2
    with pytest.raises(SchemaVersionMismatch, match="found 2, expected 1"):
        load_instrument_file(_write_instrument(tmp_path, data))


def test_importing_the_package_reads_no_file_and_loads_no_heavy_library() -> None:
    loaded = imported_after("import swtrain.instruments")
    assert "swtrain.instruments.registry" not in loaded
    assert not {m.split(".")[0] for m in loaded} & {"pandas", "yaml", "pydantic", "ipywidgets"}
    assert "swtrain.instruments" not in imported_after("import swtrain")


# --- licence classes ------------------------------------------------------------


def _texts(text: Text | None) -> list[str]:
    return [text.en, text.zh] if text is not None else []


@pytest.mark.parametrize("instrument", [i for i in all_instruments() if i.licence == "A"], ids=lambda i: i.id)
def test_class_a_has_wording_in_english_and_chinese_with_notice_and_citation(instrument: Instrument) -> None:
    assert instrument.wording_shipped
    assert instrument.stem is not None and len(_texts(instrument.stem)) == 2
    assert instrument.notice.en.strip() and instrument.notice.zh.strip() and len(instrument.citation) > 40
    assert instrument.translation_note is not None and "teaching translation" in instrument.translation_note.en
    assert "教学译文" in instrument.translation_note.zh
    for item in instrument.items:
        assert item.text is not None and item.text.en.strip() and item.text.zh.strip(), item.number
        assert re.search(r"[\u4e00-\u9fff]", item.text.zh), item.number
        for response in instrument.values_of(item):
            assert response.label is not None and response.label.en and response.label.zh, (item.number, response)


def test_class_a_notices_carry_what_the_owners_ask_for() -> None:
    for instrument_id in ("phq-9", "gad-7"):
        notice = load_instrument(instrument_id).notice.en
        assert "Spitzer" in notice and "Pfizer" in notice
        assert "No permission required to reproduce, translate, display or distribute" in notice
    for instrument_id in ("k10", "k6"):
        instrument = load_instrument(instrument_id)
        assert "©" in instrument.notice.en and "Kessler" in instrument.notice.en
        assert "2002" in instrument.citation and "2003" in instrument.citation
    assert "Lorig" in load_instrument("semcd-6").citation and "Stanford" in load_instrument("semcd-6").notice.en
    assert "public domain" in load_instrument("gds-15").notice.en
    assert "Sheikh" in load_instrument("gds-15").citation


@pytest.mark.parametrize("instrument", [i for i in all_instruments() if i.licence != "A"], ids=lambda i: i.id)
def test_class_b_and_c_ship_no_wording(instrument: Instrument) -> None:
    assert not instrument.wording_shipped
    assert instrument.stem is None and instrument.translation_note is None
    for item in instrument.items:
        assert item.text is None
        assert all(r.label is None for r in instrument.values_of(item))
        if instrument.licence == "C":
            assert item.label is None and all(s.label is None for s in item.sub_items)
    assert instrument.notice.en and instrument.citation


TRADEMARKED_NAMES = [
    "Distress Thermometer",
    "PedsQL",
    "Pediatric Quality of Life Inventory",
    "Zarit Burden Interview",
    "Hospital Anxiety and Depression Scale",
    "Edinburgh Postnatal Depression Scale",
]

# Distinctive phrases of class B and C item wording: none may appear anywhere in the package or casedata/.
CLASS_B_C_WORDING = [
    # PSS-10
    "upset because of something that happened unexpectedly",
    "unable to control the important things in your life",
    "felt nervous and stressed",
    "confident about your ability to handle your personal problems",
    "felt that things were going your way",
    "could not cope with all the things that you had to do",
    "able to control irritations in your life",
    "felt that you were on top of things",
    "outside of your control",
    "difficulties were piling up so high",
    # LSNS-6
    "how many relatives do you see or hear from",
    "relatives do you feel at ease with",
    "can talk about private matters",
    "could call on them for help",
    "how many of your friends do you see or hear from",
    # Family APGAR
    "i can turn to my family for help",
    "the way my family talks over things with me",
    "accepts and supports my wishes to take on new activities",
    "the way my family expresses affection",
    "the way my family and i share time together",
    # OSSS-3
    "so close to you that you can count on them",
    "interest and concern do people show in what you do",
    "practical help from neighbours if you should need it",
    # MSPSS
    "there is a special person who is around when i am in need",
    "with whom i can share my joys and sorrows",
    "my family really tries to help me",
    "emotional help and support i need from my family",
    "a real source of comfort to me",
    "my friends really try to help me",
    "i can count on my friends when things go wrong",
    "i can talk about my problems with my family",
    "cares about my feelings",
    "my family is willing to help me make decisions",
    # SSRS
    "您有多少关系密切",
    "可以得到支持和帮助的朋友",
    "从家庭成员得到的支持和照顾",
    "您遇到烦恼时的倾诉方式",
    "您遇到烦恼时的求助方式",
    "党团组织、宗教组织",
    # caregiver burden, 22 items
    "asks for more help than he/she needs",
    "don't have enough time for yourself",
    "stressed between caring for your relative",
    "embarrassed over your relative's behavior",
    "your relative is dependent on you",
    "could do a better job in caring for your relative",
    "how burdened do you feel in caring for your relative",
    # postnatal depression, 10 items
    "laugh and see the funny side of things",
    "looked forward with enjoyment to things",
    "blamed myself unnecessarily when things went wrong",
    "anxious or worried for no good reason",
    "scared or panicky for no very good reason",
    "things have been getting on top of me",
    "so unhappy that i have had difficulty sleeping",
    "so unhappy that i have been crying",
    "the thought of harming myself has occurred to me",
    # anxiety and depression, 14 items
    "i feel tense or 'wound up'",
    "i still enjoy the things i used to enjoy",
    "frightened feeling as if something awful is about to happen",
    "worrying thoughts go through my mind",
    "i can sit at ease and feel relaxed",
    "i feel as if i am slowed down",
    "'butterflies' in the stomach",
    "i have lost interest in my appearance",
    "restless as i have to be on the move",
    "i get sudden feelings of panic",
    "enjoy a good book or radio or tv programme",
    # child quality of life, 23 items
    "hard for me to walk more than one block",
    "hard for me to do sports activity or exercise",
    "hard for me to lift something heavy",
    "hard for me to take a bath or shower by myself",
    "i worry about what will happen to me",
    "other kids do not want to be my friend",
    "hard to pay attention in class",
    "i miss school because of not feeling well",
    # distress thermometer
    "how much distress have you been experiencing in the past week",
]


def _normalised(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return re.sub(r"\s+", " ", text)


def _without_citations(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_citations(v) for k, v in data.items() if k != "citation"}
    if isinstance(data, list):
        return [_without_citations(v) for v in data]
    return data


def _shipped_texts() -> list[tuple[str, str]]:
    """(path, text) of every text file in swtrain/ and casedata/; instrument files without their citations."""
    found = []
    for folder in (ROOT / "swtrain", ROOT / "casedata"):
        for path in sorted(folder.rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            if path.parent == DATA_DIR and path.suffix == ".yaml":
                text = yaml.safe_dump(_without_citations(yaml.safe_load(text)), allow_unicode=True, width=10_000)
            found.append((str(path.relative_to(ROOT)), _normalised(text)))
    return found


def test_no_class_b_or_c_wording_or_trademarked_name_in_the_package_or_casedata() -> None:
    texts = _shipped_texts()
    assert any(path.endswith("ssrs.yaml") for path, _ in texts) and any(p.startswith("casedata") for p, _ in texts)
    for phrase in [*CLASS_B_C_WORDING, *TRADEMARKED_NAMES]:
        needle = _normalised(phrase)
        hits = [path for path, text in texts if needle in text]
        assert not hits, f"{phrase!r} in {hits}"


def test_trademarked_names_stay_in_citations() -> None:
    citations = " ".join(i.citation for i in all_instruments())
    for name in TRADEMARKED_NAMES:
        assert name in citations, name


def test_the_wording_check_would_catch_a_leak() -> None:
    phrase = "blamed myself unnecessarily when things went wrong"
    assert phrase in CLASS_B_C_WORDING
    assert phrase in _normalised("Item 3:  I have  BLAMED myself\nunnecessarily when things went wrong")


# --- the command line -----------------------------------------------------------


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_instruments_lists_the_registry_in_a_table() -> None:
    result = run("instruments")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "name", "items", "licence", "wording"]
    assert len(lines) == 1 + len(instrument_ids())
    phq = next(line for line in lines if line.startswith("phq-9 "))
    assert "Patient Health Questionnaire-9 (PHQ-9)" in phq and phq.split()[-3:] == ["10", "A", "yes"]
    ssrs = next(line for line in lines if line.startswith("ssrs "))
    assert ssrs.split()[-3:] == ["10", "B", "no"]
    assert next(line for line in lines if line.startswith("distress-rating ")).split()[-3:] == ["1", "C", "no"]


def test_score_prints_the_total_and_band() -> None:
    result = run("score", "phq-9", "1", "2", "0", "1", "3", "0", "1", "2", "0")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["phq-9: sum 10 (range 0-27)", "band: moderate"]


def test_score_prints_the_mean_and_missing_items() -> None:
    result = run("score", "semcd-6", "5", "-", "7", "", "9", "10")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "semcd-6: mean 7.75 (range 1-10)",
        "band: none shipped (pass --bands FILE to use your own)",
        "missing items: 2, 4",
    ]


def test_score_prints_cutoffs_and_safety_prompts() -> None:
    result = run("score", "phq-9", "3", "3", "3", "3", "3", "3", "3", "3", "1")
    assert "band: severe" in result.output
    assert "safety: item 9 is above its lowest answer" in result.output
    assert "cut-off: refer for further assessment (10 and above)" in run("score", "gad-7", *"2131021").output


def test_score_ssrs_positional_and_by_sub_item(tmp_path: Path) -> None:
    positional = run("score", "ssrs", *"2 3 1 4 3 2 1 4 1 2 5 1 2 3".split())
    assert positional.output.splitlines()[0] == "ssrs: sum 34 (range 12-66)"
    assert "objective: 10" in positional.output and "subjective: 18" in positional.output
    named = run("score", "ssrs", *"1=2 2=3 3=1 4=4 5A=3 5B=2 5C=1 5D=4 5E=1 6=2 7=5 8=1 9=2 10=3".split())
    assert named.output == positional.output
    banded = run(
        "score", "ssrs", "--bands", str(_write_bands(tmp_path / "b.yaml")), *"2 3 1 4 3 2 1 4 1 2 5 1 2 3".split()
    )
    assert "band: low" in banded.output


def test_score_gds15_takes_yes_and_no() -> None:
    result = run("score", "gds-15", *"no yes yes no no no yes no no no yes no yes no no".split())
    assert result.output.splitlines() == ["gds-15: sum 4 (range 0-15)", "band: normal"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["phq-9", "1", "2", "4", "1", "3", "0", "1", "2", "0"],
            "Error: phq-9 item 3: found '4'; allowed: 0, 1, 2, 3.",
        ),
        (["k10", "-1", *["1"] * 9], "Error: k10 item 1: found '-1'; allowed: 1, 2, 3, 4, 5."),
        (["ssrs", "5C=7"], "Error: ssrs item 5C: found '7'; allowed: 1, 2, 3, 4."),
        (["semcd-6", "5", "-", "-", "-", "9", "10"], "Error: semcd-6 is not scored: 3 item(s) missing (2, 3, 4)"),
        (["phq-9", "1", "2"], "Error: phq-9: found 2 responses, expected 9 or 10"),
        (["phq-9", "1=2", "3"], "Error: Give every value in item order or every value as NUMBER=VALUE"),
        (["phq9", "1"], "Error: 'phq9' is not a known instrument. Did you mean 'phq-9'?"),
    ],
)
def test_score_errors_exit_1_with_a_clear_message(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["score", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_both_commands_have_help_text() -> None:
    for name in ("instruments", "score"):
        command = main.commands[name]
        assert command.help and len(command.help) > 20
        assert run(name, "--help").exit_code == 0
