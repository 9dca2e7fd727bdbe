"""Does the fast engine (bench/fast_shacl.py) report exactly what the reference (pySHACL) reports?

A faster validator is only worth having if it finds the same problems, so the
harness compares the two result sets -- (rule, focus node, offending value)
-- on the curated graph, on every negative fixture in tests/fixtures/invalid
(each breaks one rule on purpose) and on a synthetic graph, and records the
verdict beside the timings. Term spellings that differ only in form are
normalised (blank node labels, ``"x"`` vs ``"x"^^xsd:string``, ``1.50`` vs ``1.5``).

    python -m bench.crosscheck            # curated graph (built in memory) and fixtures
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INFERRED = "https://w3id.org/gdegraph/graph/inferred"
ONTOLOGY = "https://w3id.org/gdegraph/graph/ontology"


def _norm(term: Any) -> str:
    """One spelling per RDF term, for rdflib and pyoxigraph terms alike."""
    if term is None:
        return ""
    kind = type(term).__name__
    if kind in ("BNode", "BlankNode"):
        return "_:"
    if kind in ("URIRef", "NamedNode"):
        return str(term) if kind == "URIRef" else term.value
    lexical = str(term) if kind == "Literal" and hasattr(term, "n3") else term.value
    language = getattr(term, "language", None)
    try:
        return f"n:{Decimal(lexical).normalize()}"
    except InvalidOperation:
        return f"s:{lexical}@{language or ''}"


def agree(ds: Any) -> dict[str, Any]:
    """Validate an rdflib Dataset with both engines and compare their results."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from bench.fast_shacl import asserted_copy, compile_shapes, qc_rewrites, validate_store
    from gdegraph.validation import ontology_graph, qc_queries, shapes_graph, validate_dataset

    if URIRef(ONTOLOGY) not in {g.identifier for g in ds.graphs()}:
        target = ds.graph(URIRef(ONTOLOGY))
        for triple in ontology_graph():
            target.add(triple)
    started = time.perf_counter()
    reference = validate_dataset(ds)
    ref_s = time.perf_counter() - started
    store = ox.Store()
    store.bulk_load(ds.serialize(format="nquads").encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    started = time.perf_counter()
    fast = validate_store(store, compile_shapes(shapes_graph()), qc_queries(), asserted_copy(store, INFERRED))
    fast_s = time.perf_counter() - started
    rewritten = validate_store(store, compile_shapes(shapes_graph(), minus=True), qc_rewrites(qc_queries()),
                               asserted_copy(store, INFERRED))
    ref = {(r.rule, _norm(r.focus), _norm(r.value)) for r in reference.results}
    got = {(r["rule"], _norm(r["focus"]), _norm(r["value"])) for r in fast}
    got_rewritten = {(r["rule"], _norm(r["focus"]), _norm(r["value"])) for r in rewritten}
    return {"same": ref == got == got_rewritten, "results": len(ref), "reference_only": sorted(ref - got)[:10],
            "rewritten_differs": sorted(ref ^ got_rewritten)[:10],
            "fast_only": sorted(got - ref)[:10], "reference_s": round(ref_s, 3), "fast_s": round(fast_s, 3)}


def fixture_datasets() -> Iterator[tuple[str, Any]]:
    """base.ttl plus each negative fixture, with its entailments, as ``gdegraph validate FILES`` sees them."""
    from rdflib import Graph, URIRef

    from gdegraph.errors import InputError
    from gdegraph.inference import entailments
    from gdegraph.loading import load_files
    from gdegraph.validation import ontology_graph

    base = ROOT / "tests" / "fixtures" / "valid" / "base.ttl"
    for fixture in sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl")):
        try:
            ds = load_files([base, fixture])
        except InputError:  # a syntax-error fixture: refused before validation by both
            continue
        asserted = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            asserted.add((s, p, o))
        inferred = ds.graph(URIRef(INFERRED))
        for triple in entailments(ontology_graph(), asserted + ontology_graph()):
            inferred.add(triple)
        yield fixture.name, ds


def run_all() -> dict[str, Any]:
    """The curated graph (built in memory) and every fixture; a summary for bench/results."""
    from gdegraph.build import build_dataset

    cases = {"curated": agree(build_dataset())}
    cases.update({name: agree(ds) for name, ds in fixture_datasets()})
    differing = sorted(name for name, case in cases.items() if not case["same"])
    return {"cases": len(cases), "agree": len(cases) - len(differing), "differing": differing,
            "details": {name: cases[name] for name in differing}, "curated": cases["curated"]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import json

    print(json.dumps(run_all(), indent=1, default=str))
