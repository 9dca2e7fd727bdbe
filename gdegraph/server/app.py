"""The ASGI application: pages and per-resource RDF, dereferencing, dumps, VoID, SPARQL.

Dereferencing follows the W3C "Cool URIs for the Semantic Web" 303 pattern:
``/id/trust/RQ6`` names the trust itself, not a document, so the server
answers ``303 See Other`` pointing at the document that describes it in the
negotiated format (``RQ6.html``, ``RQ6.ttl``, ...; ``Vary: Accept``; 406 when
no offered format is acceptable). The documents are the static site's files
(:class:`gdegraph.site.build.Site` renders them on demand), so a file-extension URL
always gives that format whatever ``Accept`` says, and the server and a
static copy of the site serve identical bytes. Ontology terms are hash IRIs
(``def#Trust``): ``/def`` redirects the same way to ``def/index.{ext}``.

Nothing here reads a file named by a request: every path is looked up in
the site's own list of files (the dumps folder is listed once at start), so
``..`` and encoded variants simply are not found.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gdegraph.server.cache import ReplayCache, ReplayStore
from gdegraph.server.conneg import negotiate, rdf_offers
from gdegraph.server.evaluate import Engine
from gdegraph.server.headers import GZIP_MINIMUM, security_headers
from gdegraph.server.limits import Limits
from gdegraph.server.rescue import DRAINING_MESSAGE
from gdegraph.server.sparql import sparql_endpoint, text
from gdegraph.site.build import PAGE_FORMATS, Site
from gdegraph.site.model import Model

__all__ = ["GZIP_MINIMUM", "ServerState", "create_app"]



def _never() -> bool:
    return False


@dataclass
class ServerState:
    """What every request handler needs: the model, the site renderer, the query engine, the limits."""

    model: Model
    site: ServerSite
    engine: Engine  #: the dataset and the result caps, built once before the query processes fork
    limits: Limits
    replay: ReplayStore = field(default_factory=ReplayStore)  #: answers to repeated SPARQL GETs
    pool: Any = None  #: what runs a query in this process (gdegraph.server.handler.Evaluator)
    draining: Callable[[], bool] = _never  #: true once the server is stopping (the supervisor's shared flag)


@dataclass(frozen=True)
class Stamped:
    """A rendered file and its cache validators."""

    body: bytes
    media_type: str
    etag: str
    last_modified: str  #: HTTP date
    mtime: float


def _not_modified(request: Request, stamped: Stamped) -> bool:
    """RFC 9110 section 13: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
        return "*" in tags or stamped.etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return int(stamped.mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False


class ServerSite(Site):
    """The static site plus the server-only pages, with a bounded cache of rendered files."""

    def __init__(self, model: Model, dist: Path | None, modified: float | None = None) -> None:
        super().__init__(model, dumps_dir=dist, network_dir=dist / "network" if dist else None, server=True)
        self.modified = modified if modified is not None else time.time()
        self.cached = lru_cache(maxsize=2048)(self._stamped)

    def _stamped(self, path: str) -> Stamped | None:
        """A rendered file with its validators: an ETag of its bytes, and when it last changed
        (a published file's own time; for pages, the data's)."""
        rendered = self.render(path)
        if rendered is None:
            return None
        body, media_type = rendered
        folder, _, name = path.rpartition("/")
        file = {"static": self.static, "network": self.pictures, "dumps": self.dumps}.get(folder, {}).get(name)
        modified = file.stat().st_mtime if file is not None else self.modified
        return Stamped(body, media_type, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"',
                       formatdate(modified, usegmt=True), modified)

    def query_page(self) -> bytes:
        """The workbench (``sparql.html``), rendered at ``/sparql``: same folder, so the very same bytes."""
        stamped = self.cached("sparql.html")
        assert stamped is not None
        return stamped.body

    def not_found(self, at: str) -> bytes:
        return self._page("404.html", at or "index.html", {"title": "Page not found"})


def _alternates(stem: str) -> str:
    """``Link`` header naming every representation of a resource (RFC 8288)."""
    name = stem.rsplit("/", 1)[-1]
    links = [f'<{name}.html>; rel="alternate"; type="text/html"']
    links += [f'<{name}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in PAGE_FORMATS]
    return ", ".join(links)


def _see_other(request: Request, stem: str, relative: str) -> Response:
    """303 from a thing to the document describing it in the negotiated format (``relative`` + ext)."""
    offer = negotiate(request.headers.get("accept"), rdf_offers(PAGE_FORMATS, html="html"))
    if offer is None:
        return text(406, "no acceptable format; this resource is available as text/html, "
                    + ", ".join(f.media_type for f in PAGE_FORMATS), Vary="Accept", Link=_alternates(stem))
    ext = "html" if offer.target == "html" else offer.target.extension
    return Response(status_code=303, headers={"Location": f"{relative}.{ext}", "Vary": "Accept",
                                               "Link": _alternates(stem)})


async def page_endpoint(request: Request) -> Response:
    state: ServerState = request.app.state.gde
    path = request.path_params["path"] or "index.html"
    if path in ("def", "def/"):
        return _see_other(request, "def/index", "def/index" if path == "def" else "index")
    if path in state.model.by_path:  # a resource's IRI (keys never contain a dot, files always do)
        return _see_other(request, path, path.rsplit("/", 1)[-1])
    if path.startswith("queries/") and "." not in path:  # a library query's stable URL: its page, as is
        path += ".html"
    stamped = state.site.cached(path)
    if stamped is None:
        return Response(state.site.not_found(path), 404, media_type="text/html; charset=utf-8")
    headers = {"Cache-Control": "public, max-age=300", "ETag": stamped.etag, "Last-Modified": stamped.last_modified}
    base, dot, _ = path.rpartition(".")
    if dot and base in state.model.by_path:
        headers["Link"] = _alternates(base)
    if _not_modified(request, stamped):
        return Response(status_code=304, headers=headers)
    return Response(stamped.body, headers=headers, media_type=stamped.media_type)


async def void_endpoint(request: Request) -> Response:
    """``/.well-known/void``: the published VoID/DCAT description, in the negotiated RDF syntax."""
    from gdegraph.publish.dumps import DESCRIPTION_FILE

    state: ServerState = request.app.state.gde
    file = state.site.dumps.get(DESCRIPTION_FILE)
    if file is None:
        return text(404, f"no dataset description: publish one with `gdegraph publish` ({DESCRIPTION_FILE})")
    offer = negotiate(request.headers.get("accept"), rdf_offers(PAGE_FORMATS))
    if offer is None:
        return text(406, "the description is available as " + ", ".join(f.media_type for f in PAGE_FORMATS),
                    Vary="Accept")
    fmt = offer.target
    data = file.read_bytes()
    if fmt.name != "turtle":
        import pyoxigraph

        from gdegraph.site.build import serialise_triples

        data = serialise_triples(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE)), fmt)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(data, headers={"Vary": "Accept"}, media_type=media)


