"""The screening instruments: immutable records read from `instruments/data/<id>.yaml`.

An `Instrument` holds what scoring needs (items, response values, the rule,
reverse items, sub-items, count items, subscales, the missing-item rule,
bands and cut-offs) and what the licence allows to be shown:

- class A: item wording in English and Chinese, with the owner's notice and
  citation, and a note saying whether the Chinese is a teaching translation;
- class B: response values and short dimension labels, never item wording;
- class C: numeric responses and totals; no wording, and no trademarked name
  outside the citation.

The model enforces those limits, so a file cannot ship wording its class
forbids. Files are read the first time an instrument is asked for, then kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from ..errors import InstrumentInvalid, InstrumentNotFound, Problem, SchemaVersionMismatch
from ..fields import Frozen, Slug, Text
from ..yamlfile import read_yaml

INSTRUMENT_SCHEMA_VERSION = 1
BANDS_SCHEMA_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"

LicenceClass = Literal["A", "B", "C"]
Rule = Literal["sum", "mean"]
SubItemLetter = Annotated[str, Field(pattern=r"^[A-Z]$")]


class ResponseOption(Frozen):
    """A response value; `label` is the printed wording (class A only)."""

    value: int
    label: Text | None = None


class SubItem(Frozen):
    """A part of an item answered on its own (SSRS item 5, A to E); `label` a short dimension label."""

    letter: SubItemLetter
    label: Text | None = None


class Band(Frozen):
    """A score range with its label, bounds inclusive as published."""

    min: float
    max: float
    label: Text

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.max < self.min:
            raise ValueError(f"max ({self.max:g}) not below min ({self.min:g})")
        return self


class Cutoff(Frozen):
    """A threshold that calls for action whatever the band (GAD-7: refer at 10 and above)."""

    at_least: float
    label: Text


class MissingRule(Frozen):
    """How many items may be missing and what is done then.

    all_required: no item may be missing. mean_of_answered: the score is the
    mean of the answered items, if no more than `max_missing` are missing.
    """

    max_missing: Annotated[int, Field(ge=0)] = 0
    handling: Literal["all_required", "mean_of_answered"] = "all_required"
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MissingRule:
        if (self.handling == "all_required") != (self.max_missing == 0):
            raise ValueError("max_missing 0 with handling all_required, or above 0 with mean_of_answered")
        return self


class Item(Frozen):
    """One item. `kind` says how it is answered.

    rating: one of the response values (the item's own, else the instrument's).
    count: a number of sources, 0 if none, up to `max_count` (SSRS 6 and 7).
    sub_items: each sub-item is rated and the item scores their sum (SSRS 5).
    """

    number: Annotated[int, Field(ge=1)]
    kind: Literal["rating", "count", "sub_items"] = "rating"
    text: Text | None = None
    label: Text | None = None
    responses: tuple[ResponseOption, ...] | None = None
    sub_items: tuple[SubItem, ...] = ()
    max_count: Annotated[int, Field(ge=1)] | None = None
    reverse: bool = False
    depressive_answer: Literal["yes", "no"] | None = None
    scored: bool = True
    safety_alert: bool = False

    @model_validator(mode="after")
    def _kind_fits(self) -> Item:
        if (self.kind == "count") != (self.max_count is not None):
            raise ValueError("max_count on count items and only there")
        if (self.kind == "sub_items") != bool(self.sub_items):
            raise ValueError("sub_items on sub_items items and only there")
        return self


class Subscale(Frozen):
    """Items scored together under a short dimension label."""

    id: Slug
    label: Text
    items: Annotated[tuple[int, ...], Field(min_length=1)]
    rule: Rule | None = None
    bands: tuple[Band, ...] = ()


class Instrument(Frozen):
    """A screening instrument: scoring rules and whatever its licence class allows to be shown."""

    schema_version: Literal[1] = 1
    id: Slug
    name: Text
    licence: LicenceClass
    wording_shipped: bool
    citation: Annotated[str, Field(min_length=10)]
    notice: Text
    translation_note: Text | None = None
    stem: Text | None = None
    rule: Rule
    responses: tuple[ResponseOption, ...] = ()
    points: Mapping[int, float] | None = None
    items: Annotated[tuple[Item, ...], Field(min_length=1)]
    subscales: tuple[Subscale, ...] = ()
    missing: MissingRule = MissingRule()
    bands: tuple[Band, ...] = ()
    bands_note: Text | None = None
    cutoffs: tuple[Cutoff, ...] = ()
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"items numbered 1 to {len(numbers)} in order, not {numbers}")
        for item in self.items:
            if item.kind != "count" and not (item.responses or self.responses):
                raise ValueError(f"response values for item {item.number} (its own or the instrument's)")
            if item.depressive_answer and {r.value for r in self.values_of(item)} != {0, 1}:
                raise ValueError(f"item {item.number}: responses 1 (yes) and 0 (no) for a yes/no item")
        if self.points is not None:
            missing = {r.value for r in self.responses} - set(self.points)
            if missing:
                raise ValueError(f"points for every response value; none for {sorted(missing)}")
        for subscale in self.subscales:
            unknown = set(subscale.items) - set(numbers)
            if unknown:
                raise ValueError(f"subscale {subscale.id!r}: items that exist, not {sorted(unknown)}")
        check_bands(self.bands, "bands")
        for subscale in self.subscales:
            check_bands(subscale.bands, f"subscale {subscale.id!r} bands")
        if self.missing.handling == "mean_of_answered" and self.rule != "mean":
            raise ValueError("rule mean for missing handling mean_of_answered (sums are not prorated)")
        self._check_licence()
        return self

    def _check_licence(self) -> None:
        texts = [self.stem, *(i.text for i in self.items), *(r.label for r in self.responses)]
        texts += [r.label for i in self.items for r in i.responses or ()]
        if self.licence == "A" and self.wording_shipped:
            if self.stem is None or any(i.text is None for i in self.items):
                raise ValueError("a stem and item text for every item, since wording_shipped is true")
            if any(r.label is None for i in self.items for r in self.values_of(i)):
                raise ValueError("a label for every response value, since wording_shipped is true")
            if self.translation_note is None:
                raise ValueError("a translation_note saying whether the Chinese text is validated")
        elif any(text is not None for text in texts) or self.translation_note is not None:
            raise ValueError(
                f"no stem, item text, response labels or translation note: licence class {self.licence} "
                "ships no wording (short dimension labels go in `label`)"
            )
        elif self.wording_shipped:
            raise ValueError(f"wording_shipped false for licence class {self.licence}")
        if self.licence == "C" and any(i.label is not None for i in self.items):
            raise ValueError("no item labels: licence class C keeps numeric responses and totals only")

    def item(self, number: int) -> Item:
        """The item with this number (KeyError if none)."""
        if 1 <= number <= len(self.items):
            return self.items[number - 1]
        raise KeyError(number)

    def values_of(self, item: Item) -> tuple[ResponseOption, ...]:
        """The response values of a rating or sub-item item: its own, else the instrument's."""
        if item.kind == "count":
            return tuple(ResponseOption(value=v) for v in range(0, (item.max_count or 0) + 1))
        return item.responses or self.responses

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.scored)


