"""The values the public API returns and accepts: IRIs and result rows, and the converters
between Python values and RDF terms.

Kept apart from :mod:`gdegraph.api.functions` so that module stays about what the API
does; the public names here are public through :mod:`gdegraph`. The frozen
records (:class:`~gdegraph.api.records.Claim` and the rest) live in
:mod:`gdegraph.api.records`: creating a dataclass costs about a millisecond and
``gdegraph query`` needs none of them. This module imports nothing but the
standard library at module level (pyoxigraph only inside the converters,
which run after a query has already loaded it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from gdegraph.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IRI", "Rows"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {"integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
             "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"}


class IRI(str):
    """An IRI: a plain ``str`` to compare, print or join, which :meth:`KnowledgeGraph.sparql`
    binds as an IRI rather than as a string literal. Result rows give IRIs as this type,
    so a value read from one query can be passed straight to the next."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class Rows(list[dict[str, Any]]):
    """The rows of a SELECT query: a list of dicts (column -> value) with ``columns`` in order.

    Values are Python values, so they sort, sum and compare as expected: :class:`IRI` for
    IRIs, ``int``, ``Decimal`` (exact money), ``float``, ``bool`` and ``datetime.date`` for
    those XSD types, ``str`` for everything else (a ``gYear`` such as "2017" keeps its
    precision); ``None`` where a variable is unbound.
    """

    def __init__(self, columns: Sequence[str], rows: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(rows)
        self.columns: tuple[str, ...] = tuple(columns)

    def to_dataframe(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (pandas is the optional ``gdegraph[pandas]`` extra).

        Decimals become floats so columns can be plotted and summed (exact for whole
        pounds below 2**53); IRIs become plain strings.
        """
        from decimal import Decimal

        try:
            import pandas as pd
        except ImportError:
            raise ImportError("Rows.to_dataframe() needs pandas, which gdegraph does not install by "
                              "default: pip install 'gdegraph[pandas]'") from None

        def plain(value: Any) -> Any:
            return float(value) if isinstance(value, Decimal) else str(value) if isinstance(value, IRI) else value

        return pd.DataFrame([[plain(row.get(c)) for c in self.columns] for row in self], columns=list(self.columns))


def _python(term: Any) -> Any:
    """A pyoxigraph term (as every engine returns) as the Python value :class:`Rows` documents."""
    from decimal import Decimal  # here, not at the top: `gdegraph query` never converts terms

    from pyoxigraph import BlankNode, NamedNode

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return IRI(term.value)
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    datatype = term.datatype.value.removeprefix(_XSD) if term.datatype else "string"
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype == "decimal":
            return Decimal(term.value)
        if datatype in ("double", "float"):
            return float(term.value)
        if datatype == "boolean":
            return term.value in ("true", "1")
        if datatype == "date":
            import datetime as _dt

            return _dt.date.fromisoformat(term.value)
    except ValueError:  # an ill-typed literal, or a date with a time zone: keep its text
        pass
    return term.value


def _rdf(value: Any) -> Any:
    """A Python value as the RDF term :meth:`KnowledgeGraph.sparql` binds."""
    from decimal import Decimal

    from pyoxigraph import Literal, NamedNode

    def typed(text: str, datatype: str) -> Literal:
        return Literal(text, datatype=NamedNode(_XSD + datatype))

    if isinstance(value, (NamedNode, Literal)):
        return value
    if isinstance(value, IRI):
        return NamedNode(value)
    if isinstance(value, bool):
        return typed("true" if value else "false", "boolean")
    if isinstance(value, int):
        return typed(str(value), "integer")
    if isinstance(value, Decimal):
        return typed(str(value), "decimal")
    if isinstance(value, float):
        return typed(repr(value), "double")
    if isinstance(value, str):
        return Literal(value)
    import datetime as _dt  # here, not at the top: about 1 ms, and a query's parameters are mostly text

    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return typed(value.isoformat(), "date")
    raise InputError(f"cannot bind a {type(value).__name__} in a query",
                     hint="use str, int, float, Decimal, bool, datetime.date or gdegraph.IRI")


def _param_text(value: Any) -> str:
    """A keyword argument of :meth:`KnowledgeGraph.query` as the text the library parses."""
    if isinstance(value, str):
        return str(value)  # an IRI too, as its text
    if isinstance(value, bool):
        return "true" if value else "false"
    import datetime as _dt

    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))  # a pyoxigraph term has .value


def _iris(text: str | None) -> tuple[IRI, ...]:
    """A GROUP_CONCAT of IRIs as a sorted tuple (engines concatenate in any order)."""
    return tuple(IRI(t) for t in sorted((text or "").split()))
