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

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gdegraph.server.conneg import negotiate, rdf_offers
from gdegraph.server.limits import Limits
from gdegraph.server.sparql import sparql_endpoint, text
from gdegraph.site.build import PAGE_FORMATS, Site
from gdegraph.site.model import Model

__all__ = ["ServerState", "create_app"]

#: Map tiles are the one thing a page loads from another host (by the reader's browser, never by the server).
TILES = "https://tile.openstreetmap.org"
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: " + TILES + "; script-src 'self'; "
       "connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


@dataclass
class ServerState:
    """What every request handler needs: the model, the site renderer, the query pool, the limits."""

    model: Model
    site: ServerSite
    pool: Any
    limits: Limits


class ServerSite(Site):
    """The static site plus the server-only pages, with a bounded cache of rendered files."""

    def __init__(self, model: Model, dist: Path | None) -> None:
        super().__init__(model, dumps_dir=dist, network_dir=dist / "network" if dist else None, server=True)
        self.cached = lru_cache(maxsize=2048)(self.render)

    def query_page(self) -> bytes:
        """The workbench (``sparql.html``), rendered at ``/sparql``: same folder, so the very same bytes."""
        rendered = self.cached("sparql.html")
        assert rendered is not None
        return rendered[0]

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
    rendered = state.site.cached(path)
    if rendered is None:
        return Response(state.site.not_found(path), 404, media_type="text/html; charset=utf-8")
    body, media_type = rendered
    headers = {"Cache-Control": "public, max-age=300"}
    base, dot, _ = path.rpartition(".")
    if dot and base in state.model.by_path:
        headers["Link"] = _alternates(base)
    return Response(body, headers=headers, media_type=media_type)


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
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(data: Path | None = None, dist: Path | None = None, limits: Limits | None = None) -> Starlette:
    """The application for ``data`` (default: the built graph) with dumps and pictures from ``dist``."""
    from pyoxigraph import RdfFormat

    from gdegraph.server.workers import WorkerPool
    from gdegraph.store.factory import OxigraphStore, open_store

    limits = limits or Limits()
    store = open_store("oxigraph", data)
    assert isinstance(store, OxigraphStore)
    model = Model(store.store.quads_for_pattern(None, None, None, None))
    model.store = store  # the query gallery's pages run the library queries on it, as `gdegraph site` does
    nquads = store.store.dump(format=RdfFormat.N_QUADS)
    state = ServerState(model, ServerSite(model, dist), None, limits)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        state.pool = WorkerPool(nquads, limits.workers, limits.timeout, limits.max_rows)
        await state.pool.start()
        try:
            yield
        finally:
            await state.pool.close()

    routes = [
        Route("/sparql", sparql_endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/.well-known/void", void_endpoint, methods=["GET", "HEAD"]),
        Route("/{path:path}", page_endpoint, methods=["GET", "HEAD"]),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
                   allow_headers=["Accept", "Content-Type"], max_age=86400,
                   expose_headers=["Content-Location", "Link", "Location", "Vary", "Gdegraph-Truncated"]),
        Middleware(SecurityHeaders),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.gde = state
    return app
