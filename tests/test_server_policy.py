"""The SPARQL policy's fast path: queries that skip rdflib's parse get exactly the answers they got before.

:func:`gdegraph.server.policy.needs_full_check` lets most queries go
straight to pyoxigraph. These tests run the worker's :class:`Engine` in this
process (no HTTP) and compare every answer with the full check forced on,
which is how the endpoint behaved before the fast path existed.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator

import pytest
from test_server_support import UPDATES, prepare_dist

from gdegraph.server import evaluate
from gdegraph.server.evaluate import Engine, Job, Reply
from gdegraph.server.policy import needs_full_check

SEED = "https://w3id.org/gdegraph/graph/seed-000"
PREFIXES = "PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
READ_ONLY = ("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ...) "
             "are refused\n")


@pytest.fixture(scope="module")
def engine(dataset) -> Engine:
    data, _ = prepare_dist(dataset)
    return Engine(str(data), 50)


def reference(engine: Engine, job: Job, monkeypatch: pytest.MonkeyPatch) -> Reply:
    """The answer with the full check forced on: the endpoint's behaviour before the fast path."""
    with monkeypatch.context() as patch:
        patch.setattr(evaluate, "needs_full_check", lambda *args: True)
        return engine.run(job)


@pytest.fixture
def no_rdflib(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every query that reaches rdflib's full check."""
    seen: list[str] = []
    original = evaluate.check_query

    def spy(text: str, *args: object) -> object:
        seen.append(text)
        return original(text, *args)  # type: ignore[arg-type]
    monkeypatch.setattr(evaluate, "check_query", spy)
    yield seen


def test_needs_full_check_triggers() -> None:
    local = {SEED}
    assert not needs_full_check("SELECT * WHERE { ?s ?p ?o }", local)
    assert not needs_full_check('ASK { ?s ?p "INSERT DATA { } DELETE WHERE LOAD <x>" }', local)
    for text in ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "select * where { service <x> {} }",
                 "SELECT * WHERE { SeRvIcE <x> {} }", "SELECT * FROM <x> WHERE {}", "select * from named <x> {}",
                 "SELECT * WHERE { ?s ?p ?o } # a comment with service in it",
                 'SELECT * WHERE { ?s ?p "from a string" }', "SELECT * WHERE { SERVI\\u0043E <x> {} }",
                 "SELECT * WHERE { ?s ?p ?o FILTER(?o = \"\\U00000041\") }"):
        assert needs_full_check(text, local), text
    assert not needs_full_check("ASK {}", local, [SEED], [SEED])
    assert needs_full_check("ASK {}", local, ["http://127.0.0.1:9/g"])
    assert needs_full_check("ASK {}", local, (), ["http://127.0.0.1:9/g"])


QUERIES = [
    PREFIXES + "SELECT ?t ?name WHERE { ?t gde:odsCode ?c ; skos:prefLabel ?name } ORDER BY ?t ?name LIMIT 7",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    "ASK { <urn:x:nothing> ?p ?o }",
    PREFIXES + "CONSTRUCT { ?t skos:prefLabel ?n } WHERE { ?t gde:odsCode \"RQ6\" ; skos:prefLabel ?n }",
    "DESCRIBE <https://w3id.org/gdegraph/id/trust/RQ6>",
    "SELECT * WHERE { ?s ?p ?o }",  # capped at 50 rows, with the header
    'SELECT ?x WHERE { BIND("INSERT DATA { } DELETE WHERE { ?s ?p ?o } LOAD <http://x/>" AS ?x) } # CLEAR ALL',
    # updates in every form: SyntaxError in pyoxigraph, then the full check's 403
    *UPDATES,
    "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
    # malformed: the full check's message
    "SELEC * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ",
    "",
    "SELECT * WHERE { ?s nope:p ?o }",  # undeclared prefix
    # the slow way, as before
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/sparql>",
    f"SELECT (COUNT(*) AS ?n) FROM <{SEED}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
]
ACCEPTS = [None, "application/sparql-results+json", "text/csv", "text/turtle", "application/n-triples",
           "text/html", "*/*", "application/sparql-results+xml;q=0.5, text/tab-separated-values"]


@pytest.mark.parametrize("query", QUERIES)
def test_fast_path_answers_exactly_as_the_full_check(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                     query: str) -> None:
    for accept in ACCEPTS:
        job = Job(query, accept)
        fast, slow = engine.run(job), reference(engine, job, monkeypatch)
        assert (fast.status, fast.media_type, fast.headers) == (slow.status, slow.media_type, slow.headers), \
            (query, accept, fast.body[:200], slow.body[:200])
        assert fast.body == slow.body, (query, accept)


@pytest.mark.parametrize("default,named", [((SEED,), ()), ((), (SEED,)), (("http://127.0.0.1:9/g",), ()),
                                           ((SEED,), ("http://127.0.0.1:9/g",))])
def test_protocol_graphs_answer_exactly_as_the_full_check(engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                          default: tuple[str, ...], named: tuple[str, ...]) -> None:
    for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"):
        job = Job(query, None, default, named)
        fast, slow = engine.run(job), reference(engine, job, monkeypatch)
        assert (fast.status, fast.body) == (slow.status, slow.body), (query, default, named)


def test_plain_queries_never_reach_rdflib(engine: Engine, no_rdflib: list[str]) -> None:
    queries = [QUERIES[0], QUERIES[2], QUERIES[4], QUERIES[5],
               'SELECT ?x WHERE { BIND("INSERT DATA { } DELETE WHERE LOAD <http://x/>" AS ?x) } # CLEAR ALL']
    for query in queries:
        assert engine.run(Job(query)).status == 200, query
    assert no_rdflib == []


def test_updates_still_get_the_same_403(engine: Engine, no_rdflib: list[str]) -> None:
    for update in ("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:same-403> }", "clear all", "LOAD <http://127.0.0.1:9/x>"):
        reply = engine.run(Job(update))
        assert (reply.status, reply.body.decode()) == (403, READ_ONLY)
    assert len(no_rdflib) == 3


def test_keyword_in_a_literal_or_comment_goes_the_slow_way_and_runs(engine: Engine, no_rdflib: list[str]) -> None:
    for query in ('SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/> { }" AS ?x) }',
                  'SELECT ?x WHERE { BIND("select from nowhere" AS ?x) }',
                  "SELECT ?x WHERE { BIND(1 AS ?x) } # SERVICE <http://127.0.0.1:9/>, FROM <http://x/>"):
        reply = engine.run(Job(query))
        assert reply.status == 200, (query, reply.body)
    assert len(no_rdflib) == 3


def test_federation_in_any_spelling_is_refused_without_a_connection(engine: Engine, listener: socket.socket) -> None:
    remote = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    for query in (f"SELECT * WHERE {{ service <{remote}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SeRvIcE SILENT <{remote}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVI\\u0043E <{remote}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ \\u0053ERVICE <{remote}> {{ ?s ?p ?o }} }}",
                  f"SELECT * WHERE {{ SERVI\\U00000043E <{remote}> {{ ?s ?p ?o }} }}"):
        reply = engine.run(Job(query))
        assert reply.status == 403 and b"never fetches" in reply.body, (query, reply.body)
    for query in (f"SELECT * FROM <{remote}> WHERE {{ ?s ?p ?o }}", f"SELECT * FRO\\u004D <{remote}> WHERE {{ ?s ?p ?o }}"):
        reply = engine.run(Job(query))
        assert reply.status == 400 and b"never fetches" in reply.body, (query, reply.body)
    time.sleep(0.3)
    assert not select.select([listener], [], [], 0.3)[0], "the engine connected to the 'remote' listener"
