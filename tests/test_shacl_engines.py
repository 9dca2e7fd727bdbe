"""The two SHACL engines give the same report: the sparql engine (shapes compiled to SPARQL on
Oxigraph, the fast default) against pySHACL (the reference).

Same means every field of every result -- severity, rule, focus, path, value, the shape's
message, labels, graphs, files, details -- so the text and JSON reports are identical and the
Turtle reports are the same graph. Checked on the curated build, every negative fixture, a
case for every rule, the synthetic 10k graph, and shapes using SHACL beyond our own; the
sparql engine refuses what it does not support, and the command line offers both. The QC
query rewrites are checked against their plain formulations. No timings are asserted here:
bench/ measures them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.sources.loading import load_files
from gdegraph.validate.report import ValidationReport, format_report
from gdegraph.validate.shacl_sparql_text import SparqlTextError, join_focus, not_exists_as_minus
from gdegraph.validate.validation import qc_queries, validate_dataset, validate_dump, validate_paths

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "valid" / "base.ttl"
INVALID = sorted(p for p in (FIXTURES / "invalid").glob("*.ttl") if p.stem != "malformed")
GDESH = "https://w3id.org/gdegraph/shapes#"
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix gde: <https://w3id.org/gdegraph/def#> .
"""


def both(validate, *args, **kwargs) -> tuple[ValidationReport, ValidationReport]:
    return validate(*args, engine="pyshacl", **kwargs), validate(*args, engine="sparql", **kwargs)


def assert_same(reference: ValidationReport, fast: ValidationReport) -> None:
    """Field for field the same results, so the same text and JSON, and the same Turtle graph."""
    assert fast.results == reference.results
    assert format_report(fast, "text") == format_report(reference, "text")
    assert format_report(fast, "json") == format_report(reference, "json")
    assert _tree(fast.shacl_graph) == _tree(reference.shacl_graph)
    turtle = [format_report(r, "turtle") for r in (reference, fast)]
    try:
        graphs = [Graph().parse(data=text, format="turtle") for text in turtle]
    except Exception:  # noqa: BLE001 -- rdflib writes some ill-typed literals ("yes"^^xsd:boolean) as bad Turtle
        return
    assert _tree(graphs[1]) == _tree(graphs[0])


def _tree(graph: Graph) -> list[str]:
    """A report graph with each blank node written out as its description: the same for two graphs exactly
    when they are isomorphic, as report graphs are trees of blank nodes (rdflib's isomorphic() takes seconds)."""
    def text(node, seen: frozenset = frozenset()) -> str:
        if not isinstance(node, BNode) or node in seen:
            return "[...]" if node in seen else node.n3()
        pairs = sorted(f"{p.n3()} {text(o, seen | {node})}" for p, o in graph.predicate_objects(node))
        return "[" + " ; ".join(pairs) + "]"
    roots = {s for s in graph.subjects() if isinstance(s, BNode) and (None, None, s) not in graph}
    return sorted(text(root) for root in roots) + sorted(f"{s.n3()} {p.n3()} {text(o)}" for s, p, o in graph
                                                          if not isinstance(s, BNode))


