"""Where answers live: `<responses_dir>/<trainee_id>/<case_id>.json`.

Every change is saved at once. A save never replaces what another session
saved: under a lock on `.<case_id>.json.lock` beside the file (fcntl record
locks, which local file systems and NFS both honour; the wait is bounded),
it reads the file, keeps for each exercise the answer changed last, and
writes the result to a temporary file that it moves over the answer file
with `os.replace`, so a crash mid-write leaves the previous file whole. Two
browser tabs, the app and JupyterLab, or an old kernel after a reload can
all save to one file and no answer is lost. Temporary files left by a
crashed save are removed by the next save. A file that cannot be read is
never overwritten: the error says so and the earlier answers stay.

A new answer file gets the mode any new file gets there (0666 less the
umask, so a deployment's umask 0027 and a setgid folder let the instructors'
group read it); a file saved again keeps the mode and group it had.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import ValidationError

from .errors import AnswersNotSaved, InvalidTraineeId, Problem, ResponsesInvalid, SchemaVersionMismatch, SwtrainError
from .models import RESPONSES_SCHEMA_VERSION, Answer, Responses

#: The largest answer file swtrain reads or collects, unless $SWTRAIN_MAX_ANSWER_BYTES says otherwise. An
#: answer file of a whole case with long free texts is tens of kilobytes; the limit keeps memory bounded.
DEFAULT_MAX_ANSWER_BYTES = 5 * 1024 * 1024
MAX_ANSWER_BYTES_VARIABLE = "SWTRAIN_MAX_ANSWER_BYTES"


def max_answer_bytes() -> int:
    """The size limit of an answer file: $SWTRAIN_MAX_ANSWER_BYTES (1 KB to 100 MB), else 5 MB."""
    text = os.environ.get(MAX_ANSWER_BYTES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_MAX_ANSWER_BYTES
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 1024 <= value <= 100 * 1024 * 1024:
        raise SwtrainError(
            f"${MAX_ANSWER_BYTES_VARIABLE} is {text!r}; expected a number of bytes from 1024 to 104857600.",
            "Unset it for the default of 5 MB.",
        )
    return value


#: What an id of a trainee or reviewer may hold besides letters and digits (of any script).
ID_PUNCTUATION = "._-@"


def check_trainee_id(trainee_id: str) -> str:
    """`trainee_id` if it is a safe id, else InvalidTraineeId.

    An id is 1 to 100 letters (of any script) and digits, with '.', '_', '-'
    and '@' inside it: so it is safe as a folder name, in a URL, and at the
    start of a spreadsheet cell (no id starts with '=', '+', '-' or '@').
    """
    if not isinstance(trainee_id, str) or not trainee_id.strip():
        raise InvalidTraineeId(
            f"Trainee id {trainee_id!r} is empty.", "Use the id your course gave you, such as 't001'."
        )
    problem = ""
    if "/" in trainee_id or "\\" in trainee_id:
        problem = "contains a path separator"
    elif trainee_id.startswith("."):
        problem = "starts with a dot"
    elif any(unicodedata.category(ch).startswith("C") for ch in trainee_id):
        problem = "contains a control character"
    elif len(trainee_id) > 100:
        problem = "is longer than 100 characters"
    elif trainee_id != trainee_id.strip():
        problem = "starts or ends with a space"
    elif not trainee_id[0].isalnum():
        problem = f"starts with {trainee_id[0]!r}"
    elif any(not (ch.isalnum() or ch in ID_PUNCTUATION) for ch in trainee_id):
        odd = next(ch for ch in trainee_id if not (ch.isalnum() or ch in ID_PUNCTUATION))
        problem = f"contains {odd!r}"
    if problem:
        raise InvalidTraineeId(
            f"Trainee id {trainee_id!r} {problem}; expected a plain name such as 't001' or 'wang.li'.",
            "Letters and digits, with '.', '_', '-' or '@' inside (not first).",
        )
    return trainee_id


def parse_responses(raw: bytes | str, path: Path | str) -> Responses:
    """Validate the text of the trainee's own answer file (a store's); ResponsesInvalid or SchemaVersionMismatch,
    whose hint is the trainee's: the file is left as it is."""
    try:
        return read_submission(raw, path)[0]
    except ResponsesInvalid as exc:
        raise ResponsesInvalid(exc.path, exc.problems) from None


