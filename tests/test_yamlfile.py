"""A YAML file a case author got wrong: the line, and the line written so that it parses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from swtrain.errors import CaseInvalid, Problem
from swtrain.yamlfile import read_yaml


def problem(tmp_path: Path, text: str, encoding: str = "utf-8") -> Problem:
    path = tmp_path / "case.yaml"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(CaseInvalid) as info:
        read_yaml(path, CaseInvalid)
    (found,) = info.value.problems
    return found


@pytest.mark.parametrize(
    ("text", "line", "field", "value", "write"),
    [
        (
            "a: 1\ntitle:\n  en: Dialysis: a father\n  zh: 透析\n",
            3,
            "en",
            "Dialysis: a father",
            'en: "Dialysis: a father"',
        ),
        (
            "role: {en: It's money: no more, zh: 钱}\n",
            1,
            "role.en",
            "It's money: no more",
            'role: {en: "It\'s money: no more", zh: 钱}',
        ),
        ("role: {en: %50 carer, zh: 照顾者}\n", 1, "role.en", "%50 carer", 'role: {en: "%50 carer", zh: 照顾者}'),
        ("role: {en: Carer #1, zh: 照顾者}\nx: 1\n", 1, "role.en", "Carer #1", 'role: {en: "Carer #1", zh: 照顾者}'),
        ("t: {en: ? Why, zh: 为什么}\n", 1, "t.en", "? Why", 't: {en: "? Why", zh: 为什么}'),
        ('t: {en: "Go" she says, zh: 走}\n', 1, "t.en", '"Go" she says', "t: {en: '\"Go\" she says', zh: 走}"),
        (
            "- {value: a, label: {en: A: b, zh: 甲}}\n",
            1,
            "label.en",
            "A: b",
            '- {value: a, label: {en: "A: b", zh: 甲}}',
        ),
        ("summary: {en: Tiny., zh: 小。\nsections: []\n", 1, "summary", "{", "summary: {en: Tiny., zh: 小。}"),
    ],
)
def test_a_text_that_needs_quotes_gets_its_line_written_with_them(
    tmp_path: Path, text: str, line: int, field: str, value: str, write: str
) -> None:
    found = problem(tmp_path, text)
    assert (found.line, found.field, found.value) == (line, field, value)
    assert found.hint == f"Write: {write}"
    fixed = text.splitlines()
    old = fixed[line - 1]
    fixed[line - 1] = old[: len(old) - len(old.lstrip())] + write
    yaml.safe_load("\n".join(fixed))  # the advice parses


def test_indentation_problems_name_the_line_and_the_line_above(tmp_path: Path) -> None:
    tab = problem(tmp_path, "people:\n  - id: a\n\trole: x\n")
    assert (tab.line, tab.value, tab.expected) == (
        3,
        "a tab in the indentation",
        "spaces: YAML indents with spaces only",
    )
    shifted = problem(tmp_path, "options:\n  - {value: a}\n - {value: b}\n")
    assert (shifted.line, shifted.value) == (3, "a line indented by 1 space")
    assert shifted.hint.startswith("Line 2 above it is indented by 2 spaces")
    deeper = problem(tmp_path, "a:\n  b: 1\n   c: 2\n")
    assert (deeper.line, deeper.value) == (3, "a line indented by 3 spaces")


def test_a_key_written_twice_is_an_error_naming_both_lines(tmp_path: Path) -> None:
    found = problem(tmp_path, "exercises:\n  plan:\n    type: numeric\n  plan:\n    type: free_text\n")
    assert (found.line, found.field, found.value) == (4, "exercises.plan", "plan")
    assert "'plan' is also on line 2; YAML keeps only the last of the two" in found.expected


def test_a_file_not_saved_as_utf8_names_the_line_and_how_to_save_it(tmp_path: Path) -> None:
    found = problem(tmp_path, "schema_version: 1\ntitle: {en: A, zh: 透析}\n", encoding="gbk")
    assert found.line == 2 and found.expected == "a file saved as UTF-8"
    assert "GBK" in found.hint


def test_an_error_no_quotes_can_mend_gets_the_general_advice(tmp_path: Path) -> None:
    found = problem(tmp_path, "a: 1\n---\nb: 2\n")  # two documents in one file
    assert found.line == 2
    assert found.expected == "valid YAML (expected a single document in the stream, but found another document)"
    assert found.hint.startswith("Check the indentation")
