"""The headers Starlette's middlewares add to a response, for the responses written without them.

Why: the hot path (:mod:`gdegraph.server.hotpath`) answers the ordinary
SPARQL ``GET`` without the Starlette stack, and must still send what the
stack would have: GZip's ``Accept-Encoding`` joined into ``Vary`` from
:data:`GZIP_MINIMUM` bytes (added even when the client takes no gzip),
``X-Content-Type-Options`` and, for HTML, the Content-Security-Policy
(:func:`security_headers`, which the stack's own middleware also uses), then
CORS's ``Origin`` joined into ``Vary``, in that order.
tests/test_server_fastpath.py checks that both paths give the same status,
headers and bytes.
"""

from __future__ import annotations

from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES

__all__ = ["CSP", "GZIP_MINIMUM", "add_vary", "gzip_identity", "security_headers"]

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


def add_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
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


def gzip_identity(headers: list[tuple[bytes, bytes]], size: int) -> list[tuple[bytes, bytes]]:
    """What Starlette's GZip middleware does to a response for a client that takes no gzip: from
    :data:`GZIP_MINIMUM` bytes of a compressible type, ``Accept-Encoding`` added to ``Vary`` (that
    client's copy differs from a gzip-taking client's), the body left as it is."""
    if size < GZIP_MINIMUM or any(k == b"content-encoding" for k, _ in headers):
        return headers
    media = next((v for k, v in headers if k == b"content-type"), b"").decode("latin-1")
    media = media.partition(";")[0].strip().lower()
    if {media, media.partition("/")[0] + "/*"} & _UNCOMPRESSED:
        return headers
    return add_vary(headers, b"Accept-Encoding")
