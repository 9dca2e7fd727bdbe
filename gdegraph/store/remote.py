"""A remote SPARQL 1.1 endpoint behind the :class:`~gdegraph.store.factory.QueryStore` interface (SPARQLWrapper).

Also the HTTP helpers the Graph Store upload (:mod:`gdegraph.query.push`) shares:
URL checks, basic or bearer authentication, and turning every failure --
connection refused, timeout, an HTTP error status, an answer that is not
SPARQL results -- into one :class:`~gdegraph.store.factory.EndpointError` line, never
a traceback. Kept apart from :mod:`gdegraph.store.factory` because urllib and
SPARQLWrapper cost more to import than a local query takes.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
from collections.abc import Mapping
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from gdegraph.core.errors import InputError
from gdegraph.store.results import canonical
from gdegraph.store.sparql_text import query_form, with_values
from gdegraph.store.base import Bindings, EndpointError, SelectResult, Term

__all__ = ["RemoteStore", "auth_header", "check_url", "failure"]


def check_url(url: str, what: str) -> str:
    """``url`` if it is an http(s) URL with a host, else an :class:`InputError` naming ``what``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"the {what} must be an http(s) URL, not {url!r}")
    return url


def auth_header(user: str | None, password: str | None, token: str | None) -> dict[str, str]:
    """The Authorization header for a bearer ``token``, else HTTP basic ``user``/``password``, else none."""
    if token:
        return {"Authorization": f"Bearer {token}"}
    if user is not None:
        raw = f"{user}:{password or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    return {}


def failure(url: str, exc: BaseException) -> EndpointError:
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
        self.endpoint = check_url(endpoint, "endpoint")
        self.headers = auth_header(user, password, token)
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
            raise failure(self.endpoint, exc) from None

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
