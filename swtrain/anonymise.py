"""Find what must not be in a case file (shared/DOMAIN.md section 6): a checker flags, a person decides.

Names from the seed documents are matched by hash (swtrain/data/seed_names.sha256),
so the real names never enter the project. The other rules are patterns with
the checks that keep them honest: the resident ID's check character, the
bank card's Luhn sum, an IP address's octets, a day and month that exist.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
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


def _plain(text: str) -> str:
    """`text` in lower case without accents, so that pinyin with tone marks ("Liú") reads as without ("liu")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def seed_names(text: str) -> Iterator[str]:
    """Phrases of `text` that are names from the seeds (up to four words, or two to eight Chinese characters).

    A hyphen or any other mark between words reads as one space: "Xiao-ming" is "xiao ming".
    """
    hashes = _seed_hashes()
    words = _WORD.findall(_plain(text))
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


def _day_and_month(match: re.Match[str]) -> bool:
    """Whether the first two numbers of a date are a day and a month in either order (14/5, 5/14), not 40/50."""
    first, second = (int(part) for part in re.split(r"[/.-]", match.group(0))[:2])
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _wechat_id(match: re.Match[str]) -> bool:
    """Whether the word after "WeChat ID" or "微信：" has a digit, _ or - as IDs do, unlike "WeChat: please"."""
    return match.group("id") is None or bool(re.search(r"[\d_-]", match.group("id")))


def _always(_: re.Match[str]) -> bool:
    return True


_DATE_PART = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_MONTHS += "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
# Chinese numerals: a year digit by digit (二〇一九, 二零一九), a month 一 to 十二, a day 一 to 三十一
_ZH_DIGIT = "〇零一二三四五六七八九"
_ZH_MONTH = "(?:十[一二]?|[一二三四五六七八九])"
_ZH_DAY = "(?:三十一?|二?十[一二三四五六七八九]?|[一二三四五六七八九])"
# ages over 89: in digits (90 to 149), in English words (ninety-three, a hundred and two), in Chinese (九十三, 一百零二)
_OLD = r"(?:9\d|1[0-4]\d)"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_OLD_EN = rf"(?:ninety(?:[- ](?:{_UNITS}))?|(?:a|one)[- ]hundred(?:[- ]and[- ](?:{_UNITS}|ten))?)"
_OLD_ZH = "(?:九十[一二三四五六七八九]?|一百(?:零[一二三四五六七八九]|[一二三四]十[一二三四五六七八九]?)?)"
# a mainland area code: 010, 020 to 029, or 0 and three digits from 3 (0755, 0571)
_AREA = r"0(?:10|2\d|[3-9]\d{2})"

Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool]]

