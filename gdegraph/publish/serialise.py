"""The graph's statements sorted once and written in every RDF syntax, byte for byte the same each time.

rdflib's serialisers do not promise a stable order, so every syntax is written
here from *sorted* statements: pyoxigraph serialises them (it writes in input
order and groups consecutive statements about one subject), except JSON-LD,
which :mod:`gdegraph.model.jsonld_context` writes compactly itself. Blank nodes
are refused (their labels are random); gzip members get ``mtime=0`` and no file
name. :mod:`gdegraph.publish.dumps` puts these files beside the others.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from gdegraph.core import mediatypes
from gdegraph.core.errors import GdeError
from gdegraph.model.jsonld_context import RDF_TYPE, jsonld_document, used_prefixes

__all__ = ["DUMP_STEM", "Statements", "dump_files", "gzip_bytes", "serialise", "serialise_all", "sorted_quads",
           "statement_dump_files", "union_triples"]

DUMP_STEM = "gdegraph"
_DEFAULT_GRAPH = "urn:x-rdflib:default"


def _ox_term(term: Any) -> Any:
    """An rdflib term as a pyoxigraph term; blank nodes are refused (see the module docstring)."""
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        raise GdeError(f"blank node _:{term} in the graph: its label would differ on every build; "
                       "mint an IRI for it with gdegraph.model.iris")
    raise GdeError(f"cannot publish RDF term {term!r}")


def _sort_key(quad: Any) -> tuple[str, str, bool, str, str]:
    """Graph, subject, ``rdf:type`` first, predicate, object: readable grouping in every syntax."""
    graph = "" if type(quad.graph_name).__name__ == "DefaultGraph" else str(quad.graph_name)
    return graph, str(quad.subject), quad.predicate.value != RDF_TYPE, str(quad.predicate), str(quad.object)


class Statements:
    """A dataset's statements as pyoxigraph quads once: sorted, their union, the IRIs used.

    The build's store is read as it is; an rdflib Dataset or Graph is converted
    first (each distinct IRI once). Each distinct term's N-Triples form, the
    sort key, is made once, not once per use; the union of the graphs and the
    prefixes are derived on first use and then shared by every syntax.
    """

    def __init__(self, ds: Dataset | Graph | Any) -> None:
        import pyoxigraph as ox

        quads = iter(ds) if isinstance(ds, ox.Store) else _rdflib_quads(ds)
        keys: dict[Any, str] = {}  # term -> its N-Triples form
        named: set[Any] = set()  # NamedNodes as subject, predicate or object; literals' datatypes
        graphs: dict[Any, str] = {}  # graph name -> its N-Triples form

        def key(term: Any) -> str:
            found = keys.get(term)
            if found is None:
                if isinstance(term, ox.BlankNode):
                    raise GdeError(f"blank node _:{term.value} in the graph: its label would differ on every "
                                   "build; mint an IRI for it with gdegraph.model.iris")
                found = keys[term] = str(term)
                named.add(term if isinstance(term, ox.NamedNode) else term.datatype)
            return found

        unique: dict[tuple[str, str, bool, str, str], Any] = {}
        for quad in quads:
            subject, predicate, obj, graph = quad
            if isinstance(graph, ox.DefaultGraph):
                graph_key = ""
            else:
                graph_key = graphs.get(graph) or graphs.setdefault(graph, str(graph))
            item = (graph_key, key(subject), predicate.value != RDF_TYPE, key(predicate), key(obj))
            if item not in unique:
                unique[item] = quad
        self.keys = sorted(unique)
        self.quads = [unique[k] for k in self.keys]
        if self.quads and not isinstance(self.quads[0], ox.Quad):
            self.quads = [ox.Quad(*q) for q in self.quads]
        self._triple_iris = {t.value for t in named}
        self._quad_iris = self._triple_iris | {g.value for g in graphs}
        self._triples: list[Any] | None = None

    @property
    def triples(self) -> list[Any]:
        """The union of the graphs: each distinct triple once, in the same order (:func:`union_triples`)."""
        if self._triples is None:
            unique: dict[tuple[str, str, bool, str, str], Any] = {}
            for key, quad in zip(self.keys, self.quads):
                if key[1:] not in unique:
                    unique[key[1:]] = quad.triple
            self._triples = [unique[key] for key in sorted(unique)]
        return self._triples

    def union_forms(self) -> set[tuple[str, str, str]]:
        """The union's distinct triples as N-Triples forms (subject, predicate, object), from the sort keys."""
        return {(s, p, o) for _, s, _, p, o in self.keys}

    def prefixes(self, quads: bool) -> dict[str, str]:
        """:func:`_used_prefixes` of the quads or of their union."""
        return used_prefixes(self._quad_iris if quads else self._triple_iris)


def _rdflib_quads(ds: Dataset | Graph) -> Iterator[tuple[Any, Any, Any, Any]]:
    """An rdflib Dataset's (or Graph's) statements as pyoxigraph terms, each distinct IRI converted once."""
    import pyoxigraph as ox

    iris: dict[str, Any] = {}
    default_graph = ox.DefaultGraph()

    def convert(term: Any) -> Any:
        if isinstance(term, URIRef):
            node = iris.get(term)
            if node is None:
                node = iris[term] = ox.NamedNode(term)
            return node
        return _ox_term(term)  # a literal (blank nodes are refused there)

    quads = ds.quads((None, None, None, None)) if isinstance(ds, Dataset) else ((*t, None) for t in ds)
    for s, p, o, g in quads:
        name = getattr(g, "identifier", g)
        graph = default_graph if name is None or str(name) == _DEFAULT_GRAPH else convert(name)
        yield convert(s), convert(p), convert(o), graph