def check_bands(bands: tuple[Band, ...], what: str) -> None:
    """ValueError unless `bands` rise without overlapping."""
    for before, after in pairwise(bands):
        if after.min <= before.max:
            raise ValueError(f"{what} in rising order without overlap; {after.min:g} is not above {before.max:g}")


class BandSet(Frozen):
    """Bands a user supplies for an instrument that ships none (SSRS), with their source."""

    schema_version: Literal[1] = 1
    instrument: Slug
    source: Annotated[str, Field(min_length=3)]
    bands: Annotated[tuple[Band, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _ordered(self) -> BandSet:
        check_bands(self.bands, "bands")
        return self


def instrument_ids() -> list[str]:
    """Ids of every shipped instrument, sorted."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def load_instrument(instrument_id: str) -> Instrument:
    """The shipped instrument with this id; InstrumentNotFound with a suggestion if none."""
    known = instrument_ids()
    if instrument_id not in known:
        lowered = instrument_id.lower()
        if lowered not in known:
            raise InstrumentNotFound.for_id(instrument_id, known)
        instrument_id = lowered
    return load_instrument_file(DATA_DIR / f"{instrument_id}.yaml")


def all_instruments() -> tuple[Instrument, ...]:
    """Every shipped instrument, by id."""
    return tuple(load_instrument(i) for i in instrument_ids())


@cache
def load_instrument_file(path: Path) -> Instrument:
    """An instrument read and validated from `path` (kept after the first read)."""
    data, lines = read_yaml(path, InstrumentInvalid)
    _check_version(path, data, INSTRUMENT_SCHEMA_VERSION)
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        raise InstrumentInvalid.from_validation_error(path, exc, lines) from None
    if instrument.id != path.stem:
        raise InstrumentInvalid(path, [Problem("id", instrument.id, f"{path.stem!r}, the file's name")])
    return instrument


def load_bands(path: Path | str) -> BandSet:
    """A user's band file: `instrument`, `source` (where the bands come from) and `bands`."""
    path = Path(path)
    data, lines = read_yaml(path, InstrumentInvalid)
    _check_version(path, data, BANDS_SCHEMA_VERSION)
    try:
        return BandSet.model_validate(data)
    except ValidationError as exc:
        raise InstrumentInvalid.from_validation_error(path, exc, lines) from None


def _check_version(path: Path, data: dict[str, object], expected: int) -> None:
    found = data.get("schema_version", expected)
    if found != expected:
        raise SchemaVersionMismatch.for_file(path, found, expected)
