"""Interface strings (buttons, messages, feedback phrases) from gettext catalogs.

Source strings are English and written in the code as `msg("Check answer")`;
each other language is one catalog, `swtrain/locale/<lang>/LC_MESSAGES/swtrain.po`,
edited with any PO editor. A third language is a new .po file, not code.
Catalogs are read with Babel the first time a language is used.
"""

from __future__ import annotations

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


@cache
def _translations(language: str) -> dict[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    with catalog_path(check_language(language)).open("rb") as handle:
        catalog = read_po(handle, locale=None, domain=DOMAIN)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and message.string and not message.fuzzy
    }


class Messages:
    """The interface strings of one language: `msg("Saved at {time}", time=...)`."""

    def __init__(self, language: str) -> None:
        self.language = check_language(language)
        self._table = _translations(self.language)

    def __call__(self, source: str, /, **values: Any) -> str:
        translated = self._table.get(source, source)
        return translated.format(**values) if values else translated

    def __repr__(self) -> str:
        return f"Messages({self.language!r})"


def messages(language: str) -> Messages:
    """The interface strings for `language`."""
    return _messages(LOCALE_DIR, language)


@lru_cache(maxsize=16)
def _messages(folder: Path, language: str) -> Messages:
    return Messages(language)
