"""The store interface every engine implements, and the values every engine returns.

Rows are pyoxigraph terms whatever the engine (cheap to import, hashable, serialised
with proper N-Triples escaping), so result formatting and comparisons never depend on
the engine. The backends (:mod:`~gdegraph.store.oxigraph_store`,
:mod:`~gdegraph.store.rdflib_store`, :mod:`~gdegraph.store.remote`) import this module
and nothing above it; :mod:`~gdegraph.store.factory` picks one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, Protocol

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph.core.errors import GdeError, InputError
from gdegraph.store.sparql_text import query_form

__all__ = ["Bindings", "ENGINES", "EndpointError", "QueryStore", "Row", "SelectResult", "Term", "run", "syntax_error"]

Term = NamedNode | BlankNode | Literal
Row = tuple[Term | None, ...]
Bindings = Mapping[str, NamedNode | Literal] | None
ENGINES = ("oxigraph", "rdflib")


class EndpointError(GdeError):
    """A remote endpoint could not answer: down, HTTP error, timeout or not SPARQL (exit 1)."""


class SelectResult(NamedTuple):
    """Variables in projection order and one tuple per solution (None where unbound).

    A named tuple, not a dataclass: it is created on every ``gdegraph query`` start,
    where a dataclass would cost about a millisecond more.
    """

    variables: list[str]
    rows: list[Row]


class QueryStore(Protocol):
    """What the command line, the API and the tests need from an engine."""

    name: str

    def select(self, query: str, bindings: Bindings = None) -> SelectResult: ...
    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]: ...
    def ask(self, query: str, bindings: Bindings = None) -> bool: ...


def run(store: QueryStore, query: str, bindings: Bindings = None) -> SelectResult | list[Triple] | bool:
    """Dispatch on the query form: SELECT -> rows, CONSTRUCT/DESCRIBE -> triples, ASK -> bool."""
    form = query_form(query)
    if form == "SELECT":
        return store.select(query, bindings)
    if form == "ASK":
        return store.ask(query, bindings)
    return store.construct(query, bindings)


def syntax_error(exc: Exception, engine: str) -> InputError:
    """An engine's parse error as the one-line :class:`InputError` every engine raises."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"the query is not valid SPARQL ({engine}): {first}")
