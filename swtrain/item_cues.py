"""Item-writing cues: what lets a test-wise trainee pick a choice item's key without knowing practice.

Two parts. `testwise_scores` plays the test-wise trainee: it answers every
single- and multiple-choice item of a case by surface features alone (the
longest option; the options longer than the item's mean length), in each
language, and compares the points with those of random guessing.
`cue_warnings` is what `swtrain check` says about the items, each naming the
exercise and the cue (shared/DOMAIN.md sections 9 and 10; the NBME item
writing guide; Haladyna, Downing and Rodriguez's guidelines).

Thresholds, and why:
- KEY_LENGTH_RATIO 1.25: the key is more than a quarter longer (in
  characters) than the mean of its distractors. Options within a quarter of
  each other read as "about the same length"; beyond that the difference is
  visible at a glance, and it is the size of the cue found in the cases when
  this rule was written (keys 2.7 times as long).
- A case's keys are the longest (or the shortest) option more often than
  chance when the count exceeds the expected count (the sum of 1/options)
  rounded up; the same for the key's authored position (first or last).
- Repeated stems: two items of different cases whose prompts, or whose
  questions of eight words or more, match by 60% or more (difflib's ratio on
  the English words, in order):
  "Which finding is the best evidence that it met their needs?" and "...that
  it has restored her functioning?" are the same question.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .exercises import kind_of
from .fields import REQUIRED_LANGUAGES, Option
from .i18n import messages
from .models import Case, Key

KEY_LENGTH_RATIO = 1.25
STEM_SIMILARITY = 0.6
TESTWISE_MARGIN = 0.10

_ABSOLUTE = {
    "en": re.compile(r"\b(always|never|all|none|only|must|every|completely|entirely|guarantees?)\b", re.IGNORECASE),
    "zh": re.compile(r"总是|从不|从来不|一定|绝对|所有|完全|必须|只有|永远|唯一|任何|全部"),
}
_ABOVE = {
    "en": re.compile(r"\b(all|none|both|neither) of the (above|options|answers)\b", re.IGNORECASE),
    "zh": re.compile(r"以上(都|均|全|皆)|(都|均)不(对|是|正确)|以上选项(都|均)"),
}
_NEGATIVE = {
    "en": re.compile(r"\b(not|except|least|never|no longer|cannot|isn't|aren't|shouldn't|won't)\b", re.IGNORECASE),
    "zh": re.compile(r"不是|不应|不宜|不属于|不包括|不能|不恰当|不合适|除了|除外|最不|错误的|不正确"),
}
_EMPHASIS = {
    "en": re.compile(r"\*\*[^*]*\b(NOT|EXCEPT|LEAST|NEVER)\b[^*]*\*\*|\b(NOT|EXCEPT|LEAST|NEVER)\b"),
    "zh": re.compile(r"\*\*[^*]*(不|除|最不|错误)[^*]*\*\*|【[^】]*(不|除|错误)[^】]*】"),
}


@dataclass(frozen=True)
class ChoiceItem:
    """A choice exercise (its kind says which are, with `choices`) and its key, as the cues see it."""

    case_id: str
    field: str  # where it is in case.yaml, e.g. exercises.3
    exercise: Any
    key: Any
    options: tuple[Option, ...]
    keyed: frozenset[str]
    several: bool  # several options may be picked

    @property
    def id(self) -> str:
        return str(self.exercise.id)

    @property
    def points(self) -> float:
        return float(self.exercise.points)

    def length(self, option: Option, language: str) -> int:
        return visible_length(option.label.get(language))

    def fraction(self, chosen: Sequence[str]) -> float:
        """The fraction of the points this answer earns, by the kind's own scoring."""
        if not chosen:
            return 0.0
        value: object = list(chosen) if self.several else chosen[0]
        fraction, _ = kind_of(self.exercise).score(self.exercise, self.key, value, 0, messages("en"), False)
        return float(fraction or 0.0)


def visible_length(text: str) -> int:
    """Characters a reader sees: markup and runs of spaces do not count."""
    return len(re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip())


def choice_items(case: Case, key: Key) -> list[ChoiceItem]:
    """The case's choice items that have a key entry."""
    found = []
    for index, exercise in enumerate(case.exercises):
        entry = key.exercises.get(exercise.id)
        choices = kind_of(exercise).choices(exercise, entry) if entry is not None else None
        if choices is not None:
            found.append(ChoiceItem(case.id, f"exercises.{index}", exercise, entry, *choices))
    return found


