"""Reading and binding SPARQL query text: its form, its WHERE clause, a VALUES block.

Every engine (pyoxigraph, rdflib, a remote endpoint) receives the same query
text, so parameters are bound the same way everywhere: :func:`with_values`
joins a one-row ``VALUES`` block at the start of the top-level WHERE group.
The scanner only has to tell keywords and braces from comments, strings and
IRIs, which one regular expression does; it runs on every library file when
the library is listed, so it is kept out of Python loops.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Mapping, Sequence
from typing import Any

from gdegraph.core.errors import InputError

__all__ = ["query_form", "term_text", "with_rows", "with_values"]

FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_VAR = re.compile(r"^[a-z][a-z0-9_]*$")
#: One lexeme; only the named groups ``brace`` and ``word`` are significant, the rest is skipped whole.
_LEXEME = re.compile(r"""
    \#[^\n]*                                              # a comment
  | \"\"\"(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:\"\"\"|\Z)      # long strings (an unterminated one runs to the end)
  | '''(?:[^'\\]|\\[\s\S]?|'(?!''))*(?:'''|\Z)
  | "(?:[^"\\]|\\[\s\S]?)*(?:"|\Z)                        # short strings
  | '(?:[^'\\]|\\[\s\S]?)*(?:'|\Z)
  | <[^<>"{}|^`\\\x00-\x20]*>                             # an IRI (a lone < is an operator)
  | [?$][A-Za-z0-9_]*                                     # a variable
  | (?P<brace>[{}])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.-]*)(?P<prefixed>:[A-Za-z0-9_.%-]*)?   # a keyword, or a prefixed name
""", re.VERBOSE)


def _tokens(text: str) -> Any:
    """Significant tokens, ``(offset, "{" | "}" | KEYWORD)``, lazily, in order."""
    for match in _LEXEME.finditer(text):
        if match.group("brace"):
            yield match.start(), match.group("brace")
        elif match.group("word") and match.group("prefixed") is None:
            yield match.start(), match.group("word").upper()


@lru_cache(maxsize=256)
def query_form(text: str) -> str:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first query-form keyword of the text.

    Cached, like :func:`_where_brace`: the library runs the same few texts over
    and over, and scanning one costs more than a small query on Oxigraph.
    """
    for _, token in _tokens(text):
        if token in FORMS:
            return token
    raise InputError("not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK found")


@lru_cache(maxsize=256)
def _where_brace(text: str) -> int:
    """Offset of the ``{`` that opens the query's top-level WHERE clause."""
    tokens = list(_tokens(text))
    form_at = next(k for k, (_, t) in enumerate(tokens) if t in FORMS)
    rest = tokens[form_at + 1:]
    if tokens[form_at][1] == "CONSTRUCT" and rest and rest[0][1] == "{":
        depth = 0
        for k, (_, tok) in enumerate(rest):
            depth += {"{": 1, "}": -1}.get(tok, 0)
            if depth == 0:
                rest = rest[k + 1:]
                break
    elif tokens[form_at][1] == "CONSTRUCT":
        raise InputError("parameters cannot be bound in the short form CONSTRUCT WHERE { ... }")
    brace = next((pos for pos, tok in rest if tok == "{"), None)
    if brace is None:
        raise InputError("parameters need a WHERE clause to be bound in")
    return brace


def term_text(term: Any) -> str:
    """A pyoxigraph term in SPARQL/N-Triples syntax (escaped by pyoxigraph itself)."""
    from pyoxigraph import Literal, NamedNode

    if not isinstance(term, (NamedNode, Literal)):
        raise TypeError(f"only IRIs and literals can be bound, not {type(term).__name__}")
    return str(term)


def with_values(text: str, bindings: Mapping[str, Any] | None) -> str:
    """The query with ``VALUES (?a ?b) { (A B) }`` opening its WHERE clause; unchanged if no bindings.

    Joining a one-row VALUES block at the start of the WHERE group binds each
    variable for every pattern and FILTER of that group (and for GROUP BY keys
    and projections), identically on every SPARQL 1.1 engine. The values are
    terms serialised by pyoxigraph, never text pasted into the query.
    """
    if not bindings:
        return text
    names = list(bindings)
    for name in names:
        if not _VAR.match(name):
            raise InputError(f"not a parameter name: {name!r}")
    block = (" VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(term_text(bindings[n]) for n in names) + ") } ")
    at = _where_brace(text) + 1
    return text[:at] + block + text[at:]


def with_rows(text: str, name: str, terms: Sequence[Any]) -> str:
    """The query with ``VALUES ?name { A B ... }`` opening its WHERE clause: one solution per term.

    :func:`with_values` binds a parameter to one value; this restricts a
    variable to a set of them (the network asks the trusts query about its
    nodes only), in the same place and with the same serialised terms. An
    empty ``terms`` gives no solutions, as an empty VALUES block does.
    """
    if not _VAR.match(name):
        raise InputError(f"not a variable name: {name!r}")
    block = f" VALUES ?{name} {{ " + " ".join(term_text(term) for term in terms) + " } "
    at = _where_brace(text) + 1
    return text[:at] + block + text[at:]
