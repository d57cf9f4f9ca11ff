"""Read a YAML file into plain data plus the line of every dotted field.

A case author's error should point at a line, so the loader keeps the
position of each mapping key and sequence item (1-based) under its dotted
path: `exercises.2.options.0.label` -> 57.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DataFileError, Problem


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    # libyaml parses a case file about ten times faster than pure Python.
    pass


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = f"{path}.{key_node.value}" if path else str(key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}.{index}" if path else str(index)
            lines[child] = item.start_mark.line + 1
            _walk(item, child, lines)


def read_yaml(path: Path, error: type[DataFileError]) -> tuple[Any, dict[str, int]]:
    """The data in `path` and a map from dotted field to line number.

    Raises `error` (a DataFileError subclass) naming the line for a file that
    is not readable or not YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(path, [Problem("", f"byte {exc.start}", "UTF-8 text")]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(path, [Problem("", "an empty file", "a YAML mapping")])
        lines: dict[str, int] = {}
        _walk(node, "", lines)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        found = text.splitlines()[mark.line].strip() if mark and mark.line < len(text.splitlines()) else ""
        expected = f"valid YAML ({exc.problem or exc.context}"
        if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            expected += f"; {exc.context} at line {exc.context_mark.line + 1}"
        expected += ")"
        raise error(
            path,
            [Problem("", found, expected, line)],
            "Check indentation, and quote texts that contain ':', '?', '#' or braces.",
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise error(path, [Problem("", type(data).__name__, "a YAML mapping of fields", 1)])
    return data, lines
