"""A synthetic cohort of answer files for demos, tests and benchmarks.

Trainees differ in how well they know the material (each answer is right with
the trainee's own probability), leave some answers blank, write free text in
their language, and a few files are deliberately bad. The same seed gives the
same cohort.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .cases import load_case, load_key
from .exercises import kind_of
from .models import Case, Key, Responses
from .store import FileStore
from .variants import derive_variant

BAD_KINDS = ("broken-json", "unknown-case", "future-schema", "unknown-option")


def demo_responses(case: Case, key: Key, trainee_id: str, rng: random.Random) -> Responses:
    """One synthetic trainee's answers: skill, blanks and language drawn from `rng`."""
    skill = rng.betavariate(5, 2)
    language = "zh" if rng.random() < 0.6 else "en"
    variant = derive_variant(trainee_id, case.id)
    responses = Responses(trainee_id=trainee_id, case_id=case.id, variant=variant, language=language)
    when = datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 60 * 24 * 5))
    for exercise in case.exercises:
        if rng.random() < 0.06:
            continue  # left blank
        right = rng.random() < skill
        value = kind_of(exercise).demo_answer(exercise, key.exercises[exercise.id], variant, right, language, rng)
        responses = responses.with_answer(exercise.id, value, when)
        when += timedelta(minutes=rng.randint(1, 9))
    return responses


def write_demo_cohort(case_id: str, n: int, seed: int, out: Path, *, bad: int | None = None) -> dict[str, int]:
    """Write `n` trainees' answer files under `out/<trainee>/<case>.json`; `bad` of them broken (default n // 25)."""
    case = load_case(case_id)
    key = load_key(case)
    rng = random.Random(seed)
    store = FileStore(out)
    bad = max(1, n // 25) if bad is None else bad
    width = max(3, len(str(n)))
    # Each deliberately bad file gets the next kind of damage, in turn.
    bad_kind = {
        number: BAD_KINDS[rank % len(BAD_KINDS)]
        for rank, number in enumerate(sorted(rng.sample(range(n), k=min(bad, n))))
    }
    counts = {"good": 0, "bad": 0}
    for number in range(n):
        trainee_id = f"t{number + 1:0{width}d}"
        responses = demo_responses(case, key, trainee_id, rng)
        if number in bad_kind:
            _write_bad(store.path(trainee_id, case_id), responses, bad_kind[number])
            counts["bad"] += 1
        else:
            store.save(responses)
            counts["good"] += 1
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
