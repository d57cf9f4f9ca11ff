"""The statistics behind item analysis, bilingual fairness and marker agreement, from maintained libraries.

Each function takes plain tables and returns figures; nothing here knows about
cases or files. Why these libraries (issue 16):

- scipy: the item-total (Pearson) correlation, the standard in item analysis.
- pingouin: Cronbach's alpha and the intraclass correlation (ICC2: two-way
  random effects, absolute agreement, single rater), the two figures neither
  scipy nor statsmodels has.
- statsmodels: the Mantel-Haenszel common odds ratio and its test over strata
  (`StratifiedTable`), and Cohen's kappa with quadratic weights (`cohens_kappa`).
- krippendorff: Krippendorff's alpha for three or more markers with missing
  scores, by the reference implementation's author's package.

They are imported inside the functions: `import swtrain` and a trainee's kernel
never load them.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

#: The share of trainees in the upper and in the lower group (Kelley's 27%).
GROUP_SHARE = 0.27
#: ETS delta scale: D = -2.35 ln(alpha_MH).
ETS_DELTA = -2.35
#: The ICC of fewer answers than this is not computed (its two-way ANOVA has next to no residual).
MIN_ICC_ANSWERS = 3
#: Below this many trainees in either language group the DIF statistic is not computed.
MIN_DIF_GROUP = 20


def item_total_correlation(item: Sequence[float], rest: Sequence[float]) -> float | None:
    """The corrected item-total correlation: the item's score against the total of the other items (Pearson).
    None when either has no spread (the correlation is undefined)."""
    from scipy.stats import pearsonr

    if len(set(item)) < 2 or len(set(rest)) < 2:
        return None
    return float(pearsonr(item, rest).statistic)


def groups(total: Sequence[float]) -> tuple[list[int], list[int]]:
    """The indexes of the lower and the upper 27% of trainees by total (ties at the cut go by order)."""
    size = max(1, round(len(total) * GROUP_SHARE))
    order = sorted(range(len(total)), key=lambda i: total[i])
    return order[:size], order[-size:]


def upper_lower_index(item: Sequence[float], total: Sequence[float], points: float) -> float | None:
    """Kelley's discrimination index: the mean share of the item's `points` earned by the upper 27% by total minus
    that of the lower 27%. For an item scored right or wrong this is the classic difference of the shares right;
    for partial credit it is its usual generalisation to mean scores. None with fewer than 4 trainees."""
    if len(total) < 4 or points <= 0:
        return None
    lower, upper = groups(total)

    def share(group: list[int]) -> float:
        return sum(item[i] for i in group) / (len(group) * points)

    return share(upper) - share(lower)


def cronbach_alpha(scores: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a table of scores (a row per trainee, a column per item); None with fewer than two
    items or trainees, or no spread in the totals."""
    import pandas as pd
    import pingouin

    table = pd.DataFrame(scores)
    if table.shape[0] < 2 or table.shape[1] < 2 or table.sum(axis=1).var() == 0:
        return None
    alpha, _interval = pingouin.cronbach_alpha(data=table)
    return float(alpha)


def alpha_if_deleted(scores: Sequence[Sequence[float]]) -> list[float | None]:
    """Cronbach's alpha of the rest, each item left out in turn."""
    columns = len(scores[0]) if scores else 0
    return [cronbach_alpha([[v for j, v in enumerate(row) if j != i] for row in scores]) for i in range(columns)]


@dataclass(frozen=True)
class Dif:
    """Mantel-Haenszel DIF of one item between a reference and a focal group, stratified on the rest-score."""

    odds_ratio: float  # alpha_MH: > 1 favours the reference group
    delta: float  # ETS delta, -2.35 ln(alpha_MH): negative favours the reference group
    p_value: float  # the Mantel-Haenszel chi-square test of alpha_MH = 1 (continuity-corrected)
    category: str  # ETS A (negligible), B (moderate) or C (large)


def mantel_haenszel_dif(tables: Sequence[Sequence[Sequence[float]]]) -> Dif | None:
    """DIF from 2×2 tables, one per rest-score stratum: [[reference right, reference wrong], [focal right, focal
    wrong]]. Strata with one group only carry no information and are dropped; None when none is left.

    ETS classes (Zieky 1993; Dorans & Holland 1993): A when |D| < 1 or the test is not significant at 0.05; C when
    |D| >= 1.5 and the test is significant; B otherwise.
    """
    import numpy as np
    from statsmodels.stats.contingency_tables import StratifiedTable

    usable = [np.asarray(t, dtype=float) for t in tables]
    usable = [t for t in usable if t[0].sum() > 0 and t[1].sum() > 0]
    if not usable:
        return None
    stratified = StratifiedTable(usable)
    odds = float(stratified.oddsratio_pooled)
    if not math.isfinite(odds) or odds <= 0:
        return None
    p_value = float(stratified.test_null_odds(correction=True).pvalue)
    delta = ETS_DELTA * math.log(odds)
    if abs(delta) < 1 or p_value >= 0.05:
        category = "A"
    elif abs(delta) >= 1.5:
        category = "C"
    else:
        category = "B"
    return Dif(odds, delta, p_value, category)


def weighted_kappa(
    first: Sequence[float],
    second: Sequence[float],
    levels: Sequence[float],
    weights: Literal["linear", "quadratic"] = "quadratic",
) -> float | None:
    """Cohen's kappa of two markers' rubric levels, weighted: a one-level miss counts less than two (quadratic
    weights by default, the common choice for ordinal rubric levels; they make kappa close to the ICC)."""
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    if len(first) < 2:
        return None
    index = {level: i for i, level in enumerate(levels)}
    table = np.zeros((len(levels), len(levels)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    with np.errstate(invalid="ignore", divide="ignore"):  # one level used by both: kappa is 0/0, undefined
        result: Any = cohens_kappa(table, wt=weights)
        value = float(result.kappa)
    return value if math.isfinite(value) else None


def krippendorff_alpha(
    ratings: Sequence[Sequence[float | None]], level: Literal["nominal", "ordinal", "interval", "ratio"] = "ordinal"
) -> float | None:
    """Krippendorff's alpha: a row per marker, a column per answer, None where a marker did not score it."""
    import krippendorff
    import numpy as np

    data = np.array([[math.nan if v is None else v for v in row] for row in ratings], dtype=float)
    if data.shape[0] < 2 or len(np.unique(data[~np.isnan(data)])) < 2:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))


def icc_absolute(totals: Sequence[Sequence[float]]) -> float | None:
    """ICC(2,1): two-way random effects, absolute agreement, single marker. `totals`: a row per answer, a column
    per marker (complete rows only)."""
    import pandas as pd
    import pingouin

    rows = [row for row in totals if all(v is not None for v in row)]
    if len(rows) < MIN_ICC_ANSWERS or len(rows[0]) < 2 or len({v for row in rows for v in row}) < 2:
        return None
    long = pd.DataFrame(
        [(answer, marker, value) for answer, row in enumerate(rows) for marker, value in enumerate(row)],
        columns=["answer", "marker", "score"],
    )
    with warnings.catch_warnings():  # pingouin 0.7 still passes pandas' deprecated `inplace`; the result is right
        warnings.filterwarnings("ignore", message="The inplace keyword")
        table = pingouin.intraclass_corr(data=long, targets="answer", raters="marker", ratings="score")
    by_type = table.set_index("Type")["ICC"]
    value = float(by_type["ICC(A,1)"] if "ICC(A,1)" in by_type else by_type["ICC2"])  # pingouin 0.7 / older names
    return value if math.isfinite(value) else None
