"""A synthetic cohort of answer files for demos, tests and benchmarks.

Trainees differ in how well they know the material: each answer is right with
the Rasch model's probability, 1 / (1 + exp(b - ability)), from the trainee's
ability and the exercise's difficulty b (fixed per case and exercise), as in a
real cohort where the stronger trainees get more of every item right. They leave
some answers blank, write free text in
their language, and a few files are deliberately bad. The same seed gives the
same cohort.

Known effects can be planted for the item analysis to find (`Plants`): a
miskeyed item (the strong trainees choose a distractor: the key is wrong), an
item that does not discriminate (right by a coin toss), an item favouring the
Chinese answers (a translation that gives the answer away), and markers who
score the free-text answers, the last of them lenient. Plants draw on a random
stream of their own, so the rest of the cohort is the same with or without them.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .cases import load_case, load_key
from .errors import SwtrainError, did_you_mean
from .exercises import kind_of
from .models import Case, Exercise, ExerciseKey, Key, Responses
from .reviews import Review, ReviewFile, ReviewStore, answer_hash
from .store import FileStore
from .variants import derive_variant

BAD_KINDS = ("broken-json", "unknown-case", "future-schema", "unknown-option")


#: The spread of abilities (logits) and the range of exercise difficulties b: most items right for 60-80%.
ABILITY_SD = 1.3
DIFFICULTY_RANGE = (-2.0, 0.0)
#: How much of the gap to certainty a Chinese answer gains on the item planted to favour Chinese.
DIF_GAIN = 0.7
#: Free-text marking: the chance that a marker gives the trainee's own level (else one level off).
MARKER_AGREES = 0.9


@dataclass(frozen=True)
class Plants:
    """Effects planted for the item analysis to find: exercise ids (None: not planted) and the markers."""

    miskey: str | None = None  # a single-choice item whose strong trainees choose a distractor
    flat: str | None = None  # an item right by a coin toss, whatever the trainee's skill
    dif: str | None = None  # an item Chinese answers get right more often than equally able English ones
    markers: int = 0  # reviewers who each score every free-text answer
    lenient: bool = False  # the last marker gives a level more than the answer earns

    def check(self, case: Case, key: Key) -> None:
        """SwtrainError naming the option and the value when a plant does not fit the case."""
        ids = [e.id for e in case.exercises]
        named = [(name, value) for name, value in (("miskey", self.miskey), ("flat", self.flat), ("dif", self.dif))]
        for name, value in named:
            if value is None:
                continue
            if value not in ids:
                raise SwtrainError(
                    f"--plant {name}={value}: case {case.id!r} has no exercise {value!r}",
                    did_you_mean(value, ids) or f"Its exercises: {', '.join(ids)}.",
                )
            exercise = case.exercise(value)
            if kind_of(exercise).rubric(key.exercises[value]):
                raise SwtrainError(
                    f"--plant {name}={value}: {value!r} is scored by a person",
                    "Plant item effects on exercises scored by the key; markers are planted with --markers.",
                )
            choices = kind_of(exercise).choices(exercise, key.exercises[value])
            if name == "miskey" and (choices is None or choices[2]):
                raise SwtrainError(
                    f"--plant miskey={value}: {value!r} is not a single-choice exercise",
                    "A miskey is planted on an exercise with one keyed option.",
                )
        chosen = [value for _, value in named if value is not None]
        if len(chosen) != len(set(chosen)):
            raise SwtrainError("--plant: one exercise carries two plants", "Plant each effect on its own exercise.")
        if self.lenient and self.markers < 2:
            raise SwtrainError(
                f"--plant lenient-marker needs at least 2 markers, not {self.markers}",
                "Add --markers 2 (or more): the lenient one is compared with the others.",
            )


def parse_plants(effects: Sequence[str], markers: int = 0) -> Plants:
    """Plants from the command line's `--plant` values ("miskey=ID", "flat=ID", "dif=ID", "lenient-marker")."""
    found: dict[str, str] = {}
    lenient = False
    for effect in effects:
        name, _, value = effect.partition("=")
        if name == "lenient-marker" and not value:
            lenient = True
        elif name in ("miskey", "flat", "dif") and value:
            if name in found:
                raise SwtrainError(f"--plant {name} is given twice", "Plant each effect once.")
            found[name] = value
        else:
            raise SwtrainError(
                f"--plant {effect!r} is not an effect swtrain can plant",
                "Expected miskey=EXERCISE, flat=EXERCISE, dif=EXERCISE or lenient-marker.",
            )
    return Plants(found.get("miskey"), found.get("flat"), found.get("dif"), markers, lenient)


def demo_responses(
    case: Case,
    key: Key,
    trainee_id: str,
    rng: random.Random,
    plants: Plants | None = None,
    knows: dict[str, bool] | None = None,
) -> Responses:
    """One synthetic trainee's answers: skill, blanks and language drawn from `rng`; `knows` gets whether each
    answer was written knowing the material."""
    plants = plants or Plants()
    planted = random.Random(f"{trainee_id}/{case.id}")  # the plants' own stream: the rest is drawn as without
    ability = rng.gauss(0.0, ABILITY_SD)
    language = "zh" if rng.random() < 0.6 else "en"
    variant = derive_variant(trainee_id, case.id)
    responses = Responses(trainee_id=trainee_id, case_id=case.id, variant=variant, language=language)
    when = datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 5))
    for exercise in case.exercises:
        if rng.random() < 0.06:
            continue  # left blank
        right = rng.random() < 1 / (1 + math.exp(difficulty(case.id, exercise.id) - ability))
        entry = key.exercises[exercise.id]
        if exercise.id == plants.flat:
            right = planted.random() < 0.5
        elif exercise.id == plants.dif and language == "zh":
            right = right or planted.random() < DIF_GAIN
        value = kind_of(exercise).demo_answer(exercise, entry, variant, right, language, rng)
        if exercise.id == plants.miskey:
            value = _miskeyed(exercise, entry, right, planted)
        if knows is not None:
            knows[exercise.id] = right
        responses = responses.with_answer(exercise.id, value, when)
        when += timedelta(minutes=rng.randint(1, 9))
    return responses


