"""Field types that cases, keys and every exercise kind share: frozen, no I/O.

Text          a trainee-facing text in every required language
Option        a value and its label (a choice, an item to order, a system of an ecomap)
Slug          an id as case files write them (`in_words` says a pattern the way a case author reads it)
Dataset, Chart, DataStat   a case's data, a chart drawn from it, a figure computed from it
CJK           the one definition of the Chinese character range swtrain counts and tidies
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

#: Languages every trainee-facing text must exist in.
REQUIRED_LANGUAGES = ("en", "zh")

SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
COLUMN_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
CSV_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.csv$"
Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=64,
        description="An id: lower-case letters, digits and hyphens (-), for example first-step",
    ),
]
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


def as_slug(text: str) -> str:
    """`text` as an id would write it: lower case, a hyphen for each run of other characters ('S1' -> 's1')."""
    slug = re.sub(r"[^a-z0-9_]+", "-", text.strip().lower()).strip("-_")
    return slug[:64].rstrip("-_")


def in_words(pattern: str, value: Any) -> str | None:
    """What a field of this pattern holds, said for a case author, with an example made from `value`."""
    if pattern == SLUG_PATTERN:
        example = as_slug(value) if isinstance(value, str) else ""
        return f"an id of lower-case letters, digits and hyphens, for example {example or 'first-step'!r}"
    if pattern == COLUMN_PATTERN:
        example = re.sub(r"[^A-Za-z0-9_]+", "_", value).strip("_") if isinstance(value, str) else ""
        example = example if example[:1].isalpha() else "distress"
        return f"a column name of letters, digits and _ that starts with a letter, for example {example!r}"
    if pattern == CSV_FILE_PATTERN:
        return "the name of a CSV file in the case folder, for example 'scores.csv'"
    return None


def error_at(field: str, value: Any, expected: str, hint: str = "", near: str = "") -> PydanticCustomError:
    """A model validator's error about one field inside the model (`field`, dotted, from the model), so that
    the message names that field and its line rather than the whole model; `near`, a field whose line to
    show when `field` itself is not in the file (a content note that is missing: the line of `distressing`)."""
    context = {"field": field, "value": value, "expected": expected, "hint": hint, "near": near}
    return PydanticCustomError("value_error_at", "{expected}", context)


#: Keys an author may write for a required language, lower-cased: the key swtrain reads instead.
_LANGUAGE_ALIASES = {
    **dict.fromkeys(("cn", "chn", "chinese", "zho", "chi", "中文", "汉语", "简体中文", "简体", "简"), "zh"),
    **dict.fromkeys(("english", "eng", "英文", "英语"), "en"),
}
_LANGUAGE_NAMES = {"en": "English", "zh": "Simplified Chinese"}


def _reads_as(key: str) -> str | None:
    low = key.lower()
    if low in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[low]
    for code in REQUIRED_LANGUAGES:
        if low.startswith((f"{code}-", f"{code}_")):  # zh-Hans, zh-CN, en-GB, en_US
            return code
    return None


def language_key_problem(data: Mapping[Any, Any]) -> tuple[str, str, str] | None:
    """(key, expected, hint) for a key of a text that swtrain does not read as a language where it matters: a
    key standing for a missing required language (`zh-Hans:` for `zh:`), any other key beside a missing one,
    or the tail of a text cut at a comma (`{en: Carer, wife, zh: ...}` reads `wife` as a key). None if the
    keys are fine."""
    keys = list(data)
    for index, key in enumerate(keys):
        if key in REQUIRED_LANGUAGES:
            continue
        name = str(key)
        before = keys[index - 1] if index else None
        if data[key] is None and isinstance(data.get(before), str):
            text = f"{data[before]}, {name}"
            # YAML's single quotes take a double quote as it is and write a single quote twice
            quoted = "'" + text.replace("'", "''") + "'" if '"' in text else f'"{text}"'
            return (
                name,
                "only en and zh here: a comma ends a text written on one line, {en: ..., zh: ...}, "
                f"so YAML read {name!r} as one more key",
                f"Put the whole text in quotes: {before}: {quoted}",
            )
        code = _reads_as(name)
        missing = [c for c in REQUIRED_LANGUAGES if c not in data]
        if code is not None and code in missing:
            return name, f"{code}, the key of the {_LANGUAGE_NAMES[code]} text", f"Write {code}: instead of {name}:"
        if missing:
            return (
                name,
                "en (English) and zh (Simplified Chinese), the language keys swtrain reads",
                f"Write {missing[0]}: for the {_LANGUAGE_NAMES[missing[0]]} text.",
            )
    return None


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

    @model_validator(mode="before")
    @classmethod
    def _language_keys(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) == 2 and "en" in data and "zh" in data:
            return data  # nearly every text: nothing to look at
        if isinstance(data, Mapping) and (problem := language_key_problem(data)):
            key, expected, hint = problem
            raise error_at(key, key, expected, hint)
        return data

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

ColumnName = Annotated[str, Field(pattern=COLUMN_PATTERN, max_length=64)]


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
    file: Annotated[str, Field(pattern=CSV_FILE_PATTERN)]
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
