"""SHACL-SPARQL constraint text, rewritten for the sparql validation engine (:mod:`gdegraph.validate.shacl_sparql`).

A SHACL-SPARQL constraint is written for *one* focus node: ``$this`` is
pre-bound and the query runs once per node (pySHACL re-parses it every time).
The sparql engine runs it once for all of them instead, by joining the WHERE
clause with the shape's focus nodes (:func:`join_focus`). That is the same as
pre-binding when ``$this`` is bound by a triple pattern of the WHERE clause's
top-level group, which :func:`join_focus` checks; what could make them differ
(a sub-select, VALUES, SERVICE, GROUP BY, an assignment to ``$this``, the
``$shapesGraph``/``$currentShape`` variables) is refused.

:func:`not_exists_as_minus` then rewrites ``FILTER NOT EXISTS { P }`` as
``MINUS { P }`` where the two are provably the same, because Oxigraph runs
MINUS as one anti-join but re-evaluates NOT EXISTS for every row (4.7 s ->
0.04 s at 1M triples for gdesh:PairingExemplarRoleShape). The shapes files
cannot say MINUS themselves: SHACL forbids it in constraints (pre-binding is
undefined for it), and pySHACL, the reference engine, refuses such shapes.

The scanner only needs to tell braces, parentheses, variables and keywords
from comments, strings and IRIs; the shapes are trusted project files.
"""

from __future__ import annotations

import re

__all__ = ["SparqlTextError", "join_focus", "not_exists_as_minus"]

_LEXEME = re.compile(r"""
    \#[^\n]*                                              # a comment
  | \"\"\"(?:[^"\\]|\\[\s\S]|"(?!""))*\"\"\"              # strings
  | '''(?:[^'\\]|\\[\s\S]|'(?!''))*'''
  | "(?:[^"\\\n]|\\.)*"
  | '(?:[^'\\\n]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>                             # an IRI (a lone < is an operator)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<punct>[{}()])
  | (?P<word>[A-Za-z_][A-Za-z0-9_.-]*)(?P<prefixed>:[A-Za-z0-9_.%-]*)?
""", re.VERBOSE)
_UNSAFE = re.compile(r"[$?](shapesGraph|currentShape|PATH)\b|(?i:\bVALUES\b|\bSERVICE\b|\bGROUP\s+BY\b|"
                     r"\bAS\s+[$?]this\b)")


class SparqlTextError(ValueError):
    """A constraint the sparql engine cannot run for all focus nodes at once (see the module docstring)."""


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Significant tokens as (start, end, text): variables (``?x``), braces, parentheses, KEYWORDS."""
    out = []
    for match in _LEXEME.finditer(text):
        if match.group("var"):
            out.append((match.start(), match.end(), "?" + match.group("var")[1:]))
        elif match.group("punct"):
            out.append((match.start(), match.end(), match.group("punct")))
        elif match.group("word") and match.group("prefixed") is None:
            out.append((match.start(), match.end(), match.group("word").upper()))
    return out


def _where(tokens: list[tuple[int, int, str]]) -> tuple[int, int]:
    """Indexes of the tokens opening and closing the WHERE clause of a SELECT without sub-selects."""
    words = [t for _, _, t in tokens]
    if words.count("SELECT") != 1 or "WHERE" not in words or words[words.index("WHERE") + 1:][:1] != ["{"]:
        raise SparqlTextError("only a SELECT with 'WHERE {' and no sub-select can be run for all focus nodes")
    opening = words.index("WHERE") + 1
    depth = 0
    for k in range(opening, len(tokens)):
        depth += {"{": 1, "}": -1}.get(words[k], 0)
        if depth == 0:
            return opening, k
    raise SparqlTextError("the WHERE clause is not closed")


def _top_level(tokens: list[tuple[int, int, str]], first: int, last: int) -> list[int]:
    """Indexes of the tokens directly in the group tokens[first] opens: not in a nested group or expression."""
    out, depth, parens = [], 0, 0
    for k in range(first, last + 1):
        token = tokens[k][2]
        depth += {"{": 1, "}": -1}.get(token, 0)
        parens += {"(": 1, ")": -1}.get(token, 0)
        if depth == 1 and parens == 0 and token not in "{}()":
            out.append(k)
    return out


def join_focus(select: str, focus: str) -> str:
    """The query joined with ``focus`` (a group pattern binding ``?this``), as SELECT DISTINCT.

    DISTINCT because pySHACL drops a constraint's duplicate rows. Raises
    :class:`SparqlTextError` if the join could differ from pre-binding ``$this``.
    """
    if _UNSAFE.search(select):
        raise SparqlTextError("$shapesGraph, $currentShape, VALUES, SERVICE, GROUP BY or an assignment to $this")
    tokens = _tokens(select)
    opening, closing = _where(tokens)
    if not any(tokens[k][2] == "?this" for k in _top_level(tokens, opening, closing)):
        raise SparqlTextError("$this must be bound by a triple pattern of the WHERE clause's top-level group")
    at = tokens[opening][1]
    query = select[:at] + f" {focus} " + select[at:]
    return re.sub(r"\bSELECT\s+(?!DISTINCT\b)", "SELECT DISTINCT ", query, count=1, flags=re.IGNORECASE)


def not_exists_as_minus(select: str) -> str:
    """``FILTER NOT EXISTS { P }`` as ``MINUS { P }`` wherever that is the same, else the text unchanged.

    It is the same when P is a plain block of triple patterns (no FILTER,
    OPTIONAL or nested group) each of whose variables is either used nowhere
    else in the query or bound by a triple pattern of the top-level WHERE
    group -- and at least one is: then every solution binds the shared
    variables, and P matches for it exactly when a compatible solution of P exists.
    """
    tokens = _tokens(select)
    opening, closing = _where(tokens)
    top = _top_level(tokens, opening, closing)
    bound = {tokens[k][2] for k in top if tokens[k][2].startswith("?")}
    edits = []
    for k in top:
        if [t for _, _, t in tokens[k:k + 4]] != ["FILTER", "NOT", "EXISTS", "{"]:
            continue
        end = next(j for j in range(k + 3, len(tokens)) if tokens[j][2] == "}")
        inner = [t for _, _, t in tokens[k + 4:end]]
        if any(t in "{}()" or (not t.startswith("?") and t not in ("A",)) for t in inner):
            continue  # not a plain block of triple patterns
        elsewhere = {t for j, (_, _, t) in enumerate(tokens) if t.startswith("?") and not k <= j <= end}
        variables = {t for t in inner if t.startswith("?")}
        if variables & bound and all(v in bound or v not in elsewhere for v in variables):
            edits.append((tokens[k][0], tokens[k + 2][1]))
    for start, end in reversed(edits):
        select = select[:start] + "MINUS" + select[end:]
    return select
