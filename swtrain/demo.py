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
from typing import Any

from .cases import load_case, load_key
from .models import (
    ECOMAP_FLOWS,
    ECOMAP_KINDS,
    Case,
    Classification,
    Ecomap,
    Key,
    Responses,
    Scenario,
    ScenarioKey,
    Screening,
    ScreeningKey,
)
from .store import FileStore
from .variants import derive_variant

_FREE_TEXT = {
    "en": [
        "First I would check her safety today and agree a plan for tonight with her and the ward team.",
        "I would link the family to the hospital's assistance fund and help register cross-province settlement.",
        "I would invite her to the parents' group so she is less alone, and follow up in a week.",
        "Xiaoyu's belief that she is being punished can be tested: the doctors said nothing she did caused it.",
    ],
    "zh": [
        "首先评估她今天的安全，并与她和病房团队一起制定今晚的安全计划。",
        "协助家庭申请医院救助基金，并办理异地就医结算备案。",
        "邀请她参加家长支持小组，减少孤立感，一周后跟进回访。",
        "小雨认为生病是惩罚，这个想法可以检验：医生说过这不是她做错了什么造成的。",
    ],
}

BAD_KINDS = ("broken-json", "unknown-case", "future-schema", "unknown-option")


def _answer(exercise: Any, entry: Any, variant: int, right: bool, language: str, rng: random.Random) -> Any:
    kind = exercise.type
    if kind == "free_text":
        return " ".join(rng.sample(_FREE_TEXT[language], k=rng.randint(1, 3)))
    if kind == "numeric":
        expected = entry.expected(exercise, variant)
        return expected if right else expected + rng.choice([-3, -1, 1, 2])
    if kind in ("single_choice", "chart_choice"):
        wrong = [o.value for o in exercise.options if o.value != entry.answer]
        return entry.answer if right else rng.choice(wrong)
    if kind == "multiple_choice":
        chosen = set(entry.answers) if right else {o.value for o in exercise.options if rng.random() < 0.5}
        return [o.value for o in exercise.options if o.value in chosen]
    if kind == "ordering":
        order = list(entry.order)
        if not right:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return order
    if isinstance(exercise, Classification):
        categories = [c.value for c in exercise.categories]
        return {
            i.value: entry.answers[i.value] if right or rng.random() < 0.5 else rng.choice(categories)
            for i in exercise.items
        }
    if isinstance(exercise, Ecomap):
        links = {s: {"kind": link.kind, "flow": link.flow} for s, link in entry.links.items()}
        if not right:
            system = rng.choice([s.value for s in exercise.systems])
            links[system] = {"kind": rng.choice(ECOMAP_KINDS), "flow": rng.choice(ECOMAP_FLOWS)}
        return {s.value: links[s.value] for s in exercise.systems if s.value in links}
    if isinstance(exercise, Screening):
        return _screening_answer(exercise, entry, right, rng)
    if isinstance(exercise, Scenario):
        return _scenario_path(exercise, entry, right, rng)
    raise ValueError(kind)


def _scenario_path(exercise: Scenario, entry: ScenarioKey, right: bool, rng: random.Random) -> list[str]:
    """The best path when `right`; else a walk that now and then takes another choice, to an end."""
    from .scenario import MAX_DECISIONS, best_path

    if right:
        return best_path(exercise, entry)
    scene = exercise.scene(exercise.start)
    path: list[str] = []
    while scene.choices and len(path) < MAX_DECISIONS // 4:
        best = max(scene.choices, key=lambda c: entry.credit.get(c.id, 0))
        choice = best if rng.random() < 0.5 else rng.choice(scene.choices)
        path.append(choice.id)
        scene = exercise.scene(choice.goto)
    return path


def _screening_answer(exercise: Screening, entry: ScreeningKey, right: bool, rng: random.Random) -> dict[str, Any]:
    from .screening import instrument_of, own_score

    instrument = instrument_of(exercise)
    ratings = dict(entry.items)
    if not right:
        number = rng.choice(list(ratings))
        allowed = [r.value for r in instrument.values_of(instrument.item(number))]
        ratings[number] = rng.choice(allowed)
    value, band, _ = own_score(instrument, ratings)
    result = {"next": entry.next_step if right else rng.choice([o.value for o in exercise.next_steps])}
    if value is not None:
        result["total"] = f"{value:g}" if right or rng.random() < 0.5 else f"{value + 1:g}"
    if band is not None:
        result["band"] = str(instrument.bands.index(band))
    return {"items": {str(n): str(v) for n, v in ratings.items()}, "result": result}


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
        value = _answer(exercise, key.exercises[exercise.id], variant, rng.random() < skill, language, rng)
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
