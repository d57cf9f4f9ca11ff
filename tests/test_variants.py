from __future__ import annotations

from swtrain.variants import VARIANT_COUNT, derive_variant, shuffled


def test_variant_is_stable_and_depends_on_trainee_and_case() -> None:
    assert derive_variant("t001", "child-in-crisis") == derive_variant("t001", "child-in-crisis")
    # Fixed value: a change here would reorder every trainee's saved options.
    assert derive_variant("t001", "child-in-crisis") == 1368
    variants = {derive_variant(f"t{n:03d}", "child-in-crisis") for n in range(200)}
    assert len(variants) > 150
    assert all(0 <= v < VARIANT_COUNT for v in variants)
    assert derive_variant("t001", "mini") != derive_variant("t001", "child-in-crisis")


def test_shuffled_is_a_permutation_that_differs_between_variants() -> None:
    items = list("abcdefg")
    orders = {tuple(shuffled(items, v, "ex")) for v in range(30)}
    assert all(sorted(o) == items for o in orders)
    assert len(orders) > 20
    assert shuffled(items, 5, "ex") == shuffled(items, 5, "ex")
    assert shuffled(items, 5, "ex") != shuffled(items, 5, "other")
    assert items == list("abcdefg")
