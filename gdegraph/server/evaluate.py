"""Running one SPARQL request inside a worker process: check, evaluate, cap, serialise.

Everything that can take unbounded time happens here, in a process the
server may kill (:mod:`gdegraph.server.workers`): parsing with rdflib for the
policy check, evaluation by pyoxigraph, and serialising the results. The
worker answers with a :class:`Reply` (status, media type, bytes), never
with an exception, so the parent needs no knowledge of engines or formats.

Result caps: at most ``max_rows`` solutions (or triples) are read from the
lazy pyoxigraph iterator, so a huge result is never materialised; when the
cap cuts a result the reply carries a ``Gdegraph-Truncated`` header. SELECT
results are written as SPARQL JSON here (a few lines) and converted to XML,
CSV or TSV by pyoxigraph's own result serialisers, so every format is exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from gdegraph.server.conneg import negotiate, rdf_offers, results_offers
from gdegraph.server.policy import Refused, check_query

__all__ = ["Engine", "Job", "Reply"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Job:
    """One query as the protocol delivered it."""

    query: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass
class Reply:
    """What to send back: the parent turns it into an HTTP response as it is."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _term_json(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


class Engine:
    """The dataset in a pyoxigraph store (via :class:`gdegraph.store.OxigraphStore`) and the caps."""

    def __init__(self, nquads_path: str, max_rows: int) -> None:
        from pyoxigraph import RdfFormat

        from gdegraph.store import OxigraphStore

        self.store = OxigraphStore()
        self.store.store.bulk_load(path=nquads_path, format=RdfFormat.N_QUADS)
        self.graphs = frozenset(g.value for g in self.store.store.named_graphs())
        self.max_rows = max_rows
        # rdflib's parser costs 2-20 ms a query; clients repeat queries, so remember verdicts.
        self._check = lru_cache(maxsize=512)(self._check_uncached)

    def _check_uncached(self, query: str, default: tuple[str, ...], named: tuple[str, ...]) -> Any:
        try:
            return check_query(query, self.graphs, default, named)
        except Refused as exc:
            return exc

    def run(self, job: Job) -> Reply:
        """Answer one job; every failure becomes a reply with a 4xx or 5xx status."""
        checked = self._check(job.query, job.default_graphs, job.named_graphs)
        if isinstance(checked, Refused):
            return Reply.text(checked.status, checked.message)
        if checked.form in ("SELECT", "ASK"):
            offer = negotiate(job.accept, results_offers())
        else:
            from gdegraph.site import PAGE_FORMATS

            offer = negotiate(job.accept, rdf_offers(PAGE_FORMATS))
        if offer is None:
            return Reply.text(406, f"no acceptable format for a {checked.form} result; see the service description")
        try:
            return self._evaluate(job, checked, offer.target)
        except SyntaxError as exc:
            return Reply.text(400, f"malformed query: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            return Reply.text(500, f"query evaluation failed: {exc}")

    def _evaluate(self, job: Job, checked: Any, fmt: Any) -> Reply:
        from pyoxigraph import NamedNode

        options: dict[str, Any] = {"use_default_graph_as_union": not checked.has_dataset}
        if job.default_graphs or job.named_graphs:
            options = {"default_graph": [NamedNode(g) for g in checked.default_graphs],
                       "named_graphs": [NamedNode(g) for g in checked.named_graphs]}
        result = self.store.store.query(job.query, **options)
        kind = type(result).__name__
        if kind == "QueryBoolean":
            return Reply(200, _media(fmt), result.serialize(format=fmt))
        rows = list(islice(result, self.max_rows + 1))
        headers = {}
        if len(rows) > self.max_rows:
            rows = rows[: self.max_rows]
            headers["Gdegraph-Truncated"] = f"results cut at {self.max_rows} rows"
        if kind == "QueryTriples":
            from gdegraph.site import serialise_triples

            return Reply(200, _media(fmt), serialise_triples(rows, fmt), headers)
        names = [v.value for v in result.variables]
        document = {"head": {"vars": names}, "results": {"bindings": [
            {n: _term_json(row[n]) for n in names if row[n] is not None} for row in rows]}}
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        from pyoxigraph import QueryResultsFormat, parse_query_results

        if fmt != QueryResultsFormat.JSON:
            body = parse_query_results(body, format=QueryResultsFormat.JSON).serialize(format=fmt)
        return Reply(200, _media(fmt), body, headers)


def _media(fmt: Any) -> str:
    media = fmt.media_type
    return media + "; charset=utf-8" if media.startswith("text/") and "charset" not in media else media
