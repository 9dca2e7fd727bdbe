"""The engines agree: every library query gives the same answer on rdflib and pyoxigraph.

rdflib's SPARQL engine is the reference; pyoxigraph is the engine the command
line uses. The two also differ in how they bind parameters (rdflib's
``initBindings`` against a VALUES block) and in how they form the union
default graph (a set against a bag), so agreement shows the library queries
mean the same under either. Also: loading, source selection, syntax errors.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from gdegraph.core.errors import InputError
from gdegraph.sources.graph import built_is_current, open_graph
from gdegraph.store.factory import OxigraphStore, RdflibStore, open_store, query_form, with_values
from gdegraph.store.sparql_text import with_rows
from gdegraph.store.results import canonical
from test_queries_answers import CASE_IDS, CASES, answer, comparable

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def engines(dataset: Any) -> dict[str, Any]:
    return {"oxigraph": OxigraphStore.from_dataset(dataset), "rdflib": RdflibStore(dataset)}


@pytest.mark.parametrize(("name", "suffix", "raw"), CASES, ids=CASE_IDS)
def test_rdflib_and_oxigraph_agree(engines: dict[str, Any], name: str, suffix: str, raw: dict[str, str]) -> None:
    results = {engine: comparable(answer(store, name, raw)) for engine, store in engines.items()}
    assert results["oxigraph"] == results["rdflib"]


def test_engines_agree_with_parameters_unbound_and_odd(engines: dict[str, Any]) -> None:
    for name, raw in [("exemplars-with-followers", {"min_followers": "1"}), ("pairings", {"status": "disputed"}),
                      ("trust-profile", {"trust": "RNN"}), ("funding-awards", {"expand": "true"}),
                      ("trust-search", {"text": "'\"} ; DROP ALL"})]:
        results = [comparable(answer(store, name, raw)) for store in engines.values()]
        assert results[0] == results[1], name


def test_the_union_default_graph_is_a_bag_in_oxigraph_and_a_set_in_rdflib(engines: dict[str, Any]) -> None:
    """Why library queries say DISTINCT: the same triple comes from seed 000 and seed 001."""
    text = "SELECT ?p WHERE { ?p a <https://w3id.org/gdegraph/def#Pairing> }"
    assert len(engines["rdflib"].select(text).rows) == 25
    assert len(engines["oxigraph"].select(text).rows) > 25


def test_bindings_are_terms_not_text(engines: dict[str, Any]) -> None:
    hostile = ['} ; DROP ALL', '"} UNION { ?s ?p ?o }', "\\u0022 }", "back\\", "line\nnext\ttab", "'''", "é’😀"]
    text = "SELECT ?value WHERE { BIND (?input AS ?value) }"
    for value in hostile:
        for store in engines.values():
            rows = store.select(text, {"input": Literal(value)}).rows
            assert [r[0].value for r in rows] == [value], (store.name, value)
    iri = NamedNode("https://w3id.org/gdegraph/id/trust/RQ6")
    for store in engines.values():
        assert store.ask("ASK { ?x ?p ?o }", {"x": iri})


def test_with_values_finds_the_where_clause() -> None:
    value = {"v": Literal("x")}
    text = with_values('PREFIX select: <http://e/#{> # a comment {\nSELECT ?s WHERE { ?s ?p "{" }', value)
    assert text.endswith('WHERE { VALUES (?v) { ("x") }  ?s ?p "{" }')
    built = with_values('CONSTRUCT { ?s ?p "}" } FROM <http://g> WHERE { ?s ?p ?o }', value)
    assert 'WHERE { VALUES (?v) { ("x") }  ?s ?p ?o }' in built
    assert with_values("SELECT * { ?s ?p ?o FILTER (?o < 3) }", value).startswith('SELECT * { VALUES (?v)')
    assert with_values("ASK {}", None) == "ASK {}"
    with pytest.raises(InputError):
        with_values("CONSTRUCT WHERE { ?s ?p ?o }", value)
    with pytest.raises(InputError):
        with_values("SELECT * { ?s ?p ?o }", {"Bad-Name": Literal("x")})
    assert query_form("PREFIX ask: <http://a#>\n# SELECT\nDESCRIBE ?x WHERE { ?x ask:y 1 }") == "DESCRIBE"


def test_with_rows_restricts_a_variable_to_the_terms_given() -> None:
    store = OxigraphStore()
    for n in range(4):
        store.store.add(Quad(NamedNode(f"http://e/{n}"), NamedNode("http://e/p"), Literal(str(n))))
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    some = with_rows(text, "s", [NamedNode("http://e/1"), NamedNode("http://e/3"), NamedNode("http://e/9")])
    assert [r[1].value for r in store.select(some).rows] == ["1", "3"]
    assert store.select(with_rows(text, "s", [])).rows == []
    with pytest.raises(InputError):
        with_rows(text, "Bad-Name", [])
    with pytest.raises(TypeError):
        with_rows(text, "s", ["http://e/1 } ?x ?y ?z {"])  # text is never pasted in


def test_syntax_errors_are_input_errors(engines: dict[str, Any]) -> None:
    for store in engines.values():
        with pytest.raises(InputError, match="not valid SPARQL"):
            store.select("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(InputError, match="not a SPARQL query"):
        query_form("PREFIX x: <http://x/>")


def test_numbers_are_spelled_alike(engines: dict[str, Any]) -> None:
    text = "SELECT (MAX(?a) AS ?m) WHERE { ?x <https://schema.org/amount> ?a }"
    assert engines["rdflib"].select(text).rows == engines["oxigraph"].select(text).rows
    # the largest sum is the £1.3bn Paperless 2020 fund (HSJ, July 2017)
    assert engines["oxigraph"].select(text).rows[0][0] == Literal("1300000000", datatype=NamedNode(XSD + "decimal"))



def test_booleans_are_spelled_alike() -> None:
    # Virtuoso sends every xsd:boolean as "1" or "0": valid spellings, which the client spells as the others do
    boolean, integer = NamedNode(XSD + "boolean"), NamedNode(XSD + "integer")
    assert [canonical(v, boolean.value) for v in ("1", "0", "true", " false ")] == [
        Literal("true", datatype=boolean), Literal("false", datatype=boolean)] * 2
    assert canonical("1", integer.value) == Literal("1", datatype=integer)  # an integer stays an integer
    assert canonical("yes", boolean.value).value == "yes"  # not a boolean spelling: left as sent

def test_loading_files(tmp_path: Path, engines: dict[str, Any]) -> None:
    dump = tmp_path / "graph.nq"
    dump.write_bytes(engines["oxigraph"].store.dump(format=__import__("pyoxigraph").RdfFormat.N_QUADS))
    for engine in ("oxigraph", "rdflib"):
        store = open_store(engine, dump)
        assert store.ask("ASK { ?p a <https://w3id.org/gdegraph/def#Pairing> }")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://a> <http://b> .\n", encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        with pytest.raises(InputError, match="cannot parse"):
            open_store(engine, bad)
    with pytest.raises(InputError, match="unknown RDF file type"):
        open_store("oxigraph", tmp_path / "graph.csv")
    with pytest.raises(InputError, match="unknown engine"):
        open_store("jena", dump)


def test_a_built_file_is_current_only_when_newer_than_its_inputs(tmp_path: Path) -> None:
    built = tmp_path / "gdegraph.trig"
    assert not built_is_current(built)
    built.write_text("", encoding="utf-8")
    assert built_is_current(built)
    os.utime(built, (time.time() - 10 * 365 * 86400,) * 2)
    assert not built_is_current(built)


def test_a_stale_build_is_announced_by_a_warning_not_a_print(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                              dataset: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from gdegraph.sources.graph import BuildingInMemory

    built_from = []
    monkeypatch.setattr("gdegraph.sources.graph.default_data", lambda: tmp_path / "gdegraph.trig")
    monkeypatch.setattr("gdegraph.sources.dataset.build_dataset", lambda shared=None: built_from.append(shared) or dataset)
    with pytest.warns(BuildingInMemory, match="building the graph in memory"):
        store = open_graph("oxigraph", shared=tmp_path)
    assert store.ask("ASK { ?p a <https://w3id.org/gdegraph/def#Pairing> }")
    assert built_from == [tmp_path]  # built from the shared folder it was given
    assert capsys.readouterr().err == ""


def test_currency_is_judged_against_the_shared_folder_given(tmp_path: Path) -> None:
    built = tmp_path / "gdegraph.trig"
    built.write_text("", encoding="utf-8")
    shared = tmp_path / "shared"
    (shared / "refdata").mkdir(parents=True)
    newer = shared / "refdata" / "new.csv"
    newer.write_text("x\n", encoding="utf-8")
    os.utime(newer, (time.time() - 3600,) * 2)
    assert built_is_current(built, shared)
    os.utime(newer, (time.time() + 3600,) * 2)
    assert not built_is_current(built, shared)
    assert built_is_current(built)  # the default shared folder knows nothing of that file


@pytest.mark.parametrize(("text", "form", "brace"), [
    ('PREFIX select: <http://e/{> # a { comment\nASK { ?s ?p "{" }', "ASK", 'ASK {'),
    ('SELECT ?s WHERE { ?s ?p """a "" { """ . ?s ?q \'\'\'}\'\'\' FILTER (?o < 3 && ?o > 1) }', "SELECT", "WHERE {"),
    ('SELECT * WHERE { BIND ("a\\"{" AS ?x) }', "SELECT", "WHERE {"),
    ("# SELECT\nconstruct { ?s ?p '}' } where { ?s ?p ?o }", "CONSTRUCT", "where {"),
    ('SELECT * { ?s ?p "unterminated', "SELECT", "SELECT * {"),
])
def test_the_scanner_skips_strings_comments_and_iris(text: str, form: str, brace: str) -> None:
    assert query_form(text) == form
    assert with_values(text, {"v": Literal("x")}) == text.replace(brace, brace + ' VALUES (?v) { ("x") } ', 1)


def test_a_dataset_copied_into_oxigraph_gives_its_quads_back_in_one_order(dataset: Any) -> None:
    """The same quads reach the store in whatever order the rdflib Dataset holds them (its order follows
    Python's string hashing, different every run); the store must not pass that order on, or the site
    built from the graph in memory changes from run to run (explore/quads.js, GROUP_CONCAT cells)."""
    import pyoxigraph as ox
    from rdflib import Dataset

    quads = list(dataset.quads((None, None, None, None)))
    dumps = []
    for ordered in (quads, quads[::-1]):
        copy = Dataset()
        for s, p, o, g in ordered:
            copy.graph(getattr(g, "identifier", g)).add((s, p, o))
        dumps.append(OxigraphStore.from_dataset(copy).store.dump(format=ox.RdfFormat.N_QUADS))
    assert dumps[0] == dumps[1] and dumps[0].count(b"\n") > 1000
