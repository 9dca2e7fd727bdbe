"""The published dataset as one set of triples: what the description counts and dates."""

from __future__ import annotations

from typing import Any

Triples = set[tuple[Any, Any, Any]]


def union_triples(store: Any) -> Triples:
    """Union of all graphs of a pyoxigraph store: each distinct triple once, in the store's own terms.

    RDF 1.1 makes a plain literal and an ``xsd:string`` one the same term, and so does
    Oxigraph, so they are counted once.
    """
    return {(q.subject, q.predicate, q.object) for q in store}
