"""Running one SPARQL request inside a query process: check, evaluate, cap, serialise.

Everything that can take unbounded time happens here, in a process the
supervisor may kill (:mod:`gdegraph.server.supervisor`; the evaluation is
time-stamped by :class:`gdegraph.server.handler.Evaluator`): the policy
check, evaluation by pyoxigraph, and serialising the results. The engine
answers with a :class:`Reply` (status, media type, bytes), never with an
exception, so the HTTP side needs no knowledge of engines or formats.

Most queries take the policy's fast path (:func:`gdegraph.server.policy.needs_full_check`
is false): pyoxigraph parses and runs them at once. The rest, and any text
pyoxigraph rejects as a syntax error (updates among them), get rdflib's full
check first, whose verdict is remembered per query text, so the answer
(403, 400 and their messages) is what the full check alone would give.

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

from pyoxigraph import NamedNode, QueryResultsFormat, parse_query_results

from gdegraph.server.conneg import negotiate, rdf_offers, results_offers
from gdegraph.server.policy import Refused, check_query, needs_full_check, normalise

__all__ = ["Engine", "Job", "Reply"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_JSON = json.JSONEncoder(ensure_ascii=False).encode  #: what json.dumps(..., ensure_ascii=False) does, made once
#: The answer when a query needs more memory than a worker may have (``--max-memory``).
MEMORY_MESSAGE = "query stopped: it needed more memory than a query may use (the server's --max-memory limit)"


@dataclass(frozen=True)
class Job:
    """One query as the protocol delivered it."""

    query: str
    accept: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    base: str | None = None  #: the endpoint's IRI: relative IRIs in the query resolve against it


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
    """The dataset in a pyoxigraph store (via :class:`gdegraph.store.factory.OxigraphStore`) and the caps."""

    def __init__(self, nquads: bytes | str, max_rows: int, max_response_bytes: int = 50_000_000) -> None:
        """``nquads``: the data itself (bytes, as the server sends it) or a path to an N-Quads file."""
        from pyoxigraph import RdfFormat

        from gdegraph.store.factory import OxigraphStore

        self.store = OxigraphStore()
        if isinstance(nquads, bytes):
            self.store.store.bulk_load(nquads, format=RdfFormat.N_QUADS)
        else:
            self.store.store.bulk_load(path=nquads, format=RdfFormat.N_QUADS)
        self._setup(max_rows, max_response_bytes)

    @classmethod
    def over(cls, store: Any, max_rows: int, max_response_bytes: int = 50_000_000) -> Engine:
        """An engine on a store already loaded (the server's own, shared by its forked query processes)."""
        engine = cls.__new__(cls)
        engine.store = store
        engine._setup(max_rows, max_response_bytes)
        return engine

    def _setup(self, max_rows: int, max_response_bytes: int) -> None:
        self.graphs = frozenset(g.value for g in self.store.store.named_graphs())
        self.max_rows = max_rows
        self.max_response_bytes = max_response_bytes
        # rdflib's parser costs 5-30 ms a query; clients repeat queries, so remember verdicts.
        self._check = lru_cache(maxsize=512)(self._check_uncached)

    def _check_uncached(self, query: str, default: tuple[str, ...], named: tuple[str, ...], base: str | None) -> Any:
        try:
            return check_query(query, self.graphs, default, named, base)
        except Refused as exc:
            return exc

    def run(self, job: Job) -> Reply:
        """Answer one job; every failure becomes a reply with a 4xx or 5xx status."""
        try:
            reply = self._run(job)
        except MemoryError:
            reply = Reply.text(503, MEMORY_MESSAGE)
        if len(reply.body) > self.max_response_bytes:
            return Reply.text(413, f"response too large: the limit is {self.max_response_bytes} bytes; "
                                   "ask for fewer rows (LIMIT) or shorter values")
        return reply

    def _run(self, job: Job) -> Reply:
        try:  # the one text both the policy and the engine read (gdegraph.server.policy.normalise)
            text = normalise(job.query)
        except Refused as exc:
            return Reply.text(exc.status, exc.message)
        if text is not job.query:
            job = Job(text, job.accept, job.default_graphs, job.named_graphs, job.base)
        if needs_full_check(job.query, self.graphs, job.default_graphs, job.named_graphs):
            return self._run_checked(job)
        try:  # the fast path (see gdegraph.server.policy): pyoxigraph parses, and cannot update
            result = self.store.store.query(job.query, base_iri=job.base,
                                            **_dataset(job, job.default_graphs, job.named_graphs))
        except SyntaxError as exc:  # an update, or malformed: the full check says which, as before
            return self._run_checked(job, syntax_error=exc)
        except (OSError, ValueError, RuntimeError) as exc:
            return Reply.text(500, f"query evaluation failed: {exc}")
        offer = _offer(job.accept, type(result).__name__ != "QueryTriples")
        if offer is None:  # rare: let the full check name the query form in the message
            return self._run_checked(job)
        return self._answer(result, offer.target)

    def _run_checked(self, job: Job, syntax_error: SyntaxError | None = None) -> Reply:
        """The full check (rdflib's parse, remembered per text), then evaluation as before."""
        checked = self._check(job.query, job.default_graphs, job.named_graphs, job.base)
        if isinstance(checked, Refused):
            return Reply.text(checked.status, checked.message)
        offer = _offer(job.accept, checked.form in ("SELECT", "ASK"))
        if offer is None:
            return Reply.text(406, f"no acceptable format for a {checked.form} result; see the service description")
        if syntax_error is not None:  # rdflib accepts what pyoxigraph does not: pyoxigraph's message
            return Reply.text(400, f"malformed query: {syntax_error}")
        try:
            result = self.store.store.query(job.query, base_iri=job.base,
                                            **_dataset(job, checked.default_graphs, checked.named_graphs))
        except SyntaxError as exc:
            return Reply.text(400, f"malformed query: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            return Reply.text(500, f"query evaluation failed: {exc}")
        return self._answer(result, offer.target)

    def _answer(self, result: Any, fmt: Any) -> Reply:
        """:meth:`_serialise`, with evaluation errors (raised while iterating) as replies."""
        try:
            return self._serialise(result, fmt)
        except SyntaxError as exc:
            return Reply.text(400, f"malformed query: {exc}")
        except (OSError, ValueError, RuntimeError) as exc:
            return Reply.text(500, f"query evaluation failed: {exc}")

    def _serialise(self, result: Any, fmt: Any) -> Reply:
        """An evaluated result in the negotiated format, at most ``max_rows`` rows (or triples) read."""
        kind = type(result).__name__
        if kind == "QueryBoolean":
            return Reply(200, _media(fmt), result.serialize(format=fmt))
        rows = list(islice(result, self.max_rows + 1))
        headers = {}
        if len(rows) > self.max_rows:
            rows = rows[: self.max_rows]
            headers["Gdegraph-Truncated"] = f"results cut at {self.max_rows} rows"
        if kind == "QueryTriples":
            from gdegraph.site.build import serialise_triples

            return Reply(200, _media(fmt), serialise_triples(rows, fmt), headers)
        names = [v.value for v in result.variables]
        document = {"head": {"vars": names}, "results": {"bindings": [
            {n: _term_json(row[n]) for n in names if row[n] is not None} for row in rows]}}
        body = _JSON(document).encode("utf-8")
        if fmt != QueryResultsFormat.JSON:
            body = parse_query_results(body, format=QueryResultsFormat.JSON).serialize(format=fmt)
        return Reply(200, _media(fmt), body, headers)


def _dataset(job: Job, default: tuple[str, ...], named: tuple[str, ...]) -> dict[str, Any]:
    """``Store.query`` options: the protocol's graphs, else the query's FROM graphs, else the union of all."""
    if job.default_graphs or job.named_graphs:  # the protocol's graphs replace the query's
        return {"default_graph": [NamedNode(g) for g in default], "named_graphs": [NamedNode(g) for g in named]}
    return {"use_default_graph_as_union": not (default or named)}


def _offer(accept: str | None, results: bool) -> Any:
    """The negotiated format for SELECT/ASK (``results``) or CONSTRUCT/DESCRIBE, remembered per header."""
    if accept is not None and len(accept) > 512:  # only ordinary headers are remembered
        return _offer_uncached(accept, results)
    return _offer_cached(accept, results)


def _offer_uncached(accept: str | None, results: bool) -> Any:
    if results:
        return negotiate(accept, results_offers())
    from gdegraph.site.build import PAGE_FORMATS

    return negotiate(accept, rdf_offers(PAGE_FORMATS))


_offer_cached = lru_cache(maxsize=256)(_offer_uncached)


def _media(fmt: Any) -> str:
    media = fmt.media_type
    return media + "; charset=utf-8" if media.startswith("text/") and "charset" not in media else media
