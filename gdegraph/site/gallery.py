"""The query library as pages: a gallery for the workbench and one page per query.

Each query of ``queries/*.rq`` (:mod:`gdegraph.query.library`) gets a stable
page, ``queries/NAME.html`` (the server also answers ``/queries/NAME``),
showing its description, its parameters, its text with the example values
bound (the same ``VALUES`` block ``gdegraph query`` uses, never pasted text)
and its results on the graph being published, with labels linked to resource
pages. The results are computed when the site is built or the server starts
from the very graph served, so the static copy and the server show the same
bytes; the workbench link reruns the query live.

The static site has no endpoint, so its workbench runs queries in the reader's
browser (oxigraph's WebAssembly build, vendored in ``static/vendor``) over the
very quads the site was made from: :func:`local_quads` is that data, delivered
as a classic script (``explore/quads.js``) because a page opened from disk may
neither ``fetch()`` a file nor load a module.
"""

from __future__ import annotations

import base64
import gzip
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode

from gdegraph.site.model import Model

__all__ = ["GalleryQuery", "answer", "gallery", "local_quads"]

#: Rows shown on a query's page (the workbench shows them all, within the server's limits).
MAX_ROWS = 200


@dataclass
class GalleryQuery:
    name: str
    title: str
    description: str
    form: str
    params: list[dict[str, str]]
    text: str  # with the example values bound
    columns: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, str | None, str | None]]] = field(default_factory=list)  # (text, site path, IRI)
    total: int = 0
    answer: str = ""  # for ASK, CONSTRUCT and DESCRIBE: a sentence instead of a table
    error: str = ""
    bound: bool = False  # the text was bound on a store, so the query can be run (:func:`answer`)
    answered: bool = False


def _cell(model: Model, term: Any) -> tuple[str, str | None, str | None]:
    if term is None:
        return ("", None, None)
    if isinstance(term, NamedNode):
        return (model.label(term), model.path(term), term.value)
    if isinstance(term, Literal):
        return (term.value, None, None)
    return (str(term), None, None)


def gallery(model: Model) -> list[GalleryQuery]:
    """Every library query with its example-bound text (its results: :func:`answer`).

    Without a store (a model made from bare quads) the pages still show text and parameters.
    """
    from gdegraph.core.errors import GdeError
    from gdegraph.query.library import bind_params, load_library
    from gdegraph.store.sparql_text import with_values

    store = getattr(model, "store", None)
    found = []
    for query in load_library().values():
        params = [{"name": p.name, "type": p.type_label, "required": "required" if p.required else "optional",
                   "example": p.example or p.default or "", "description": p.description} for p in query.params]
        item = GalleryQuery(query.name, query.title, query.description, query.form, params, query.text)
        if store is not None:
            try:
                raw = {p.name: p.example for p in query.params if p.example is not None}
                bindings = bind_params(query, raw, store)
                item.text = with_values(query.text, bindings)
                item.bound = True
            except GdeError as exc:
                item.error = str(exc)
        found.append(item)
    return found


def answer(model: Model, item: GalleryQuery) -> GalleryQuery:
    """``item`` with its results on ``model``'s store, run the first time it is asked for (then kept).

    A query that fails on the graph shows its error instead, as one whose parameters did not bind.
    """
    from gdegraph.core.errors import GdeError

    if item.bound and not item.answered:
        item.answered = True
        try:
            _run(model, model.store, item)
        except GdeError as exc:
            item.error = str(exc)
    return item


def _run(model: Model, store: Any, item: GalleryQuery) -> None:
    if item.form == "SELECT":
        result = store.select(item.text)
        item.columns = list(result.variables)
        item.total = len(result.rows)
        item.rows = [[_cell(model, t) for t in row] for row in result.rows[:MAX_ROWS]]
    elif item.form == "ASK":
        item.answer = "Yes." if store.ask(item.text) else "No."
    else:
        triples = store.construct(item.text)
        item.total = len(triples)
        item.answer = f"{len(triples)} triples; open it in the workbench to see them as Turtle."


def local_quads(model: Model) -> str:
    """The model's store as N-Quads, gzipped and base64-encoded, for the static workbench's engine.

    Serialised from the store the pages and the gallery were made from (not from a dump in
    ``dist/``, which may be older), so the browser answers over exactly the graph the site shows.
    On this graph it costs a few tens of milliseconds: oxigraph writes the N-Quads, gzip
    (level 6, as the dumps use) shrinks them about twenty times, and the browser inflates
    them with its own ``DecompressionStream``. A model without a store gives an empty graph.
    """
    from pyoxigraph import RdfFormat

    store = getattr(model, "store", None)
    data = store.store.dump(format=RdfFormat.N_QUADS) if store is not None else b""
    return base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")
