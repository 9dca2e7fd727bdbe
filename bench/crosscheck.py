"""Does the sparql engine (gdegraph/shacl_sparql.py) report exactly what the reference (pySHACL) reports?

A faster validator is only worth having if it finds the same problems, so the
harness validates with both engines -- on the curated graph and on every
negative fixture in tests/fixtures/invalid (each breaks one rule on purpose)
-- and records whether every result is the same, field for field (severity,
rule, focus node, path, value, message, labels, graphs), beside the timings.
tests/test_shacl_engines.py asserts the same; this records it with the figures.

    python -m bench.crosscheck            # curated graph (built in memory) and fixtures
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INFERRED = "https://w3id.org/gdegraph/graph/inferred"


def _key(result: Any) -> tuple[str, ...]:
    """What a reader sees of a result, with terms in N-Triples form."""
    def term(t: Any) -> str:
        return "" if t is None else t.n3()
    return (result.severity, result.rule, term(result.focus), result.path or "", term(result.value), result.message)


def agree(ds: Any) -> dict[str, Any]:
    """Validate an rdflib Dataset with both engines and compare their results."""
    from gdegraph.validate.validation import validate_dataset

    timed = {}
    for engine in ("pyshacl", "sparql"):
        started = time.perf_counter()
        timed[engine] = (validate_dataset(ds, engine=engine), time.perf_counter() - started)
    (reference, ref_s), (fast, fast_s) = timed["pyshacl"], timed["sparql"]
    ref, got = {_key(r) for r in reference.results}, {_key(r) for r in fast.results}
    return {"same": fast.results == reference.results, "results": len(reference.results),
            "reference_only": sorted(ref - got)[:10], "fast_only": sorted(got - ref)[:10],
            "reference_s": round(ref_s, 3), "fast_s": round(fast_s, 3)}


def fixture_datasets() -> Iterator[tuple[str, Any]]:
    """base.ttl plus each negative fixture, with its entailments, as ``gdegraph validate FILES`` sees them."""
    from rdflib import Graph, URIRef

    from gdegraph.core.errors import InputError
    from gdegraph.sources.inference import entailments
    from gdegraph.sources.loading import load_files
    from gdegraph.validate.validation import ontology_graph

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
    from gdegraph.sources.dataset import build_dataset

    cases = {"curated": agree(build_dataset())}
    cases.update({name: agree(ds) for name, ds in fixture_datasets()})
    differing = sorted(name for name, case in cases.items() if not case["same"])
    return {"cases": len(cases), "agree": len(cases) - len(differing), "differing": differing,
            "details": {name: cases[name] for name in differing}, "curated": cases["curated"]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import json

    print(json.dumps(run_all(), indent=1, default=str))
