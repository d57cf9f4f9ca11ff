"""Read collected answer files one at a time: a folder as collected, a flat folder, or a .zip of either.

Layouts: `<trainee_id>/<case_id>.json` (as `swtrain collect` and the notebooks
write them) or any `*.json` in one folder. Nothing is extracted from a zip:
each member is read into memory only if its name stays inside the archive
and its size is within the limit. Files are yielded one by one, so a cohort
of any size is never held in memory at once.

Whatever is in the folder, every entry that could hold answers comes back:
as a Submission, or as Unreadable with the reason in words (a folder or a
pipe named like an answer file, a link, a file that cannot be read, a zip
member that is damaged, encrypted or compressed in a way Python cannot
read). Hidden and linked folders are listed as skipped. Only the store's own
hidden files (`.<case>.json.lock`, temporary files of a save) and files not
named `*.json` pass without a line.
"""

from __future__ import annotations

import errno
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .store import max_answer_bytes


@dataclass(frozen=True)
class Submission:
    """One answer file's bytes, where it came from, and the trainee its folder names (if any)."""

    source: str
    folder: str | None
    data: bytes


@dataclass(frozen=True)
class Unreadable:
    """A file that could not even be read as an answer file (or, `skipped`, a folder left out on purpose)."""

    source: str
    error: str
    hint: str
    skipped: bool = False


Item = Submission | Unreadable

_NESTED = ("nested deeper than <trainee_id>/<case_id>.json", "Collect into one folder per trainee.")
_FOLDER = ("a folder named like an answer file", "Answer files are files; this folder was not read.")
_LINK = ("a symbolic link", "Copy the file itself into the submissions folder.")
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def iter_submissions(path: Path) -> Iterator[Item]:
    """Every answer file under `path` (folder or .zip), in a stable order."""
    if path.is_file() and zipfile.is_zipfile(path):
        yield from _from_zip(path)
    elif path.is_dir():
        yield from _from_folder(path)
    else:
        yield Unreadable(str(path), "not a folder or a .zip file", "Give the folder or the .zip you collected.")


def _too_big(source: str, size: int) -> Unreadable:
    return Unreadable(
        source,
        f"the file is {size:,} bytes; an answer file is at most {max_answer_bytes():,} bytes",
        "This is not an answer file saved by swtrain; ask the trainee to submit the .json file again.",
    )


def _cannot_read(source: str, exc: OSError) -> Unreadable:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Unreadable(source, "it cannot be read (permission denied)", "Give the grading user read access.")
    return Unreadable(source, f"it cannot be read: {exc.strerror or exc}", "Copy the file again and grade again.")


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as found:
        return sorted(found, key=lambda e: e.name)


def _from_folder(root: Path) -> Iterator[Item]:
    try:
        top = _entries(root)
    except OSError as exc:
        yield _cannot_read(str(root), exc)
        return
    for entry in top:
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            if entry.name.endswith(".json"):
                yield Unreadable(entry.name, *_FOLDER)
                continue
            yield from _trainee_folder(Path(entry.path), entry.name)
        else:
            yield from _entry(entry, entry.name, None)


def _trainee_folder(folder: Path, name: str) -> Iterator[Item]:
    try:
        inside = _entries(folder)
    except OSError as exc:
        yield _cannot_read(name, exc)
        return
    for entry in inside:
        source = f"{name}/{entry.name}"
        if entry.is_dir(follow_symlinks=False) and not entry.name.startswith("."):
            named = entry.name.endswith(".json")
            yield Unreadable(source, *(_FOLDER if named else _NESTED))
        else:
            yield from _entry(entry, source, name)


