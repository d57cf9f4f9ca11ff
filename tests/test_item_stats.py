"""The item-analysis statistics against published worked examples and small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from swtrain.reports.item_stats import (
    alpha_if_deleted,
    cronbach_alpha,
    icc_absolute,
    item_total_correlation,
    krippendorff_alpha,
    mantel_haenszel_dif,
    upper_lower_index,
    weighted_kappa,
)


def test_cronbach_alpha_by_hand() -> None:
    # alpha = k/(k-1) * (1 - sum of item variances / variance of totals), sample variances.
    assert cronbach_alpha([[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]) == pytest.approx(1.0)  # identical items
    # Items 1 and 2: 1,2,3,4 (variance 5/3 each); item 3: 1,0,2,1 (variance 2/3); sum 4.
    # Totals 3,4,8,9: mean 6, squares 9+4+4+9 = 26, variance 26/3. alpha = 1.5 * (1 - 4 / (26/3)) = 0.80769.
    noisy = [[1, 1, 1], [2, 2, 0], [3, 3, 2], [4, 4, 1]]
    assert cronbach_alpha(noisy) == pytest.approx(1.5 * (1 - 4 / (26 / 3)))
    assert cronbach_alpha([[1], [2]]) is None  # one item: no alpha


def test_alpha_if_deleted_drops_the_noise_item_to_the_highest_alpha() -> None:
    noisy = [[1, 1, 1], [2, 2, 0], [3, 3, 2], [4, 4, 1], [2, 3, 0], [4, 3, 2]]
    deleted = alpha_if_deleted(noisy)
    assert deleted[2] is not None and all(d is not None and d < deleted[2] for d in deleted[:2])


def test_item_total_correlation_and_upper_lower_index_by_hand() -> None:
    item = [0, 0, 1, 1]
    rest = [1, 2, 3, 4]
    # Pearson of (0,0,1,1) with (1,2,3,4): cov = 2/3... r = 0.8944 (2/sqrt(5)).
    assert item_total_correlation(item, rest) == pytest.approx(2 / math.sqrt(5))
    assert item_total_correlation([1, 1, 1, 1], rest) is None  # no spread: undefined
    # 8 trainees: the top 27% (2) all got it, the bottom 2 none: D = 1 - 0 = 1.
    total = [1, 2, 3, 4, 5, 6, 7, 8]
    assert upper_lower_index([0, 0, 0, 1, 0, 1, 1, 1], total, 1) == pytest.approx(1.0)
    assert upper_lower_index([1, 1, 0, 0, 0, 0, 0, 0], total, 1) == pytest.approx(-1.0)
    # Partial credit out of 4: the upper two earn 4 and 2 (mean share 0.75), the lower two 1 and 0 (0.125): D = 0.625.
    assert upper_lower_index([1, 0, 3, 1, 2, 2, 2, 4], total, 4) == pytest.approx(0.75 - 0.125)


def test_mantel_haenszel_by_hand_and_the_ets_classes() -> None:
    # Two strata; alpha_MH = sum(a d / n) / sum(b c / n).
    # Stratum 1: a=20 b=10 c=10 d=20 (n=60): ad/n = 6.667, bc/n = 1.667.
    # Stratum 2: a=30 b=5 c=15 d=20 (n=70): ad/n = 8.571, bc/n = 1.071.
    # alpha_MH = 15.238 / 2.738 = 5.565; D = -2.35 ln(5.565) = -4.034: a large effect favouring the reference group.
    dif = mantel_haenszel_dif([[[20, 10], [10, 20]], [[30, 5], [15, 20]]])
    assert dif is not None
    assert dif.odds_ratio == pytest.approx((20 * 20 / 60 + 30 * 20 / 70) / (10 * 10 / 60 + 5 * 15 / 70))
    assert dif.delta == pytest.approx(-2.35 * math.log(dif.odds_ratio))
    assert dif.category == "C" and dif.p_value < 0.001
    same = mantel_haenszel_dif([[[20, 10], [20, 10]], [[30, 5], [30, 5]]])
    assert same is not None and same.odds_ratio == pytest.approx(1.0) and same.category == "A"
    assert mantel_haenszel_dif([[[20, 10], [0, 0]]]) is None  # no focal trainee in any stratum


def test_cohens_kappa_worked_example() -> None:
    # Wikipedia, "Cohen's kappa", first worked example: 50 proposals, both yes 20, A yes B no 5, A no B yes 10,
    # both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4. With two levels the linear weights change nothing.
    first = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert weighted_kappa(first, second, [0, 1]) == pytest.approx(0.4)


def test_weighted_kappa_by_hand() -> None:
    # Two markers, levels 0-2: (0,0), (1,2), (2,2), (2,1). Both marginals are 1/4, 1/4, 1/2.
    # Quadratic disagreement weights (i-j)^2/4: observed 2 x (1/4 x 1/4) = 1/8; expected: (0,1) and (1,0)
    # 2 x 1/64, (0,2) and (2,0) 2 x 1/8, (1,2) and (2,1) 2 x 1/32: 11/32. kappa = 1 - (1/8)/(11/32) = 7/11.
    # Linear weights |i-j|/2: observed 1/4, expected 1/16 + 1/4 + 1/8 = 7/16: kappa = 1 - 4/7 = 3/7.
    first, second = [0, 1, 2, 2], [0, 2, 2, 1]
    assert weighted_kappa(first, second, [0, 1, 2]) == pytest.approx(7 / 11)
    assert weighted_kappa(first, second, [0, 1, 2], weights="linear") == pytest.approx(3 / 7)
    assert weighted_kappa([1, 1, 1], [1, 1, 1], [0, 1, 2]) is None  # one level used by both: undefined


def test_icc2_shrout_fleiss_example() -> None:
    # Shrout & Fleiss (1979), Psychological Bulletin 86(2), Table 2: 6 targets, 4 judges; ICC(2,1) = 0.29.
    table = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    assert icc_absolute(table) == pytest.approx(0.29, abs=0.005)


def test_krippendorff_alpha_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", C: 4 observers, 12 units, missing data;
    # nominal alpha = 0.743.
    nan = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.743, abs=0.001)
