"""Case text in Markdown: the HTML a trainee sees, and what in a text would not show as its author meant.

comrak (CommonMark with GitHub's tables) renders it. Its CJK-friendly emphasis
extension closes `**` between full-width punctuation and a Chinese character
("**医院：**一座" is bold as written), where CommonMark's own rules leave the
marks as typed. Raw HTML is escaped: shown as text, never run.

`problems` renders a text as `to_html` does and reads the result back: marks
still shown as typed (`**`, `__`, a lone `*`, a `#` at a line's start, a
table's `|---|` line), and bold or italic text that begins with a full stop or
a comma (its `**` paired with the wrong partner). Each problem says where in
the text and what to write instead, for a lecturer, not a programmer.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

#: Where Markdown is rendered (dotted fields, any index, without the language): every other text is plain text.
MARKDOWN_FIELDS = {
    "case.yaml": ("summary", "sections.*.body", "exercises.*.prompt", "exercises.*.scenes.*.text"),
    "key.yaml": ("exercises.*.model_answer",),
}

# Punctuation that closes or follows a phrase; bold or italic text starting with one was paired wrongly.
_CLOSING = "。，、；：！？）」』”’》〉】.,;:!?)"
_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td", "blockquote"}
_EMPHASIS = {"strong": "**", "em": "*"}


@dataclass(frozen=True)
class Problem:
    """Markdown that shows other than meant: the line within the text (from 1) and what to do, in plain words."""

    line: int
    message: str


@lru_cache(maxsize=2)
def _options(sourcepos: bool) -> tuple[Any, Any]:
    import comrak  # a compiled extension: loaded on the first text rendered, not by `import swtrain`

    extension = comrak.ExtensionOptions()
    extension.table = True
    extension.cjk_friendly_emphasis = True
    render = comrak.RenderOptions()
    render.escape = True
    render.sourcepos = sourcepos
    return extension, render


def to_html(text: str, sourcepos: bool = False) -> str:
    """`text` (Markdown) as HTML; raw HTML in it is shown as text. `sourcepos` marks each element's lines."""
    import comrak

    extension, render = _options(sourcepos)
    return str(comrak.render_markdown(text, extension_options=extension, render_options=render))


def is_markdown_field(file_name: str, field: str) -> bool:
    """True if the text at `field` (dotted, ending in its language) of `file_name` is rendered as Markdown."""
    where = field.rpartition(".")[0]
    return any(fnmatchcase(where, pattern) for pattern in MARKDOWN_FIELDS.get(file_name, ()))


def problems(text: str) -> list[Problem]:
    """What in `text` (Markdown) a reader would see other than its author meant, in the order of the text."""
    if not any(mark in text for mark in "*_#|"):
        return []  # no mark to go wrong
    reader = _Reader()
    reader.feed(to_html(text, sourcepos=True))
    reader.close()
    lines = text.splitlines()
    found: list[Problem] = []
    for line, tag, shown in reader.blocks:
        found.extend(_block_problems(line, tag, shown, lines))
    for line, tag, shown in reader.emphasis:
        first = shown.strip()[:1]
        if first and first in _CLOSING:
            mark = _EMPHASIS[tag]
            found.append(
                Problem(
                    line,
                    f"{_quote(mark + shown + mark)} is shown in {'bold' if mark == '**' else 'italics'}, starting "
                    f"with {first!r}: a {mark} is paired with the wrong partner; "
                    f"put each {mark} right before and after the words to stress",
                )
            )
    return sorted(found, key=lambda p: p.line)


def plain_text_problems(text: str) -> list[Problem]:
    """Markdown marks in a text shown as plain text, where they would show as typed."""
    if "**" not in text and "__" not in text:
        return []
    found = []
    for number, line in enumerate(_blank_runs(text, "_", 3).splitlines() or [text], start=1):
        for mark in ("**", "__"):
            if line.count(mark) >= 2:
                found.append(
                    Problem(
                        number,
                        f"{mark} shows as typed here: this text is plain text (Markdown such as {mark}bold{mark} works "
                        "only in the summary, section bodies, exercise prompts, scenario scenes and model answers)",
                    )
                )
                break
    return found


def _block_problems(line: int, tag: str, shown: str, lines: list[str]) -> list[Problem]:
    rows = shown.strip("\n").split("\n")
    for offset, row in enumerate(rows):
        cells = row.replace(" ", "")
        if "|" in cells and "---" in cells and set(cells) <= set("|-:"):
            return [Problem(line + offset, _table_message(lines, line + offset))]
    if len(rows) > 1 and all(r.strip().startswith("|") and r.strip().endswith("|") for r in rows):
        return [
            Problem(
                line,
                "these lines of | look like a table but show as typed: a table needs a line such as |---|---| "
                "under its header, and a blank line before it",
            )
        ]
    found = [
        Problem(
            line + offset,
            f"{_quote(row.strip())} shows the # as typed: a heading needs a space after its # marks (## Heading); "
            "to show a # sign, write \\#",
        )
        for offset, row in enumerate(rows)
        if tag in ("p", "li") and row.lstrip().startswith("#")
    ]
    return found + _marks_shown(line, shown.strip("\n"))


