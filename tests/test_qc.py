"""The QC queries (``queries/qc/*-violation.rq``): well-formed headers, valid SPARQL, no rows on
the curated graph, and each one exercised by a negative fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.validate.validation import INFERRED_GRAPH, ontology_graph, qc_queries

QC_DIR = paths.queries_dir() / "qc"
QUERIES = {q.name: q for q in qc_queries()}
FIXTURES = Path(__file__).parent / "fixtures"


def _term(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def _store(dataset) -> ox.Store:
    """The asserted graphs of a dataset in Oxigraph, as validation queries them (no graph/inferred)."""
    store = ox.Store()
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if name != INFERRED_GRAPH:
            store.add(ox.Quad(_term(s), _term(p), _term(o), ox.NamedNode(str(name))))
    return store


@pytest.fixture(scope="module")
def curated_store(dataset) -> ox.Store:
    return _store(dataset)


def test_there_are_qc_queries_and_every_file_is_one() -> None:
    files = sorted(QC_DIR.glob("*.rq"))
    assert len(files) >= 12
    assert all(f.name.endswith("-violation.rq") for f in files), "QC files are named <name>-violation.rq"
    assert len(QUERIES) == len(files)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_and_columns(name: str) -> None:
    """ODK-style header: name (matching the file), description (what is wrong, how to fix), columns."""
    query = QUERIES[name]
    assert query.path.name == f"{name}-violation.rq"
    assert query.form == "SELECT"
    assert len(query.description) > 60 and query.description.endswith(".")
    variables = [v.value for v in ox.Store().query(query.text).variables]
    assert list(query.columns) == variables, "'# columns:' must list the SELECT variables in order"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_no_rows_on_the_curated_graph(name: str, curated_store: ox.Store) -> None:
    rows = list(curated_store.query(QUERIES[name].text, use_default_graph_as_union=True))
    assert not rows, f"{name}: {rows[:10]}"


def test_every_qc_query_is_exercised_by_a_negative_fixture() -> None:
    expected = " ".join(p.read_text(encoding="utf-8") for p in (FIXTURES / "invalid").glob("*.expected"))
    missing = [name for name in QUERIES if f"rule: qc:{name}" not in expected]
    assert not missing


def test_iri_policy_query_knows_every_instance_kind() -> None:
    """The kinds in the iri-policy regex are exactly gdegraph.model.iris.KINDS (trust has its own branch)."""
    match = re.search(r"\|id/\(([a-z|-]+)\)/", QUERIES["iri-policy"].text)
    assert match, "the iri-policy query lists the kinds as id/(a|b|c)/"
    assert set(match.group(1).split("|")) | {"trust"} == set(iris.KINDS)


def test_concept_scheme_query_covers_every_concept_valued_property() -> None:
    """Every ontology property whose range is skos:Concept has its scheme in concept-outside-scheme."""
    ontology = ontology_graph()
    properties = {str(p) for p in ontology.subjects(RDFS.range, SKOS.Concept) if str(p).startswith(iris.DEF)}
    listed = set(re.findall(r"\(gde:(\w+) scheme:", QUERIES["concept-outside-scheme"].text))
    assert {p.removeprefix(iris.DEF) for p in properties} <= listed


def test_union_default_graph_does_not_make_duplicates(tmp_path: Path) -> None:
    """One pairing stated by two sources (two named graphs) is not a duplicate pairing."""
    from gdegraph.sources.loading import load_files

    base = (FIXTURES / "valid" / "base.ttl").read_text(encoding="utf-8")
    (tmp_path / "a.ttl").write_text(base, encoding="utf-8")
    (tmp_path / "b.ttl").write_text(base, encoding="utf-8")
    store = _store(load_files([tmp_path / "a.ttl", tmp_path / "b.ttl"]))
    for name in ("duplicate-pairing", "duplicate-membership", "duplicate-trust-label"):
        assert not list(store.query(QUERIES[name].text, use_default_graph_as_union=True)), name


def test_ontology_terms_all_have_labels_and_definitions() -> None:
    """The query itself, on the ontology alone: every gde: term passes (and the query sees them)."""
    store = ox.Store()
    store.load(ontology_graph().serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert not list(store.query(QUERIES["ontology-term-without-label"].text))
    classes = list(store.query(f"SELECT ?c WHERE {{ ?c <{RDF.type}> <http://www.w3.org/2002/07/owl#Class> }}"))
    assert len(classes) >= 15


def _status_rows(tmp_path: Path, fixture: str, announced: bool = True) -> list[tuple[str, ...]]:
    """The status-latest-step rows of the base fixture (its pairing's status dropped unless
    ``announced``) plus ``fixture`` (Turtle text)."""
    from gdegraph.sources.loading import load_files

    base = (FIXTURES / "valid" / "base.ttl").read_text(encoding="utf-8")
    stated = "gde:sector c:sector-acute ;\n    gde:status c:status-announced ;"
    assert stated in base
    (tmp_path / "base.ttl").write_text(base if announced else base.replace(stated, "gde:sector c:sector-acute ;"),
                                       encoding="utf-8")
    (tmp_path / "steps.ttl").write_text(fixture, encoding="utf-8")
    store = _store(load_files([tmp_path / "base.ttl", tmp_path / "steps.ttl"]))
    return [tuple(str(getattr(t, "value", t)) for t in row)
            for row in store.query(QUERIES["status-latest-step"].text, use_default_graph_as_union=True)]


def test_status_differing_from_the_latest_step_is_found(tmp_path: Path) -> None:
    """A pairing still "announced" after a step dated later withdrew it is one row; once its
    status is the latest step's, none. Dates compare by their period's first day (2018-01 is
    after 2017-09-20, and a day in January 2018 after the year 2018 alone)."""
    fixture = (FIXTURES / "invalid" / "status-latest-step.ttl").read_text(encoding="utf-8")
    pairing, step2 = iris.instance("pairing", "rq6-rep"), iris.instance("status-change", "pairing-rq6-rep-2")
    withdrawn = iris.instance("concept", "status-withdrawn")
    rows = _status_rows(tmp_path, fixture)
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [(pairing, step2, withdrawn, "2018-01")]
    # the first step dated later in January than the second one's bare year: the first is the latest
    reordered = fixture.replace('"2017-09-20"^^xsd:date', '"2018-01-15"^^xsd:date').replace(
        '"2018-01"^^xsd:gYearMonth', '"2018"^^xsd:gYear')
    assert _status_rows(tmp_path, reordered) == []
    # the same history, with the pairing's status the withdrawal its latest step reports
    assert _status_rows(tmp_path, fixture + "\npairing:rq6-rep gde:status c:status-withdrawn .\n", False) == []
