"""The ``/sparql`` endpoint: the SPARQL 1.1 Protocol for queries, and nothing else.

* ``GET /sparql?query=...``, ``POST`` form-encoded (``query=...``) and
  ``POST`` with ``Content-Type: application/sparql-query`` (protocol 2.1.1-2.1.3);
  ``default-graph-uri`` / ``named-graph-uri`` as the protocol defines them.
* Updates in any shape (``update=``, ``application/sparql-update``, update
  text in ``query=``) are refused with 403; see :mod:`gdegraph.server.policy`.
* Without a query: the service description (RDF, by ``Accept``), or the
  HTML query page for a browser.

The request is read and size-checked here; the policy check and the
evaluation run in this same query process (:mod:`gdegraph.server.evaluate`),
whose time and memory the supervisor bounds (:mod:`gdegraph.server.supervisor`).
"""

from __future__ import annotations

import asyncio
import re
from functools import lru_cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gdegraph.model import iris
from gdegraph.server import querystring
from gdegraph.server.conneg import negotiate, rdf_offers
from gdegraph.server.evaluate import Job, Reply
from gdegraph.server.policy import Refused, check_nesting

__all__ = ["answer", "browser", "checked_query", "endpoint_iri", "query_job", "reply_response", "service_description",
           "sparql_endpoint", "text"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_FORM = "application/x-www-form-urlencoded"
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def text(status: int, message: str, **headers: str) -> Response:
    return Response(message + "\n", status, headers=headers or None, media_type="text/plain; charset=utf-8")


async def _body(request: Request, limit: int, seconds: float) -> bytes:
    """The request body, refusing as soon as it exceeds ``limit`` bytes (413) or takes over ``seconds`` (408)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"request body too large: the limit is {limit} bytes")
    chunks, size = [], 0
    try:
        async with asyncio.timeout(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Refused(413, f"request body too large: the limit is {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise Refused(408, f"the request body did not arrive within {seconds:g} s") from None
    return b"".join(chunks)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request is not UTF-8") from None


async def _params(request: Request, max_body: int, seconds: float) -> dict[str, list[str]]:
    """Protocol parameters from the URL and, for POST, from the body."""
    params = querystring.parse(request.scope["query_string"])
    if request.method != "POST":
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
    body = _decode(await _body(request, max_body, seconds))
    if content_type == _FORM:
        for key, values in querystring.parse(body).items():
            params.setdefault(key, []).extend(values)
    elif content_type == "application/sparql-query":
        params["query"] = params.get("query", []) + [body]
    else:
        raise Refused(415, f"POST a query as {_FORM} or application/sparql-query, not {content_type or 'nothing'}")
    return params


def checked_query(params: dict[str, list[str]], limits: Any) -> str | None:
    """The one query the parameters carry (None: none given), or :class:`Refused` with its status.

    Only what can be judged in the event loop without parsing SPARQL: updates, the count,
    length and emptiness of the query, and its nesting."""
    if "update" in params:
        raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise Refused(400, "give exactly one query parameter")
    if not queries:
        return None
    if len(queries[0]) > limits.max_query_length:
        raise Refused(413, f"query too long: the limit is {limits.max_query_length} characters")
    if not queries[0].strip():
        raise Refused(400, "empty query: give a SPARQL query in the query parameter")
    check_nesting(queries[0], limits.max_nesting)
    return queries[0]


def query_job(params: dict[str, list[str]], query: str, accept: str | None, base: str) -> Job:
    """The job for ``query`` with the protocol's dataset parameters."""
    return Job(query, accept, tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
               base)


def reply_response(reply: Reply) -> Response:
    """An evaluated reply as the HTTP response (the hot path and the full stack alike)."""
    return Response(reply.body, reply.status, headers={**reply.headers, "Vary": "Accept"},
                    media_type=reply.media_type)


async def answer(state: Any, params: dict[str, list[str]], query: str, accept: str | None, base: str) -> Response:
    """Evaluate ``query`` in this process (the supervisor bounds its time and memory) and answer."""
    return reply_response(state.pool.run_now(query_job(params, query, accept, base)))


async def sparql_endpoint(request: Request) -> Response:
    state = request.app.state.gde
    limits = state.limits
    try:
        params = await _params(request, limits.max_body, limits.header_timeout)
        query = checked_query(params, limits)
    except Refused as exc:
        return text(exc.status, exc.message)
    except ValueError as exc:  # too many parameters
        return text(400, f"bad request: {exc}")
    if query is None:
        return service_description(request)
    if request.method != "POST" and browser(request.headers.get("accept")):
        # A shared query link opened in a browser: the workbench, which reads ?query= and runs it.
        return Response(state.site.query_page(), headers={"Vary": "Accept"}, media_type="text/html; charset=utf-8")
    return await answer(state, params, query, request.headers.get("accept"),
                        endpoint_iri(request.scope.get("scheme", "http"), request.headers.get("host", "")))


def endpoint_iri(scheme: str, host: str) -> str:
    """The endpoint's own IRI (no query string): the base IRI of every query sent to it.

    The host comes from the request's ``Host`` header; one that is not a plain host[:port]
    falls back to ``localhost`` so that the base is always a valid IRI."""
    if not _HOST.fullmatch(host):
        host = "localhost"
    return f"{scheme}://{host}/sparql"


def browser(accept: str | None) -> bool:
    """Whether ``Accept`` prefers HTML to every SPARQL result format (results win ties and ``*/*``).

    Remembered per header (clients send the same one every time; mimeparse costs more than the
    rest of the request's checks together); an unusually long header is judged afresh."""
    if accept is not None and len(accept) > 512:
        return _browser_uncached(accept)
    return _browser_cached(accept)


def _browser_uncached(accept: str | None) -> bool:
    from gdegraph.server.conneg import HTML, Offer, results_offers

    offer = negotiate(accept, [*results_offers(), Offer(HTML, "page")])
    return offer is not None and offer.target == "page"


_browser_cached = lru_cache(maxsize=256)(_browser_uncached)


def service_description(request: Request) -> Response:
    """The SPARQL 1.1 Service Description (RDF), or the query page when a browser asks."""
    from pyoxigraph import Literal, NamedNode, QueryResultsFormat, Triple

    from gdegraph.site.build import PAGE_FORMATS, serialise_triples

    state = request.app.state.gde
    offer = negotiate(request.headers.get("accept"), rdf_offers(PAGE_FORMATS, html="page"))
    if offer is None:
        return text(406, "the service description is available as HTML, "
                         + ", ".join(f.media_type for f in PAGE_FORMATS), Vary="Accept")
    if offer.target == "page":
        return Response(state.site.query_page(), headers={"Vary": "Accept"}, media_type="text/html; charset=utf-8")
    endpoint = str(request.url.replace(query="", fragment=""))
    service, dataset = NamedNode(endpoint), NamedNode(endpoint + "#dataset")
    default = NamedNode(endpoint + "#default-graph")

    def t(s: Any, p: str, o: Any) -> Triple:
        return Triple(s, NamedNode(p), o)

    triples = [t(service, RDF_TYPE, NamedNode(SD + "Service")), t(service, SD + "endpoint", service),
               t(service, SD + "supportedLanguage", NamedNode(SD + "SPARQL11Query")),
               t(service, SD + "feature", NamedNode(SD + "UnionDefaultGraph")),
               t(service, SD + "defaultDataset", dataset), t(dataset, RDF_TYPE, NamedNode(SD + "Dataset")),
               t(dataset, SD + "defaultGraph", default), t(default, RDF_TYPE, NamedNode(SD + "Graph")),
               t(default, VOID + "triples", Literal(str(state.model.triple_count), datatype=NamedNode(
                   "http://www.w3.org/2001/XMLSchema#integer")))]
    formats = [f.iri for f in (QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.CSV,
                               QueryResultsFormat.TSV)] + [f.w3c_format for f in PAGE_FORMATS if f.w3c_format]
    triples += [t(service, SD + "resultFormat", NamedNode(iri)) for iri in formats]
    for key, size in sorted(state.model.graph_sizes.items()):
        named, graph = NamedNode(f"{endpoint}#graph-{key}"), NamedNode(iris.GRAPH + key)
        triples += [t(dataset, SD + "namedGraph", named), t(named, SD + "name", graph),
                    t(named, SD + "graph", NamedNode(f"{endpoint}#graph-{key}-content")),
                    t(NamedNode(f"{endpoint}#graph-{key}-content"), VOID + "triples",
                      Literal(str(size), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    fmt = offer.target
    return Response(serialise_triples(triples, fmt, {"sd": SD}), headers={"Vary": "Accept"},
                    media_type=fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else ""))
