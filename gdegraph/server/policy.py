"""What the public SPARQL endpoint refuses, and how that is decided before anything runs.

The endpoint is read-only and must never make a network request on a
client's behalf:

* text that is not a query but parses as an update (``INSERT``, ``DELETE``,
  ``LOAD``, ``CLEAR``, ``DROP``, ...) is refused with 403: the dataset is
  read-only;
* any ``SERVICE`` pattern is refused with 403: federated queries would make
  the server fetch from addresses a client chooses (pyoxigraph 0.5 really
  does: it sends the sub-query by HTTP, even for ``SERVICE SILENT``);
* ``FROM`` / ``FROM NAMED`` (and the protocol's ``default-graph-uri`` /
  ``named-graph-uri``) may only name graphs this dataset holds; anything
  else is refused with 400, so no remote graph is ever fetched;
* text that parses as neither is a 400 carrying the parser's message.

**The full check** (:func:`check_query`) parses the text with rdflib's SPARQL
1.1 grammar and inspects the parse tree, because keyword matching cannot
decide a refusal (``"INSERT"`` may sit in a string literal, ``SERVICE`` in a
comment). pyoxigraph has no parse-only API, so rdflib's parser is the gate.
It costs 5-30 ms a query, far more than running a typical query, so the
worker (:mod:`gdegraph.server.evaluate`) only uses it when it must.

**The fast path** (:func:`needs_full_check` is false): the query goes
straight to pyoxigraph's ``Store.query``. That is safe because each refusal
above is then impossible, or is still made by the full check:

* *Updates.* ``Store.query`` parses its text with the SPARQL *query*
  grammar only (updates go through ``Store.update``, which the server never
  calls): ``INSERT DATA``, ``LOAD``, ``CLEAR``, ``SELECT ... ; INSERT ...``
  all raise ``SyntaxError`` there and modify nothing. On any ``SyntaxError``
  the worker runs the full check, which answers an update with the same
  403 as before and malformed text with the same 400.
* *SERVICE and FROM.* The fast path is only taken when the text contains
  neither ``service`` nor ``from`` as a substring, compared case-insensitively
  (keywords are ASCII and matched ASCII-case-insensitively by every SPARQL
  parser, and ``str.lower`` maps each ASCII letter to its lower case). A
  keyword is a token of the query text: it cannot be split by whitespace or
  comments, spelled with a prefixed name, or hidden in an IRI or a literal.
  So if the substring is absent, the keyword is absent, and the query can
  neither federate nor name a graph. A substring inside a literal or a
  comment only sends the query the slow way, which then accepts it.
* *Escapes.* SPARQL 1.1 (section 19.2) lets ``\\uXXXX`` / ``\\UXXXXXXXX``
  escapes appear anywhere in a query, processed before parsing, so
  ``SERVI\\u0043E`` could spell ``SERVICE``. rdflib expands them; pyoxigraph
  0.5 does not (the text is then a syntax error, which goes to the full
  check), but a later version might, so any ``\\u`` in the text (again
  case-insensitive) also takes the full check. Since issue 14 both parsers
  get the text after :func:`normalise` (escapes expanded once, CR and CRLF
  made LF), so neither expands anything and they agree on line ends.
* *Protocol graphs.* ``default-graph-uri`` / ``named-graph-uri`` are not in
  the text; the fast path is only taken when every one given is a graph of
  this dataset, otherwise the full check produces the usual 400.

The one thing the fast path changes: a query that pyoxigraph accepts but
rdflib's older grammar does not (SPARQL 1.2 triple terms ``<< >>``,
``LATERAL``) now runs instead of getting a 400. It still cannot update,
federate or name a graph, for the reasons above.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CheckedQuery", "Refused", "check_nesting", "check_query", "needs_full_check", "normalise"]

#: The refusals, the same words whatever the query names (no echo of the target: nothing to probe with).
SERVICE_REFUSED = ("SERVICE (federated query) is refused: this endpoint never fetches from other endpoints")
FROM_REFUSED = ("FROM names a graph this dataset does not hold; this endpoint never fetches remote graphs "
                "(its named graphs are listed in the service description)")
READ_ONLY = ("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...) "
             "are refused")

#: Lower-case substrings that send a query through the full check (see the module docstring).
FULL_CHECK_TRIGGERS = ("service", "from", "\\u")

_FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE", "AskQuery": "ASK"}


class Refused(Exception):
    """A request the endpoint will not run: HTTP ``status`` and a message for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed: its form and the graphs its dataset clauses name."""

    form: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    services: tuple[str, ...] = field(default=(), repr=False)

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def needs_full_check(text: str, local_graphs: Collection[str], protocol_default: Iterable[str] = (),
                     protocol_named: Iterable[str] = ()) -> bool:
    """False when ``text`` may go straight to pyoxigraph without :func:`check_query` (module docstring)."""
    lowered = text.lower()
    if any(trigger in lowered for trigger in FULL_CHECK_TRIGGERS):
        return True
    return any(iri not in local_graphs for iri in (*protocol_default, *protocol_named))


def _walk(node: Any) -> Iterable[Any]:
    """Every CompValue in a pyparsing parse tree, depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def check_query(text: str, local_graphs: Collection[str], protocol_default: Iterable[str] = (),
                protocol_named: Iterable[str] = (), base: str | None = None) -> CheckedQuery:
    """Parse ``text`` and apply the rules above; raise :class:`Refused` or return the checked query."""
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except Exception as query_error:  # pyparsing raises ParseException; odd input can raise others
        try:
            parseUpdate(text)
        except Exception:
            raise Refused(400, f"malformed query: {_first_line(query_error)}") from None
        raise Refused(403, READ_ONLY) from None
    prologue, query = parsed[0], parsed[1]
    services = [str(node.get("term")) for node in _walk(query) if node.name == "ServiceGraphPattern"]
    if services:
        raise Refused(403, SERVICE_REFUSED)
    try:
        resolver = translatePrologue(prologue, base)
        clauses = [(key, str(resolver.absolutize(clause[key])))
                   for clause in query.get("datasetClause") or [] for key in ("default", "named") if key in clause]
    except Exception as exc:
        raise Refused(400, f"malformed query: {_first_line(exc)}") from None
    given_default, given_named = tuple(protocol_default), tuple(protocol_named)
    if given_default or given_named:  # the protocol's graphs replace the query's (SPARQL 1.1 Protocol 2.1.4)
        default, named = given_default, given_named
    else:
        default = tuple(iri for key, iri in clauses if key == "default")
        named = tuple(iri for key, iri in clauses if key == "named")
    for iri in (*default, *named):
        if iri not in local_graphs:
            raise Refused(400, FROM_REFUSED)
    return CheckedQuery(_FORMS.get(query.name, "SELECT"), default, named)


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _expand(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise Refused(400, f"malformed query: {match.group(0)} is not a Unicode code point")
    return chr(code)


def normalise(text: str) -> str:
    """The query text both parsers read alike: the one text that is checked *and* run.

    rdflib and pyoxigraph disagree on two points that could hide a keyword
    from the check: pyoxigraph ends a comment at a carriage return, rdflib
    only at a line feed; rdflib expands ``\\uXXXX`` codepoint escapes
    (SPARQL 1.1 section 19.2), pyoxigraph 0.5 does not. So the escapes are
    expanded here, once, as the specification says (an expansion that
    spells another escape is refused, so no parser can expand a second
    time), and every CR or CRLF becomes LF. The engine then runs exactly
    the text the policy read. (A raw CR inside a long string literal thus
    becomes LF: the price of one reading.)
    """
    if "\\" in text:
        text = _ESCAPE.sub(_expand, text)
        if _ESCAPE.search(text):
            raise Refused(400, "malformed query: a codepoint escape spells another escape")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


#: Strings (long forms first), comments, IRIs, an escaped character, or a bracket (SPARQL 1.1 terminals).
_TOKENS = re.compile(r'''"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''''
                     r'''|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*'''
                     r'''|<[^<>"{}|^`\\\x00-\x20]*>|\\.|[{}()\[\]]''', re.DOTALL)
_OPEN = frozenset("{([")


def check_nesting(text: str, limit: int) -> None:
    """Refuse (400) text whose brackets ``{ ( [`` nest deeper than ``limit``, before any parser sees it.

    pyoxigraph's parser recurses once per level and overflows the native
    stack (a crash, not an error) at a few hundred ``[`` or a few thousand
    ``{``. Brackets inside strings and comments do not count. Inside an IRI,
    where ``(`` and ``[`` may appear, an opening bracket counts and a
    closing one does not, so a ``<`` that the engine reads as an operator
    can only make the count higher, never hide a level.
    """
    if text.count("{") + text.count("(") + text.count("[") <= limit:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if len(token) == 1:
            depth = depth + 1 if token in _OPEN else max(0, depth - 1)
        elif token[0] == "<":
            depth += sum(token.count(c) for c in _OPEN)
        else:
            continue
        if depth > limit:
            raise Refused(400, f"query nested too deeply: at most {limit} levels of {{ }}, ( ) and [ ] are allowed")
