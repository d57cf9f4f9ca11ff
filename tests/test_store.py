"""The answer store: atomic saves, restore, refusal of unsafe ids, no answer ever lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from swtrain.errors import AnswersNotSaved, InvalidTraineeId, ResponsesInvalid, SchemaVersionMismatch
from swtrain.store import FileStore, MemoryStore, check_trainee_id, parse_responses

from .conftest import answers


def test_save_then_load_gives_the_same_answers(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    saved = answers(
        "mini",
        {"pick-one": "risk", "pick-many": ["a", "b"], "sort": {"debt": "economy"}, "total": 7.0, "plan": "安全第一"},
        variant=3,
        language="zh",
    )
    store.save(saved)
    path = tmp_path / "t001" / "mini.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert (data["trainee_id"], data["case_id"], data["variant"], data["language"]) == ("t001", "mini", 3, "zh")
    assert data["answers"]["pick-one"]["changed_at"].startswith("2026-01-01")
    assert "安全第一" in path.read_text(encoding="utf-8")
    assert FileStore(tmp_path).load("t001", "mini") == saved


def test_nothing_saved_loads_as_none(tmp_path: Path) -> None:
    assert FileStore(tmp_path).load("t001", "mini") is None


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    for value in ("risk", "plan", "close"):
        store.save(answers("mini", {"pick-one": value}))
    assert sorted(p.name for p in (tmp_path / "t001").iterdir()) == [".mini.json.lock", "mini.json"]
    assert store.load("t001", "mini").value("pick-one") == "close"  # type: ignore[union-attr]


def test_a_crash_in_the_middle_of_a_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.save(answers("mini", {"pick-one": "risk"}))
    before = (tmp_path / "t001" / "mini.json").read_bytes()
    # A real crash: the process is killed after the new text is written but before it replaces the file.
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent.parent)!r})
        from tests.conftest import answers
        from swtrain.store import FileStore
        os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)
        FileStore({str(tmp_path)!r}).save(answers("mini", {{"pick-one": "plan", "plan": "x" * 100000}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert result.returncode == -9
    assert (tmp_path / "t001" / "mini.json").read_bytes() == before
    assert store.load("t001", "mini").value("pick-one") == "risk"  # type: ignore[union-attr]


def test_a_failed_write_removes_its_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(tmp_path)
    store.save(answers("mini", {"pick-one": "risk"}))

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(AnswersNotSaved, match="the disk is full") as info:
        store.save(answers("mini", {"pick-one": "plan"}))
    monkeypatch.undo()
    assert info.value.reason == "disk_full" and str(tmp_path) not in info.value.message
    assert sorted(p.name for p in (tmp_path / "t001").iterdir()) == [".mini.json.lock", "mini.json"]
    assert store.load("t001", "mini").value("pick-one") == "risk"  # type: ignore[union-attr]


@pytest.mark.parametrize("bad", ["../x", "a/b", "a\\b", "..", ".hidden", "tab\there", "nul\x00", "", "  ", " t001"])
def test_unsafe_trainee_ids_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidTraineeId) as info:
        FileStore(tmp_path).save(answers("mini", {"pick-one": "risk"}, trainee=bad))
    assert repr(bad) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_trainee_id_message_says_what_is_expected() -> None:
    with pytest.raises(InvalidTraineeId, match=r"'\.\./x' contains a path separator; expected a plain name"):
        check_trainee_id("../x")
    assert check_trainee_id("wang.li-2") == "wang.li-2"
    assert check_trainee_id("学员01") == "学员01"


def test_broken_json_is_a_clear_error_and_the_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "t001" / "mini.json"
    path.parent.mkdir()
    path.write_text('{"schema_version": 1, "answers": {', encoding="utf-8")
    store = FileStore(tmp_path)
    with pytest.raises(ResponsesInvalid) as info:
        store.load("t001", "mini")
    assert "mini.json" in str(info.value)
    assert "expected a JSON object (the file is not valid JSON)" in str(info.value)
    assert path.read_text(encoding="utf-8") == '{"schema_version": 1, "answers": {'


def test_future_schema_version_in_an_answer_file(tmp_path: Path) -> None:
    text = json.dumps({"schema_version": 2, "trainee_id": "t001", "case_id": "mini", "variant": 0, "language": "en"})
    with pytest.raises(SchemaVersionMismatch) as info:
        parse_responses(text, tmp_path / "t001" / "mini.json")
    assert "schema_version: found 2, expected 1" in str(info.value)
    assert "written by a newer swtrain" in str(info.value)


def test_empty_answer_file(tmp_path: Path) -> None:
    with pytest.raises(ResponsesInvalid, match="found 'an empty file'"):
        parse_responses(b"", tmp_path / "x.json")


def test_wrong_field_in_answer_file_names_the_dotted_path(tmp_path: Path) -> None:
    text = json.dumps({"schema_version": 1, "trainee_id": "t001", "case_id": "mini", "variant": -1, "language": "en"})
    with pytest.raises(ResponsesInvalid, match=r"variant: found -1, expected a number of at least 0"):
        parse_responses(text, tmp_path / "x.json")


def test_score_key_and_grade_fields_in_a_submission_are_dropped() -> None:
    text = json.dumps(
        {
            "schema_version": 1,
            "trainee_id": "t001",
            "case_id": "mini",
            "variant": 0,
            "language": "en",
            "score": 100,
            "key": {"pick-one": "close"},
            "grade": "A",
        }
    )
    responses = parse_responses(text, "x.json")
    assert not hasattr(responses, "score")
    assert "score" not in responses.model_dump()


def test_file_saved_under_another_trainee_is_refused(tmp_path: Path) -> None:
    FileStore(tmp_path).save(answers("mini", {"pick-one": "risk"}, trainee="t002"))
    (tmp_path / "t001").mkdir()
    os.replace(tmp_path / "t002" / "mini.json", tmp_path / "t001" / "mini.json")
    with pytest.raises(ResponsesInvalid, match="as the file's place says"):
        FileStore(tmp_path).load("t001", "mini")


def test_memory_store_behaves_like_the_file_store() -> None:
    store = MemoryStore()
    assert store.load("t001", "mini") is None
    saved = answers("mini", {"pick-one": "risk", "total": 3.0})
    store.save(saved)
    assert store.load("t001", "mini") == saved
    assert store.saves == 1
    with pytest.raises(InvalidTraineeId):
        store.load("../x", "mini")