class SecurityHeaders:
    """Adds ``nosniff`` everywhere and a strict Content-Security-Policy to HTML (pure ASGI: no buffering)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = security_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Drain:
    """Once the server is stopping, answers new requests 503 and closes the connection (pure ASGI)."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.state.draining():
            await text(503, DRAINING_MESSAGE, **{"Retry-After": "5",
                       "Connection": "close"})(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(data: Path | None = None, dist: Path | None = None, limits: Limits | None = None) -> Starlette:
    """The application for ``data`` (default: the built graph) with dumps and pictures from ``dist``.

    Everything is built here, once, in the supervisor; its query processes are forked from it and
    share these pages (:mod:`gdegraph.server.supervisor`), each setting ``state.pool`` to run queries."""
    from gdegraph.sources.graph import open_graph
    from gdegraph.store.oxigraph_store import OxigraphStore

    limits = limits or Limits()
    store = open_graph("oxigraph", data)
    assert isinstance(store, OxigraphStore)
    model = Model(store.store.quads_for_pattern(None, None, None, None))
    model.store = store  # the query gallery's pages run the library queries on it, as `gdegraph site` does
    engine = Engine.over(store, limits.max_rows, limits.max_response_bytes)
    modified = data.stat().st_mtime if data is not None and data.is_file() else None
    state = ServerState(model, ServerSite(model, dist, modified), engine, limits)

    from gdegraph.server.reconcile import reconcile_routes

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST", "HEAD"]),
        *reconcile_routes(store),
        Route("/.well-known/void", void_endpoint, methods=["GET", "HEAD"]),
        Route("/{path:path}", page_endpoint, methods=["GET", "HEAD"]),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                   allow_headers=["Accept", "Content-Type"], max_age=86400,
                   expose_headers=["Content-Location", "Link", "Location", "Vary", "Gdegraph-Truncated"]),
        Middleware(SecurityHeaders),
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM),
    ]
    # Outermost first: the drain and the replay cache see every request this stack answers (the plain
    # SPARQL GET is answered before it, by gdegraph/server/hotpath.py).
    middleware[:0] = [Middleware(Drain, state=state), Middleware(ReplayCache, store=state.replay)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.gde = state
    return app
