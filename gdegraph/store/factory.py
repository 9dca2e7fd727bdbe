"""Where queries run: pick an engine for a file or an endpoint.

* :class:`~gdegraph.store.oxigraph_store.OxigraphStore` -- pyoxigraph, in memory; the default.
* :class:`~gdegraph.store.rdflib_store.RdflibStore` -- rdflib's own SPARQL engine over a
  Dataset; the reference the tests compare every other engine against.
* :class:`~gdegraph.store.remote.RemoteStore` -- any SPARQL 1.1 endpoint.

Parameters are bound by :func:`~gdegraph.store.sparql_text.with_values` (rdflib:
``initBindings``). Only this module, :mod:`~gdegraph.store.base`, the oxigraph backend and
:mod:`~gdegraph.store.sparql_text` are on the path of a local ``gdegraph query``; the rdflib
and remote engines are imported when asked for (``from gdegraph.store.factory import
RdflibStore`` still works), so a query never pays for rdflib or urllib.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gdegraph.core.errors import InputError
from gdegraph.store.base import ENGINES, Bindings, EndpointError, QueryStore, SelectResult, run
from gdegraph.store.oxigraph_store import OxigraphStore
from gdegraph.store.sparql_text import query_form, term_text, with_values

__all__ = ["Bindings", "EndpointError", "OxigraphStore", "QueryStore", "RdflibStore", "RemoteStore", "SelectResult",
           "open_store", "query_form", "run", "term_text", "with_values"]


def open_store(engine: str = "oxigraph", data: Path | None = None, endpoint: str | None = None,
               **remote: Any) -> QueryStore:
    """A store over ``endpoint`` (any SPARQL 1.1 endpoint) or the RDF file ``data`` on the local
    ``engine`` (oxigraph or rdflib). ``remote`` holds the endpoint's user, password, token, timeout.

    Which graph to open when neither is given (the built one, or a build in memory) is the
    sources stage's decision: :func:`gdegraph.sources.graph.open_graph`.
    """
    if endpoint:
        from gdegraph.store.remote import RemoteStore

        return RemoteStore(endpoint, **remote)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", hint="use oxigraph or rdflib")
    if data is None:
        raise InputError("no RDF file or endpoint to open", hint="pass a .trig, .nq, .ttl or .nt file, or --endpoint")
    if engine == "rdflib":
        from gdegraph.store.rdflib_store import RdflibStore

        return RdflibStore.from_file(data)
    return OxigraphStore.from_file(data)


def __getattr__(name: str) -> Any:
    """The rdflib and remote engines, imported only when named (they pull in rdflib or urllib)."""
    if name == "RdflibStore":
        from gdegraph.store.rdflib_store import RdflibStore

        return RdflibStore
    if name == "RemoteStore":
        from gdegraph.store.remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
