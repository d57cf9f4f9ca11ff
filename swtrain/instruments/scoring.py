"""score(instrument, responses) -> Score: pure, and clear about what it cannot score.

Responses are given in item order (a list) or by item number (a mapping).
An item with sub-items (SSRS item 5) takes a list or a mapping of its
sub-items in the list form, or each sub-item on its own as `5A` ... `5E`,
either in a mapping or in a flat list (SSRS: 1-4, 5A-5E, 6-10, 14 values).
A missing answer is None, '' or '-'. A yes/no item (GDS-15) takes 1 or 0,
or 'yes' or 'no'. What cannot be scored raises a ScoringError
(swtrain.errors draws the tree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import MISSING_HINT, InvalidResponse, ScoringError, TooManyMissing, WrongResponses
from ..fields import Frozen, Text
from .registry import Band, BandSet, Cutoff, Instrument, Item, Rule, check_bands, load_instrument

__all__ = [
    "InvalidResponse",
    "Score",
    "ScoringError",
    "SubscaleScore",
    "TooManyMissing",
    "WrongResponses",
    "band_of",
    "parse_values",
    "score",
]


class SubscaleScore(Frozen):
    """A subscale's sum or mean (None when its items are missing) and its band, if it has bands."""

    id: str
    label: Text
    rule: Rule
    value: float | None
    band: Band | None = None


class Score(Frozen):
    """The result of scoring one set of responses."""

    instrument_id: str
    rule: Rule
    value: float
    minimum: float
    maximum: float
    band: Band | None
    subscales: tuple[SubscaleScore, ...] = ()
    missing: tuple[int, ...] = ()
    answers: Mapping[str, int | None]
    item_points: Mapping[int, float]
    cutoffs: tuple[Cutoff, ...] = ()
    safety_items: tuple[int, ...] = ()

    @property
    def total(self) -> float | None:
        """The sum, for an instrument scored by sum."""
        return self.value if self.rule == "sum" else None

    @property
    def mean(self) -> float | None:
        """The mean, for an instrument scored by mean."""
        return self.value if self.rule == "mean" else None

    @property
    def missing_count(self) -> int:
        return len(self.missing)


def score(
    instrument: Instrument | str,
    responses: Sequence[Any] | Mapping[Any, Any],
    *,
    bands: BandSet | Sequence[Band] | None = None,
) -> Score:
    """Score `responses` to `instrument` (an Instrument or its id).

    `bands` replaces the instrument's bands (SSRS ships none); a BandSet
    must be meant for this instrument.
    """
    if isinstance(instrument, str):
        instrument = load_instrument(instrument)
    answers = {key: _parse(instrument, key, item, raw) for key, item, raw in _by_field(instrument, responses)}
    points: dict[int, float] = {}
    missing: list[int] = []
    for item in instrument.scored_items:
        values = [answers[key] for key in _keys(item)]
        if any(value is None for value in values):
            missing.append(item.number)
        else:
            points[item.number] = sum(points_for(instrument, item, v) for v in values if v is not None)
    if len(missing) > instrument.missing.max_missing or not points:
        raise TooManyMissing.for_items(instrument.id, missing, instrument.missing.max_missing)
    low, high = _range(instrument, instrument.scored_items, instrument.rule)
    value = _combine(instrument.rule, list(points.values()))
    shown_bands = instrument.bands if bands is None else _checked_bands(instrument, bands, low, high)
    return Score(
        instrument_id=instrument.id,
        rule=instrument.rule,
        value=value,
        minimum=low,
        maximum=high,
        band=band_of(shown_bands, value),
        subscales=tuple(_subscale_scores(instrument, points)),
        missing=tuple(missing),
        answers=answers,
        item_points=points,
        cutoffs=tuple(c for c in instrument.cutoffs if value >= c.at_least),
        safety_items=tuple(_safety_items(instrument, answers)),
    )


def band_of(bands: Sequence[Band], value: float) -> Band | None:
    """The band `value` falls in; a mean between two published bands (MSPSS 2.95) falls in the lower one."""
    for band in reversed(bands):
        if value >= band.min:
            return band
    return None