def _entry(entry: os.DirEntry[str], source: str, folder: str | None) -> Iterator[Item]:
    """What one folder entry gives: an answer file, a line saying why not, or nothing (not an answer file)."""
    hidden = entry.name.startswith(".")
    if entry.is_symlink():
        if not hidden and (entry.name.endswith(".json") or entry.is_dir()):
            yield Unreadable(source, *_LINK, skipped=entry.is_dir())
        return
    if entry.is_dir(follow_symlinks=False):
        if hidden:
            yield Unreadable(source, "a hidden folder, not read", "Answer files are not kept in hidden folders.", True)
        return
    if hidden or not entry.name.endswith(".json"):
        return  # the store's lock and temporary files, editor backups, other files
    yield _read(Path(entry.path), source, folder)


def _read(path: Path, source: str, folder: str | None) -> Item:
    try:
        fd = os.open(path, _OPEN_FLAGS)  # never blocks on a pipe, never follows a link swapped in
    except OSError as exc:
        return _cannot_read(source, exc)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Unreadable(source, "not a regular file (a pipe or a device)", "Answer files are plain files.")
        limit = max_answer_bytes()
        if info.st_size > limit:
            return _too_big(source, info.st_size)
        try:
            # ask for the file's own size (and a byte more): asking for the limit each time costs memory
            data = handle.read(info.st_size + 1)
        except OSError as exc:
            return _cannot_read(source, exc)
    if len(data) > limit:  # it grew while being read
        return _too_big(source, len(data))
    return Submission(source, folder, data)


def _from_zip(archive: Path) -> Iterator[Item]:
    # zipfile parses bytes anyone may have made: whatever it raises on them is this archive's or member's problem
    try:
        zf = zipfile.ZipFile(archive)
        root = _common_root(zf)
    except Exception as exc:  # BadZipFile, NotImplementedError (zip version), ValueError, EOFError, ...
        yield Unreadable(archive.name, f"the archive cannot be read: {exc}", "Make the .zip again from the folder.")
        return
    with zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            try:
                item = None if not info.filename or info.is_dir() else _zip_member(zf, info, archive.name, root)
            except Exception as exc:  # a member whose header zipfile cannot make sense of
                item = Unreadable(
                    f"{archive.name}:{info.filename}", f"the entry is damaged ({exc})", "Make the .zip again."
                )
            if item is not None:
                yield item


def _zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: str, root: str | None) -> Item | None:
    name = info.filename
    source = f"{archive}:{name}"
    parts = PurePosixPath(name).parts
    if _escapes(name):
        return Unreadable(source, "the entry points outside the archive", "Rebuild the .zip from the folder.")
    if not name.endswith(".json") or any(p.startswith((".", "__MACOSX")) for p in parts):
        return None
    if len(parts) > 3 or (len(parts) == 3 and parts[0] != root):
        return Unreadable(source, *_NESTED)
    inner = parts[1:] if len(parts) == 3 else parts
    limit = max_answer_bytes()
    if info.file_size > limit:
        return _too_big(source, info.file_size)
    if info.flag_bits & 0x1:
        return Unreadable(source, "the entry is encrypted", "Make the .zip again without a password.")
    try:
        with zf.open(info) as handle:
            data = handle.read(info.file_size + 1)  # a member longer than its header says is caught below
    except NotImplementedError:
        return Unreadable(source, "the entry is compressed in a way swtrain cannot read", "Use plain zip (deflate).")
    if len(data) > info.file_size:  # the header understated the size (a zip bomb's trick)
        return Unreadable(source, "the entry is longer than its header says", "Make the .zip again.")
    return Submission(source, inner[0] if len(inner) == 2 else None, data)


def _common_root(zf: zipfile.ZipFile) -> str | None:
    """The single top folder of a zip made from a collected folder (`submissions/t001/case.json`), if any."""
    tops = {
        PurePosixPath(n).parts[0]
        for n in zf.namelist()
        if n.endswith(".json") and not _escapes(n) and len(PurePosixPath(n).parts) == 3
    }
    return next(iter(tops)) if len(tops) == 1 else None


def _escapes(name: str) -> bool:
    """True for a zip entry name that would land outside the archive's folder (or names a folder with a separator)."""
    parts = PurePosixPath(name).parts
    return name.startswith(("/", "\\")) or ".." in parts or "\\" in name or bool(parts and ":" in parts[0])
