"""The published dataset as one set of triples: what the description counts and dates."""

from __future__ import annotations

from typing import Any

#: Distinct triples, each term in its N-Triples form (``<iri>``, ``"text"@en``, ``_:b``): cheap to hash
#: and compare, and two terms are the same term exactly when their forms are equal.
Triples = set[tuple[str, str, str]]


def union_triples(store: Any) -> Triples:
    """Union of all graphs of a pyoxigraph store: each distinct triple once, as N-Triples forms.

    RDF 1.1 makes a plain literal and an ``xsd:string`` one the same term, and so does
    Oxigraph (both are written ``"text"``), so they are counted once.
    """
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in store}
