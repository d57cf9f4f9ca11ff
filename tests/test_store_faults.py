"""Faults the answer store meets for real: several sessions saving at once, kill -9, a full disk, no rights.

Each test uses real processes and files, with a bounded number of rounds, so
the whole suite runs in CI in a few seconds.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from swtrain.errors import AnswersNotSaved
from swtrain.notebook import open_case
from swtrain.store import FileStore

from .conftest import MINI_ROOT, ROOT, answers

ROUNDS = 25


def saver_script(root: Path, worker: int, rounds: int) -> str:
    """A process that saves `rounds` answers of its own, each time from its own stale snapshot only."""
    return textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import UTC, datetime
        from swtrain.models import Responses
        from swtrain.store import FileStore
        store = FileStore({str(root)!r})
        mine = Responses(trainee_id="t001", case_id="mini", variant=0, language="en")
        for r in range({rounds}):
            mine = mine.with_answer(f"w{worker}-r{{r}}", f"value {{r}}", datetime.now(UTC))
            store.save(mine)  # what came back is ignored: the worst case, a session that never refreshes
            print(r, flush=True)
    """)


@pytest.mark.parametrize("workers", [2, 4])
def test_sessions_saving_at_once_lose_no_answer(tmp_path: Path, workers: int) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", saver_script(tmp_path, w, ROUNDS)], stdout=subprocess.PIPE, text=True)
        for w in range(workers)
    ]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.split()[-1] == str(ROUNDS - 1)
    saved = FileStore(tmp_path).load("t001", "mini")
    assert saved is not None
    expected = {f"w{w}-r{r}" for w in range(workers) for r in range(ROUNDS)}
    assert set(saved.answers) == expected  # every answer of every process, none lost
    assert not list((tmp_path / "t001").glob("*.tmp")) and not list((tmp_path / "t001").glob(".*.tmp"))


def test_kill_9_during_saves_keeps_every_confirmed_answer_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    rng = random.Random(7)
    store = FileStore(tmp_path)
    path = store.path("t001", "mini")
    confirmed: set[str] = set()
    for kill in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", saver_script(tmp_path, kill, 10_000)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # it has started saving
        assert first.strip() == "0"
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        confirmed |= {f"w{kill}-r{r}" for r in (first + rest).split()}
        saved = store.load("t001", "mini")  # the file is whole after every kill
        assert saved is not None and confirmed <= set(saved.answers)
    store.save(answers("mini", {"pick-one": "risk"}))  # the next save clears what the killed ones left
    assert sorted(p.name for p in path.parent.iterdir()) == [".mini.json.lock", "mini.json"]


def test_a_full_disk_keeps_the_previous_file_and_says_so(tmp_path: Path) -> None:
    # a real limit from the kernel: the process may not write a file larger than 2 KB
    store = FileStore(tmp_path)
    store.save(answers("mini", {"pick-one": "risk"}))
    before = store.path("t001", "mini").read_bytes()
    script = textwrap.dedent(f"""
        import resource, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tests.conftest import answers
        from swtrain.errors import AnswersNotSaved
        from swtrain.store import FileStore
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
        try:
            FileStore({str(tmp_path)!r}).save(answers("mini", {{"plan": "x" * 10_000}}))
        except AnswersNotSaved as exc:
            print(exc.reason, exc.message)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("too_big Your answer was not saved"), done.stderr
    assert str(tmp_path) not in done.stdout
    assert store.path("t001", "mini").read_bytes() == before
    assert not [p for p in (tmp_path / "t001").iterdir() if p.name.endswith(".tmp")]


def test_a_read_only_answers_folder_gives_a_clear_message_in_the_trainees_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "responses"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        # root writes whatever a folder's mode says (CI runs as root): refuse it as the system refuses a user
        real_mkdir, real_open = os.mkdir, os.open

        def refuse(name: object) -> None:
            if str(name).startswith(str(folder)):
                raise PermissionError(errno.EACCES, "Permission denied", str(name))

        monkeypatch.setattr(os, "mkdir", lambda name, *a, **k: refuse(name) or real_mkdir(name, *a, **k))
        monkeypatch.setattr(os, "open", lambda name, *a, **k: refuse(name) or real_open(name, *a, **k))
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(MINI_ROOT))
    try:
        session = open_case("mini", "t001", language="zh", mode="assessed", responses_dir=folder)
        session._exercise_widgets()
        widget = session.exercise_widgets["pick-one"]
        widget.radio.value = "risk"
        shown = widget.status.value
    finally:
        folder.chmod(0o755)
    assert "你的答案未能保存。" in shown and "无法写入答案文件夹（没有权限）。" in shown
    assert "你之前的答案都还在" in shown and str(folder) not in shown and "Traceback" not in shown
    assert list(folder.iterdir()) == []


def test_a_new_answer_file_follows_the_umask_and_a_saved_one_keeps_its_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)  # a deployment where the instructors' group reads the homes
    try:
        store = FileStore(tmp_path)
        store.save(answers("mini", {"pick-one": "risk"}))
        path = store.path("t001", "mini")
        assert path.stat().st_mode & 0o777 == 0o640
        path.chmod(0o664)
        store.save(answers("mini", {"pick-one": "plan"}))
        assert path.stat().st_mode & 0o777 == 0o664
    finally:
        os.umask(old)


def test_a_second_tab_keeps_the_first_tabs_answers_and_shows_them_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SWTRAIN_CASEDATA", str(MINI_ROOT))
    first = open_case("mini", "t001", mode="practice", responses_dir=tmp_path)
    second = open_case("mini", "t001", mode="practice", responses_dir=tmp_path)  # opened before any answer
    first._exercise_widgets()
    second._exercise_widgets()
    first.exercise_widgets["pick-one"].radio.value = "risk"
    first.exercise_widgets["total"].text.value = "3"
    second.exercise_widgets["plan"].area.value = "Safety first, then the fund."
    saved = FileStore(tmp_path).load("t001", "mini")
    assert saved is not None and {"pick-one", "total", "plan"} <= set(saved.answers)
    assert second.saved_elsewhere == ["pick-one", "total"]
    note = second._elsewhere_note
    assert note.layout.display == "" and "1. First step; 5. Total" in note.children[0].value
    note.children[1].click()  # "Show my latest answers"
    assert second.exercise_widgets["pick-one"].value == "risk" and second.saved_elsewhere == []
    assert second.exercise_widgets["plan"].value == "Safety first, then the fund."


def test_two_saves_of_one_exercise_keep_the_later(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    early = answers("mini", {"pick-one": "risk"})
    later = early.with_answer("pick-one", "plan", early.answers["pick-one"].changed_at.replace(year=2027))
    store.save(later)
    assert store.save(early).value("pick-one") == "plan"  # a stale tab does not undo a later change


def test_a_save_that_waits_too_long_for_another_says_so(tmp_path: Path) -> None:
    store = FileStore(tmp_path, lock_wait=0.3)
    store.save(answers("mini", {"pick-one": "risk"}))
    lock = os.open(tmp_path / "t001" / ".mini.json.lock", os.O_RDWR)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import fcntl, os, time; fd = os.open({str(tmp_path / 't001' / '.mini.json.lock')!r}, os.O_RDWR); "
            "fcntl.lockf(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AnswersNotSaved, match="another window is still saving") as info:
            store.save(answers("mini", {"pick-one": "plan"}))
        assert info.value.reason == "busy"
    finally:
        holder.kill()
        holder.communicate()
        os.close(lock)
    assert json.loads(store.path("t001", "mini").read_text())["answers"]["pick-one"]["value"] == "risk"
