"""The published dataset as one set of triples: what the description counts and dates."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

Triples = set[tuple[URIRef, URIRef, object]]


def union_triples(ds: Dataset | Graph) -> Triples:
    """Union of all graphs; xsd:string literals folded into plain ones (RDF 1.1 treats them as one)."""
    out = set()
    for s, p, o in (ds.triples((None, None, None)) if not isinstance(ds, Dataset) else
                    (q[:3] for q in ds.quads((None, None, None, None)))):
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out