def difficulty(case_id: str, exercise_id: str) -> float:
    """The exercise's Rasch difficulty b in the demo, the same in every cohort."""
    low, high = DIFFICULTY_RANGE
    return low + (high - low) * random.Random(f"difficulty/{case_id}/{exercise_id}").random()


def _miskeyed(exercise: Exercise, entry: ExerciseKey, right: bool, rng: random.Random) -> str:
    """A miskeyed item's answer: those who know choose the first distractor (the defensible answer the key
    misses); the others choose among the remaining options, the key included."""
    choices = kind_of(exercise).choices(exercise, entry)
    assert choices is not None
    options, keyed, _ = choices
    rival = next(o.value for o in options if o.value not in keyed)
    return rival if right else rng.choice([o.value for o in options if o.value != rival])


def demo_reviews(
    case: Case, key: Key, responses: Responses, knows: dict[str, bool], plants: Plants, when: datetime
) -> list[tuple[str, Review]]:
    """Each marker's review of each free-text answer: a level per criterion near the one the answer earns (top
    when the trainee knew the material, lower when not); the last marker a level higher when lenient."""
    rng = random.Random(f"marks/{responses.trainee_id}/{case.id}")
    reviews = []
    for exercise in case.exercises:
        rubric = kind_of(exercise).rubric(key.exercises[exercise.id])
        value = responses.answers.get(exercise.id)
        if not rubric or value is None:
            continue
        earned = {}
        for criterion in rubric:
            top = len(criterion.levels) - 1
            earned[criterion.id] = top - rng.randint(0, 1) if knows.get(exercise.id) else rng.randint(0, top - 1)
        for number in range(plants.markers):
            lenient = plants.lenient and number == plants.markers - 1
            scores = {}
            for criterion in rubric:
                ladder = sorted(level.points for level in criterion.levels)
                level = earned[criterion.id]
                if lenient:
                    level += 1 if rng.random() < 0.7 else 2
                elif rng.random() > MARKER_AGREES:
                    level += rng.choice((-1, 1))
                scores[criterion.id] = ladder[min(max(level, 0), len(ladder) - 1)]
            review = Review(
                trainee_id=responses.trainee_id,
                case_id=case.id,
                exercise_id=exercise.id,
                answer_sha256=answer_hash(value.value),
                scores=scores,
                reviewed_at=when,
            )
            reviews.append((f"marker-{number + 1}", review))
    return reviews


def write_demo_cohort(
    case_id: str,
    n: int,
    seed: int,
    out: Path,
    *,
    bad: int | None = None,
    plants: Plants | None = None,
    reviews_dir: Path | None = None,
) -> dict[str, int]:
    """Write `n` trainees' answer files under `out/<trainee>/<case>.json`; `bad` of them broken (default n // 25).
    With `plants.markers`, each marker's review file goes to `reviews_dir/<marker>.json`."""
    case = load_case(case_id)
    key = load_key(case)
    plants = plants or Plants()
    plants.check(case, key)
    if plants.markers and reviews_dir is None:
        raise SwtrainError("markers need a folder for their review files", "Give --reviews DIR (grade with it too).")
    marks: dict[str, list[Review]] = {f"marker-{m + 1}": [] for m in range(plants.markers)}
    rng = random.Random(seed)
    store = FileStore(out)
    bad = max(1, n // 25) if bad is None else bad
    width = max(3, len(str(n)))
    # Each deliberately bad file gets the next kind of damage, in turn.
    bad_kind = {
        number: BAD_KINDS[rank % len(BAD_KINDS)]
        for rank, number in enumerate(sorted(rng.sample(range(n), k=min(bad, n))))
    }
    counts = {"good": 0, "bad": 0, "reviews": 0}
    for number in range(n):
        trainee_id = f"t{number + 1:0{width}d}"
        knows: dict[str, bool] = {}
        responses = demo_responses(case, key, trainee_id, rng, plants, knows)
        if number in bad_kind:
            _write_bad(store.path(trainee_id, case_id), responses, bad_kind[number])
            counts["bad"] += 1
        else:
            store.save(responses)
            counts["good"] += 1
            when = max((a.changed_at for a in responses.answers.values()), default=datetime(2026, 3, 9, tzinfo=UTC))
            for marker, review in demo_reviews(case, key, responses, knows, plants, when + timedelta(days=3)):
                marks[marker].append(review)
    if reviews_dir is not None:
        for marker, reviews in marks.items():
            ReviewStore(reviews_dir).save(ReviewFile(reviewer=marker, reviews=tuple(reviews)))
            counts["reviews"] += len(reviews)
    return counts


def _write_bad(path: Path, responses: Responses, kind: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = responses.model_dump(mode="json")
    if kind == "broken-json":
        path.write_text(json.dumps(data)[:-40], encoding="utf-8")
        return
    if kind == "unknown-case":
        data["case_id"] = data["case_id"].replace("-in-", "-")
        path = path.with_name(f"{data['case_id']}.json")
    elif kind == "future-schema":
        data["schema_version"] = 99
    elif kind == "unknown-option":
        first = next(iter(data["answers"].values()), None)
        if first is not None:
            first["value"] = "no-such-option"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
