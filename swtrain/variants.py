"""Per-trainee variants: an integer that decides option order and given figures.

The variant is derived from trainee and case unless given, so the same
trainee always sees the same order, and the grader can recompute what each
trainee was shown from the variant recorded in the answer file.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

#: Variants are taken modulo this; enough for orders to differ between trainees.
VARIANT_COUNT = 10_000


def derive_variant(trainee_id: str, case_id: str) -> int:
    """The variant of a trainee on a case: stable across machines and Python versions."""
    digest = hashlib.sha256(f"{case_id}\x00{trainee_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % VARIANT_COUNT


def shuffled(items: Sequence[T], variant: int, salt: str) -> list[T]:
    """`items` in the order this variant sees them (a new list).

    `salt` (the exercise id) keeps one trainee's exercises from all sharing
    one permutation.
    """
    order = list(items)
    # A string seed is hashed with SHA-512 by random.Random: the order is the
    # same on every platform and Python version.
    random.Random(f"{variant}:{salt}").shuffle(order)
    return order
