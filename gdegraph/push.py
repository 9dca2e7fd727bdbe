"""Talking to a remote SPARQL 1.1 store: queries (SPARQLWrapper) and Graph Store Protocol uploads.

``push`` PUTs each named graph of the built dataset to ``GSP?graph=IRI``;
PUT replaces the graph, so pushing again leaves one copy, never two. The
server's default graph is left alone: query it with "union default graph"
on (``oxigraph serve --union-default-graph``; Virtuoso does so by default).

Every failure -- connection refused, timeout, an HTTP error status, an answer
that is not SPARQL results -- becomes one :class:`~gdegraph.store.EndpointError`
line, never a traceback.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph.errors import InputError
from gdegraph.results import canonical
from gdegraph.store import Bindings, EndpointError, SelectResult, Term, query_form, with_values

__all__ = ["PushReport", "RemoteStore", "graph_store_url", "push_graphs", "push_file"]


def _check_url(url: str, what: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"the {what} must be an http(s) URL, not {url!r}")
    return url


def _auth_header(user: str | None, password: str | None, token: str | None) -> dict[str, str]:
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user is not None:
        raw = f"{user}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


def _failure(url: str, exc: BaseException) -> EndpointError:
    """One line saying what went wrong, for any exception an HTTP exchange can raise."""
    if isinstance(exc, urllib.error.HTTPError):
        return EndpointError(f"{url} answered HTTP {exc.code} {exc.reason}{_body(exc)}")
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)) or isinstance(exc, (socket.timeout, TimeoutError)):
        return EndpointError(f"{url} did not answer in time (timeout)")
    return EndpointError(f"cannot reach {url}: {reason}")


def _body(exc: Any) -> str:
    try:
        text = (exc.read() or b"").decode("utf-8", "replace").strip()
    except Exception:
        return ""
    return f": {' '.join(text.split())[:200]}" if text else ""


def _term(value: Mapping[str, str]) -> Term:
    kind = value.get("type")
    if kind == "uri":
        return NamedNode(value["value"])
    if kind == "bnode":
        return BlankNode(value["value"])
    if kind in ("literal", "typed-literal"):
        if value.get("xml:lang"):
            return Literal(value["value"], language=value["xml:lang"])
        return canonical(value["value"], value.get("datatype"))
    raise ValueError(f"unknown term type {kind!r}")


class RemoteStore:
    """A SPARQL 1.1 endpoint queried through SPARQLWrapper (POST, JSON or Turtle answers)."""

    name = "remote"

    def __init__(self, endpoint: str, *, user: str | None = None, password: str | None = None,
                 token: str | None = None, timeout: float = 60.0) -> None:
        self.endpoint = _check_url(endpoint, "endpoint")
        self.headers = _auth_header(user, password, token)
        self.timeout = timeout

    def _fetch(self, query: str, bindings: Bindings, fmt: str) -> tuple[bytes, str]:
        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        text = with_values(query, bindings)
        client = SPARQLWrapper(self.endpoint)
        client.setQuery(text)
        client.queryType = query_form(text)  # its regex could be fooled by a bound string
        client.setMethod(POST)
        client.setReturnFormat(fmt)
        client.timeout = self.timeout  # setTimeout() would round it to whole seconds
        for key, value in self.headers.items():
            client.addCustomHttpHeader(key, value)
        try:
            response = client.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except SPARQLWrapperException as exc:
            lines = str(exc).strip().splitlines()
            raise EndpointError(f"{self.endpoint} rejected the query: {lines[0] if lines else exc}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise _failure(self.endpoint, exc) from None

    def _json(self, query: str, bindings: Bindings) -> dict[str, Any]:
        body, ctype = self._fetch(query, bindings, "json")
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or "head" not in data:
                raise ValueError("no 'head'")
        except ValueError:
            raise EndpointError(f"{self.endpoint} did not answer with SPARQL JSON results "
                                f"(content type {ctype or 'unknown'})") from None
        return data

    def select(self, query: str, bindings: Bindings = None) -> SelectResult:
        data = self._json(query, bindings)
        names = list(data["head"].get("vars", []))
        try:
            rows = [tuple(_term(b[n]) if n in b else None for n in names) for b in data["results"]["bindings"]]
        except (KeyError, TypeError, ValueError):
            raise EndpointError(f"{self.endpoint} sent malformed SPARQL JSON results") from None
        return SelectResult(names, rows)

    def ask(self, query: str, bindings: Bindings = None) -> bool:
        data = self._json(query, bindings)
        if not isinstance(data.get("boolean"), bool):
            raise EndpointError(f"{self.endpoint} sent no boolean for an ASK query")
        return data["boolean"]

    def construct(self, query: str, bindings: Bindings = None) -> list[Triple]:
        from pyoxigraph import RdfFormat, parse

        body, ctype = self._fetch(query, bindings, "turtle")
        fmt = RdfFormat.N_TRIPLES if "n-triples" in ctype else RdfFormat.TURTLE
        try:
            return sorted({q.triple for q in parse(body, format=fmt)}, key=str)
        except (SyntaxError, ValueError):
            raise EndpointError(f"{self.endpoint} did not answer with RDF (content type {ctype or 'unknown'})") from None


# --- Graph Store Protocol upload ----------------------------------------------------------

def graph_store_url(endpoint: str) -> str:
    """Guess the Graph Store endpoint from a query endpoint: ``…/query`` or ``…/sparql`` -> ``…/store``
    (Oxigraph's layout); any other URL gets ``/store`` appended."""
    base = _check_url(endpoint, "endpoint").rstrip("/")
    for suffix in ("/query", "/sparql"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + "/store"
    return base + "/store"


@dataclass
class PushReport:
    """What was sent where; ``str()`` is the line-per-graph report the command line prints."""

    graph_store: str
    graphs: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"pushed {sum(self.graphs.values())} triples in {len(self.graphs)} named graphs to {self.graph_store}"]
        lines += [f"  {name:<50} {count:>6} triples" for name, count in self.graphs.items()]
        return "\n".join(lines)


Sender = Callable[[urllib.request.Request, float], Any]


def _send(request: urllib.request.Request, timeout: float) -> Any:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def push_graphs(graphs: Iterable[tuple[str, bytes, int]], graph_store: str, *, user: str | None = None,
                password: str | None = None, token: str | None = None, timeout: float = 60.0,
                send: Sender = _send) -> PushReport:
    """PUT each ``(graph IRI, N-Triples bytes, triple count)``; the first failure stops the push."""
    target = _check_url(graph_store, "graph store URL")
    headers = {"Content-Type": "application/n-triples", **_auth_header(user, password, token)}
    report = PushReport(target)
    for iri, body, count in graphs:
        sep = "&" if "?" in target else "?"
        url = f"{target}{sep}{urllib.parse.urlencode({'graph': iri})}"
        request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        try:
            send(request, timeout)
        except (urllib.error.URLError, OSError) as exc:
            raise _failure(target, exc) from None
        report.graphs[iri] = count
    return report


def _named_graphs(path: Path) -> list[tuple[str, bytes, int]]:
    """The file's quads grouped by named graph, each as N-Triples; default-graph triples are refused."""
    from pyoxigraph import DefaultGraph, RdfFormat, parse, serialize

    formats = {".trig": RdfFormat.TRIG, ".nq": RdfFormat.N_QUADS}
    if path.suffix.lower() not in formats:
        raise InputError("push needs quads, one named graph per source", path=path, hint="use a .trig or .nq file")
    grouped: dict[str, list[Triple]] = {}
    try:
        for quad in parse(path=str(path), format=formats[path.suffix.lower()]):
            if isinstance(quad.graph_name, DefaultGraph):
                raise InputError("the file has triples outside any named graph", path=path)
            grouped.setdefault(quad.graph_name.value, []).append(quad.triple)
    except (SyntaxError, ValueError) as exc:
        raise InputError(f"cannot parse RDF: {exc}", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read RDF file: {exc.strerror or exc}", path=path) from None
    return [(iri, serialize(triples, format=RdfFormat.N_TRIPLES) or b"", len(triples))
            for iri, triples in sorted(grouped.items())]


def push_file(path: Path, graph_store: str, **options: Any) -> PushReport:
    """Push every named graph of a TriG or N-Quads file (the built ``dist/gdegraph.trig``)."""
    return push_graphs(_named_graphs(path), graph_store, **options)
