"""Collect answer files from the home folders of a course server into a folder `swtrain grade` reads.

    collect(HOMES, SUBMISSIONS) ->
        SUBMISSIONS/<user>/<case_id>.json     each user's answer files, byte for byte
        SUBMISSIONS/collect_problems.csv      every file or user not collected, with the reason and a hint

Each user's answers are read from `<HOMES>/<user>/<course_dir>/responses/`,
where the module notebooks save them once the course folder is pulled into
the home (nbgitpuller). The user (the folder's owner) is the trainee: a file
that names another trainee is not collected.

Users control everything inside their home, so nothing there is trusted:
no symbolic link is followed at any depth (each folder is opened relative to
its parent with O_NOFOLLOW, so a link swapped in mid-walk is not followed
either), only regular files of at most 5 MB that are valid answer files are
copied, and one bad file or unreadable home never stops the collection.

Reading other users' homes needs the instructor's rights (root, or a group
with read access to the homes); this module never asks for more rights than
the process has: a home it may not read is listed as a problem.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .csvfile import write_csv
from .errors import NotCollected, SwtrainError
from .store import check_trainee_id, max_answer_bytes, read_submission, write_atomic

DEFAULT_COURSE_DIR = "course/notebooks"
PROBLEMS_FILE = "collect_problems.csv"

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
# O_NONBLOCK: opening a FIFO a user left in place of a file must not hang the collection.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_ASK_FOR_RIGHTS = "Run swtrain collect as the instructor account (root, or a group with read access to the homes)."


@dataclass(frozen=True)
class CollectProblem:
    """A user or a file that was not collected: whose, where (relative to HOMES), why, and what to do."""

    user: str
    path: str
    reason: str
    hint: str


@dataclass
class Collection:
    """What one run did: the users read, the files copied or already up to date, and the problems.

    `nothing_collected` names the users with no valid answer file: those who
    have not answered yet, and those whose every file or whose home is a problem.
    """

    out: Path
    users: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    nothing_collected: list[str] = field(default_factory=list)
    problems: list[CollectProblem] = field(default_factory=list)

    @property
    def problems_file(self) -> Path:
        return self.out / PROBLEMS_FILE


def check_course_dir(course_dir: str) -> PurePosixPath:
    """`course_dir` as a relative path inside a home, or SwtrainError."""
    path = PurePosixPath(course_dir)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise SwtrainError(
            f"Course folder {course_dir!r} is not a relative path inside a home.",
            f"Give the folder the course was pulled into, relative to the home, such as {DEFAULT_COURSE_DIR!r}.",
        )
    return path


def read_users_file(path: Path) -> list[str]:
    """User names from a file, one a line; blank lines and '#' comments are ignored."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def home_users(homes: Path) -> list[str]:
    """Every folder name in `homes` (not hidden), sorted: the users a collection reads by default."""
    with os.scandir(homes) as entries:
        return sorted(e.name for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))


def collect(
    homes: Path, out: Path, *, course_dir: str = DEFAULT_COURSE_DIR, users: Iterable[str] | None = None
) -> Collection:
    """Copy each user's answer files from `homes` into `out/<user>/`, and write `out/collect_problems.csv`.

    Files whose bytes are already in `out` are left alone, so a second run
    copies only what changed. A file that is now rejected keeps its earlier,
    valid copy in `out` (the last good hand-in).
    """
    course = check_course_dir(course_dir)
    max_answer_bytes()  # a bad $SWTRAIN_MAX_ANSWER_BYTES stops here, before any home is read
    names = home_users(homes) if users is None else list(dict.fromkeys(users))
    out.mkdir(parents=True, exist_ok=True)
    result = Collection(out=out)
    for user in names:
        result.users.append(user)
        try:
            check_trainee_id(user)
            found = list(_answer_files(homes, user, course, result.problems))
        except SwtrainError as exc:  # a user name that is no trainee id, or a home that is not collected
            found = []
            result.problems.append(CollectProblem(user, user, exc.message, exc.hint))
        except OSError as exc:  # the home changed under the walk: this user is listed, the others collected
            found = []
            result.problems.append(CollectProblem(user, user, f"the home could not be read: {exc.strerror}", ""))
        if not found:
            result.nothing_collected.append(user)
        for case_id, data in found:
            target = out / user / f"{case_id}.json"
            where = f"{user}/{case_id}.json"
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                result.unchanged.append(where)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
            result.copied.append(where)
    _write_problems(result.problems_file, result.problems)
    return result


def _answer_files(
    homes: Path, user: str, course: PurePosixPath, problems: list[CollectProblem]
) -> Iterator[tuple[str, bytes]]:
    """(case_id, bytes) of each valid answer file of `user`; every file passed over is added to `problems`."""
    responses = course / "responses"
    fd = _open_dir(str(homes / user), None, f"the home folder of {user!r}")
    try:
        for part in responses.parts:
            try:
                inner = _open_dir(part, fd, f"{user}/{part}")
            except FileNotFoundError:
                return  # never opened the course, or answered nothing yet
            os.close(fd)
            fd = inner
        for entry in _sorted_entries(fd):
            where = f"{user}/{responses}/{entry.name}"
            if entry.is_symlink():
                problems.append(CollectProblem(user, where, "a symbolic link (never followed)", _LINK_HINT))
            elif not entry.is_dir(follow_symlinks=False):
                problems.append(CollectProblem(user, where, "a file outside any trainee folder", _PLACE_HINT))
            else:
                yield from _trainee_folder(fd, entry.name, user, f"{user}/{responses}", problems)
    finally:
        os.close(fd)


