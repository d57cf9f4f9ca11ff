"""The screen check's findings as a table a person reads: counted by rule and by kind of page, with examples."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .screen_check import RULES
from .screen_driver import PageResult

KINDS = ("app", "lab", "app-index", "lab-index", "feedback-page", "cohort-report")
EXAMPLES = 4


def _table(counts: dict[str, Counter[str]], pages: dict[str, Counter[str]], rows: Iterable[str]) -> list[str]:
    kinds = [k for k in KINDS if any(k in c for c in counts.values()) or k in pages]
    lines = ["| " + " | ".join(["rule", *kinds, "all"]) + " |", "|---" * (len(kinds) + 2) + "|"]
    for row in rows:
        found = counts.get(row, Counter())
        on = pages.get(row, Counter())
        cells = [f"{found[k]} ({on[k]} pages)" if found[k] else "0" for k in kinds]
        lines.append("| " + " | ".join([row, *cells, f"{sum(found.values())} ({sum(on.values())} pages)"]) + " |")
    return lines


def findings_markdown(results: list[PageResult], seconds: float) -> str:
    """Findings counted by rule and page kind (a finding seen at both widths counts once), with examples."""
    per_kind = Counter(r.spec.kind for r in results)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    pages: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    axe_counts: dict[str, Counter[str]] = defaultdict(Counter)
    axe_pages: dict[str, Counter[str]] = defaultdict(Counter)
    axe_examples: dict[str, list[str]] = defaultdict(list)
    errors, retried = [], []
    for result in results:
        kind = result.spec.kind
        if result.error:
            errors.append(f"- {result.spec.name}: {result.error}")
        if result.retried:
            retried.append(f"- {result.spec.name}: {result.retried}")
        rules_here = set()
        for finding, widths in result.distinct_findings():
            counts[finding.rule][kind] += 1
            rules_here.add(finding.rule)
            if len(examples[finding.rule]) < EXAMPLES and not any(
                finding.text[:40] in e for e in examples[finding.rule]
            ):
                at = "/".join(map(str, widths))
                examples[finding.rule].append(
                    f"- {result.spec.name} at {at} px: {finding.text[:200]} ({finding.where[:80]})"
                )
        for rule in rules_here:
            pages[rule][kind] += 1
        for violation, widths in result.distinct_axe():
            name = f"{violation.rule} ({violation.impact})"
            axe_counts[name][kind] += violation.nodes
            axe_pages[name][kind] += 1
            if len(axe_examples[name]) < 2:
                at = "/".join(map(str, widths))
                axe_examples[name].append(
                    f"- {result.spec.name} at {at} px: {violation.help}; {violation.example[:220]}"
                )
    lines = [
        f"# Screen check: {len(results)} pages, each at 1280 and 800 px, in {seconds:.0f} s",
        "",
        "Pages by kind: " + ", ".join(f"{k} {per_kind[k]}" for k in KINDS if per_kind[k]),
        "",
        "## Rules (a finding counts once per page, whichever widths it shows at)",
        "",
        *_table(counts, pages, RULES),
        "",
    ]
    for rule, what in RULES.items():
        if examples[rule]:
            lines += [f"### {rule}: {what}", "", *examples[rule], ""]
    lines += [
        "## axe-core: serious and critical violations (elements, and pages)",
        "",
        *_table(axe_counts, axe_pages, sorted(axe_counts)),
        "",
    ]
    for name in sorted(axe_examples):
        lines += [f"### {name}", "", *axe_examples[name], ""]
    if errors:
        lines += ["## Pages that did not load or show an error", "", *errors, ""]
    if retried:
        lines += ["## Pages opened a second time (the first try was not complete)", "", *retried, ""]
    return "\n".join(lines)
