"""Locate and describe Turtle syntax errors as :class:`~gdegraph.core.errors.InputError`.

A curator fixing a hand-edited file needs the exact line and column of the
offending token, a one-line message safe for a terminal and, where the
mistake is a common one, a hint saying how to fix it. This module turns the
parsers' raw errors into that:

* Oxigraph's ``SyntaxError`` already carries the 1-based line and column (in
  characters); :func:`input_error_from_oxigraph` rewords its message (an
  unterminated string or IRI is named as such) and adds a fix hint;
* rdflib's ``BadSyntax`` locates many errors at the *end of the statement*,
  gives only a character offset (``_i``, ``-1`` at end of input) and buries
  the reason in a repr of the surrounding bytes;
  :func:`input_error_from_bad_syntax` is kept for code that must parse with
  rdflib itself (other formats, or libraries that parse internally) and
  converts it into the same located :class:`InputError`;
* :func:`locate_rdf12` finds the first RDF 1.2 construct, which Oxigraph
  accepts but rdflib cannot hold, so rejecting it is located too.

It is kept apart from :mod:`gdegraph.sources.loading` so reading and parsing stay
short there and the wording of messages and hints lives in one place.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from gdegraph.core.errors import InputError

__all__ = [
    "input_error_from_bad_syntax",
    "input_error_from_oxigraph",
    "line_col",
    "locate_rdf12",
    "mask_non_syntax",
]

_MAX_MESSAGE = 200


# --------------------------------------------------------------------------
# Positions and messages


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``.

    Counts ``\\n``, ``\\r\\n`` and a lone ``\\r`` as one line break each, as
    Oxigraph does, so positions computed here agree with the parser's.
    """
    prefix = text[:index]
    line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
    last_break = max(prefix.rfind("\n"), prefix.rfind("\r"))
    return line, index - last_break


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _index_of(text: str, line: int, column: int) -> int | None:
    """Character index of 1-based (line, column) in ``text``; ``None`` if out of range."""
    index = 0
    for _ in range(line - 1):
        nl = _LINE_BREAK.search(text, index)
        if nl is None:
            return None
        index = nl.end()
    index += column - 1
    return index if 0 <= index < len(text) else None


def _clean(message: str) -> str:
    """Make a parser message safe and short for one terminal line.

    Control characters (a stray NUL, a tab) are shown as ``\\xNN`` escapes
    instead of being written to the terminal raw.
    """
    shown = "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) in ("Cc", "Cf")
        else ch
        for ch in message
    )
    if len(shown) > _MAX_MESSAGE:
        shown = shown[: _MAX_MESSAGE - 3] + "..."
    return shown


def _sentence_case(message: str) -> str:
    """Lower-case a leading capital ("A dot is ...") but not an acronym ("IRI ...")."""
    first_word = message.split(" ", 1)[0]
    if first_word[:1].isupper() and (len(first_word) == 1 or first_word[1:].islower()):
        return message[0].lower() + message[1:]
    return message


_ESCAPES = "\\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX \\UXXXXXXXX"

_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"prefix (?P<p>\S*:) has not been declared"),
        "declare it before first use, e.g. '@prefix {p} <https://...> .'",
    ),
    (
        re.compile(r"dot is expected at the end of statements"),
        "the statement before this point needs a closing ' .' (or ';' / ',' to continue it)",
    ),
    (
        re.compile(r"Invalid IRI code point ' '"),
        "IRIs cannot contain spaces: remove them or write %20",
    ),
    (
        re.compile(r"Invalid IRI code point"),
        "that character is not allowed in an IRI: percent-encode it",
    ),
    (
        re.compile(r"No scheme found"),
        "write a full IRI such as <https://...> or a prefixed name (or declare @base)",
    ),
    (re.compile(r"escape", re.IGNORECASE), f"the escapes allowed in strings are {_ESCAPES}"),
    (
        re.compile(r"Line jumps are not allowed"),
        'close the string on the same line, or use """...""" for text over several lines',
    ),
    (
        re.compile(r"PREFIX keyword should be followed"),
        "write prefix declarations as '@prefix ex: <https://...> .'",
    ),
]


