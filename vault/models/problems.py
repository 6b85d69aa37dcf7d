"""A pydantic ValidationError as plain words: one line per problem, naming the field, never the
value, and never a regular expression, pydantic's own wording or Python exception text.

Pure: takes an error, returns text. The services raise :class:`vault.errors.ValidationError` with
:func:`describe_problems`; :func:`problem_lines` is for a caller that lists them one per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pydantic

from vault.models.case import CASE_ID_PATTERN

#: What a value held to a pattern must look like, in words. A pattern not listed here is
#: described as "is not in the expected form": the pattern itself is never shown.
PATTERN_WORDS: dict[str, str] = {
    CASE_ID_PATTERN: "capital letters, digits and hyphens, 3-41 characters, starting with a "
    "letter or digit",
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$": "a date as YYYY, YYYY-MM or YYYY-MM-DD",
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$": "a date as YYYY-MM-DD",
    r"^[0-9A-Za-z]+$": "letters and digits only, no spaces or punctuation",
}

# A location part that names a field or an item; anything else (pydantic's names for union
# members and validators, such as "function-after[...]") is left out.
_FIELD_PART = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Each pydantic error type, in words; "{x}" is filled from the error's context (limits and
# allowed values, which come from the schema, never from the input).
_WORDS: dict[str, str] = {
    "missing": "is required",
    "extra_forbidden": "is not a field here",
    "string_type": "must be text",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "is too long (at most {max_length} characters)",
    "string_unicode": "must be text (UTF-8)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be an object with named parts",
    "model_type": "must be an object with named parts",
    "model_attributes_type": "must be an object with named parts",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
    "date_type": "must be a date as YYYY-MM-DD",
    "date_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_parsing": "must be a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date as YYYY-MM-DD, without a time",
    "datetime_type": "must be a date and time",
    "datetime_parsing": "must be a date and time",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "json_invalid": "is not valid JSON",
    "json_type": "must be JSON text",
    "frozen_instance": "cannot be changed",
    "frozen_field": "cannot be changed",
    "union_tag_invalid": "is not one of the allowed kinds",
    "union_tag_not_found": "does not say which kind it is",
    "recursion_loop": "nests too deeply",
}

_GENERIC = "is not valid here"


def _place(loc: tuple[int | str, ...]) -> str:
    """``("sources", 2, "real_name")`` as ``sources[2].real_name``; "the record" when empty."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _FIELD_PART.fullmatch(part):
            out += f".{part}" if out else part
    return out or "the record"


def _expected(ctx: Mapping[str, Any]) -> str:
    # pydantic writes "'a', 'b' or 'c'"; the quotes and "or" are its wording, the names are ours.
    names = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    return ", ".join(names) if names else "the allowed values"


def _words(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(str(ctx.get("pattern", "")))
        return f"must be {words}" if words else "is not in the expected form"
    if kind in ("value_error", "assertion_error"):
        # Raised by our own validators, whose messages name the rule and never the value
        # (see vault/errors.py). Only the text of the ValueError is used, never its repr.
        err = ctx.get("error")
        text = str(err) if isinstance(err, (ValueError, AssertionError)) else ""
        return text.strip().splitlines()[0] if text.strip() else _GENERIC
    template = _WORDS.get(kind)
    if template is None:
        return _GENERIC
    if kind in ("enum", "literal_error"):
        return template.format(expected=_expected(ctx))
    try:
        return template.format(**{k: str(v) for k, v in ctx.items()})
    except (KeyError, IndexError):
        return _GENERIC


def problem_lines(e: pydantic.ValidationError) -> list[str]:
    """Every problem of ``e``, one line each ("field: what is wrong"), in order, without
    repeats. Never holds the value that was given."""
    lines: list[str] = []
    for error in e.errors(include_url=False, include_input=False):
        line = f"{_place(tuple(error['loc']))}: {_words(error)}"
        if line not in lines:
            lines.append(line)
    return lines


def describe_problems(e: pydantic.ValidationError, where: str = "") -> str:
    """All problems of ``e`` as one line for an error message: ``where`` (e.g. "row 4: "), then
    each problem, separated by "; "."""
    lines = problem_lines(e)
    if len(lines) == 1:
        return f"{where}{lines[0]}"
    return f"{where}{len(lines)} problems: " + "; ".join(lines)