def _marks_shown(line: int, shown: str) -> list[Problem]:
    """`**`, `__` and a lone `*` left as typed in one block's text, one problem for each kind of mark."""
    found = []
    rest = _blank_runs(shown, "_", 3)  # ____ is a blank to fill in, not a mark
    for mark, what in (("**", "bold"), ("__", "bold"), ("*", "italic")):
        if mark == "*":
            places = [i for i, ch in enumerate(rest) if ch == "*" and _touches_one_side(rest, i)]
        else:
            places = [i for i in range(len(rest) - 1) if rest.startswith(mark, i) and (not i or rest[i - 1] != mark[0])]
        if places:
            at, near = line + shown[: places[0]].count("\n"), _quote(_near(shown, places[0], places[-1] + len(mark)))
            if len(places) % 2:
                message = (
                    f"{mark} shows as typed near {near}: it has no partner in this paragraph; "
                    f"{what} text needs a {mark} before it and another after it"
                )
            else:
                message = (
                    f"{mark} shows as typed near {near} instead of making {what} text: put each {mark} right "
                    f"against the words it marks ({mark}words{mark}, no space inside)"
                )
            found.append(Problem(at, message + ("; to show a star, write \\*" if mark == "*" else "")))
        rest = rest.replace(mark, " " * len(mark))
    return found


def _blank_runs(text: str, char: str, shortest: int) -> str:
    """`text` with every run of `shortest` or more `char` in a row made spaces."""
    if char * shortest not in text:
        return text
    out, run = [], 0
    for ch in [*text, ""]:
        if ch == char:
            run += 1
            continue
        out.append((" " if run >= shortest else char) * run + ch)
        run = 0
    return "".join(out)


def _touches_one_side(text: str, index: int) -> bool:
    """A lone `*` written against a word on one side only, as a mark of italics is."""
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return before.isspace() != after.isspace()


def _table_message(lines: list[str], at: int) -> str:
    header = lines[at - 2] if at >= 2 and at - 2 < len(lines) else ""
    rule = lines[at - 1] if 0 < at <= len(lines) else ""
    wanted, given = _cells(header), _cells(rule)
    counts = f" (the header has {wanted} cells, the --- line under it {given})" if wanted and wanted != given else ""
    return (
        f"this table shows as lines of | and ---{counts}: give the header, the --- line and every row "
        "the same cells, and leave a blank line before the table"
    )


def _cells(row: str) -> int:
    row = row.strip()
    if "|" not in row:
        return 0
    return len(row.removeprefix("|").removesuffix("|").split("|"))


def _near(text: str, start: int, end: int) -> str:
    """`text[start:end]` with a few characters either side, at most about 40 in all, on one line."""
    start, end = max(start - 8, 0), min(max(end + 8, start + 16), len(text), max(start - 8, 0) + 40)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def _quote(text: str) -> str:
    return f"'{text}'"


class _Reader(HTMLParser):
    """The text of each block (paragraph, list item, heading, table cell) outside code, with its first line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str, str]] = []
        self.emphasis: list[tuple[int, str, str]] = []
        self._open: list[tuple[int, str, list[str]]] = []
        self._marks: list[tuple[int, str, list[str]]] = []
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = _first_line(attrs)
        if tag in ("code", "pre"):
            self._code += 1
        elif tag in _BLOCKS:
            self._open.append((line or (self._open[-1][0] if self._open else 1), tag, []))
        elif tag in _EMPHASIS:
            self._marks.append((line or 1, tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("code", "pre"):
            self._code -= 1
        elif tag in _BLOCKS and self._open:
            self.blocks.append((self._open[-1][0], self._open[-1][1], "".join(self._open.pop()[2])))
        elif tag in _EMPHASIS and self._marks:
            line, kind, parts = self._marks.pop()
            self.emphasis.append((line, kind, "".join(parts)))

    def handle_data(self, data: str) -> None:
        if self._code:
            return
        if self._open:
            self._open[-1][2].append(data)
        for _, _, parts in self._marks:
            parts.append(data)


def _first_line(attrs: list[tuple[str, str | None]]) -> int | None:
    for name, value in attrs:
        if name == "data-sourcepos" and value:
            return int(value.split(":", 1)[0])
    return None
