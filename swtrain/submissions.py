"""Read collected answer files one at a time: a folder as collected, a flat folder, or a .zip of either.

Layouts: `<trainee_id>/<case_id>.json` (as `swtrain collect` and the notebooks
write them) or any `*.json` in one folder. Nothing is extracted from a zip:
each member is read into memory only if its name stays inside the archive
and its size is within the limit. Files are yielded one by one, so a cohort
of any size is never held in memory at once.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .store import MAX_ANSWER_FILE_BYTES


@dataclass(frozen=True)
class Submission:
    """One answer file's bytes, where it came from, and the trainee its folder names (if any)."""

    source: str
    folder: str | None
    data: bytes


@dataclass(frozen=True)
class Unreadable:
    """A file that could not even be read as an answer file."""

    source: str
    error: str
    hint: str


Item = Submission | Unreadable


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
        f"the file is {size:,} bytes; an answer file is at most {MAX_ANSWER_FILE_BYTES:,} bytes",
        "This is not an answer file saved by swtrain; ask the trainee to submit the .json file again.",
    )


def _from_folder(root: Path) -> Iterator[Item]:
    for path in sorted(root.rglob("*.json")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue  # temporary files of an interrupted save, editor backups
        source = str(relative)
        folder = relative.parts[0] if len(relative.parts) == 2 else None
        if len(relative.parts) > 2:
            yield Unreadable(
                source, "nested deeper than <trainee_id>/<case_id>.json", "Collect into one folder per trainee."
            )
            continue
        if path.is_symlink():
            yield Unreadable(source, "a symbolic link", "Copy the file itself into the submissions folder.")
            continue
        size = path.stat().st_size
        if size > MAX_ANSWER_FILE_BYTES:
            yield _too_big(source, size)
            continue
        yield Submission(source, folder, path.read_bytes())


def _from_zip(archive: Path) -> Iterator[Item]:
    with zipfile.ZipFile(archive) as zf:
        root = _common_root(zf)
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            name = info.filename
            source = f"{archive.name}:{name}"
            parts = PurePosixPath(name).parts
            if _escapes(name):
                yield Unreadable(source, "the entry points outside the archive", "Rebuild the .zip from the folder.")
                continue
            if not name.endswith(".json") or any(p.startswith((".", "__MACOSX")) for p in parts):
                continue
            if len(parts) > 3 or (len(parts) == 3 and parts[0] != root):
                yield Unreadable(
                    source, "nested deeper than <trainee_id>/<case_id>.json", "Collect into one folder per trainee."
                )
                continue
            inner = parts[1:] if len(parts) == 3 else parts
            if info.file_size > MAX_ANSWER_FILE_BYTES:
                yield _too_big(source, info.file_size)
                continue
            with zf.open(info) as handle:
                data = handle.read(MAX_ANSWER_FILE_BYTES + 1)
            if len(data) > MAX_ANSWER_FILE_BYTES:  # the header understated the size
                yield _too_big(source, len(data))
                continue
            yield Submission(source, inner[0] if len(inner) == 2 else None, data)


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
