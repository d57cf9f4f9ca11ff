"""Interface strings (buttons, messages, feedback phrases) from gettext catalogs.

Source strings are English and written in the code as `msg("Check answer")`;
a text that depends on a count as `plural("{count} point", "{count} points", n, msg, count=n)`
(each catalog says how its language chooses between forms: Chinese has one).
Each other language is one catalog, `swtrain/locale/<lang>/LC_MESSAGES/swtrain.po`,
edited with any PO editor. A third language is a new .po file, not code.
Catalogs are read with Babel the first time a language is used.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .errors import UnknownLanguage, did_you_mean

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "swtrain"
SOURCE_LANGUAGE = "en"


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    """English plus every language with a catalog, sorted after English."""
    return list(_languages_in(LOCALE_DIR))


@lru_cache(maxsize=4)
def _languages_in(folder: Path) -> tuple[str, ...]:
    found = sorted(p.parents[1].name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *[code for code in found if code != SOURCE_LANGUAGE])


def check_language(language: str) -> str:
    """`language` if swtrain has interface text for it, else UnknownLanguage."""
    known = available_languages()
    if language not in known:
        hint = did_you_mean(language, known) or f"Known languages: {', '.join(known)}."
        raise UnknownLanguage(f"{language!r} is not a language swtrain has text for.", hint)
    return language


def known_or_english(language: str) -> str:
    """`language` if swtrain has interface text for it, else English (for text a file chose, not a person)."""
    return language if language in available_languages() else SOURCE_LANGUAGE


@dataclass(frozen=True)
class _Catalog:
    table: dict[str, str]
    plurals: dict[tuple[str, str], tuple[str, ...]]
    plural_index: Callable[[int], int]


def _english_plural(n: int) -> int:
    return 0 if n == 1 else 1


@cache
def _translations(language: str) -> _Catalog:
    if language == SOURCE_LANGUAGE:
        return _Catalog({}, {}, _english_plural)
    from babel.messages.pofile import read_po

    with catalog_path(check_language(language)).open("rb") as handle:
        catalog = read_po(handle, locale=None, domain=DOMAIN)
    table: dict[str, str] = {}
    plurals: dict[tuple[str, str], tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(str(f) for f in message.string or ())
            if all(forms):
                plurals[(str(message.id[0]), str(message.id[1]))] = forms
        elif message.string:
            table[str(message.id)] = str(message.string)
    return _Catalog(table, plurals, gettext.c2py(catalog.plural_expr))


class Messages:
    """The interface strings of one language: `msg("Saved at {time}", time=...)`."""

    def __init__(self, language: str) -> None:
        self.language = check_language(language)
        self._catalog = _translations(self.language)
        self._table = self._catalog.table

    def __call__(self, source: str, /, **values: Any) -> str:
        translated = self._table.get(source, source)
        return translated.format(**values) if values else translated

    def forms(self, one: str, many: str, count: float) -> str:
        """The form of a counted text that fits `count`, in this language."""
        translated = self._catalog.plurals.get((one, many))
        whole = int(count) if float(count).is_integer() else 2  # 1.5 points: English says "points"
        if translated is None:
            return one if _english_plural(whole) == 0 else many
        return translated[min(self._catalog.plural_index(whole), len(translated) - 1)]

    def __repr__(self) -> str:
        return f"Messages({self.language!r})"


def plural(one: str, many: str, count: float, msg: Messages, /, **values: Any) -> str:
    """`one` or `many` as the count requires, translated: `plural("{count} decision", "{count} decisions", n, msg,
    count=n)`. A call of its own, the texts first, so that `pybabel extract -k msg -k plural:1,2` finds both."""
    return msg.forms(one, many, count).format(**values)


def sentences(first: str, *more: str | None, msg: Messages) -> str:
    """Sentences run on as the language writes them: a space between them in English, none in Chinese
    ("先评估风险。先建立信任。"). Empty or None parts are left out."""
    text = first
    for part in more:
        if part:
            text = msg("{sentence} {next}", sentence=text, next=part) if text else part
    return text


def separator(msg: Messages) -> str:
    """What separates the items of a list on one line: "; " in English, "；" in Chinese."""
    return msg("; ")


def figure(value: float) -> str:
    """A score or points value as people read it: at most two decimals, no trailing zeros (1.33, 2, 0.5)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def messages(language: str) -> Messages:
    """The interface strings for `language`."""
    return _messages(LOCALE_DIR, language)


@lru_cache(maxsize=16)
def _messages(folder: Path, language: str) -> Messages:
    return Messages(language)


#: The course's languages by their own names, as babel's CLDR data gives them: looking them up would load
#: that data (about 10 MiB) into every trainee's kernel for two words.
NATIVE_NAMES = {"en": "English", "zh": "中文"}


def language_name(code: str) -> str:
    """A language's name in that language, for a language switch: "English", "中文"."""
    if code in NATIVE_NAMES:
        return NATIVE_NAMES[code]
    from babel import Locale

    return str(Locale.parse(code).get_display_name(code))
