"""What the public SPARQL endpoint refuses, decided on the parsed query, before anything runs.

The endpoint is read-only and must never make a network request on a
client's behalf. Keyword matching cannot decide either (``"INSERT"`` may sit
in a string literal, ``SERVICE`` in a comment), so the query is parsed with
rdflib's SPARQL 1.1 grammar and the parse tree is inspected:

* text that is not a query but parses as an update (``INSERT``, ``DELETE``,
  ``LOAD``, ``CLEAR``, ``DROP``, ...) is refused with 403: the dataset is
  read-only;
* any ``SERVICE`` pattern is refused with 403: federated queries would make
  the server fetch from addresses a client chooses;
* ``FROM`` / ``FROM NAMED`` (and the protocol's ``default-graph-uri`` /
  ``named-graph-uri``) may only name graphs this dataset holds; anything
  else is refused with 400, so no remote graph is ever fetched;
* text that parses as neither is a 400 carrying the parser's message.

pyoxigraph, which evaluates the query afterwards, has no parse-only API, so
rdflib's parser is the gate; a query rdflib cannot parse is not run.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CheckedQuery", "Refused", "check_query"]

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
                protocol_named: Iterable[str] = ()) -> CheckedQuery:
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
        raise Refused(403, "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
                           "DROP, CREATE, ...) are refused") from None
    prologue, query = parsed[0], parsed[1]
    services = [str(node.get("term")) for node in _walk(query) if node.name == "ServiceGraphPattern"]
    if services:
        raise Refused(403, "SERVICE (federated query) is refused: this endpoint never fetches from "
                           f"other endpoints (found SERVICE {services[0]})")
    try:
        resolver = translatePrologue(prologue, None)
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
            raise Refused(400, f"FROM <{iri}> is not a graph of this dataset; this endpoint never fetches "
                               "remote graphs (its named graphs are listed in the service description)")
    return CheckedQuery(_FORMS.get(query.name, "SELECT"), default, named)