# --- the test-wise trainee ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TestwiseScore:
    """What surface features earn on a case's choice items, beside random guessing (fractions of their points)."""

    case_id: str
    choice_points: float
    random: float
    strategies: dict[str, float]

    @property
    def best(self) -> tuple[str, float]:
        return max(self.strategies.items(), key=lambda kv: kv[1])

    @property
    def passes(self) -> bool:
        return self.best[1] <= self.random + TESTWISE_MARGIN + 1e-9


def _random_fraction(item: ChoiceItem) -> float:
    values = [o.value for o in item.options]
    if not item.several:
        return sum(item.fraction([v]) for v in values) / len(values)
    subsets = itertools.chain.from_iterable(itertools.combinations(values, k) for k in range(len(values) + 1))
    return sum(item.fraction(list(s)) for s in subsets) / 2 ** len(values)


def _longest(item: ChoiceItem, language: str) -> float:
    lengths = [(item.length(o, language), o.value) for o in item.options]
    top = max(n for n, _ in lengths)
    tied = [v for n, v in lengths if n == top]
    # a tie is broken at random: the expected score over the tied options
    return sum(item.fraction([v]) for v in tied) / len(tied)


def _above_mean(item: ChoiceItem, language: str) -> float:
    lengths = {o.value: item.length(o, language) for o in item.options}
    mean = sum(lengths.values()) / len(lengths)
    above = [v for v, n in lengths.items() if n > mean] or list(lengths)
    if item.several:
        return item.fraction(above)
    return sum(item.fraction([v]) for v in above) / len(above)


STRATEGIES = {"longest option": _longest, "options longer than the mean": _above_mean}


def testwise_score(case: Case, key: Key) -> TestwiseScore | None:
    """The test-wise trainee's score on a case's choice items (None if it has none)."""
    items = choice_items(case, key)
    total = sum(i.points for i in items)
    if not total:
        return None
    strategies = {
        f"{name} ({language})": sum(i.points * play(i, language) for i in items) / total
        for name, play in STRATEGIES.items()
        for language in REQUIRED_LANGUAGES
    }
    random_share = sum(i.points * _random_fraction(i) for i in items) / total
    return TestwiseScore(case.id, total, random_share, strategies)


# --- warnings for case authors --------------------------------------------------------------------------


@dataclass(frozen=True)
class CueWarning:
    case_id: str
    field: str
    exercise_id: str
    message: str


def _distractor_ratio(item: ChoiceItem, language: str) -> float:
    keyed = [item.length(o, language) for o in item.options if o.value in item.keyed]
    others = [item.length(o, language) for o in item.options if o.value not in item.keyed]
    if not others or not keyed:
        return 1.0
    return (sum(keyed) / len(keyed)) / max(1.0, sum(others) / len(others))


def _rank(item: ChoiceItem, language: str) -> tuple[set[str], set[str]]:
    """The options of greatest and of least length."""
    lengths = {o.value: item.length(o, language) for o in item.options}
    top, bottom = max(lengths.values()), min(lengths.values())
    return {v for v, n in lengths.items() if n == top}, {v for v, n in lengths.items() if n == bottom}