#: Fields a submission may carry that grading never trusts: dropped, and reported by the batch grader.
UNTRUSTED_FIELDS = ("score", "max_score", "percent", "grade", "grades", "key", "answer_key", "feedback")

#: What an instructor can do about a submitted file that is not whole JSON.
DAMAGED_HINT = (
    "swtrain writes an answer file whole, so this one was cut off or changed on its way to you (an upload, an "
    "e-mail, a copy) or saved by another program. Collect it again from the trainee's responses folder "
    "(swtrain collect), or ask the trainee to hand in responses/<trainee_id>/<case_id>.json again, unchanged."
)
#: ... about a file that is JSON but not as swtrain wrote it.
EDITED_HINT = (
    "swtrain did not write this file as it is now: it was edited by hand or by another program. Ask the trainee "
    "for the file as swtrain saved it (responses/<trainee_id>/<case_id>.json), or collect it again."
)


def read_submission(raw: bytes | str, path: Path | str) -> tuple[Responses, tuple[str, ...]]:
    """The answers in a submitted answer file, and the untrusted fields it carried (which are dropped).

    Errors carry hints for the instructor who collected the file (collect it again, ask the trainee).
    """
    try:
        data = json.loads(raw)
    except RecursionError:
        deep = Problem("", "JSON nested too deep", "an answer file (a few levels deep)")
        raise ResponsesInvalid(path, [deep], EDITED_HINT) from None
    except (UnicodeDecodeError, ValueError) as exc:
        problem = Problem("", _not_json(raw, exc), "a JSON object (the file is not valid JSON)")
        raise ResponsesInvalid(path, [problem], DAMAGED_HINT) from None
    if not isinstance(data, dict):
        raise ResponsesInvalid(path, [Problem("", type(data).__name__, "a JSON object")], EDITED_HINT)
    found = data.get("schema_version")
    if found != RESPONSES_SCHEMA_VERSION:
        expected = f"{RESPONSES_SCHEMA_VERSION}"
        if found is None:
            raise ResponsesInvalid(path, [Problem("schema_version", None, expected)], EDITED_HINT)
        if isinstance(found, int) and found > RESPONSES_SCHEMA_VERSION:
            raise SchemaVersionMismatch.for_file(path, found, RESPONSES_SCHEMA_VERSION)
        raise SchemaVersionMismatch(path, [Problem("schema_version", found, expected)], EDITED_HINT)
    try:
        responses = Responses.model_validate(data)
    except ValidationError as exc:
        raise ResponsesInvalid.from_validation_error(path, exc, hint=EDITED_HINT) from None
    return responses, tuple(name for name in UNTRUSTED_FIELDS if name in data)


def _not_json(raw: bytes | str, exc: ValueError) -> str:
    """What is wrong with text that is not JSON, said for the instructor who received it."""
    if not raw.strip():
        return "an empty file"
    if isinstance(exc, json.JSONDecodeError):
        # a text still open, or a mistake at the very end: the file stops where JSON cannot
        cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(exc.doc.rstrip())
        where = f"line {exc.lineno}, column {exc.colno}"
        return f"a file cut off at {where}" if cut else f"{exc.msg.lower()} at {where}"
    return str(exc)


