"""Text and tables for report pages, without matplotlib: what the charts and the HTML-only pages share.

    wrap(text, width, max_lines)     text broken into lines of at most `width` (a Chinese character counts 2)
    text_width(text)                 the width of a text in Latin letters
    percent(share)                   "62%"
    html_table(columns, rows, ...)   a plain HTML table: the text alternative beside a chart, or a report table

`swtrain grade` writes its item analysis page with these and never loads matplotlib.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape
from typing import Any

# A line never starts with a closing mark nor ends with an opening one (Chinese line-breaking rules).
_CLOSING = set("，。、；：！？）》」』】”’…,.;:!?)]%")
_OPENING = set("（《「『【“‘([")


# --- text --------------------------------------------------------------------


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def text_width(text: str) -> int:
    """The width of `text` in Latin letters: a Chinese character or full-width mark counts two."""
    return sum(2 if _wide(c) else 1 for c in text)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(token, had a space before it): a Latin word, or one Chinese character, with the marks that cling to it."""
    tokens: list[tuple[str, bool]] = []
    space = False
    for char in text:
        if char.isspace():
            space = True
            continue
        if tokens and not space:
            last = tokens[-1][0][-1]
            if char in _CLOSING or last in _OPENING or not (_wide(char) or _wide(last)):
                tokens[-1] = (tokens[-1][0] + char, tokens[-1][1])
                continue
        tokens.append((char, space))
        space = False
    return tokens


def wrap(text: str, width: int, max_lines: int | None = None) -> str:
    """`text` on lines of at most `width` Latin letters (a Chinese character counts two), broken between words
    or between Chinese characters, never before a closing mark. Past `max_lines` the last line ends in "…"."""
    lines: list[str] = []
    line, used = "", 0
    for token, spaced in _tokens(text):
        gap = " " if spaced and line else ""
        size = text_width(token)
        if line and used + len(gap) + size > width:
            lines.append(line)
            line, used = token, size
        else:
            line, used = line + gap + token, used + len(gap) + size
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last) + 1 > width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return "\n".join(lines)


def percent(share: float) -> str:
    """A share (0 to 1) as a whole percent, "62%"."""
    return f"{round(share * 100):d}%"


def html_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    caption: str = "",
    numeric: Sequence[bool] | None = None,
    row_headers: bool = False,
) -> str:
    """A table whose cells wrap instead of being cut: `numeric` columns right-aligned, the first column a row
    header when `row_headers`. Cells are escaped; a cell of None shows as empty."""
    numeric = numeric or [False] * len(columns)
    cell = "padding:0.3em 0.6em;border-bottom:1px solid #d4d4d8;vertical-align:top;white-space:normal;"
    cell += "overflow-wrap:anywhere;max-width:32em;text-overflow:clip;overflow:visible;"
    out = ['<table class="swtrain-table" style="border-collapse:collapse;margin:0.5em 0;table-layout:auto">']
    if caption:
        out.append(f'<caption style="text-align:left;font-weight:600;padding:0.3em 0">{escape(caption)}</caption>')
    # A short heading stays on one line (a Chinese one would otherwise break between any two characters).
    head = "".join(
        f'<th scope="col" style="{cell}text-align:{"right" if num else "left"}'
        f'{";white-space:nowrap" if text_width(name) <= 12 else ""}">{escape(name)}</th>'
        for name, num in zip(columns, numeric, strict=True)
    )
    out.append(f"<thead><tr>{head}</tr></thead><tbody>")
    for row in rows:
        cells = []
        for index, (value, num) in enumerate(zip(row, numeric, strict=True)):
            text = "" if value is None else escape(str(value))
            align = "right" if num else "left"
            if index == 0 and row_headers:
                cells.append(f'<th scope="row" style="{cell}text-align:left;font-weight:600">{text}</th>')
            else:
                keep = "white-space:nowrap;" if num else ""  # a figure never breaks ("10" over "%")
                cells.append(f'<td style="{cell}text-align:{align};{keep}">{text}</td>')
        out.append(f"<tr>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --- report pages: sections, headings and lists of flags ------------------------------------------------


SECTION = '<section style="max-width:64em;margin-bottom:2em">'
_COLOURS = {"severe": "#b91c1c", "check": "#92400e", "note": "#3f3f46"}


def paragraph(text: str) -> str:
    return f'<p style="max-width:48em">{escape(text)}</p>'


def heading(level: int, text: str) -> str:
    return f'<h{level} style="margin:1.2em 0 0.4em 0">{escape(text)}</h{level}>'


def severity_words(msg: Any, severity: str) -> str:
    return {"severe": msg("Look before grades go out"), "check": msg("Worth a look"), "note": msg("Note")}[severity]


def flag_list(flags: Sequence[tuple[str, Any]], msg: Any) -> str:
    items = "".join(
        f'<li style="margin-bottom:0.5em"><strong style="color:{_COLOURS[f.severity]}">'
        f"{escape(severity_words(msg, f.severity))}</strong> · "
        f"<strong>{escape(where)}</strong><br>{escape(f.text)}</li>"
        for where, f in flags
    )
    return f'<ul style="max-width:52em">{items}</ul>'