def _normal(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def _question(prompt: str) -> str:
    """The question the stem asks: its last sentence that asks one (an instruction such as "Tick all that
    apply." is not the question), else its last sentence."""
    sentences = [s for s in re.split(r"(?<=[.?!。？！])\s*", prompt.strip()) if s.strip()]
    asking = [s for s in sentences if s.rstrip().endswith(("?", "？"))]
    return (asking or sentences or [prompt])[-1]


def item_warnings(item: ChoiceItem) -> Iterator[str]:
    """The cues of one item."""
    for language in REQUIRED_LANGUAGES:
        ratio = _distractor_ratio(item, language)
        if ratio > KEY_LENGTH_RATIO:
            what = "keyed options are" if len(item.keyed) > 1 else "key is"
            yield (
                f"the {what} {ratio:.2f} times as long as the distractors on average in {language} "
                f"(at most {KEY_LENGTH_RATIO:g}): make the options alike in length and detail"
            )
    for language in REQUIRED_LANGUAGES:
        if item.several and 1 < len(item.keyed) < len(item.options):
            lengths = sorted(((item.length(o, language), o.value) for o in item.options), reverse=True)
            if {v for _, v in lengths[: len(item.keyed)]} == item.keyed:
                yield f"the keyed options are exactly the {len(item.keyed)} longest in {language}"
                break
    for language in REQUIRED_LANGUAGES:
        prompt = item.exercise.prompt.get(language)
        question = _question(prompt)
        negative = _NEGATIVE[language].search(question)
        if negative and not _EMPHASIS[language].search(question):
            yield (
                f"a negative stem without emphasis in {language} ({negative.group(0)!r}): "
                "write it in bold capitals (**NOT**, **不**) or ask the question positively"
            )
        for option in item.options:
            if _ABOVE[language].search(option.label.get(language)):
                yield f"option {option.value!r} is an 'all/none of the above' option in {language}: write a real option"
        said = {o.value: bool(_ABSOLUTE[language].search(o.label.get(language))) for o in item.options}
        absolute = [v for v, found in said.items() if found and v not in item.keyed]
        in_key = any(said[v] for v in item.keyed)
        if absolute and not in_key:
            yield (
                f"absolute words (always, never, only...) appear only in distractors in {language} "
                f"({', '.join(absolute)}): a test-wise trainee rules those out unread"
            )


def _more_than_chance(count: int, expected: float) -> bool:
    return count > math.ceil(expected - 1e-9)


def pattern_warnings(items: Sequence[ChoiceItem], where: str) -> Iterator[tuple[ChoiceItem, str]]:
    """Cues in a set of items (one case): keys that are the longest, the shortest, first or last too often."""
    singles = [i for i in items if not i.several]
    if len(singles) < 2:
        return
    expected = sum(1 / len(i.options) for i in singles)
    for language in REQUIRED_LANGUAGES:
        ranks = {i.id: _rank(i, language) for i in singles}
        for label, index in (("longest", 0), ("shortest", 1)):
            hits = [i for i in singles if i.keyed & ranks[i.id][index]]
            if _more_than_chance(len(hits), expected):
                yield (
                    hits[0],
                    f"the key is the {label} option in {len(hits)} of {len(singles)} single-choice items of {where} "
                    f"in {language} (chance: {expected:.1f}): " + ", ".join(i.id for i in hits),
                )
    for label, position in (("first", 0), ("last", -1)):
        hits = [i for i in singles if i.options[position].value in i.keyed]
        if _more_than_chance(len(hits), expected):
            yield (
                hits[0],
                f"the key is the {label} option as written in {len(hits)} of {len(singles)} single-choice items "
                f"of {where} (chance: {expected:.1f}): " + ", ".join(i.id for i in hits),
            )


def repeat_warnings(items: Sequence[ChoiceItem]) -> Iterator[tuple[ChoiceItem, str]]:
    """Options repeated word for word in another item, and stems repeated across cases."""
    seen: dict[str, ChoiceItem] = {}
    for item in items:
        for option in item.options:
            for language in REQUIRED_LANGUAGES:
                text = _normal(option.label.get(language))
                if len(text) < 8:
                    continue
                other = seen.get(f"{language}:{text}")
                if other is not None and other is not item:
                    yield item, f"option {option.value!r} repeats word for word an option of {other.case_id}/{other.id}"
                seen.setdefault(f"{language}:{text}", item)
    for first, second in itertools.combinations(items, 2):
        if first.case_id == second.case_id:
            continue
        similarity = stem_similarity(first.exercise.prompt.en, second.exercise.prompt.en)
        if similarity >= STEM_SIMILARITY:
            yield second, f"the stem repeats {first.case_id}/{first.id}'s ({similarity:.0%} alike): ask it anew"


def stem_similarity(first: str, second: str) -> float:
    """How alike two stems are: the whole prompts' words in order, or their questions' when both questions
    are long enough to be more than "What do you do?"."""
    whole = difflib.SequenceMatcher(None, _normal(first).split(), _normal(second).split()).ratio()
    a, b = (_normal(_question(p)).split() for p in (first, second))
    if min(len(a), len(b)) < 8:
        return whole
    return max(whole, difflib.SequenceMatcher(None, a, b).ratio())


def cue_warnings(cases: Iterable[tuple[Case, Key]]) -> list[CueWarning]:
    """Every item-writing cue in these cases, each naming the exercise."""
    found: list[CueWarning] = []
    every: list[ChoiceItem] = []
    for case, key in cases:
        items = choice_items(case, key)
        every.extend(items)
        for item in items:
            found.extend(CueWarning(case.id, item.field, item.id, m) for m in item_warnings(item))
        found.extend(CueWarning(case.id, i.field, i.id, m) for i, m in pattern_warnings(items, "the case"))
    found.extend(CueWarning(i.case_id, i.field, i.id, m) for i, m in repeat_warnings(every))
    return found
