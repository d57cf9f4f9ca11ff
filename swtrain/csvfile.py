"""Every CSV file swtrain writes, written one way: no cell a spreadsheet would run as a formula.

Instructors open gradebooks, problem lists and LMS exports in Excel, LibreOffice
or Google Sheets, which treat a cell starting with `=`, `+`, `-` or `@` (or a
tab or carriage return before one) as a formula. A trainee id, a file name
or a free-text fragment could carry one (`=HYPERLINK(...)`), so such a cell
gets a leading apostrophe, as OWASP's CSV-injection rule says: the sheet
shows the text and runs nothing. Plain numbers (`-1.5`) and a lone `-` (Moodle's "no grade") are left as
they are.
A file name that is not valid UTF-8 is written with its odd bytes escaped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> str:
    """`value` as a cell's text that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and len(text) > 1 and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(path: Path, header: Iterable[object] | None, rows: Iterable[Iterable[object]]) -> None:
    """Write `header` (if any) and `rows` to `path` as UTF-8 CSV, every cell made safe."""
    # a file name's undecodable bytes (lone surrogates) become \udcNN text instead of failing the whole file
    with path.open("w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
        writer = csv.writer(handle)
        if header is not None:
            writer.writerow([safe_cell(c) for c in header])
        writer.writerows([safe_cell(c) for c in row] for row in rows)
