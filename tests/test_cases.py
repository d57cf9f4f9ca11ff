"""Loading case and key files: every error names file, line, field, value and expectation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from swtrain.cases import case_ids, json_schema, load_case, load_case_file, load_key, load_key_file
from swtrain.errors import CaseInvalid, CaseNotFound, DataFileError, KeyInvalid, KeyNotFound, SchemaVersionMismatch

from .conftest import MINI_ROOT, TESTS

CASE_FIXTURES = sorted((TESTS / "data" / "cases").glob("*.yaml"))
KEY_FIXTURES = sorted((TESTS / "data" / "keys").glob("*.yaml"))


def expectations(path: Path) -> list[str]:
    """The `# expect: ...` lines at the top of a fixture: text its error message must contain."""
    return [
        line.removeprefix("# expect: ")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    ]


@pytest.mark.parametrize("path", [p for p in CASE_FIXTURES if p.name.startswith("invalid-")], ids=lambda p: p.stem)
def test_invalid_case_file_gives_one_clear_error(path: Path) -> None:
    with pytest.raises(DataFileError) as info:
        load_case_file(path)
    message = str(info.value)
    assert str(path) in message
    wanted = expectations(path)
    assert wanted, f"{path.name} states no expectation"
    for text in wanted:
        assert text in message


@pytest.mark.parametrize("path", [p for p in CASE_FIXTURES if p.name.startswith("valid-")], ids=lambda p: p.stem)
def test_valid_case_file_loads(path: Path) -> None:
    assert load_case_file(path).exercises


@pytest.mark.parametrize("path", KEY_FIXTURES, ids=lambda p: p.stem)
def test_invalid_key_file_gives_one_clear_error(path: Path) -> None:
    case = load_case("mini", MINI_ROOT)
    with pytest.raises((KeyInvalid, SchemaVersionMismatch)) as info:
        load_key_file(path, case)
    for text in expectations(path):
        assert text in str(info.value)


def test_future_schema_version_is_its_own_error_type() -> None:
    with pytest.raises(SchemaVersionMismatch) as info:
        load_case_file(TESTS / "data" / "cases" / "invalid-future-schema-version.yaml")
    assert info.value.field == "schema_version"
    assert info.value.value == 7
    assert info.value.expected == "1"


def test_unknown_case_id_suggests_the_closest() -> None:
    with pytest.raises(CaseNotFound) as info:
        load_case("child-crisis")
    assert "'child-crisis' is not a known case" in str(info.value)
    assert "Did you mean 'child-in-crisis'?" in str(info.value)


def test_case_id_with_a_path_is_not_found_not_followed() -> None:
    with pytest.raises(CaseNotFound):
        load_case("../casedata/child-in-crisis")


def test_case_whose_id_differs_from_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "other-name"
    folder.mkdir()
    (folder / "case.yaml").write_text(
        (TESTS / "data" / "cases" / "valid-tiny.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(CaseInvalid, match=r"id: found 'tiny', expected 'other-name', the name of its folder"):
        load_case("other-name", tmp_path)


def test_missing_key_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "case.yaml").write_text(
        (TESTS / "data" / "cases" / "valid-tiny.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    case = load_case("tiny", tmp_path)
    with pytest.raises(KeyNotFound, match="assessed mode does not"):
        load_key(case, tmp_path)


def test_models_are_immutable(mini_case) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="frozen"):
        mini_case.title = mini_case.summary


def test_the_shipped_cases_load_with_their_keys() -> None:
    assert "child-in-crisis" in case_ids()
    for case_id in case_ids():
        case = load_case(case_id)
        key = load_key(case)
        assert set(key.exercises) == {e.id for e in case.exercises}


def test_child_in_crisis_uses_every_basic_answer_type_a_scenario_and_tags_competencies() -> None:
    case = load_case("child-in-crisis")
    assert len(case.exercises) >= 8
    assert {e.type for e in case.exercises} == {
        "single_choice",
        "multiple_choice",
        "ordering",
        "classification",
        "numeric",
        "free_text",
        "scenario",
    }
    assert all(1 <= e.competency <= 9 for e in case.exercises)
    assert case.distressing and case.content_note is not None


def test_json_schema_describes_case_and_key() -> None:
    schema = json_schema("case")
    assert "exercises" in schema["properties"]
    assert schema["$schema"].endswith("2020-12/schema")
    assert "exercises" in json_schema("key")["properties"]
    json.dumps(schema)


def test_yaml_syntax_error_names_the_line_and_what_to_write() -> None:
    with pytest.raises(CaseInvalid) as info:
        load_case_file(TESTS / "data" / "cases" / "invalid-yaml-syntax.yaml")
    problem = info.value.problems[0]
    assert (problem.line, problem.field, problem.value) == (7, "summary", "{")
    assert problem.hint == "Write: summary: {en: Tiny case., zh: 小案例。}"
