"""``GET /sparql?query=...`` answered without Starlette's routing and middleware, when they would change nothing.

Why: on a distinct query (one the replay cache cannot answer) the server's
main process spends most of its time per request not on the query, which a
worker runs, but on the layers a request passes through: Starlette's
routing, its request object, the CORS, security-header, gzip, error and
exception middlewares, each wrapping ``send``. :class:`SparqlFastPath` sits
just inside the replay cache and the drain (:mod:`gdegraph.server.app`), so
both still see every request, and answers the ordinary SPARQL ``GET`` itself
with the endpoint's own functions (:func:`gdegraph.server.sparql.checked_query`
and :func:`~gdegraph.server.sparql.answer`: the same checks, the same worker
round trip, the same limits), writing the headers the middlewares would
have added, in their order: GZip's ``Accept-Encoding`` joined into ``Vary``
from :data:`GZIP_MINIMUM` bytes (added even when the client takes no gzip),
``X-Content-Type-Options`` and, for HTML, the Content-Security-Policy
(:func:`security_headers`), then CORS's ``Origin`` joined into ``Vary``.

Everything else takes the full stack, decided from the request line and
headers alone before anything runs: other methods and paths, a request
carrying ``Origin`` (CORS headers to add), one accepting gzip (the response
may be compressed), a browser's ``Accept`` (the workbench page), and a query
string without a ``query`` (the service description).
tests/test_server_fastpath.py checks that both paths give the same status,
headers and bytes.
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.types import ASGIApp, Receive, Scope, Send

from gdegraph.server import querystring
from gdegraph.server.policy import Refused
from gdegraph.server.sparql import answer, browser, checked_query, endpoint_iri, text

__all__ = ["CSP", "GZIP_MINIMUM", "SparqlFastPath", "security_headers"]

#: Map tiles are the one thing a page loads from another host (by the reader's browser, never by the server).
TILES = "https://tile.openstreetmap.org"
CSP = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: " + TILES + "; script-src 'self'; "
       "connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_NOSNIFF = (b"x-content-type-options", b"nosniff")
#: Text responses from this size up are gzip-compressed for clients that accept it (app.py's GZipMiddleware).
GZIP_MINIMUM = 4096
_UNCOMPRESSED = frozenset(DEFAULT_EXCLUDED_CONTENT_TYPES)
_CSP = (b"content-security-policy", CSP.encode())


def security_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with ``nosniff``, and the CSP on HTML that has none of its own (/reconcile/preview has)."""
    headers = [*headers, _NOSNIFF]
    if (any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            and not any(k == b"content-security-policy" for k, _ in headers)):
        headers.append(_CSP)
    return headers


def _add_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    """What Starlette's middlewares do to add ``name`` to ``Vary`` (``MutableHeaders.add_vary_header``):
    every ``Vary`` joined into the first one's place, ``name`` added."""
    values = [v for k, v in headers if k == b"vary"]
    if not values:
        return [*headers, (b"vary", name)]
    joined = b", ".join([*values, name])
    out, done = [], False
    for k, v in headers:
        if k == b"vary":
            if not done:
                out.append((k, joined))
                done = True
        else:
            out.append((k, v))
    return out


def _gzip_identity(headers: list[tuple[bytes, bytes]], size: int) -> list[tuple[bytes, bytes]]:
    """What Starlette's GZip middleware does to a response for a client that takes no gzip: from
    :data:`GZIP_MINIMUM` bytes of a compressible type, ``Accept-Encoding`` added to ``Vary`` (that
    client's copy differs from a gzip-taking client's), the body left as it is."""
    if size < GZIP_MINIMUM or any(k == b"content-encoding" for k, _ in headers):
        return headers
    media = next((v for k, v in headers if k == b"content-type"), b"").decode("latin-1")
    media = media.partition(";")[0].strip().lower()
    if {media, media.partition("/")[0] + "/*"} & _UNCOMPRESSED:
        return headers
    return _add_vary(headers, b"Accept-Encoding")


class SparqlFastPath:
    """Pure ASGI: the common SPARQL ``GET`` answered directly, everything else passed to ``app``."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql" \
                or not scope["query_string"]:
            await self.app(scope, receive, send)
            return
        accept = host = None
        for key, value in scope["headers"]:  # the first of each, as Starlette's Headers.get reads them
            if key == b"accept":
                accept = value.decode("latin-1") if accept is None else accept
            elif key == b"host":
                host = value.decode("latin-1") if host is None else host
            elif key == b"origin" or (key == b"accept-encoding" and b"gzip" in value):
                await self.app(scope, receive, send)
                return
        if browser(accept):
            await self.app(scope, receive, send)
            return
        state = self.state
        try:
            params = querystring.parse(scope["query_string"])
            query = checked_query(params, state.limits)
        except Refused as exc:
            response = text(exc.status, exc.message)
        except ValueError as exc:  # too many parameters
            response = text(400, f"bad request: {exc}")
        else:
            if query is None:
                await self.app(scope, receive, send)
                return
            response = await answer(state, params, query, accept, endpoint_iri(scope.get("scheme", "http"), host or ""))
        await send({"type": "http.response.start", "status": response.status_code,
                    "headers": _add_vary(security_headers(_gzip_identity(response.raw_headers, len(response.body))), b"Origin")})
        await send({"type": "http.response.body", "body": response.body})
