"""Read a YAML file into plain data plus the line of every dotted field.

A case author's error should point at a line, so the loader keeps the
position of each mapping key and sequence item (1-based) under its dotted
path: `exercises.2.options.0.label` -> 57.

A file that is not YAML gets one problem said for a case author: a tab in
the indentation, or a text that needs quotes (a `: `, a ` #`, a comma in a
one-line text, a `%` or a quote mark first), with the line written the way
that parses. The quoted form is offered only if the file then parses past
that line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError, Problem


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    # libyaml parses a case file about ten times faster than pure Python.
    pass


def _walk(node: yaml.Node, path: str, lines: dict[str, int], repeats: list[Problem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            line = key_node.start_mark.line + 1
            if child in seen:  # YAML would keep only the last of the two, silently
                repeats.append(_repeated_key(child, str(key_node.value), seen[child], line))
            seen[child] = line
            lines[child] = line
            _walk(value_node, child, lines, repeats)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}.{index}" if path else str(index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines, repeats)


def _repeated_key(field: str, key: str, first: int, line: int) -> Problem:
    return Problem(
        field,
        key,
        f"each key once where it stands ({key!r} is also on line {first}; YAML keeps only the last of the two)",
        line,
        "Give one of them another name, or merge the two into one.",
    )


def read_yaml(path: Path, error: type[DataFileError]) -> tuple[Any, dict[str, int]]:
    """The data in `path` and a map from dotted field to line number.

    Raises `error` (a DataFileError subclass) naming the line for a file that
    is not readable, not YAML, or repeats a key.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(
            "",
            f"a character that is not UTF-8 (byte {exc.start})",
            "a file saved as UTF-8",
            line,
            "Save the file again with the encoding UTF-8 (in your editor's Save As dialog or its Encoding menu); "
            "files saved as GBK or ANSI show Chinese as unreadable bytes.",
        )
        raise error(path, [problem]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(path, [Problem("", "an empty file", "a YAML mapping")])
        lines: dict[str, int] = {}
        repeats: list[Problem] = []
        _walk(node, "", lines, repeats)
        if repeats:
            raise error(path, repeats)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise error(path, [yaml_problem(text, exc)]) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise error(path, [Problem("", type(data).__name__, "a YAML mapping of fields", 1)])
    return data, lines


# --- a YAML error in a case author's words ------------------------------------------------------------

#: Characters YAML reserves at the start of a plain (unquoted) text.
_RESERVED_FIRST = "%@`!&*|>{}[]'\""
_BLOCK = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?P<key>[^\s:#{}\[\],'\"][^:#{}\[\],]*?):[ \t]+)(?P<value>.*?)\s*$")
_ITEM = re.compile(r"^(?P<lead>\s*-\s+)(?P<value>[^{\[].*?)\s*$")
# a text on one line, {en: ..., zh: ...}, possibly inside an option: - {value: a, label: {en: ..., zh: ...}}
_PAIR = re.compile(
    r"^(?P<lead>.*?\{\s*)(?P<k1>en|zh):[ \t]+(?P<v1>.*?)(?P<mid>\s*,\s*)"
    r"(?P<k2>en|zh):[ \t]+(?P<v2>.*?)(?P<tail>\s*\}+\s*)$"
)
_OUTER_KEY = re.compile(r"^\s*(?:-\s+)?(?:\{\s*)?(?P<key>[\w-]+):")


def _why_quotes(value: str, one_line_text: bool) -> str:
    """Why `value` cannot stand without quotes ('' if it can)."""
    if not value:
        return ""
    if value[0] in "'\"" and not (len(value) > 1 and value[-1] == value[0]):
        return f"it starts with a quote mark ({value[0]}) but does not end with one"
    if (value[0] in _RESERVED_FIRST and value[0] not in "'\"") or value.startswith(("- ", "? ")):
        return f"it starts with {value[0]!r}"
    if ": " in value or value.endswith(":"):
        return "it holds a colon followed by a space"
    if " #" in value:
        return "it holds ' #', which YAML reads as the start of a comment"
    if one_line_text and any(c in value for c in ",{}[]"):
        return "it holds a comma or a brace, which end a text written on one line"
    return ""


def _quoted(value: str) -> str:
    # double quotes unless the text holds one; YAML's single quotes write a single quote twice
    if '"' in value:
        return "'" + value.replace("'", "''") + "'"
    return '"' + value.replace("\\", "\\\\") + '"'


def _repairs(line: str) -> list[tuple[str, str, str, str]]:
    """Ways to write `line` with its texts quoted: (new line, field on the line, the text, why it needs quotes)."""
    found = []
    pair = _PAIR.match(line)
    if pair:
        outer = re.search(r"([\w-]+):\s*\{\s*$", pair["lead"])  # the key the text belongs to: label in {label: {en:
        prefix = f"{outer[1]}." if outer else ""
        parts = pair.groupdict()
        for key, value in (("k1", "v1"), ("k2", "v2")):
            reason = _why_quotes(parts[value], one_line_text=True)
            if reason:
                fixed = {**parts, value: _quoted(parts[value])}
                new = "{lead}{k1}: {v1}{mid}{k2}: {v2}{tail}".format(**fixed)
                found.append((new, prefix + parts[key], parts[value], reason))
        return found
    for pattern in (_BLOCK, _ITEM):
        match = pattern.match(line)
        if match and not match["value"].startswith(("{", "[", "|", ">")):
            reason = _why_quotes(match["value"], one_line_text=False)
            if reason:
                field = match.groupdict().get("key") or ""
                found.append((match["lead"] + _quoted(match["value"]), field, match["value"], reason))
            break
    return found


def _parses_past(lines: list[str], number: int, new: str, before: int) -> bool:
    """True if the text with line `number` (0-based) replaced parses, or fails only later than `before`."""
    changed = [*lines[:number], new, *lines[number + 1 :]]
    try:
        yaml.load("\n".join(changed), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark is not None and mark.line > before
    except yaml.YAMLError:
        return False
    return True


def _unclosed(line: str) -> str:
    """The closing braces and brackets `line` lacks ('' if it closes what it opens). Quotes count only where
    YAML reads them as quotes, at the start of a value; a `#` after a space starts a comment."""
    stack: list[str] = []
    quote = ""
    before = " "  # the last character that is not a space
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and before in ":{[,- ":
            quote = char
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack and stack[-1] == char:
            stack.pop()
        elif char == "#" and (index == 0 or line[index - 1] == " "):
            break
        if not char.isspace():
            before = char
    return "".join(reversed(stack))


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indent_problem(lines: list[str], at: int, problem: str) -> Problem | None:
    """A line indented unlike the list or fields it belongs to, where YAML's complaint points there."""
    if not 0 < at < len(lines):
        return None
    above = next((n for n in range(at - 1, -1, -1) if lines[n].strip() and not lines[n].lstrip().startswith("#")), None)
    if above is None:
        return None
    mine, theirs = _indent(lines[at]), _indent(lines[above])
    lost = problem.startswith(("did not find expected key", "did not find expected '-'", "expected <block end>"))
    deeper = (
        problem.startswith("mapping values are not allowed")
        and mine > theirs
        and not lines[above].rstrip().endswith(":")
    )
    if not (lost or deeper) or mine == theirs:
        return None
    return Problem(
        "",
        f"a line indented by {_spaces(mine)}",
        "the indentation of the list or fields it belongs to",
        at + 1,
        f"Line {above + 1} above it is indented by {_spaces(theirs)}: the items of one list, and the fields of one "
        "mapping, start at the same column.",
    )


def yaml_problem(text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """The problem of a file YAML cannot read, with what to write instead where that can be worked out."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    at = mark.line if mark else 0
    context = exc.context_mark.line if exc.context_mark else at
    near = sorted({n for n in (at, context, at - 1) if 0 <= n < len(lines)}, key=lambda n: (n != at, -n))
    for number in near:
        if "\t" in lines[number][: len(lines[number]) - len(lines[number].lstrip())]:
            key = _OUTER_KEY.match(lines[number].replace("\t", " "))
            return Problem(
                key["key"] if key else "",
                "a tab in the indentation",
                "spaces: YAML indents with spaces only",
                number + 1,
                "Replace the tab at the start of this line with spaces, as many as the lines around it use.",
            )
    for number in near:
        for new, field, value, reason in _repairs(lines[number]):
            if _parses_past(lines, number, new, max(at, context)):
                return Problem(
                    field,
                    value,
                    f"a text in quotes, because {reason}",
                    number + 1,
                    f"Write: {new.strip()}",
                )
    for number in near:
        unclosed = _unclosed(lines[number])
        if unclosed and _parses_past(lines, number, lines[number].rstrip() + unclosed, max(at, context)):
            key = _OUTER_KEY.match(lines[number])
            opened = "{" if unclosed[0] == "}" else "["
            return Problem(
                key["key"] if key else "",
                opened,
                f"{unclosed} at the end of the line, to close the {opened} it opens",
                number + 1,
                f"Write: {lines[number].strip()}{unclosed}",
            )
    indented = _indent_problem(lines, at, str(exc.problem or ""))
    if indented is not None:
        return indented
    found = lines[at].strip() if at < len(lines) else ""
    expected = f"valid YAML ({exc.problem or exc.context}"
    if str(exc.problem).startswith("but ") and exc.context:  # "expected a single document ..., but found another"
        expected = f"valid YAML ({exc.context}, {exc.problem}"
    elif exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
        expected += f"; {exc.context} at line {exc.context_mark.line + 1}"
    return Problem(
        "",
        found,
        expected + ")",
        at + 1 if mark else None,
        "Check the indentation (spaces, the same for fields at the same level), and put in quotes a text that "
        "holds ': ' or ' #', starts with a quote mark or one of % @ ` ! & * ? - { [, "
        "or holds a comma inside {en: ..., zh: ...}.",
    )