_LINK_HINT = "Answer files are copied only as real files; a link could point into another user's home."
_PLACE_HINT = "Answer files live in responses/<trainee_id>/<case_id>.json; this was left alone."


def _trainee_folder(
    parent: int, name: str, user: str, where: str, problems: list[CollectProblem]
) -> Iterator[tuple[str, bytes]]:
    try:
        fd = _open_dir(name, parent, f"{where}/{name}")
    except NotCollected as exc:
        problems.append(CollectProblem(user, f"{where}/{name}", exc.message, exc.hint))
        return
    except FileNotFoundError:
        problems.append(CollectProblem(user, f"{where}/{name}", "removed while collecting", ""))
        return
    try:
        for entry in _sorted_entries(fd):
            path = f"{where}/{name}/{entry.name}"
            try:
                yield _answer_file(fd, entry, user, name)
            except NotCollected as exc:
                problems.append(CollectProblem(user, path, exc.message, exc.hint))
    finally:
        os.close(fd)


def _answer_file(folder: int, entry: os.DirEntry[str], user: str, trainee_folder: str) -> tuple[str, bytes]:
    """(case_id, bytes) of one answer file, or NotCollected saying why it is not collected."""
    if entry.is_symlink():
        raise NotCollected("a symbolic link (never followed)", _LINK_HINT)
    if not entry.name.endswith(".json"):
        raise NotCollected("not an answer file (.json)", "Only <case_id>.json files are collected.")
    try:
        fd = os.open(entry.name, _FILE_FLAGS, dir_fd=folder)
    except OSError as exc:
        raise _skip_for(exc) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # a folder or a pipe named *.json
        os.close(fd)
        raise NotCollected("not a regular file", "Only <case_id>.json files are collected.")
    with os.fdopen(fd, "rb") as handle:
        limit = max_answer_bytes()
        if info.st_size > limit:
            raise NotCollected(
                f"the file is {info.st_size:,} bytes; an answer file is at most {limit:,} bytes",
                "This is not an answer file saved by swtrain.",
            )
        data = handle.read(info.st_size + 1)  # its own size and a byte more: never a limit-sized buffer per file
    if len(data) > limit:  # it grew while being read
        raise NotCollected(f"the file is over {limit:,} bytes", "This is not an answer file saved by swtrain.")
    try:
        responses, _ = read_submission(data, entry.name)
    except SwtrainError as exc:
        raise NotCollected(f"not a valid answer file: {exc.message}", exc.hint) from None
    case_id = entry.name.removesuffix(".json")
    if trainee_folder != user and responses.trainee_id == user:
        raise NotCollected(
            f"the folder {trainee_folder!r} holds answers of {user!r}",
            f"Answers belong in responses/{user}/; the notebook saves them there when trainee_id = {user!r}.",
        )
    if responses.trainee_id != user:
        raise NotCollected(
            f"the file holds answers of trainee {responses.trainee_id!r}; this home belongs to {user!r}",
            f"The trainee sets trainee_id = {user!r} (their user name) in the notebook's first cell and answers again.",
        )
    if responses.case_id != case_id:
        raise NotCollected(
            f"the file {entry.name!r} holds answers to case {responses.case_id!r}",
            "Each answer file is named after its case; the notebook saves it so.",
        )
    return case_id, data


def _open_dir(name: str, dir_fd: int | None, what: str) -> int:
    """A descriptor of folder `name` (relative to `dir_fd`), never through a link; NotCollected if it is not one."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        if dir_fd is None:
            raise NotCollected(f"{what} does not exist", "Check the user name and HOMES.") from None
        raise
    except OSError as exc:
        raise _skip_for(exc, what) from None


def _skip_for(exc: OSError, what: str = "the file") -> NotCollected:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return NotCollected(f"{what} cannot be read (permission denied)", _ASK_FOR_RIGHTS)
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW refused a link, or a file stands for a folder
        return NotCollected(f"{what} is a symbolic link or not a folder (never followed)", _LINK_HINT)
    return NotCollected(f"{what} cannot be read: {exc.strerror}", _ASK_FOR_RIGHTS)


def _sorted_entries(fd: int) -> list[os.DirEntry[str]]:
    """The entries of an open folder, hidden ones (temporary files of an interrupted save) left out."""
    with os.scandir(fd) as entries:
        return sorted((e for e in entries if not e.name.startswith(".")), key=lambda e: e.name)


def _write_problems(path: Path, problems: list[CollectProblem]) -> None:
    write_csv(path, ["user", "path", "reason", "hint"], ((p.user, p.path, p.reason, p.hint) for p in problems))
