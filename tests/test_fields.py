"""Shared field types: ids said in words, and the keys of a text named when they are not en and zh."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from swtrain.cases import load_case_file
from swtrain.errors import CaseInvalid
from swtrain.fields import SLUG_PATTERN, Text, as_slug, in_words

from .conftest import TESTS


@pytest.mark.parametrize(
    ("written", "slug"),
    [("C", "c"), ("S1", "s1"), ("First Step!", "first-step"), ("wife_listens", "wife_listens"), ("???", "")],
)
def test_an_id_is_suggested_from_what_was_written(written: str, slug: str) -> None:
    assert as_slug(written) == slug


def test_an_id_pattern_is_said_in_words_with_an_example() -> None:
    assert in_words(SLUG_PATTERN, "C") == "an id of lower-case letters, digits and hyphens, for example 'c'"
    assert in_words(SLUG_PATTERN, "!!") == "an id of lower-case letters, digits and hyphens, for example 'first-step'"


def text_error(data: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as info:
        Text.model_validate(data)
    (error,) = info.value.errors(include_url=False)
    assert error["type"] == "value_error_at"
    return f"{error['ctx']['field']}: {error['msg']} {error['ctx']['hint']}"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            {"en": "x", "zh-Hans": "y"},
            "zh-Hans: zh, the key of the Simplified Chinese text Write zh: instead of zh-Hans:",
        ),
        ({"en": "x", "zh-CN": "y"}, "Write zh: instead of zh-CN:"),
        ({"en": "x", "cn": "y"}, "Write zh: instead of cn:"),
        ({"en": "x", "中文": "y"}, "Write zh: instead of 中文:"),
        ({"english": "x", "zh": "y"}, "Write en: instead of english:"),
        ({"en": "x", "fr": "y"}, "fr: en (English) and zh (Simplified Chinese), the language keys swtrain reads"),
        ({"en": "Carer", "wife": None, "zh": "y"}, 'Put the whole text in quotes: en: "Carer, wife"'),
        ({"en": 'He says "no"', "then": None, "zh": "y"}, "Put the whole text in quotes: en: 'He says \"no\", then'"),
    ],
)
def test_a_key_that_is_not_a_language_is_named_with_what_to_write(data: dict[str, object], said: str) -> None:
    assert said in text_error(data)


def test_a_further_language_beside_en_and_zh_is_kept() -> None:
    assert Text.model_validate({"en": "x", "zh": "y", "yue": "z"}).get("yue") == "z"


def test_loading_a_case_names_the_key_and_its_line() -> None:
    path = TESTS / "data" / "check" / "language-key-zh-hans" / "case.yaml"
    with pytest.raises(CaseInvalid) as info:
        load_case_file(path)
    assert f"{path}:5: title.zh-Hans: found 'zh-Hans', expected zh, the key of the Simplified Chinese text" in str(
        info.value
    )
