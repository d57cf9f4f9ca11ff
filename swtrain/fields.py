"""Field types that cases, keys and every exercise kind share: frozen, no I/O.

Text          a trainee-facing text in every required language
Option        a value and its label (a choice, an item to order, a system of an ecomap)
Slug          an id as case files write them
Dataset, Chart, DataStat   a case's data, a chart drawn from it, a figure computed from it
CJK           the one definition of the Chinese character range swtrain counts and tidies
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: Languages every trainee-facing text must exist in.
REQUIRED_LANGUAGES = ("en", "zh")

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Competency = Annotated[int, Field(ge=1, le=9, description="CSWE EPAS 2022 competency, 1 to 9")]
Points = Annotated[float, Field(gt=0, le=1000)]

#: Chinese characters (CJK ideographs, extension A, compatibility ideographs): each counts as a word.
CJK_IDEOGRAPHS = "\u3400-\u9fff\uf900-\ufaff"
#: The ideographs with CJK punctuation and full-width forms: text written without spaces between them.
CJK = f"\u3000-\u303f{CJK_IDEOGRAPHS}\uff00-\uffef"
_IDEOGRAPH = re.compile(f"[{CJK_IDEOGRAPHS}]")
# YAML's folded style and markdown line breaks put a space between two lines;
# Chinese is written without one.
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])(?:[ \t]+\n?[ \t]*|\n[ \t]*)(?=[{CJK}])")


def tidy_cjk(text: str) -> str:
    """`text` without the line breaks and spaces that fall between two Chinese characters."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def has_ideographs(text: str) -> bool:
    """True if `text` holds a Chinese character."""
    return _IDEOGRAPH.search(text) is not None


def count_words(text: str) -> int:
    """Words in `text`, counting each Chinese character as one (Chinese has no spaces)."""
    return len(_IDEOGRAPH.findall(text)) + len(_IDEOGRAPH.sub(" ", text).split())


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class HashedByContent(Frozen):
    """A frozen model with mappings inside, hashable (for caches) by its content, computed once."""

    @cached_property
    def _content_hash(self) -> int:
        return hash(self.model_dump_json())

    def __hash__(self) -> int:
        return self._content_hash


class Text(BaseModel):
    """A trainee-facing text in every required language (more may be added)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    en: Annotated[str, Field(min_length=1)]
    zh: Annotated[str, Field(min_length=1)]

    @field_validator("en", "zh")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a non-empty text")
        return tidy_cjk(value)

    @model_validator(mode="after")
    def _extra_languages_are_text(self) -> Text:
        for code, value in (self.model_extra or {}).items():
            if not (code.replace("-", "").isalpha() and len(code) <= 8):
                raise ValueError(f"language codes such as 'en' or 'zh', not {code!r}")
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"a non-empty text for language {code!r}")
        return self

    def get(self, language: str) -> str:
        """The text in `language`, falling back to English."""
        if language in ("en", "zh"):
            return self.zh if language == "zh" else self.en
        extra = self.model_extra or {}
        return tidy_cjk(str(extra.get(language, self.en)))


class Option(Frozen):
    """A choice, an item to order or a statement to classify: a value and its label."""

    value: Slug
    label: Text


def unique_values(options: tuple[Option, ...], what: str) -> tuple[Option, ...]:
    """`options` if no two share a value (a field validator's check), else ValueError naming the repeat."""
    seen: set[str] = set()
    for option in options:
        if option.value in seen:
            raise ValueError(f"{what} with distinct values; {option.value!r} appears twice")
        seen.add(option.value)
    return options


class Level(Frozen):
    """A level of a rubric criterion: the points it gives and what an answer at that level does."""

    points: Annotated[float, Field(ge=0, le=1000)]
    descriptor: Text


class Criterion(Frozen):
    """A rubric criterion: what a person looks for in an answer, its points, and the levels a marker chooses from.

    Levels run from the full points down to 0, each points value once, so
    two markers who agree on the level give the same score.
    """

    id: Slug
    description: Text
    points: Points
    levels: tuple[Level, ...] = ()

    @model_validator(mode="after")
    def _levels_span_the_points(self) -> Criterion:
        if not self.levels:
            return self
        values = [level.points for level in self.levels]
        if values != sorted(set(values), reverse=True):
            raise ValueError(f"levels from the most points to the least, each points value once, not {values}")
        if abs(values[0] - self.points) > 1e-9 or values[-1] != 0:
            raise ValueError(f"levels from the criterion's {self.points:g} points down to 0, not {values}")
        return self

    def level(self, points: float) -> Level | None:
        """The level that gives these points (None if there is none)."""
        return next((lv for lv in self.levels if abs(lv.points - points) <= 1e-9), None)


def labels(options: tuple[Option, ...], language: str) -> dict[str, str]:
    """Each option's value and its label in `language`, in the options' order."""
    return {o.value: o.label.get(language) for o in options}


# --- data a case ships: tables, charts drawn from them, figures computed from them ------------------

ColumnName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)]


class Column(Frozen):
    """A column of a dataset: its label, and for a category its values in display order."""

    label: Text
    kind: Literal["number", "category"] = "number"
    values: Mapping[str, Text] = Field(default_factory=dict)


class Dataset(HashedByContent):
    """A CSV file in the case folder (`file`), with every column it uses declared.

    The file's header names its columns; a declared column must be there,
    a number column holds numbers (an empty cell is a missing value), a
    category column with `values` holds only those values.
    """

    id: Slug
    file: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.csv$")]
    title: Text
    description: Text | None = None
    columns: Annotated[Mapping[ColumnName, Column], Field(min_length=1)]


ChartKind = Literal["bar", "box", "point", "strip", "line", "hist", "scatter"]


class Chart(Frozen):
    """A chart swtrain draws from a dataset (seaborn): a trainee reads it, never codes it.

    bar and point show the mean of `y` per `x` with a 95% interval; box and
    strip its spread; line draws one line per `units` (each member before and
    after); hist the distribution of `x`; scatter `y` against `x`.
    """

    dataset: Slug
    kind: ChartKind
    x: ColumnName
    y: ColumnName | None = None
    hue: ColumnName | None = None
    units: ColumnName | None = None
    title: Text | None = None

    @model_validator(mode="after")
    def _columns_fit_kind(self) -> Chart:
        if self.kind == "hist" and self.y is not None:
            raise ValueError("no y for a hist chart (it counts the values of x)")
        if self.kind != "hist" and self.y is None:
            raise ValueError(f"a y column for a {self.kind} chart")
        if self.units is not None and self.kind != "line":
            raise ValueError("units only for a line chart (one line per unit)")
        return self

    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.x, self.y, self.hue, self.units) if c is not None)


class DataStat(Frozen):
    """A figure computed from a case's dataset: `stat` of `column` over the rows
    matching `where`, minus another such figure if `minus` is given
    (the mean change from before to after)."""

    dataset: Slug
    column: ColumnName
    stat: Literal["mean", "median", "sum", "count", "min", "max"]
    where: Mapping[ColumnName, str] = Field(default_factory=dict)
    minus: DataStat | None = None
