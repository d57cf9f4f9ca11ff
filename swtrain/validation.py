"""pydantic's validation errors as Problems a case author reads: the dotted field, the value, what was expected in
words and what to write instead.

    "string_pattern_mismatch" on an id   -> "an id of lower-case letters, digits and hyphens, for example 'c'"
    "union_tag_invalid" on an exercise    -> its `type` field: "one of the types ...". Did you mean 'single_choice'?
    "extra_forbidden"                     -> "no such field here". Did you mean 'prompt'?
    "value_error_at" (fields.error_at)    -> the field a model's validator names, with its own words and hint
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .errors import Problem, did_you_mean, nearest_line


def problem_from_pydantic(err: Any, lines: dict[str, int] | None = None) -> Problem:
    """One of pydantic's errors as a Problem: the dotted field, the value, what was expected in words."""
    loc = [str(part) for part in err["loc"] if not _is_union_tag(part)]
    context = err.get("ctx") or {}
    value = None if err["type"] == "missing" else err.get("input")
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):  # the kind is named by a field: point at it
        loc.append(str(context.get("discriminator", "type")).strip("'"))
        value = context.get("tag")
    elif err["type"] == "value_error_at":  # a model's validator naming one of its fields (fields.error_at)
        loc.extend(part for part in str(context["field"]).split(".") if part)
        value = context["value"]
    field = ".".join(loc)
    expected, hint = _expected(err, value)
    line = nearest_line(lines, field)
    if context.get("near") and lines is not None and field not in lines:
        line = nearest_line(lines, ".".join([*loc[: -len(str(context["field"]).split("."))], context["near"]]))
    return Problem(field, value, expected, line, hint)


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the discriminator value or model name in the location of
    # union members ("single_choice", "function-after[...]"); a field path
    # reads better without them.
    text = str(part)
    return text.endswith("]") or text in _union_tags()


@lru_cache(maxsize=1)
def _union_tags() -> frozenset[str]:
    from .exercises import KINDS  # only once a validation error is being described

    scalars = {"DataStat", "str", "float", "int", "list[str]", "dict[str,str]", "dict[str,dict[str,str]]"}
    return frozenset(KINDS) | scalars


#: pydantic's error types in a case author's words.
_IN_WORDS = {
    "float_parsing": "a number, such as 2 or 1.5",
    "float_type": "a number, such as 2 or 1.5",
    "int_parsing": "a whole number, such as 3",
    "int_type": "a whole number, such as 3",
    "int_from_float": "a whole number, such as 3",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "a text",
    "list_type": "a list: one line per item, each starting with '- ' (or [a, b] on one line)",
    "tuple_type": "a list: one line per item, each starting with '- ' (or [a, b] on one line)",
    "dict_type": "fields of its own, indented under it (name: value)",
    "model_type": "fields of its own, indented under it (name: value)",
    "model_attributes_type": "fields of its own, indented under it (name: value)",
    "string_too_short": "a text that is not empty",
    "missing": "a value (this field is required)",
}
_BOUNDS = {
    "greater_than": "a number greater than {gt}",
    "greater_than_equal": "a number of at least {ge}",
    "less_than": "a number less than {lt}",
    "less_than_equal": "a number of at most {le}",
    "string_too_long": "a text of at most {max_length} characters",
    "too_short": "at least {min_length} item(s)",
    "too_long": "at most {max_length} item(s)",
}
#: What YAML reads as true or false when it is not in quotes.
_YAML_BOOLEANS = "yes, no, on, off, true and false"


def _expected(err: Any, value: Any) -> tuple[str, str]:
    """What was expected, and a hint with what to write (or '')."""
    kind = err["type"]
    context = err.get("ctx") or {}
    if kind == "value_error_at":
        return str(context["expected"]), str(context.get("hint") or "")
    if kind == "extra_forbidden":
        name = str(err["loc"][-1]) if err["loc"] else ""
        close = did_you_mean(name, _field_names())
        return "no such field here", close or "Check its spelling and indentation; `swtrain schema` lists the fields."
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = [t.strip().strip("'") for t in str(context.get("expected_tags", "")).split(",") if t.strip()]
        tags = tags or sorted(_kind_names())
        return f"one of the types {', '.join(tags)}", did_you_mean(str(value), tags) if value else ""
    if kind == "literal_error":
        options = str(context.get("expected", ""))
        known = [o.strip().strip("'") for o in options.replace(" or ", ",").split(",") if o.strip()]
        hint = did_you_mean(str(value), known) if isinstance(value, str) else ""
        return (f"one of {options}" if len(known) > 1 else options), hint
    if kind == "string_pattern_mismatch":
        from .fields import in_words  # fields knows what its patterns mean

        return in_words(str(context.get("pattern")), value) or f"a text of the form {context.get('pattern')}", ""
    if kind == "model_type" and context.get("class_name") == "Text":
        written = f"{value}" if isinstance(value, str) else "..."
        return "a text in both languages, {en: ..., zh: ...}", f"Write it as {{en: {written}, zh: ...}}."
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        hint = "Put it in quotes to keep it as written."
        if isinstance(value, bool):
            hint = f"YAML reads {_YAML_BOOLEANS} as true or false: put the word in quotes."
        return "a text", hint
    if kind in _IN_WORDS:
        return _IN_WORDS[kind], ""
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(**{k: f"{v:g}" if isinstance(v, float) else v for k, v in context.items()}), ""
    msg = err["msg"]
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :], ""
    return (msg[0].lower() + msg[1:] if msg else kind), ""


@lru_cache(maxsize=1)
def _field_names() -> tuple[str, ...]:
    """Every field name of a case or key file, for 'Did you mean ...?' under a misspelt one."""
    from .models import Case, Key  # only once a validation error is being described

    names: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            names.update(str(n) for n in (schema.get("properties") or {}))
            for value in schema.values():
                walk(value)
        elif isinstance(schema, list):
            for value in schema:
                walk(value)

    for model in (Case, Key):
        walk(model.model_json_schema(mode="validation"))
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def _kind_names() -> frozenset[str]:
    from .exercises import KINDS

    return frozenset(KINDS)
