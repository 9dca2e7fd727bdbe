"""The custom SPARQL functions the compiled SHACL queries call, so both engines judge alike.

Where pySHACL decides a constraint in Python (is a literal well formed for its datatype:
rdflib's rule; ``sh:pattern``: Python's ``re``), the SPARQL engine calls the same Python
through these functions. The compiler (:mod:`~gdegraph.validate.shacl_sparql`) names them
and the runner (:mod:`~gdegraph.validate.shacl_oxigraph`) registers them with pyoxigraph.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

__all__ = ["FUNCTIONS", "VALUE_TYPES", "WELL_TYPED", "pattern_function", "well_typed"]

FUNCTIONS = "urn:gdegraph:shacl-sparql:"
WELL_TYPED = FUNCTIONS + "well-typed"
#: Python types pySHACL requires of a literal's value, by datatype (for the others, well formed is enough).
VALUE_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime}


_QUIET = threading.Lock()  # quiet_literal_warnings swaps process-wide filters: one caller at a time


@lru_cache(maxsize=65536)
def _well_typed(lexical: str, datatype: str) -> bool:
    from gdegraph.sources.oxigraph_terms import quiet_literal_warnings

    with _QUIET, quiet_literal_warnings():
        literal = Literal(lexical, datatype=URIRef(datatype))
        if literal.ill_typed:
            return False
        wanted = VALUE_TYPES.get(URIRef(datatype))
        return wanted is None or isinstance(literal.value, wanted)


def well_typed(term: Any) -> ox.Literal | None:
    """Custom function: is a typed literal well formed for its datatype, by pySHACL's (rdflib's) rule?"""
    if not isinstance(term, ox.Literal) or term.language is not None:
        return None
    return ox.Literal(_well_typed(term.value, term.datatype.value))


def pattern_function(pattern: str, flags: str) -> Callable[[Any], ox.Literal]:
    """A custom function for one sh:pattern: Python's ``re.search`` on the node's text, as pySHACL matches.

    Blank nodes never match; ``flags`` ``i`` and ``m`` are honoured (pySHACL ignores the others).
    """
    options = (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
    search = re.compile(pattern, options).search

    def matches(term: Any) -> ox.Literal:
        return ox.Literal(isinstance(term, (ox.NamedNode, ox.Literal)) and search(term.value) is not None)
    return matches
