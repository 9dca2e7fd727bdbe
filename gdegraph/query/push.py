"""Uploading the built graph to a store with the SPARQL 1.1 Graph Store Protocol.

``push`` PUTs each named graph of the built dataset to ``GSP?graph=IRI``;
PUT replaces the graph, so pushing again leaves one copy, never two. The
server's default graph is left alone: query it with "union default graph"
on (``oxigraph serve --union-default-graph``; Virtuoso does so by default).
:func:`push_built` is what ``gdegraph push`` and the API's ``gdegraph.push_built``
run; querying a remote store is :mod:`gdegraph.store.remote`'s business.

Every failure -- connection refused, timeout, an HTTP error status -- becomes
one :class:`~gdegraph.store.factory.EndpointError` line, never a traceback.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdegraph.core.errors import InputError

if TYPE_CHECKING:
    from pyoxigraph import Triple

__all__ = ["PushReport", "RemoteStore", "graph_store_url", "push_built", "push_file", "push_graphs"]


def __getattr__(name: str) -> Any:
    """``RemoteStore``, which lived here, from :mod:`gdegraph.store.remote` (imported on demand, so
    naming ``gdegraph.push_built`` or ``gdegraph.PushReport`` stays free of pyoxigraph)."""
    if name == "RemoteStore":
        from gdegraph.store.remote import RemoteStore

        return RemoteStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- Graph Store Protocol upload ----------------------------------------------------------

def graph_store_url(endpoint: str) -> str:
    """Guess the Graph Store endpoint from a query endpoint: ``…/query`` or ``…/sparql`` -> ``…/store``
    (Oxigraph's layout); any other URL gets ``/store`` appended."""
    from gdegraph.store.remote import check_url

    base = check_url(endpoint, "endpoint").rstrip("/")
    for suffix in ("/query", "/sparql"):
        if base.endswith(suffix):
            return base[: -len(suffix)] + "/store"
    return base + "/store"


@dataclass
class PushReport:
    """What :func:`push_built` sent where: the Graph Store URL and the triple count of each named
    graph (by graph IRI); ``str()`` is the line-per-graph report ``gdegraph push`` prints."""

    graph_store: str
    graphs: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"pushed {sum(self.graphs.values())} triples in {len(self.graphs)} named graphs to {self.graph_store}"]
        lines += [f"  {name:<50} {count:>6} triples" for name, count in self.graphs.items()]
        return "\n".join(lines)


Sender = Callable[[urllib.request.Request, float], Any]


class _ReusedDigestAuth(urllib.request.HTTPDigestAuthHandler):
    """A digest handler that keeps the server's last challenge and answers it up front.

    urllib answers a digest challenge only after a 401, so every PUT would go out once
    without credentials, body and all; Virtuoso sends that 401 as soon as it has read the
    headers and closes the connection, and a large body then fails with "Broken pipe"
    (seen about once in five pushes on a loaded 2-core machine). With the challenge kept,
    each request carries its ``Authorization`` header from the start (RFC 7616's nonce
    count goes up each time); a stale nonce still gets the usual 401 and retry.
    """

    def __init__(self, passwords: urllib.request.HTTPPasswordMgr) -> None:
        super().__init__(passwords)
        self.challenge: dict[str, str] | None = None

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        if self.challenge is not None and not request.has_header(self.auth_header):
            answer = self.get_authorization(request, self.challenge)
            if answer:
                request.add_unredirected_header(self.auth_header, f"Digest {answer}")
        return request

    https_request = http_request

    def retry_http_digest_auth(self, req: urllib.request.Request, auth: str) -> Any:
        _scheme, challenge = auth.split(" ", 1)
        self.challenge = urllib.request.parse_keqv_list(filter(None, urllib.request.parse_http_list(challenge)))
        return super().retry_http_digest_auth(req, auth)


def _sender(target: str, user: str | None, password: str | None) -> Sender:
    """Send with urllib, answering the store's HTTP basic *or* digest challenge when a user is given.

    Credentials are not sent up front: Virtuoso's ``/sparql-graph-crud-auth`` answers a
    pre-emptive basic header with a bare 401 and only challenges (``Digest``) a request
    without one, while a proxy or Fuseki challenges ``Basic``. urllib's two handlers
    answer whichever challenge comes, so no store needs an option of its own. (A bearer
    token is still sent up front: there is no challenge to wait for.) The challenge is
    fetched with a bodiless ``HEAD`` before the first upload, as ``curl --digest`` does,
    so no request body is sent to a server that is about to refuse it.
    """
    handlers: list[urllib.request.BaseHandler] = []
    digest: _ReusedDigestAuth | None = None
    if user is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, target, user, password or "")
        digest = _ReusedDigestAuth(passwords)
        handlers += [digest, urllib.request.HTTPBasicAuthHandler(passwords)]
    opener = urllib.request.build_opener(*handlers)
    negotiated = digest is None

    def send(request: urllib.request.Request, timeout: float) -> Any:
        nonlocal negotiated
        if not negotiated:
            negotiated = True
            try:
                with opener.open(urllib.request.Request(request.full_url, method="HEAD"), timeout=timeout):
                    pass
            except urllib.error.HTTPError:
                pass  # a missing graph (404) or a store without HEAD: the upload itself says what is wrong
        with opener.open(request, timeout=timeout) as response:
            return response.status

    return send


def push_graphs(graphs: Iterable[tuple[str, bytes, int]], graph_store: str, *, user: str | None = None,
                password: str | None = None, token: str | None = None, timeout: float = 60.0,
                send: Sender | None = None) -> PushReport:
    """PUT each ``(graph IRI, N-Triples bytes, triple count)``; the first failure stops the push."""
    from gdegraph.store.remote import auth_header, check_url, failure

    target = check_url(graph_store, "graph store URL")
    send = send or _sender(target, user, password)
    headers = {"Content-Type": "application/n-triples", **auth_header(None, None, token)}
    report = PushReport(target)
    for iri, body, count in graphs:
        sep = "&" if "?" in target else "?"
        url = f"{target}{sep}{urllib.parse.urlencode({'graph': iri})}"
        request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
        try:
            send(request, timeout)
        except (urllib.error.URLError, OSError, ValueError) as exc:  # ValueError: a challenge urllib cannot answer
            raise failure(target, exc) from None
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


def push_built(endpoint: str | None = None, *, graph_store: str | None = None, data: str | Path | None = None,
               user: str | None = None, password: str | None = None, token: str | None = None,
               timeout: float = 60.0, shared: str | Path | None = None) -> PushReport:
    """Upload the built graph, one named graph per source, replacing what the store held.

    The Graph Store URL is ``graph_store``, else derived from the query ``endpoint``
    (:func:`graph_store_url`). ``data`` is a TriG or N-Quads file; without it the built
    ``dist/gdegraph.trig``, which must be newer than its inputs (the seeds and reference
    data in ``shared``), so a store never gets a graph older than the checkout.
    """
    from gdegraph.sources import graph

    if not graph_store and not endpoint:
        raise InputError("push needs --endpoint or --graph-store")
    if data is None:
        data = graph.current_build(Path(shared) if shared is not None else None)
        if data is None:
            raise InputError(f"{graph.default_data()} is missing or older than its inputs",
                             hint="run `gdegraph build` first, or pass --data")
    target = graph_store or graph_store_url(endpoint or "")
    return push_file(Path(data), target, user=user, password=password, token=token, timeout=timeout)