def parse_values(texts: Sequence[str]) -> list[str] | dict[str, str]:
    """Command-line values: a list in item order, or a mapping when every value is NUMBER=VALUE."""
    named = [text for text in texts if "=" in text]
    if not named:
        return list(texts)
    if len(named) != len(texts):
        raise WrongResponses(
            "Give every value in item order or every value as NUMBER=VALUE, not a mix.",
            "For example: 1=2 2=0 5A=3.",
        )
    return {key.strip(): value for key, _, value in (text.partition("=") for text in texts)}


def _keys(item: Item) -> list[str]:
    if item.kind == "sub_items":
        return [f"{item.number}{sub.letter}" for sub in item.sub_items]
    return [str(item.number)]


def _by_field(instrument: Instrument, responses: Sequence[Any] | Mapping[Any, Any]) -> list[tuple[str, Item, Any]]:
    """(field key, item, raw value) for every item and sub-item, missing ones as None."""
    fields = [(key, item) for item in instrument.items for key in _keys(item)]
    if isinstance(responses, Mapping):
        given = _from_mapping(instrument, responses)
    elif isinstance(responses, Sequence) and not isinstance(responses, str):
        given = _from_list(instrument, list(responses), len(fields))
    else:
        raise WrongResponses(f"Responses to {instrument.id} as a list or a mapping, not {type(responses).__name__}.")
    return [(key, item, given.get(key)) for key, item in fields]


def _from_mapping(instrument: Instrument, responses: Mapping[Any, Any]) -> dict[str, Any]:
    known = {key: item for item in instrument.items for key in _keys(item)}
    given: dict[str, Any] = {}
    for raw_key, value in responses.items():
        key = str(raw_key).strip().upper()
        if key in known:
            given[key] = value
        elif key.isdigit() and 1 <= int(key) <= len(instrument.items):
            given.update(_sub_items(instrument, instrument.item(int(key)), value))
        else:
            raise WrongResponses(f"{instrument.id} has no item {raw_key!r}.", f"Its items: {', '.join(known)}.")
    return given


def _from_list(instrument: Instrument, values: list[Any], flat_length: int) -> dict[str, Any]:
    items = instrument.items
    trailing_unscored = len(items) - max(i.number for i in instrument.scored_items)
    nested = {len(items), len(items) - trailing_unscored}
    flat = {flat_length, flat_length - trailing_unscored}
    if len(values) in flat and not (len(values) in nested and _has_lists(values)):
        keys = [key for item in items for key in _keys(item)]
        return dict(zip(keys, values, strict=False))
    if len(values) in nested:
        given: dict[str, Any] = {}
        for item, value in zip(items, values, strict=False):
            if item.kind == "sub_items":
                given.update(_sub_items(instrument, item, value))
            else:
                given[str(item.number)] = value
        return given
    expected = " or ".join(map(str, sorted(nested | flat)))
    order = ", ".join(key for item in items for key in _keys(item))
    raise WrongResponses(
        f"{instrument.id}: found {len(values)} responses, expected {expected} (one per item, in order).",
        f"The order: {order}. {MISSING_HINT}",
    )


def _has_lists(values: list[Any]) -> bool:
    return any(isinstance(v, Sequence | Mapping) and not isinstance(v, str) for v in values)


def _sub_items(instrument: Instrument, item: Item, value: Any) -> dict[str, Any]:
    letters = [sub.letter for sub in item.sub_items]
    keys = _keys(item)
    if item.kind != "sub_items":
        return {keys[0]: value}
    if value is None or (isinstance(value, str) and value.strip() in ("", "-")):
        return dict.fromkeys(keys)
    if isinstance(value, Mapping):
        unknown = [k for k in value if str(k).strip().upper() not in letters]
        if not unknown:
            return {f"{item.number}{str(k).strip().upper()}": v for k, v in value.items()}
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == len(letters):
        return dict(zip(keys, value, strict=True))
    raise WrongResponses(
        f"{instrument.id} item {item.number}: found {value!r}; expected its sub-items "
        f"{', '.join(letters)} as a list of {len(letters)} values or a mapping such as {{'A': 3}}.",
        f"Or give each on its own: {', '.join(keys)}.",
    )