RULES: list[Rule] = [
    # 18 characters: area, birth date 1800-2099, sequence, check character (tested by _id_check_ok)
    (
        "a resident ID number",
        re.compile(
            r"(?<![\dA-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
        ),
        lambda m: _id_check_ok(m.group(0)),
    ),
    # 15 digits: area, two-digit birth year, month, day, sequence
    (
        "a legacy 15-digit resident ID number",
        re.compile(r"(?<!\d)\d{8}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)"),
        _always,
    ),
    # 1[3-9] and nine digits, spaced 3-4-4 or not, with or without +86
    ("a mainland mobile number", re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"), _always),
    # an area code, bare or in brackets, then 7 or 8 digits spaced 3-4, 4-4 or not: 010-12345678, (020)12345678
    (
        "a landline number",
        re.compile(rf"(?<![\dA-Za-z+])(?:\({_AREA}\)|（{_AREA}）|{_AREA}[ -]?)\s?\d{{3,4}}[ -]?\d{{4}}(?!\d)"),
        _always,
    ),
    # "QQ: 12345678", "QQ号 12345678", "QQ number 12345678": five to eleven digits
    (
        "a QQ number",
        re.compile(r"(?<![A-Za-z])QQ\s*(?:号码?|number|no\.?|id)?\s*[:：]?\s*[1-9]\d{4,10}(?!\d)", re.IGNORECASE),
        _always,
    ),
    # "WeChat ID abc_123", "微信号：abc123", "微信：abc-123" (6-20 characters from a letter, tested by _wechat_id),
    # or a bare "wxid_..."
    (
        "a WeChat ID",
        re.compile(
            r"(?:\bwe ?chat|\bweixin|微信)\s*(?:(?:号|id|account)\s*[:：]?|[:：])\s*(?P<id>[a-z][\w-]{5,19})\b"
            r"|\bwxid_[a-z0-9_-]+",
            re.IGNORECASE | re.ASCII,
        ),
        _wechat_id,
    ),
    ("an email address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), _always),  # name@host.domain
    ("a URL", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE), _always),  # http://..., https://..., www....
    # four numbers of up to three digits with dots, each at most 255 (tested below)
    (
        "an IP address",
        re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"),
        lambda m: all(int(p) <= 255 for p in m.group(0).split(".")),
    ),
    # year first: 2019-05-14, 2019/5/14, 2019.5.14
    ("an exact date", re.compile(rf"(?<!\d)(?:19|20)\d{{2}}[-/.](?:0?[1-9]|1[0-2])[-/.]{_DATE_PART}(?!\d)"), _always),
    # year last, day and month in either order: 14/5/2019, 5/14/2019, 14.05.2019, 14-5-19 (not 3/4, 55/100, 5-12)
    (
        "an exact date",
        re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])\d{1,2}\2(?:\d{4}|\d{2})(?!\d|[/.-]\d)"),
        _day_and_month,
    ),
    # month and day in digits, with or without a year: 2019年5月14日, 5月14号
    ("an exact date", re.compile(rf"(?:\d{{2,4}}\s*年\s*)?(?:0?[1-9]|1[0-2])\s*月\s*{_DATE_PART}\s*[日号]"), _always),
    # month and day in Chinese numerals, with or without a year: 二〇一九年五月十四日, 五月十四日 (not 每月十五日)
    (
        "an exact date",
        re.compile(rf"(?:(?:[{_ZH_DIGIT}]{{2,4}}|\d{{2,4}})\s*年\s*)?{_ZH_MONTH}月{_ZH_DAY}[日号]"),
        _always,
    ),
    # a month's name and a day: May 14, 14th May, Sept. 3
    (
        "an exact date",
        re.compile(
            rf"\b(?:{_MONTHS})\.?\s+{_DATE_PART}(?:st|nd|rd|th)?\b|\b{_DATE_PART}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b",
            re.IGNORECASE,
        ),
        _always,
    ),
    # "aged 93", "age: ninety"; "93 years old", "ninety-three-year-old", "93 yrs", "93 y/o";
    # "93岁", "九十三岁", "90多岁" (not 八九十岁, eighty or ninety)
    (
        "an age over 89",
        re.compile(
            rf"\bage[ds]?\s*[:：]?\s*(?:{_OLD}(?!\d)|{_OLD_EN}\b)(?:[- ]years?(?:[- ]old)?)?"
            rf"|(?<![\d.])(?:{_OLD}|\b{_OLD_EN})\s*-?\s*(?:years?[- ]old|years? of age|yrs?\b|y/o\b)"
            rf"|(?<![\d.{_ZH_DIGIT}十百])(?:{_OLD}|{_OLD_ZH})多?\s*周?岁",
            re.IGNORECASE,
        ),
        _always,
    ),
    # 16 to 19 digits, spaced or not, that pass the Luhn sum
    (
        "a bank card number",
        re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)"),
        lambda m: _luhn_ok(re.sub(r"\D", "", m.group(0))) and 16 <= len(re.sub(r"\D", "", m.group(0))) <= 19,
    ),
    ("a passport number", re.compile(r"(?<![A-Za-z\d])[EeGg]\d{8}(?!\d)"), _always),  # E or G and eight digits
    # "bed 12", "record no. 3345", "MRN: 88", "床号：12", "住院号 3345", "12号床"
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
    """What in `text` looks identifying, as "a URL: 'www.x.cn'"-style messages, each once.

    A seed name inside a longer one found in the same text (a given name inside the full name) is not said twice.
    """
    names = list(dict.fromkeys(seed_names(text)))
    found = [
        f"a name from the seed documents: {name!r} (use a pseudonym or a role label)"
        for name in names
        if not any(name != longer and name in longer for longer in names)
    ]
    for what, pattern, confirm in RULES:
        found.extend(
            f"{what}: {match.group(0).rstrip('.,;:!?)，。；：！？）')!r}"
            for match in pattern.finditer(text)
            if confirm(match)
        )
    return list(dict.fromkeys(found))