def _describe(message: str, text: str, line: int, column: int) -> tuple[str, str | None]:
    """Turn an Oxigraph message into (human message, fix hint) for the error at line:column."""
    if "end of file" in message:
        index = _index_of(text, line, column)
        opener = text[index] if index is not None else ""
        if opener in "\"'":
            return (
                "unterminated string literal: the file ends before its closing quote",
                f"add the closing {opener} (use triple quotes for text over several lines)",
            )
        if opener == "<":
            return "unterminated IRI: the file ends before its closing '>'", "add the closing '>'"
    if message == "Unexpected end":
        return (
            "unexpected end of file: the last statement is incomplete",
            "finish the statement and end it with ' .'",
        )
    for pattern, hint in _HINTS:
        match = pattern.search(message)
        if match:
            return _sentence_case(message), hint.format(**match.groupdict())
    return _sentence_case(message), None


def input_error_from_oxigraph(exc: SyntaxError, text: str, path: Path) -> InputError:
    """A located :class:`InputError` from the ``SyntaxError`` Oxigraph raised on ``text``."""
    raw = str(exc.msg or exc)
    if raw.startswith("Parser error") and ": " in raw:
        raw = raw.split(": ", 1)[1]
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno >= 1 else 1
    column = exc.offset if isinstance(exc.offset, int) and exc.offset >= 1 else 1
    message, hint = _describe(raw, text, line, column)
    return InputError(f"Turtle syntax error: {_clean(message)}", path=path, line=line, column=column, hint=hint)


def input_error_from_bad_syntax(exc: Exception, path: str | os.PathLike[str]) -> InputError:
    """Convert an exception from rdflib's Turtle/N3 parser into a located :class:`InputError`.

    rdflib's ``BadSyntax`` holds the whole document UTF-8-encoded (``_str``),
    the error's *character* offset into the decoded document (``_i``; ``-1``
    means "at the end"; rdflib's own message slices the bytes with it, which
    is why it looks garbled after non-ASCII text) and the reason (``_why``).
    Line and column are computed from the decoded text. Any other exception
    becomes an unlocated InputError carrying its message (rdflib raises
    ``ValueError`` and friends for some bad terms).
    """
    why = getattr(exc, "_why", None)
    document = getattr(exc, "_str", None)
    offset = getattr(exc, "_i", None)
    if why is None or document is None or not isinstance(offset, int):
        return InputError(f"RDF syntax error: {_clean(str(exc))}", path=path)
    text = document.decode("utf-8", errors="replace") if isinstance(document, bytes) else str(document)
    if offset < 0 or offset > len(text):
        offset = len(text)
    line, column = line_col(text, offset)
    return InputError(f"Turtle syntax error: {_clean(str(why))}", path=path, line=line, column=column)


# --------------------------------------------------------------------------
# RDF 1.2 constructs


# Masks string, IRI and comment contents so a search for RDF 1.2 syntax only
# sees real syntax. Strings are matched long-form first.
_NOT_SYNTAX = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n\r]|\\.)*"?'
    r"|'(?:[^'\\\n\r]|\\.)*'?"
    r"|<(?![<(])[^<>\s\"{}|^`\\]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_RDF12_SYNTAX = re.compile(r"<<|\{\||--(?:ltr|rtl)\b")


def mask_non_syntax(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out, keeping every position."""
    return _NOT_SYNTAX.sub(lambda m: re.sub(r"[^\r\n]", " ", m.group()), text)


def locate_rdf12(text: str) -> tuple[int, int]:
    """Line and column of the first RDF 1.2 construct outside strings, IRIs and comments."""
    match = _RDF12_SYNTAX.search(mask_non_syntax(text))
    return line_col(text, match.start()) if match else (1, 1)