def _shapes(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _data(tmp_path: Path, turtle: str) -> Dataset:
    path = tmp_path / "data.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return load_files([path])


# --------------------------------------------------------------------------
# Our data and our shapes


def test_curated_build(dataset) -> None:
    reference, fast = both(validate_dataset, dataset)
    assert_same(reference, fast)
    assert fast.conforms and fast.warnings  # awards whose funder no source names


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_negative_fixture(fixture: Path) -> None:
    reference, fast = both(validate_dataset, load_files([BASE, fixture]), files={})
    assert not reference.conforms
    assert_same(reference, fast)


def test_a_case_for_every_rule(tmp_path: Path) -> None:
    """tests/test_validation.py's one-resource-per-rule cases, all in one graph."""
    from test_validation import CASES, PREAMBLE, _case_turtle

    path = tmp_path / "cases.ttl"
    path.write_text(PREAMBLE + "\n" + "\n".join(_case_turtle(rule) for rule in CASES), encoding="utf-8")
    reference, fast = both(validate_dataset, load_files([BASE, path]))
    assert len(reference.violations) >= len(CASES)
    assert_same(reference, fast)


@pytest.fixture(scope="module")
def synthetic_10k(tmp_path_factory) -> Path:
    from gdegraph import synth

    path = tmp_path_factory.mktemp("synth") / "synth-10k.nq"
    synth.write(path, synth.config_for(10_000, seed=3))
    return path


def test_synthetic_10k_conforms_on_both(synthetic_10k: Path) -> None:
    reference, fast = both(validate_dump, synthetic_10k)
    assert reference.conforms and fast.conforms, format_report(fast)
    assert_same(reference, fast)


def test_a_dump_is_validated_as_its_dataset_is(dataset, tmp_path: Path) -> None:
    """The dump path (pyoxigraph only) reports what the rdflib path reports on the same graph."""
    from gdegraph.publish.dumps import serialise

    dump = tmp_path / "gdegraph.trig"
    dump.write_bytes(serialise(dataset, "trig"))
    assert_same(validate_dataset(dataset, files={}), validate_dump(dump))


def test_a_broken_dump_is_caught_by_both(synthetic_10k: Path, tmp_path: Path) -> None:
    """Drop one pairing's follower statement: both engines name it (a QC rule and a SHACL shape)."""
    lines = synthetic_10k.read_text(encoding="utf-8").splitlines(keepends=True)
    follower = f"<{iris.DEF}follower>"
    broken = next(i for i, line in enumerate(lines) if line.split(" ")[1] == follower)
    dump = tmp_path / "broken.nq.gz"
    import gzip

    dump.write_bytes(gzip.compress("".join(lines[:broken] + lines[broken + 1:]).encode("utf-8")))
    reference, fast = both(validate_dump, dump)
    assert not fast.conforms
    assert GDESH + "Pairing-follower" in {r.rule for r in fast.violations}
    assert_same(reference, fast)


# --------------------------------------------------------------------------
# SHACL beyond what shapes/*.ttl uses, and the lexical rules pySHACL takes from rdflib

EXTRA_SHAPES = """
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
    sh:property ex:Thing-friend , ex:Thing-code , ex:Thing-size , ex:Thing-langs , ex:Thing-kind , ex:Thing-before ,
        ex:Thing-reach , ex:Thing-either , ex:Thing-known , ex:Thing-pair .
ex:Thing-friend a sh:PropertyShape ; sh:path [ sh:inversePath ex:likes ] ; sh:minCount 2 ; sh:nodeKind sh:IRI ;
    sh:message "needs two admirers"@en .
ex:Thing-code a sh:PropertyShape ; sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ; sh:minLength 3 ;
    sh:message "code starts with ab"@en , "le code commence par ab"@fr .
ex:Thing-size a sh:PropertyShape ; sh:path ex:size ; sh:datatype xsd:decimal ; sh:maxInclusive 10 ;
    sh:in ( 1.5 2 "3"^^xsd:decimal ) ; sh:message "size is 1.5, 2 or 3"@en .
ex:Thing-langs a sh:PropertyShape ; sh:path rdfs:comment ; sh:languageIn ( "en" "fr-ca" ) ; sh:uniqueLang true ;
    sh:message "one comment per language, in English or Canadian French"@en .
ex:Thing-kind a sh:PropertyShape ; sh:path ex:kind ; sh:nodeKind sh:BlankNodeOrIRI ; sh:maxCount 1 ;
    sh:message "kind is a node"@en .
ex:Thing-before a sh:PropertyShape ; sh:path ex:start ; sh:lessThan ex:end ; sh:disjoint ex:end ;
    sh:message "start before end"@en .
ex:Thing-reach a sh:PropertyShape ; sh:path ( ex:part [ sh:zeroOrMorePath ex:part ] ) ; sh:class ex:Thing ;
    sh:message "parts are things"@en .
ex:Thing-either a sh:PropertyShape ; sh:path [ sh:alternativePath ( ex:a ex:b ) ] ;
    sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:gYear ] [ sh:datatype xsd:date ]
            [ sh:datatype xsd:boolean ] ) ;
    sh:message "an integer, a year, a date or a boolean"@en .
ex:Thing-known a sh:PropertyShape ; sh:path ex:kind ; sh:node ex:Named ; sh:message "a kind has two names"@en .
ex:Named a sh:NodeShape ; sh:property [ sh:path rdfs:label ; sh:minCount 2 ; sh:maxCount 2 ] ;
    sh:not [ sh:hasValue ex:nothing ] .
ex:Thing-pair a sh:PropertyShape ; sh:path ex:twin ; sh:equals ex:double ; sh:message "twin and double agree"@en .
ex:Unique a sh:NodeShape ; sh:targetSubjectsOf ex:code ;
    sh:sparql [ sh:prefixes ex: ; sh:select \"\"\"SELECT $this ?value WHERE {
        $this ex:code ?code . ?value ex:code ?code . FILTER ($this != ?value)
        FILTER NOT EXISTS { ?value ex:excuse ?code }
    }\"\"\" ; sh:message "shares {?value}'s code"@en ] ;
    sh:message "two things share a code"@en .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""

EXTRA_DATA = """
ex:t1 a ex:Thing ; ex:code "ABc" , "x" ; ex:size 1.5 , "3"^^xsd:decimal , 7 , "1e5"^^xsd:decimal ;
    rdfs:comment "a"@en , "b"@EN , "c"@fr-CA , "d"@fr , "e" ; ex:kind [ rdfs:label "k" ] , ex:k ;
    ex:start "2020-01-01"^^xsd:date , "b" , ex:z ; ex:end "2019-01-01"^^xsd:date , "a" , ex:y ;
    ex:part ex:t2 ; ex:a 1 , "12"^^xsd:gYear , "abcd"^^xsd:gYear , "2017-02-30"^^xsd:date , " 5"^^xsd:integer ;
    ex:b "2017-02-28"^^xsd:date , "yes"^^xsd:boolean , "1"^^xsd:boolean , "2017-09-11T00:00:00"^^xsd:date ;
    ex:twin ex:t2 ; ex:double ex:t3 .
ex:t2 a ex:Thing ; ex:code "abd" ; ex:part ex:t3 ; ex:start ex:x ; ex:end ex:x .
ex:t3 ex:code "abd" ; ex:excuse "abd" ; ex:part ex:t1 .
ex:fan1 ex:likes ex:t1 . ex:fan2 ex:likes ex:t1 , ex:t2 .
ex:k rdfs:label "one" , "two" .
"""


def test_more_shacl_gives_the_same_results(tmp_path: Path) -> None:
    reference, fast = both(validate_dataset, _data(tmp_path, EXTRA_DATA), shapes=_shapes(EXTRA_SHAPES), queries=(),
                           files={})
    rules = {r.rule.removeprefix("http://example.org/") for r in reference.results}
    assert {"Thing-friend", "Thing-code", "Thing-size", "Thing-langs", "Thing-kind", "Thing-before", "Thing-reach",
            "Thing-either", "Thing-known", "Thing-pair", "Unique"} <= rules, rules
    assert_same(reference, fast)


def test_known_difference_numbers_are_compared_as_oxigraph_stores_them(tmp_path: Path) -> None:
    """Oxigraph keeps numbers in canonical form, so "1.50" is the term 1.5 to the sparql engine: in sh:in (1.5),
    which pySHACL, comparing spellings, says it is not. (No shape of ours compares numbers by term.)"""
    shapes = _shapes('ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:size ; sh:property [ sh:path ex:size ; '
                     'sh:in ( 1.5 ) ; sh:message "1.5"@en ] .')
    reference, fast = both(validate_dataset, _data(tmp_path, "ex:t ex:size 1.50 ."), shapes=shapes, queries=())
    assert [str(r.value) for r in reference.results] == ["1.50"] and fast.conforms


@pytest.mark.parametrize(("feature", "shape"), [
    ("sh:closed", "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ; sh:message \"closed\"@en ."),
    ("sh:qualifiedValueShape", "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; "
     "sh:qualifiedValueShape [ sh:class ex:Thing ] ; sh:qualifiedMinCount 1 ; sh:message \"q\"@en ] ."),
    ("sh:targetNode", "ex:S a sh:NodeShape ; sh:targetNode ex:t1 ; sh:nodeKind sh:IRI ; sh:message \"iri\"@en ."),
    ("implicit class target", "ex:S a sh:NodeShape , rdfs:Class ; sh:nodeKind sh:IRI ; sh:message \"iri\"@en ."),
    ("without sh:message", "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:IRI ."),
    ("sub-select", "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:message \"s\"@en ; sh:sparql [ sh:select "
     "\"SELECT $this WHERE { { SELECT $this ?x WHERE { $this <http://example.org/p> ?x } } }\" ] ."),
    ("$this must be bound", "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:message \"s\"@en ; sh:sparql [ "
     "sh:select \"SELECT $this WHERE { ?x <http://example.org/p> ?y "
     "FILTER NOT EXISTS { $this <http://example.org/q> ?y } }\" ] ."),
])
def test_unsupported_shacl_is_refused_by_name(feature: str, shape: str, tmp_path: Path) -> None:
    """The sparql engine names the shape and what it cannot do; pySHACL (the reference) still runs them."""
    shapes, data = _shapes(shape), _data(tmp_path, "ex:t1 a ex:Thing ; ex:p ex:t1 .")
    with pytest.raises(NotImplementedError, match=r"^shape <http://example\.org/S>") as info:
        validate_dataset(data, shapes=shapes, queries=(), engine="sparql")
    assert feature in str(info.value) and "--engine pyshacl" in str(info.value)
    validate_dataset(data, shapes=shapes, queries=(), engine="pyshacl")


def test_unknown_engine_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown validation engine"):
        validate_paths([BASE], "text", engine="jena")


# --------------------------------------------------------------------------
# Query rewrites: the same answers as the plain formulations


def test_not_exists_becomes_minus_only_where_that_is_the_same() -> None:
    safe = "SELECT $this ?v WHERE { $this ex:p ?v ; ex:q ?w . FILTER NOT EXISTS { ?m ex:r ?v ; ex:s ?w } }"
    assert "MINUS { ?m ex:r ?v ; ex:s ?w }" in not_exists_as_minus(safe)
    unchanged = [
        "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?m ex:r ?z } }",  # shares nothing
        "SELECT $this WHERE { $this ex:p ?v OPTIONAL { $this ex:q ?w } FILTER NOT EXISTS { ?m ex:r ?w } }",  # unbound
        "SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?m ex:r ?x FILTER (?x > ?v) } }",  # filter inside
        "SELECT $this ?m WHERE { $this ex:p ?v . FILTER NOT EXISTS { ?m ex:r ?v } }",  # ?m used outside
    ]
    for text in unchanged:
        assert not_exists_as_minus(text) == text
    assert join_focus("SELECT $this WHERE { $this ex:p ?v }", "{ F }").startswith("SELECT DISTINCT $this WHERE { { F }")
    with pytest.raises(SparqlTextError):
        join_focus("SELECT $this WHERE { VALUES ?x { 1 } $this ex:p ?x }", "{ F }")


PLAIN_QC = {
    "duplicate-trust-label": """SELECT DISTINCT ?trust ?label ?other WHERE {
        { SELECT DISTINCT ?trust ?label (LCASE(STR(?label)) AS ?key) WHERE {
            ?trust rdf:type/rdfs:subClassOf* gde:Trust ; skos:prefLabel ?label } }
        { SELECT DISTINCT ?other (LCASE(STR(?otherLabel)) AS ?key) WHERE {
            ?other rdf:type/rdfs:subClassOf* gde:Trust ; skos:prefLabel ?otherLabel } }
        FILTER (STR(?trust) < STR(?other)) }""",
    "follower-not-fast-follower": """SELECT DISTINCT ?pairing ?value ?programme WHERE {
        ?pairing rdf:type gde:Pairing ; gde:follower ?value ; gde:inProgramme ?programme .
        FILTER NOT EXISTS { ?membership gde:member ?value ; gde:role concept:role-fast-follower ;
                                        gde:inProgramme ?programme . } }""",
}
QC_DATA = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix concept: <https://w3id.org/gdegraph/id/concept/> .
ex:a a gde:NHSTrust ; skos:prefLabel "Same Trust"@en , "Other"@en . ex:b a gde:Trust ; skos:prefLabel "SAME TRUST"@en .
ex:c a gde:NHSFoundationTrust ; skos:prefLabel "same trust" . ex:d a gde:Trust ; skos:prefLabel "Alone"@en .
ex:p1 a gde:Pairing ; gde:follower ex:a , ex:b ; gde:inProgramme ex:g1 , ex:g2 .
ex:m1 gde:member ex:a ; gde:role concept:role-fast-follower ; gde:inProgramme ex:g1 .
ex:m2 gde:member ex:b ; gde:role concept:role-fast-follower ; gde:inProgramme ex:g3 .
"""


@pytest.mark.parametrize("name", sorted(PLAIN_QC))
def test_rewritten_qc_query_answers_as_its_plain_form(name: str, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from gdegraph.validate.validation import ontology_graph

    query = {q.name: q for q in qc_queries()}[name]
    prologue = query.text[:query.text.index("SELECT")]
    store = ox.Store()
    store.load((PREFIXES + QC_DATA).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:g:data"))
    store.load(ontology_graph().serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode("urn:g:ontology"))

    def rows(text: str) -> set:
        answer = store.query(text, use_default_graph_as_union=True)
        names = [v.value for v in answer.variables]
        return {tuple(str(s[n]) for n in names) for s in answer}

    plain, rewritten = rows(prologue + PLAIN_QC[name]), rows(query.text)
    assert rewritten == plain and len(plain) >= 2


# --------------------------------------------------------------------------
# Through the real command line


def _gdegraph(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "gdegraph"
    env = {k: v for k, v in os.environ.items() if k != "GDEGRAPH_DEBUG"}
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=300, cwd=paths.repo_root())


def test_cli_engine_option(dataset, tmp_path: Path) -> None:
    fixture = FIXTURES / "invalid" / "exemplar-not-gde.ttl"
    runs = {engine: _gdegraph("validate", "--engine", engine, str(BASE), str(fixture))
            for engine in ("pyshacl", "sparql")}
    for run in runs.values():
        assert run.returncode == 1, run.stderr
        assert "Exemplar is not a Global Digital Exemplar" in run.stdout and "Traceback" not in run.stderr
    assert runs["sparql"].stdout == runs["pyshacl"].stdout

    from gdegraph.publish.dumps import serialise

    dump = tmp_path / "gdegraph.trig"
    dump.write_bytes(serialise(dataset, "trig"))
    passed = _gdegraph("validate", "--engine", "sparql", "--data", str(dump), "--format", "json")
    assert passed.returncode == 0, passed.stderr
    assert '"conforms": true' in passed.stdout

    wrong = _gdegraph("validate", "--engine", "jena", str(BASE))
    assert wrong.returncode == 2 and "jena" in wrong.stderr
    mixed = _gdegraph("validate", "--data", str(dump), str(BASE))
    assert mixed.returncode == 2 and "not both" in mixed.stderr
    for command in ("validate", "build"):
        assert "pyshacl" in _gdegraph(command, "--help").stdout


def test_unreadable_dump_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nq"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    for engine in ("sparql", "pyshacl"):
        with pytest.raises(InputError, match="cannot parse RDF"):
            validate_dump(bad, engine=engine)
    with pytest.raises(InputError, match="as a dump"):
        validate_dump(BASE)


def test_inferred_graph_is_left_out_of_qc_on_both_paths(dataset) -> None:
    """The QC queries see the asserted graphs: dropping graph/inferred for them changes no SHACL result."""
    inferred = URIRef(iris.graph("inferred"))
    assert len(dataset.graph(inferred)) > 0
    report = validate_dataset(dataset)
    assert all(inferred not in map(URIRef, r.graphs) for r in report.results)