def responses_json(responses: Responses) -> str:
    return json.dumps(responses.model_dump(mode="json"), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def merge_answers(saved: Responses | None, incoming: Responses) -> Responses:
    """`incoming` with every answer of `saved` it lacks or holds an older version of.

    For each exercise the answer changed last wins; an answer only one side
    has is kept. The saved file's variant stays (it fixes what the trainee saw).
    """
    if saved is None:
        return incoming
    answers = dict(saved.answers)
    for exercise_id, answer in incoming.answers.items():
        kept = answers.get(exercise_id)
        if kept is None or _when(answer) >= _when(kept):
            answers[exercise_id] = answer
    return incoming.model_copy(update={"answers": answers, "variant": saved.variant})


def _when(answer: Answer) -> datetime:
    # a hand-edited file may carry a time without a zone: read it as UTC
    at = answer.changed_at
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class ResponseStore(Protocol):
    """Load and save one trainee's answers to one case."""

    def load(self, trainee_id: str, case_id: str) -> Responses | None:
        """The saved answers, or None if there are none yet."""

    def save(self, responses: Responses) -> Responses:
        """Save the answers, merged with what was saved meanwhile (merge_answers); return what is now saved."""


#: How long a save waits for another session's save of the same file before giving up.
LOCK_WAIT_SECONDS = 10.0


class FileStore:
    """Answer files under one folder, one sub-folder per trainee."""

    def __init__(self, root: Path | str, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
        self.root = Path(root)
        self.lock_wait = lock_wait

    def path(self, trainee_id: str, case_id: str) -> Path:
        check_trainee_id(trainee_id)
        check_trainee_id(case_id)
        return self.root / trainee_id / f"{case_id}.json"

    def load(self, trainee_id: str, case_id: str) -> Responses | None:
        path = self.path(trainee_id, case_id)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return None
        if size > (limit := max_answer_bytes()):
            raise ResponsesInvalid(path, [Problem("", f"{size} bytes", f"at most {limit} bytes")])
        responses = parse_responses(path.read_bytes(), path)
        if responses.trainee_id != trainee_id or responses.case_id != case_id:
            raise ResponsesInvalid(
                path,
                [
                    Problem(
                        "trainee_id/case_id",
                        f"{responses.trainee_id}/{responses.case_id}",
                        f"{trainee_id}/{case_id}, as the file's place says",
                    )
                ],
            )
        return responses

    def save(self, responses: Responses) -> Responses:
        path = self.path(responses.trainee_id, responses.case_id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked(path):
                merged = merge_answers(self.load(responses.trainee_id, responses.case_id), responses)
                _remove_temporaries(path)
                write_atomic(path, responses_json(merged))
        except OSError as exc:
            raise AnswersNotSaved.for_os_error(exc, path) from None
        return merged

    @contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        import fcntl

        fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o666)
        try:
            deadline = time.monotonic() + self.lock_wait
            while True:
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EACCES, errno.EAGAIN) or time.monotonic() >= deadline:
                        raise AnswersNotSaved.for_reason("busy", path) from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock


def _remove_temporaries(path: Path) -> None:
    """Remove temporary files a crashed save of `path` left (only a save holding the lock writes them)."""
    for stray in path.parent.glob(f".{path.name}.*.tmp"):
        stray.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `path` so that a reader sees the old file or the new, never half.

    The file keeps the mode it had; a new file gets 0666 less the umask, as any new file would.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), else briefly set."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class MemoryStore:
    """Answers kept in a dict, stored as the same JSON text a file would hold, merged on save as a file is."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}
        self.saves = 0

    def load(self, trainee_id: str, case_id: str) -> Responses | None:
        check_trainee_id(trainee_id)
        text = self.saved.get((trainee_id, case_id))
        return None if text is None else parse_responses(text, f"memory:{trainee_id}/{case_id}")

    def save(self, responses: Responses) -> Responses:
        check_trainee_id(responses.trainee_id)
        merged = merge_answers(self.load(responses.trainee_id, responses.case_id), responses)
        self.saved[(responses.trainee_id, responses.case_id)] = responses_json(merged)
        self.saves += 1
        return merged