def sorted_quads(ds: Dataset | Graph) -> list[Any]:
    """Every statement as a pyoxigraph quad, deduplicated and in :func:`_sort_key` order."""
    return Statements(ds).quads


def union_triples(quads: Iterable[Any]) -> list[Any]:
    """The union of the graphs of sorted quads: pyoxigraph triples, deduplicated, still sorted."""
    unique: dict[tuple[str, str, bool, str, str], Any] = {}
    for quad in quads:
        unique.setdefault(("",) + _sort_key(quad)[1:], quad.triple)
    return [unique[key] for key in sorted(unique)]


def _used_prefixes(statements: Iterable[Any]) -> dict[str, str]:
    """The published prefixes whose namespace some IRI in ``statements`` starts with, sorted."""
    iris: set[str] = set()
    for st in statements:
        for term in (st.subject, st.predicate, st.object, getattr(st, "graph_name", None)):
            if type(term).__name__ == "NamedNode":
                iris.add(term.value)
            elif type(term).__name__ == "Literal":
                iris.add(term.datatype.value)
    return used_prefixes(iris)


_XMLNS = re.compile(rb'\s(xmlns(?::[\w.-]+)?)="([^"]*)"')


def _fix_header(data: bytes, fmt: mediatypes.FileFormat, prefixes: Mapping[str, str]) -> bytes:
    """Rewrite the prefix declarations in sorted order, independent of pyoxigraph's choice.

    On the bytes as written, touching only the header: decoding and splitting the whole
    document into lines to replace its first few took longer than writing it."""
    if fmt.name in ("turtle", "trig"):
        end = 0
        while data.startswith(b"@prefix ", end):  # the declarations pyoxigraph wrote, one a line
            newline = data.find(b"\n", end)
            end = len(data) if newline < 0 else newline + 1
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()).encode("utf-8") + data[end:]
    if fmt.name == "rdfxml":
        head, sep, rest = data.partition(b"<rdf:RDF")
        tag, close, tail = rest.partition(b">")
        attrs = b"".join(b" " + k + b'="' + v + b'"' for k, v in sorted(_XMLNS.findall(tag)))
        return head + sep + attrs + close + tail
    return data


def _write_syntax(statements: list[Any], fmt: mediatypes.FileFormat, prefixes: Any) -> bytes:
    """Sorted statements in one syntax; ``prefixes()`` gives the used prefixes when the syntax has any."""
    import pyoxigraph as ox

    if fmt.name == "jsonld":
        return jsonld_document(statements)
    if fmt.name in ("ntriples", "nquads"):
        lines = ox.serialize(statements, format=fmt.oxigraph()).splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    used = prefixes()
    return _fix_header(ox.serialize(statements, format=fmt.oxigraph(), prefixes=used), fmt, used)


def _rdf_format(fmt_name: str) -> mediatypes.FileFormat:
    fmt = mediatypes.by_name(fmt_name)
    if fmt is None or not fmt.rdf:
        raise ValueError(f"not an RDF format: {fmt_name!r}")
    return fmt


def serialise(ds: Dataset | Graph, fmt_name: str, quads: list[Any] | None = None) -> bytes:
    """The dataset (quad syntaxes) or the union of its graphs (triple syntaxes) as sorted bytes.

    ``quads`` (from :func:`sorted_quads`) saves recomputing them for each format.
    """
    fmt = _rdf_format(fmt_name)
    if quads is None:
        converted = Statements(ds)
        statements = converted.quads if fmt.quads else converted.triples
        return _write_syntax(statements, fmt, lambda: converted.prefixes(fmt.quads))
    statements = quads if fmt.quads else union_triples(quads)
    return _write_syntax(statements, fmt, lambda: _used_prefixes(statements))


def serialise_all(ds: Dataset | Graph, fmt_names: Iterable[str]) -> dict[str, bytes]:
    """``gdegraph.{ext}`` -> bytes for each named syntax, the statements converted and sorted once."""
    return dict(_serialised(ds, fmt_names))


def _serialised(ds: Any, fmt_names: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) per syntax, one at a time, so a caller can gzip one while the next is written."""
    converted = ds if isinstance(ds, Statements) else Statements(ds)
    for fmt in map(_rdf_format, fmt_names):
        statements = converted.quads if fmt.quads else converted.triples
        yield f"{DUMP_STEM}.{fmt.extension}", _write_syntax(
            statements, fmt, lambda fmt=fmt: converted.prefixes(fmt.quads))


def gzip_bytes(data: bytes) -> bytes:
    """gzip with ``mtime=0`` and no file name in the header, so equal input gives equal bytes.

    Level 6 (gzip's own default), not 9: on the dumps it is four times faster for
    files about 5% larger, and gzip was the slowest step of a publish.
    """
    return gzip.compress(data, compresslevel=6, mtime=0)


def dump_files(ds: Any) -> dict[str, bytes]:
    """``gdegraph.{ext}`` and ``gdegraph.{ext}.gz`` for every RDF syntax, in the table's order.

    The statements are converted and sorted once for all syntaxes. gzip (the
    slowest single step, and outside the GIL) runs in a second thread while
    the next syntax is written.
    """
    return statement_dump_files(Statements(ds))


def statement_dump_files(converted: Statements) -> dict[str, bytes]:
    """:func:`dump_files` of statements already sorted (a publish shares them with the description)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gzip") as pool:
        plain, zipped = {}, {}
        for name, data in _serialised(converted, [fmt.name for fmt in mediatypes.RDF_FORMATS]):
            plain[name] = data
            zipped[name] = pool.submit(gzip_bytes, data)
        files: dict[str, bytes] = {}
        for name, data in plain.items():
            files[name] = data
            files[f"{name}.gz"] = zipped[name].result()
    return files
