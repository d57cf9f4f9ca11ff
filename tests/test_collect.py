"""Collecting answer files from users' homes: what is copied, what is listed and why, and that grade reads it."""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from swtrain.cli import SOME_FILES_NOT_GRADED, main
from swtrain.collect import DEFAULT_COURSE_DIR, PROBLEMS_FILE, collect, read_users_file
from swtrain.errors import SwtrainError
from swtrain.store import FileStore, responses_json

from .conftest import answers

CASE = "child-in-crisis"
GOOD = {"alice": {"first-priority": "lethality"}, "bob": {"first-priority": "rapport"}}


def responses_dir(homes: Path, user: str) -> Path:
    return homes / user / DEFAULT_COURSE_DIR / "responses"


def save(homes: Path, user: str, values: dict[str, object], *, trainee: str | None = None) -> Path:
    """Save answers in `user`'s home as the notebook would, for `trainee` (default: the user)."""
    store = FileStore(responses_dir(homes, user))
    store.save(answers(CASE, values, trainee=trainee or user))
    return store.path(trainee or user, CASE)


def write(path: Path, content: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def read_problems(out: Path) -> dict[str, str]:
    with (out / PROBLEMS_FILE).open(encoding="utf-8", newline="") as handle:
        return {row["path"]: row["reason"] for row in csv.DictReader(handle)}


@pytest.fixture
def homes(tmp_path: Path) -> Path:
    """Two trainees who answered, and users who tried to hand in what is not theirs, or junk."""
    homes = tmp_path / "homes"
    for user, values in GOOD.items():
        save(homes, user, values)
    # carol links alice's answers into her own folder; dave links his whole course folder to alice's.
    carol = responses_dir(homes, "carol") / "carol"
    carol.mkdir(parents=True)
    (carol / f"{CASE}.json").symlink_to(responses_dir(homes, "alice") / "alice" / f"{CASE}.json")
    (homes / "dave").mkdir()
    (homes / "dave" / "course").symlink_to(homes / "alice" / "course")
    # erin saved answers under alice's id in her own home, and also a file naming alice in her own folder.
    save(homes, "erin", {"first-priority": "lethality"}, trainee="alice")
    write(responses_dir(homes, "erin") / "erin" / f"{CASE}.json", responses_json(answers(CASE, {}, trainee="alice")))
    # bob's folder holds junk beside his good file.
    bob = responses_dir(homes, "bob") / "bob"
    write(bob / "notes.txt", "remember the safety plan")
    write(bob / "broken.json", '{"schema_version": 1, "answers": {')
    os.truncate(write(bob / "huge.json", b""), 6 * 1024 * 1024)
    os.mkfifo(bob / "pipe.json")
    write(bob / f".{CASE}.json.abc.tmp", "half a save")  # an interrupted save: hidden, never listed
    (homes / "frank").mkdir()  # never opened the course
    return homes


def test_collect_copies_each_users_own_files_and_lists_every_other_file_with_a_reason(
    homes: Path, tmp_path: Path
) -> None:
    out = tmp_path / "submissions"
    done = collect(homes, out)
    assert done.users == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert sorted(done.copied) == [f"alice/{CASE}.json", f"bob/{CASE}.json"]
    assert done.nothing_collected == ["carol", "dave", "erin", "frank"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json")) == sorted(done.copied)
    for user in GOOD:
        source = responses_dir(homes, user) / user / f"{CASE}.json"
        assert (out / user / f"{CASE}.json").read_bytes() == source.read_bytes()
    responses = f"{DEFAULT_COURSE_DIR}/responses"
    problems = read_problems(out)
    broken = problems.pop(f"bob/{responses}/bob/broken.json")
    assert broken.startswith("not a valid answer file: Invalid answer file broken.json: found 'a file cut off at")
    assert broken.endswith("expected a JSON object (the file is not valid JSON)")
    assert problems == {
        f"bob/{responses}/bob/huge.json": "the file is 6,291,456 bytes; an answer file is at most 5,242,880 bytes",
        f"bob/{responses}/bob/notes.txt": "not an answer file (.json)",
        f"bob/{responses}/bob/pipe.json": "not a regular file",
        f"carol/{responses}/carol/{CASE}.json": "a symbolic link (never followed)",
        "dave": "dave/course is a symbolic link or not a folder (never followed)",
        f"erin/{responses}/alice/{CASE}.json": "the file holds answers of trainee 'alice'; this home belongs to 'erin'",
        f"erin/{responses}/erin/{CASE}.json": "the file holds answers of trainee 'alice'; this home belongs to 'erin'",
    }
    assert not (out / "carol").exists() and not (out / "erin").exists()


def test_a_second_run_copies_only_what_changed(homes: Path, tmp_path: Path) -> None:
    out = tmp_path / "submissions"
    collect(homes, out)
    kept = (out / "bob" / f"{CASE}.json").stat()
    again = collect(homes, out)
    assert again.copied == [] and sorted(again.unchanged) == [f"alice/{CASE}.json", f"bob/{CASE}.json"]
    save(homes, "alice", {"first-priority": "rapport"})
    third = collect(homes, out)
    assert third.copied == [f"alice/{CASE}.json"] and third.unchanged == [f"bob/{CASE}.json"]
    assert '"rapport"' in (out / "alice" / f"{CASE}.json").read_text(encoding="utf-8")
    assert (out / "bob" / f"{CASE}.json").stat().st_ino == kept.st_ino  # not rewritten
    assert not [p for p in out.rglob(".*")]  # no temporary file left behind


def test_a_home_that_cannot_be_read_is_listed_and_the_others_are_collected(
    homes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = homes / "alice"
    locked.chmod(0)
    if os.geteuid() == 0:
        # root opens a folder whatever its mode says (CI runs as root): refuse it as the system refuses a user
        real_open = os.open

        def refusing(name: str, flags: int, *args: object, **kwargs: object) -> int:
            if str(name) == str(locked) and flags & os.O_DIRECTORY:
                raise PermissionError(errno.EACCES, "Permission denied", name)
            return real_open(name, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refusing)
    try:
        done = collect(homes, tmp_path / "submissions", users=["alice", "bob"])
    finally:
        locked.chmod(0o755)
    assert f"bob/{CASE}.json" in done.copied
    assert read_problems(tmp_path / "submissions")["alice"] == (
        "the home folder of 'alice' cannot be read (permission denied)"
    )


def test_the_command_collects_for_grade_and_says_by_exit_code_that_something_was_not_collected(
    homes: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    subs, graded = tmp_path / "submissions", tmp_path / "graded"
    result = runner.invoke(main, ["collect", str(homes), "--out", str(subs)], catch_exceptions=False)
    assert result.exit_code == SOME_FILES_NOT_GRADED
    assert result.output.splitlines()[0] == (
        "Collected from 6 users (4 with nothing to collect): 2 files copied, 0 unchanged, 8 problems."
    )
    graded_run = runner.invoke(main, ["grade", str(subs), "--out", str(graded)], catch_exceptions=False)
    assert graded_run.exit_code == 0 and "Graded 2 of 2 files" in graded_run.output
    with (graded / "gradebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["trainee_id"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == ["alice", "bob"]
    assert float(rows["alice"]["first-priority"]) > float(rows["bob"]["first-priority"])


def test_the_command_reads_only_the_users_named(homes: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    subs = tmp_path / "submissions"
    result = runner.invoke(
        main, ["collect", str(homes), "--out", str(subs), "--users", "alice, zoe"], catch_exceptions=False
    )
    assert result.exit_code == SOME_FILES_NOT_GRADED
    assert read_problems(subs) == {"zoe": "the home folder of 'zoe' does not exist"}
    roster = write(tmp_path / "users.txt", "# trainees of the spring term\nalice\nfrank  # late joiner\n\n")
    assert read_users_file(roster) == ["alice", "frank"]
    result = runner.invoke(
        main, ["collect", str(homes), "--out", str(subs), "--users-file", str(roster)], catch_exceptions=False
    )
    assert result.exit_code == 0 and "2 users" in result.output and "0 files copied, 1 unchanged" in result.output
    both = runner.invoke(main, ["collect", str(homes), "--out", str(subs), "--users", "a", "--users-file", str(roster)])
    assert both.exit_code == 2 and "Give --users or --users-file, not both." in both.output


@pytest.mark.parametrize("course_dir", ["/srv/course", "../alice/course", ""])
def test_the_course_folder_must_stay_inside_each_home(homes: Path, tmp_path: Path, course_dir: str) -> None:
    with pytest.raises(SwtrainError, match="is not a relative path inside a home"):
        collect(homes, tmp_path / "out", course_dir=course_dir)


def test_a_user_name_that_cannot_be_a_folder_is_listed(homes: Path, tmp_path: Path) -> None:
    done = collect(homes, tmp_path / "out", users=["../alice", "alice"])
    assert [p.user for p in done.problems] == ["../alice"] and done.copied == [f"alice/{CASE}.json"]


def test_an_odd_home_never_stops_the_homes_after_it(tmp_path: Path) -> None:
    homes = tmp_path / "homes"
    for user in ("alice", "bob", "carl"):
        save(homes, user, {"first-priority": "rapport"})
    write(responses_dir(homes, "alice") / "alice" / "deep.json", "[" * 1000 + "]" * 1000)
    (responses_dir(homes, "bob") / "bob" / "folder.json").mkdir()
    os.mkfifo(responses_dir(homes, "bob") / "bob" / "pipe.json")
    done = collect(homes, tmp_path / "out")
    assert sorted(done.copied) == [f"{u}/{CASE}.json" for u in ("alice", "bob", "carl")]
    found = read_problems(tmp_path / "out")
    assert "JSON nested too deep" in found["alice/course/notebooks/responses/alice/deep.json"]
    assert found["bob/course/notebooks/responses/bob/folder.json"] == "not a regular file"
    assert found["bob/course/notebooks/responses/bob/pipe.json"] == "not a regular file"
