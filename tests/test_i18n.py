"""Interface strings: every string in the code has a Chinese translation with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from swtrain.errors import UnknownLanguage
from swtrain.i18n import LOCALE_DIR, available_languages, catalog_path, check_language, figure, messages, plural

PACKAGE = Path(__file__).resolve().parent.parent / "swtrain"


def code_strings() -> set[str | tuple[str, str]]:
    """Every msg("...") string in the package, and every plural(msg, "...", "...", n) pair, found the way
    `pybabel extract -k msg -k plural:1,2` finds them."""
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords={"msg": None, "plural": (1, 2)})
    return {
        message if isinstance(message, str) else (message[0], message[1])
        for _file, _line, message, _comments, _context in found
    }


def placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = (text,) if isinstance(text, str) else text
    return {name for t in texts for _, name, _, _ in string.Formatter().parse(t) if name}


def catalog(language: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    with catalog_path(language).open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else tuple(m.id)): m.string for m in read_po(handle) if m.id}


def test_languages() -> None:
    assert available_languages() == ["en", "zh"]
    with pytest.raises(
        UnknownLanguage, match=r"'zn' is not a language swtrain has text for\. Known languages: en, zh\."
    ):
        check_language("zn")


@pytest.mark.parametrize("language", [code for code in available_languages() if code != "en"])
def test_every_code_string_is_translated_with_the_same_placeholders(language: str) -> None:
    strings = code_strings()
    assert len(strings) > 40
    table = catalog(language)
    missing = sorted((s for s in strings if not table.get(s) or not all(table[s])), key=str)
    assert missing == []
    for source in strings:
        assert placeholders(table[source]) == placeholders(source), source


def test_catalog_has_no_strings_the_code_no_longer_uses() -> None:
    assert sorted(set(catalog("zh")) - code_strings(), key=str) == []


def test_translations_are_chinese() -> None:
    table = catalog("zh")
    for value in table.values():
        text = value if isinstance(value, str) else " ".join(value)
        words = re.sub(r"\{[^}]*\}", "", text)  # placeholders stay in English
        assert re.search(r"[\u4e00-\u9fff]", words) or not re.search("[A-Za-z]{3}", words), text


def test_messages_format_in_each_language() -> None:
    assert messages("en")("Score: {score} of {max}", score="1.5", max="2") == "Score: 1.5 of 2"
    assert messages("zh")("Score: {score} of {max}", score="1.5", max="2") == "得分：1.5 / 2"


def test_a_third_language_is_a_catalog_file_not_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import swtrain.i18n as i18n

    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "swtrain.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Correct."\nmsgstr "Correct !"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    i18n._translations.cache_clear()
    try:
        assert "fr" in available_languages()
        assert messages("fr")("Correct.") == "Correct !"
        assert messages("fr")("Not correct.") == "Not correct."  # untranslated falls back to English
    finally:
        i18n._translations.cache_clear()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1, "1"), (2.0, "2"), (0.5, "0.5"), (4 / 3, "1.33"), (2 / 3, "0.67"), (3.456, "3.46"), (-0.001, "0"), (0, "0")],
)
def test_scores_are_shown_to_at_most_two_decimals(value: float, shown: str) -> None:
    assert figure(value) == shown


@pytest.mark.parametrize(
    ("count", "en", "zh"),
    [
        (1, "1 point", "1 分"),
        (2, "2 points", "2 分"),
        (0, "0 points", "0 分"),
        (1.5, "1.5 points", "1.5 分"),  # a fraction of a point is plural in English
    ],
)
def test_points_in_singular_and_plural_in_both_languages(count: float, en: str, zh: str) -> None:
    for language, wanted in (("en", en), ("zh", zh)):
        said = plural("{points} point", "{points} points", count, messages(language), points=figure(count))
        assert said == wanted


def test_decisions_in_singular_and_plural() -> None:
    one, many = "Your path so far ({count} decision)", "Your path so far ({count} decisions)"
    said = [plural(one, many, n, messages(language), count=n) for language in ("en", "zh") for n in (1, 3)]
    assert said == [
        "Your path so far (1 decision)",
        "Your path so far (3 decisions)",
        "目前的路径（1 个决定）",
        "目前的路径（3 个决定）",
    ]
