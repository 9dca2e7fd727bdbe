"""``/reconcile``: the W3C Reconciliation Service API (0.2) over the served graph, for OpenRefine.

A journalist's spreadsheet column of messy trust names becomes the graph's
IRIs and ODS codes: OpenRefine (or any client of the Entity Reconciliation
Community Group's protocol) is given ``http://HOST/reconcile`` as a standard
service. The matching is :class:`gdegraph.sources.reconcile.Reconciler`'s, that
is the gazetteer of ``gdegraph resolve``; this module only speaks the protocol:

* ``GET /reconcile`` -- the service manifest (types Trust and Programme,
  properties ``odsCode``, ``region`` and ``date``, view, preview and suggest);
* queries as the spec sends them: a keyed *query batch* (0.2) in the form field
  or URL parameter ``queries``, or as a JSON body; a JSON body of the 1.0 draft's
  shape ``{"queries": [{"conditions": [...]}]}`` is answered in that draft's
  shape (``{"results": [{"candidates": [...]}]}``);
* ``/reconcile/suggest/{entity,type,property}?prefix=`` and
  ``/reconcile/preview?id=`` (a small HTML card that may be framed by a client).

Read-only and bounded: a body over :data:`MAX_BODY` bytes or a batch over
:data:`MAX_BATCH` queries is refused with 413, a query text over
:data:`MAX_TEXT` characters, an unknown type or property or a malformed batch
with 400 -- each with a one-line message.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from gdegraph.core.errors import InputError
from gdegraph.model import iris
from gdegraph.server.sparql import text
from gdegraph.sources.gazetteer import (
    _fold,  # the resolver's own case folding, for prefixes
)
from gdegraph.sources.reconcile import (
    PROPERTIES,
    TYPES,
    Candidate,
    Entity,
    GazetteerUnavailable,
    Query,
    Reconciler,
)

__all__ = ["MAX_BATCH", "MAX_BODY", "MAX_LIMIT", "MAX_TEXT", "reconcile_routes"]

MAX_BODY = 256 * 1024
MAX_BATCH = 50
MAX_TEXT = 500
MAX_LIMIT = 25
DEFAULT_LIMIT = 5
MAX_PROPERTIES = 10
MAX_VALUES = 10
MAX_CURSOR = 10_000
PREVIEW_SIZE = (420, 180)
#: The preview is meant to be framed by the client (OpenRefine shows it in an iframe), unlike the site's pages.
PREVIEW_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"


class TooLarge(InputError):
    """More than the service accepts in one request (HTTP 413)."""


def reconcile_routes(store: Any) -> list[Route]:
    """The routes of the service over ``store`` (the served graph); the gazetteer is built on first use."""
    service = Reconciler.from_store(store)

    async def endpoint(request: Request) -> Response:
        try:
            batch = await _batch(request)
            if batch is None:
                return JSONResponse(_manifest(request))
            kind, queries = batch
            results = await run_in_threadpool(lambda: [service.reconcile(q) for q in queries.values()])
        except TooLarge as exc:
            return text(413, str(exc))
        except GazetteerUnavailable as exc:
            return text(503, f"{exc} (is --shared / GDEGRAPH_SHARED set?)")
        except InputError as exc:
            return text(400, str(exc))
        if kind == "draft":
            return JSONResponse({"results": [{"candidates": [_candidate(c, draft=True) for c in found]}
                                             for found in results]})
        return JSONResponse({key: {"result": [_candidate(c) for c in found]} for key, found in zip(queries, results)})

    async def suggest(request: Request) -> Response:
        what = request.path_params["what"]
        params = request.query_params
        try:
            prefix = _bounded(params.get("prefix", ""), "prefix")
            cursor = _integer(params.get("cursor", "0"), "cursor", 0, MAX_CURSOR)
            limit = _integer(params.get("limit", "10"), "limit", 1, MAX_LIMIT)
            kind = params.get("type") or None
            if what == "entity":
                if kind is not None and kind not in TYPES:
                    raise InputError(f"unknown type {kind!r}", hint="use " + " or ".join(TYPES))
                found = service.suggest(prefix, cursor, limit, kind)
                return JSONResponse({"result": [{"id": e.id, "name": e.name, "description": e.description,
                                                 "notable": [_type(e.type)]} for e in found]})
            table = {k: (name, "") for k, (name, _) in TYPES.items()} if what == "type" else PROPERTIES
            hits = [{"id": k, "name": name, **({"description": about} if about else {})}
                    for k, (name, about) in table.items() if _starts(prefix, k, name)]
            return JSONResponse({"result": hits[cursor: cursor + limit]})
        except InputError as exc:
            return text(400, str(exc))

    async def preview(request: Request) -> Response:
        key = request.query_params.get("id", "")
        entity = service.entity(key[:MAX_TEXT]) if key else None
        if entity is None:
            return text(404, f"no trust or programme with id {key[:80]!r}" if key else "preview needs ?id=")
        return HTMLResponse(_preview_html(entity, str(request.base_url)),
                            headers={"Content-Security-Policy": PREVIEW_CSP, "Cache-Control": "public, max-age=300"})

    return [
        Route("/reconcile", endpoint, methods=["GET", "POST", "HEAD"]),
        Route("/reconcile/suggest/{what:str}", suggest, methods=["GET", "HEAD"]),
        Route("/reconcile/preview", preview, methods=["GET", "HEAD"]),
    ]


# --- the request: a query batch, in whichever of the spec's forms it came -----------------

async def _batch(request: Request) -> tuple[str, dict[str, Query]] | None:
    """("v0.2" or "draft", queries by key), or None when the manifest is asked for."""
    if request.method in ("GET", "HEAD"):
        raw = request.query_params.get("queries")
        return None if raw is None else ("v0.2", _keyed(_json(_bounded(raw, "queries", MAX_BODY))))
    body = await _body(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        data = _json(body.decode("utf-8", "replace"))
        if isinstance(data, dict) and isinstance(data.get("queries"), list):
            return "draft", _draft(data["queries"])
        return "v0.2", _keyed(data)
    try:
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), max_num_fields=20, strict_parsing=False)
    except ValueError as exc:
        raise InputError(f"the form is malformed: {exc}") from None
    if "queries" not in form:
        if not body.strip():
            return None
        raise InputError("a POST needs a form field 'queries' (a JSON query batch) or a JSON body")
    return "v0.2", _keyed(_json(form["queries"][0]))


async def _body(request: Request) -> bytes:
    """The request body, read no further than :data:`MAX_BODY`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"the request body is over {MAX_BODY} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise TooLarge(f"the request body is over {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise InputError(f"the query batch is not JSON: {exc}") from None


def _keyed(data: Any) -> dict[str, Query]:
    """A 0.2 query batch: ``{"q0": {"query": ..., "type": ..., "limit": ..., "properties": [...]}}``."""
    if not isinstance(data, dict) or not data:
        raise InputError("a query batch is a non-empty JSON object of queries by key")
    _count(len(data))
    queries = {}
    for key, q in data.items():
        if not isinstance(q, dict):
            raise InputError(f"query {key!r} is not a JSON object")
        types = q.get("type", [])
        types = [types] if isinstance(types, str) else types
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise InputError(f"query {key!r}: 'type' is a type id or a list of them")
        properties = q.get("properties", [])
        if not isinstance(properties, list) or not all(isinstance(p, dict) and "pid" in p and "v" in p
                                                       for p in properties):
            raise InputError(f"query {key!r}: 'properties' is a list of {{\"pid\": ..., \"v\": ...}}")
        queries[str(key)] = _query(key, q.get("query", ""), types, q.get("limit"),
                                   [(p["pid"], p["v"]) for p in properties])
    return queries


def _draft(items: list[Any]) -> dict[str, Query]:
    """The 1.0 draft's batch: ``[{"type": ..., "limit": ..., "conditions": [{"matchType": ..., "v": ...}]}]``."""
    if not items:
        raise InputError("'queries' is an empty list")
    _count(len(items))
    queries = {}
    for k, q in enumerate(items):
        conditions = q.get("conditions") if isinstance(q, dict) else None
        if not isinstance(conditions, list) or not conditions or not all(isinstance(c, dict) for c in conditions):
            raise InputError(f"query {k}: 'conditions' is a non-empty list of objects")
        names = [_values(c.get("v"), f"query {k}") for c in conditions if c.get("matchType") == "name"]
        props = [(c.get("pid"), c.get("v")) for c in conditions if c.get("matchType") == "property"]
        if len(names) + len(props) != len(conditions):
            raise InputError(f"query {k}: each condition's matchType is 'name' or 'property'")
        kind = q.get("type")
        queries[str(k)] = _query(k, " ".join(v for vs in names for v in vs), [kind] if kind else [],
                                 q.get("limit"), props)
    return queries


def _query(key: Any, name: Any, types: list[str], limit: Any, properties: list[tuple[Any, Any]]) -> Query:
    if not isinstance(name, str):
        raise InputError(f"query {key!r}: 'query' is a string")
    if limit is not None and (not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit < 1):
        raise InputError(f"query {key!r}: 'limit' is a positive number")
    if len(properties) > MAX_PROPERTIES:
        raise TooLarge(f"query {key!r} has over {MAX_PROPERTIES} properties")
    props = []
    for pid, v in properties:
        if not isinstance(pid, str):
            raise InputError(f"query {key!r}: a property's 'pid' is a string")
        props.append((pid, tuple(_values(v, f"query {key!r}"))))
    if not name.strip() and not props:
        raise InputError(f"query {key!r} has neither a 'query' string nor properties")
    types = [t.removeprefix(iris.DEF) for t in types]
    return Query(_bounded(name.strip(), "query"), tuple(types), min(int(limit or DEFAULT_LIMIT), MAX_LIMIT),
                 tuple(props))


def _values(v: Any, where: str) -> list[str]:
    """A property value or list of them as strings (an entity value by its id)."""
    items = v if isinstance(v, list) else [v]
    if len(items) > MAX_VALUES:
        raise TooLarge(f"{where} gives over {MAX_VALUES} values for one property")
    out = []
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            item = item["id"]
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise InputError(f"{where}: a property value is a string, a number or {{\"id\": ...}}")
        out.append(_bounded(str(item), "property value"))
    return out


def _count(n: int) -> None:
    if n > MAX_BATCH:
        raise TooLarge(f"the batch has {n} queries; at most {MAX_BATCH} are answered at once (batchSize)")


def _bounded(value: str, what: str, most: int = MAX_TEXT) -> str:
    if len(value) > most:
        raise InputError(f"the {what} is over {most} characters")
    return value


def _integer(value: str, what: str, low: int, high: int) -> int:
    if not value.strip().isdigit() or not low <= int(value) <= high:
        raise InputError(f"{what} is a whole number from {low} to {high}, not {value[:20]!r}")
    return int(value)


def _starts(prefix: str, key: str, name: str) -> bool:
    want = _fold(prefix)
    return any(w.startswith(want) for w in (_fold(key), *_fold(name).split(), _fold(name)))


# --- the answers ----------------------------------------------------------------------------

def _type(kind: str) -> dict[str, str]:
    return {"id": kind, "name": TYPES[kind][0]}


def _candidate(c: Candidate, draft: bool = False) -> dict[str, Any]:
    features = [{"id": k, "value": v, **({"name": PROPERTIES.get(k, (k,))[0]} if draft else {})}
                for k, v in c.features.items()]
    return {"id": c.entity.id, "name": c.entity.name, "description": c.entity.description, "score": c.score,
            "match": c.match, "type": [_type(c.entity.type)], "features": features}


def _manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url)  # ends with "/"
    service = {"service_url": base.rstrip("/")}
    return {
        "versions": ["0.2"],
        "name": "gdegraph: NHS trusts and digital programmes (GDE, fast followers, Digital Aspirants)",
        "identifierSpace": iris.ID,
        "schemaSpace": iris.DEF,
        "documentation": base + "index.html",
        "view": {"url": base + "id/{{id}}"},
        "preview": {"url": base + "reconcile/preview?id={{id}}", "width": PREVIEW_SIZE[0], "height": PREVIEW_SIZE[1]},
        "defaultTypes": [_type(k) for k in TYPES],
        "suggest": {what: {**service, "service_path": f"/reconcile/suggest/{what}"}
                    for what in ("entity", "type", "property")},
        "batchSize": MAX_BATCH,
    }


def _preview_html(e: Entity, base: str) -> str:
    """A small self-contained card: name, type, code, region, closing date, programmes, a link to the page."""
    rows = [("Type", TYPES[e.type][0]), ("ODS code", e.code), ("NHS region", e.region), ("Closed", e.closed),
            ("Programmes", "; ".join(e.programmes))]
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows if v)
    page = html.escape(f"{base}id/{e.id}", quote=True)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(e.name)}</title>'
            f'</head><body><h1>{html.escape(e.name)}</h1><table>{cells}</table>'
            f'<p><a href="{page}" target="_blank" rel="noopener">{html.escape(e.iri)}</a></p></body></html>')