_YES_NO = {"yes": 1, "y": 1, "no": 0, "n": 0}


def _parse(instrument: Instrument, key: str, item: Item, raw: Any) -> int | None:
    value = raw
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in ("", "-"):
            return None
        if item.depressive_answer and text.lower() in _YES_NO:
            return _YES_NO[text.lower()]
        try:
            value = int(text)
        except ValueError:
            raise _invalid(instrument, key, item, raw) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(instrument, key, item, raw)
    if value not in {r.value for r in instrument.values_of(item)}:
        raise _invalid(instrument, key, item, raw)
    return value


def _invalid(instrument: Instrument, key: str, item: Item, value: Any) -> InvalidResponse:
    allowed = tuple(r.value for r in instrument.values_of(item))
    return InvalidResponse.for_value(instrument.id, key, value, allowed, _describe(item, allowed))


def _describe(item: Item, allowed: tuple[int, ...]) -> str:
    if item.depressive_answer:
        return "1 (yes) or 0 (no)"
    if len(allowed) > 6 and list(allowed) == list(range(min(allowed), max(allowed) + 1)):
        return f"whole numbers {min(allowed)} to {max(allowed)}"
    return ", ".join(map(str, allowed))


def points_for(instrument: Instrument, item: Item, value: int) -> float:
    """What one answer adds to the score."""
    if item.depressive_answer:
        return 1.0 if value == (1 if item.depressive_answer == "yes" else 0) else 0.0
    if item.reverse:
        values = [r.value for r in instrument.values_of(item)]
        value = min(values) + max(values) - value
    if instrument.points is not None and item.kind == "rating":
        return instrument.points[value]
    return float(value)


def _item_range(instrument: Instrument, item: Item) -> tuple[float, float]:
    each = [points_for(instrument, item, r.value) for r in instrument.values_of(item)]
    repeats = max(1, len(item.sub_items))
    return min(each) * repeats, max(each) * repeats


def _range(instrument: Instrument, items: Sequence[Item], rule: Rule) -> tuple[float, float]:
    ranges = [_item_range(instrument, item) for item in items]
    if rule == "sum":
        return sum(low for low, _ in ranges), sum(high for _, high in ranges)
    return min(low for low, _ in ranges), max(high for _, high in ranges)


def _combine(rule: Rule, points: list[float]) -> float:
    return float(sum(points)) if rule == "sum" else sum(points) / len(points)


def _subscale_scores(instrument: Instrument, points: Mapping[int, float]) -> list[SubscaleScore]:
    scores = []
    for subscale in instrument.subscales:
        rule = subscale.rule or instrument.rule
        answered = [points[n] for n in subscale.items if n in points]
        complete = len(answered) == len(subscale.items)
        value = _combine(rule, answered) if answered and (complete or rule == "mean") else None
        band = None if value is None else band_of(subscale.bands, value)
        scores.append(SubscaleScore(id=subscale.id, label=subscale.label, rule=rule, value=value, band=band))
    return scores


def _safety_items(instrument: Instrument, answers: Mapping[str, int | None]) -> list[int]:
    flagged = []
    for item in instrument.items:
        if item.safety_alert:
            lowest = min(r.value for r in instrument.values_of(item))
            if any((answers[key] or lowest) > lowest for key in _keys(item)):
                flagged.append(item.number)
    return flagged


def _checked_bands(
    instrument: Instrument, bands: BandSet | Sequence[Band], low: float, high: float
) -> tuple[Band, ...]:
    if isinstance(bands, BandSet):
        if bands.instrument != instrument.id:
            raise WrongResponses(f"The bands are for {bands.instrument!r}, not {instrument.id!r}.")
        bands = bands.bands
    try:
        check_bands(tuple(bands), "bands")
    except ValueError as exc:
        raise WrongResponses(f"{instrument.id}: expected {exc}.") from None
    for band in bands:
        if band.min < low or band.max > high:
            raise WrongResponses(
                f"{instrument.id}: a band from {band.min:g} to {band.max:g} lies outside the score range "
                f"{low:g} to {high:g}."
            )
    return tuple(bands)
