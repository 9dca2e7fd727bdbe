"""What a library query is: the parsed ``.rq`` file (:class:`NamedQuery`) and its parameters.

The header format is described in :mod:`gdegraph.query.library`. These records are kept
apart from the library (which finds and caches the files) and from the binding of values
(:mod:`gdegraph.query.params`), because both of those use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from gdegraph.core.errors import InputError
from gdegraph.store.sparql_text import query_form

__all__ = ["NAME_PATTERN", "PARAM_TYPES", "NamedQuery", "Param", "check_syntax", "parse_query_file"]

PARAM_TYPES = ("string", "integer", "decimal", "date", "boolean", "iri", "concept", "trust")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
_VAR = re.compile(r"^[a-z][a-z0-9_]*$")


class Param(NamedTuple):
    """One declared parameter; ``kind`` qualifies ``iri`` and ``concept`` types.

    Immutable records as named tuples rather than dataclasses: creating a dataclass costs
    about a millisecond, paid on every ``gdegraph query`` start.
    """

    name: str
    type: str
    kind: str | None = None
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""

    @property
    def type_label(self) -> str:
        """``concept:sector``: the type as a header writes it."""
        return f"{self.type}:{self.kind}" if self.kind else self.type


class NamedQuery(NamedTuple):
    """A library query: its header, its SPARQL text and the file it came from."""

    name: str
    title: str
    description: str
    text: str
    path: Path
    form: str
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = ()
    extra: Mapping[str, str] = {}  # never mutated: parse_query_file passes its own dict

    def param(self, name: str) -> Param | None:
        """The parameter ``name`` (``min-followers`` and ``min_followers`` alike), or None."""
        wanted = name.strip().replace("-", "_")
        return next((p for p in self.params if p.name == wanted), None)


def _header_lines(text: str) -> list[str]:
    """The leading comment block, without the ``#`` marks (continuations keep their indent)."""
    lines = []
    for raw in text.splitlines():
        if not raw.startswith("#"):
            break
        lines.append(raw[1:].removeprefix(" "))
    return lines


def _parse_param(spec: str, path: Path) -> Param:
    head, _, description = spec.partition(" -- ")
    if any(mark in head for mark in "\"'\\"):
        import shlex  # only for quoted values: its import costs about 1 ms of every `gdegraph query`

        try:
            words = shlex.split(head)
        except ValueError as exc:
            raise InputError(f"bad param line: {exc}", path=path) from None
    else:
        words = head.split()  # what shlex.split gives for a line without quotes or backslashes
    if len(words) < 2 or not _VAR.match(words[0]):
        raise InputError(f"a param line needs a snake_case NAME and a TYPE: {spec!r}", path=path)
    name, type_spec, options = words[0], words[1], words[2:]
    type_name, _, kind = type_spec.partition(":")
    if type_name not in PARAM_TYPES or (type_name == "concept" and not kind):
        raise InputError(f"parameter {name}: unknown type {type_spec!r} (types: {', '.join(PARAM_TYPES)};"
                         " concept needs a scheme, e.g. concept:sector)", path=path)
    values: dict[str, Any] = {"required": False}
    for option in options:
        key, eq, value = option.partition("=")
        if key == "required" and not eq:
            values["required"] = True
        elif key in ("default", "example") and eq:
            values[key] = value
        else:
            raise InputError(f"parameter {name}: unknown option {option!r}", path=path)
    return Param(name, type_name, kind or None, description=description.strip(), **values)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header; a malformed header is an :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read query file: {exc}", path=path) from None
    fields: dict[str, str] = {}
    params: list[Param] = []
    last: str | None = None
    for line in _header_lines(text):
        match = re.match(r"^([a-z]+):\s*(.*)$", line)
        if match and not line.startswith(" "):
            last, value = match.group(1), match.group(2).strip()
            if last == "param":
                params.append(_parse_param(value, path))
            else:
                fields[last] = value
        elif line.strip() and last is not None and last != "param":
            fields[last] = (fields.get(last, "") + " " + line.strip()).strip()
    name = fields.pop("name", path.stem)
    if not NAME_PATTERN.match(name):
        raise InputError(f"query name {name!r} must be lower-case words joined by hyphens", path=path)
    check_syntax(text, path)
    form = query_form(text)
    return NamedQuery(
        name=name, title=fields.pop("title", name), description=fields.pop("description", ""), text=text,
        path=path, form=form, params=tuple(params), columns=tuple(fields.pop("columns", "").split()),
        extra=fields,
    )


_ERROR_AT = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)


def _rdflib_position(text: str) -> tuple[int, int, str] | None:
    """Where rdflib's SPARQL parser (pyparsing) stops, with its message; None if it parses.

    Oxigraph's parser often reports an error where the input ends (it tries
    every alternative first); pyparsing stops at the clause that fails, which
    is where a person looks. Only called once a query is known to be bad.
    """
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(text)
    except Exception as exc:  # pyparsing's ParseException, or rdflib's own errors
        line, column = getattr(exc, "lineno", None), getattr(exc, "col", None)
        if isinstance(line, int) and isinstance(column, int):
            message = str(getattr(exc, "msg", "") or exc).split("  (at char")[0]
            return line, column, message
    return None


def check_syntax(text: str, path: Path) -> None:
    """Parse ``text`` with pyoxigraph (on an empty store, so nothing runs); a syntax error becomes an
    :class:`InputError` located in the file as ``path:line:col:``, with the offending line as its hint
    (the earlier of oxigraph's and rdflib's positions: see :func:`_rdflib_position`)."""
    from pyoxigraph import Store

    try:
        Store().query(text)
    except SyntaxError as exc:
        message = str(exc).strip()
        match = _ERROR_AT.match(message)
        if match is None:
            raise InputError(f"not valid SPARQL: {message}", path=path) from None
        line, column = int(match.group(1)), int(match.group(2))
        message = match.group(3).splitlines()[0]
        earlier = _rdflib_position(text)
        if earlier is not None and earlier[:2] < (line, column):
            line, column, found = earlier
            message = f"the query cannot be parsed from here ({found})"
        lines = text.splitlines()
        if 0 < line <= len(lines):
            hint = f"line {line} reads {lines[line - 1].strip()!r}"
        else:
            hint = "the file ends before the query is complete: look for an unclosed bracket or brace"
        raise InputError(f"not valid SPARQL: {message}", path=path, line=line, column=column, hint=hint) from None
