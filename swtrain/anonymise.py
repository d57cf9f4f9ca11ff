"""Find what must not be in a case file (shared/DOMAIN.md section 6): a checker flags, a person decides.

Names from the seed documents are matched by hash (swtrain/data/seed_names.sha256),
so the real names never enter the project. The other rules are patterns with
the checks that keep them honest: the resident ID's check character, the
bank card's Luhn sum, an IP address's octets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from .fields import CJK_IDEOGRAPHS

_HASHES = Path(__file__).resolve().parent / "data" / "seed_names.sha256"
_WORD = re.compile(f"[a-z0-9]+|[{CJK_IDEOGRAPHS}]+")
_CJK = re.compile(f"[{CJK_IDEOGRAPHS}]+")


@cache
def _seed_hashes() -> frozenset[str]:
    lines = _HASHES.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def seed_names(text: str) -> Iterator[str]:
    """Phrases of `text` that are names from the seeds (up to four words, or two to eight Chinese characters)."""
    hashes = _seed_hashes()
    words = _WORD.findall(text.lower())
    for size in range(1, 5):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            if _sha(phrase) in hashes:
                yield phrase
    for run in _CJK.findall(text):
        for size in range(2, min(8, len(run)) + 1):
            for start in range(len(run) - size + 1):
                if _sha(run[start : start + size]) in hashes:
                    yield run[start : start + size]


def _id_check_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


_DATE_PART = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTHS += "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"

Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool]]


def _always(_: re.Match[str]) -> bool:
    return True


RULES: list[Rule] = [
    (
        "a resident ID number",
        re.compile(
            r"(?<![\dA-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
        ),
        lambda m: _id_check_ok(m.group(0)),
    ),
    (
        "a legacy 15-digit resident ID number",
        re.compile(r"(?<!\d)\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"),
        _always,
    ),
    ("a mainland mobile number", re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"), _always),
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _always),
    ("a URL", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE), _always),
    (
        "an IP address",
        re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"),
        lambda m: all(int(p) <= 255 for p in m.group(0).split(".")),
    ),
    ("an exact date", re.compile(rf"(?<!\d)(?:19|20)\d{{2}}[-/.](?:0?[1-9]|1[0-2])[-/.]{_DATE_PART}(?!\d)"), _always),
    ("an exact date", re.compile(rf"(?:\d{{2,4}}\s*年\s*)?(?:0?[1-9]|1[0-2])\s*月\s*{_DATE_PART}\s*[日号]"), _always),
    (
        "an exact date",
        re.compile(
            rf"\b(?:{_MONTHS})\.?\s+{_DATE_PART}(?:st|nd|rd|th)?\b|\b{_DATE_PART}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b",
            re.IGNORECASE,
        ),
        _always,
    ),
    ("an age over 89", re.compile(r"(?<!\d)(?:9\d|1[0-4]\d)\s*(?:-?\s*years?[- ]old|岁|周岁)", re.IGNORECASE), _always),
    (
        "a bank card number",
        re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)"),
        lambda m: _luhn_ok(re.sub(r"\D", "", m.group(0))) and 16 <= len(re.sub(r"\D", "", m.group(0))) <= 19,
    ),
    ("a passport number", re.compile(r"(?<![A-Za-z\d])[EeGg]\d{8}(?!\d)"), _always),
    (
        "a bed, record or inpatient number",
        re.compile(
            r"(?:\b(?:bed|record|mrn|inpatient|admission)\s*(?:no\.?|number|#)?\s*[:：]?\s*\d+"
            r"|(?:床号|住院号|病案号|病历号|门诊号)\s*[:：]?\s*\d+|\d+\s*(?:号床|床))",
            re.IGNORECASE,
        ),
        _always,
    ),
]


def findings(text: str) -> list[str]:
    """What in `text` looks identifying, as "a URL: 'www.x.cn'"-style messages, each once."""
    found = [f"a name from the seed documents: {name!r} (use a pseudonym or a role label)" for name in seed_names(text)]
    for what, pattern, confirm in RULES:
        found.extend(
            f"{what}: {match.group(0).rstrip('.,;:!?)，。；：！？）')!r}"
            for match in pattern.finditer(text)
            if confirm(match)
        )
    return list(dict.fromkeys(found))
