"""Publish stage: the validated graph as reproducible dumps, described, with checksums.

``gdegraph publish --out dist`` writes the graph in six RDF syntaxes (each
also gzipped), the JSON-LD ``@context``, the funding awards as a 360Giving
package, a VoID/DCAT description of all of it and a ``SHA256SUMS`` file.

Reproducibility is the point: the same input must give byte-identical files,
so a rebuild can be checked against a published checksum and a diff of two
releases shows only real changes. rdflib's serialisers do not promise a
stable order, so every syntax is written here from *sorted* statements:
pyoxigraph serialises them (it writes in input order and groups consecutive
statements about one subject), except JSON-LD, which :mod:`gdegraph.model.jsonld_context`
writes compactly itself. Blank nodes are refused (their labels are random);
gzip members get ``mtime=0`` and no file name; no date comes from the clock.

All files are produced in memory first and only then written, all together
(:func:`gdegraph.core.atomic.replace_in_directory`: a fresh folder swapped in),
so a failure or a kill leaves every dump as it was, or every dump new.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef

from gdegraph.core.version import package_version
from gdegraph.core import mediatypes
from gdegraph.core.errors import GdeError, InputError
from gdegraph.model.jsonld_context import (CONTEXT_FILE, PREFIXES, RDF_TYPE, context_document, jsonld_document,
                                     used_prefixes)

__all__ = [
    "DEFAULT_DUMPS_BASE", "DEFAULT_SPARQL_ENDPOINT", "DESCRIPTION_FILE", "DUMP_STEM", "SUMS_FILE",
    "PublishResult", "PublishSettings", "count_statements", "dump_files", "gzip_bytes", "publish",
    "publish_files", "serialise", "serialise_all", "sha256sums", "sorted_quads", "union_triples",
]

DUMP_STEM = "gdegraph"
DESCRIPTION_FILE = "void.ttl"
SUMS_FILE = "SHA256SUMS"
DEFAULT_DUMPS_BASE = "https://w3id.org/gdegraph/dumps/"
DEFAULT_SPARQL_ENDPOINT = "https://w3id.org/gdegraph/sparql"
_DEFAULT_GRAPH = "urn:x-rdflib:default"


@dataclass(frozen=True)
class PublishSettings:
    """Where the files will be served and which release they are (nothing read from the clock)."""

    dumps_base: str = DEFAULT_DUMPS_BASE  #: download URL of a dump = this + file name
    sparql_endpoint: str = DEFAULT_SPARQL_ENDPOINT
    release_date: str | None = None  #: YYYY[-MM[-DD]]; None: $SOURCE_DATE_EPOCH, else newest source date
    version: str = field(default_factory=package_version)

    def __post_init__(self) -> None:
        """Reject URLs that would make invalid IRIs now, not half way through a publish."""
        from urllib.parse import urlsplit

        for option, url in (("--base-url", self.dumps_base), ("--sparql-endpoint", self.sparql_endpoint)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in ' <>"{}|\\^`'):
                raise InputError(f"{option} {url!r} is not an absolute http(s) URL")
        if self.release_date:
            from gdegraph.publish.dataset_description import release_date

            release_date(Graph(), self.release_date)  # raises InputError if malformed
        if not self.dumps_base.endswith("/"):
            object.__setattr__(self, "dumps_base", self.dumps_base + "/")


@dataclass
class PublishResult:
    """What a publish wrote; ``str()`` is the report printed to the user."""

    out_dir: Path
    files: dict[str, int] = field(default_factory=dict)  #: file name -> bytes
    triples: int = 0
    quads: int = 0
    grants: int = 0

    def __str__(self) -> str:
        lines = [f"gdegraph publish: {self.triples} triples ({self.quads} quads in named graphs), "
                 f"{self.grants} 360Giving grants"]
        lines += [f"wrote {self.out_dir / name} ({size} bytes)" for name, size in self.files.items()]
        return "\n".join(lines)


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


class _Statements:
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
    return _Statements(ds).quads


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


_XMLNS = re.compile(r'\s(xmlns(?::[\w.-]+)?)="([^"]*)"')


def _fix_header(text: str, fmt: mediatypes.FileFormat, prefixes: Mapping[str, str]) -> str:
    """Rewrite the prefix declarations in sorted order, independent of pyoxigraph's choice."""
    if fmt.name in ("turtle", "trig"):
        lines = text.splitlines(keepends=True)
        header = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items()) + "".join(lines[header:])
    if fmt.name == "rdfxml":
        head, sep, rest = text.partition("<rdf:RDF")
        tag, close, tail = rest.partition(">")
        attrs = "".join(f' {k}="{v}"' for k, v in sorted(_XMLNS.findall(tag)))
        return head + sep + attrs + close + tail
    return text


def _write_syntax(statements: list[Any], fmt: mediatypes.FileFormat, prefixes: Any) -> bytes:
    """Sorted statements in one syntax; ``prefixes()`` gives the used prefixes when the syntax has any."""
    import pyoxigraph as ox

    if fmt.name == "jsonld":
        return jsonld_document(statements)
    if fmt.name in ("ntriples", "nquads"):
        lines = ox.serialize(statements, format=fmt.oxigraph()).splitlines(keepends=True)
        return b"".join(sorted(set(lines)))
    used = prefixes()
    text = ox.serialize(statements, format=fmt.oxigraph(), prefixes=used).decode("utf-8")
    return _fix_header(text, fmt, used).encode("utf-8")


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
        converted = _Statements(ds)
        statements = converted.quads if fmt.quads else converted.triples
        return _write_syntax(statements, fmt, lambda: converted.prefixes(fmt.quads))
    statements = quads if fmt.quads else union_triples(quads)
    return _write_syntax(statements, fmt, lambda: _used_prefixes(statements))


def serialise_all(ds: Dataset | Graph, fmt_names: Iterable[str]) -> dict[str, bytes]:
    """``gdegraph.{ext}`` -> bytes for each named syntax, the statements converted and sorted once."""
    return dict(_serialised(ds, fmt_names))


def _serialised(ds: Any, fmt_names: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) per syntax, one at a time, so a caller can gzip one while the next is written."""
    converted = ds if isinstance(ds, _Statements) else _Statements(ds)
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
    return _dump_files(_Statements(ds))


def _dump_files(converted: _Statements) -> dict[str, bytes]:
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


def sha256sums(files: Mapping[str, bytes], digests: Mapping[str, str] | None = None) -> bytes:
    """``sha256sum``-compatible lines (``HEX  NAME``) sorted by name: ``sha256sum -c`` checks them.

    ``digests`` holds the hex digests a caller has already computed (each file is hashed once).
    """
    known = digests or {}
    return "".join(f"{known.get(n) or hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)).encode()


def publish_files(ds: Any, settings: PublishSettings | None = None) -> dict[str, bytes]:
    """Every published file (name -> bytes) for the built graph, without writing anything.

    ``ds`` is the build's pyoxigraph store (:func:`gdegraph.sources.dataset.build_store`),
    which every file is made from; an rdflib Dataset is copied into a store first.
    """
    import pyoxigraph as ox

    from gdegraph.publish import dataset_description, giving360
    from gdegraph.publish.table_files import tables_files
    from gdegraph.store.oxigraph_store import OxigraphStore

    if not isinstance(ds, ox.Store):
        ds = OxigraphStore.from_dataset(ds).store
    settings = settings or PublishSettings()
    release = dataset_description.release_date(ds, settings.release_date)
    statements = _Statements(ds)  # sorted once: every dump, and the description's counts
    files = _dump_files(statements)
    files[CONTEXT_FILE] = context_document()
    files.update(giving360.package_files(ds, release=release, download_base=settings.dumps_base))
    files.update(tables_files(ds, settings.version))  # CSV + Data Package + CSVW, SQLite for Datasette
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}  # each file hashed once
    description = dataset_description.describe(
        ds, files, dumps_base=settings.dumps_base, sparql_endpoint=settings.sparql_endpoint,
        version=settings.version, release=release, triples=statements.union_forms(), digests=digests)
    files[DESCRIPTION_FILE] = serialise(description, "turtle")
    files[SUMS_FILE] = sha256sums(files, digests)
    return files


def publish(out_dir: Path, shared: Path | None = None, settings: PublishSettings | None = None,
            *, dataset: Any = None) -> PublishResult:
    """Build and validate (unless ``dataset``, a store or rdflib Dataset, is given), then write every
    published file.

    Validation needs the built store and nothing the files need, and the files
    need nothing validation makes, so where there is a second core a forked copy
    of this process validates while this one makes the files
    (:class:`gdegraph.core.forked.Child`); nothing is written until the
    verdict says the graph conforms. A failure while making the files from a
    graph that does not validate is reported as the validation failure it is.
    """
    from gdegraph.core.atomic import replace_in_directory
    from gdegraph.core.progress import stage
    from gdegraph.publish.giving360 import PACKAGE_FILE

    verdict = None
    if dataset is None:
        from gdegraph.core.forked import Child, cores
        from gdegraph.sources.dataset import build_store
        from gdegraph.validate.validation import store_verdict

        with stage("building the dataset"):
            dataset = build_store(shared)
        store = dataset
        verdict = Child(lambda: store_verdict(store), fork=cores() > 1)
    try:
        with stage("writing the dumps, tables and descriptions"):
            files = publish_files(dataset, settings)
    except Exception:
        _check(verdict)  # a graph that does not validate explains the failure better
        raise
    except BaseException:
        if verdict is not None:
            verdict.cancel()
        raise
    with stage("validating (SHACL engine: sparql)"):
        _check(verdict)
    result = PublishResult(out_dir=out_dir)
    replace_in_directory(out_dir, files)  # every dump new, or every dump as before (gdegraph.core.atomic)
    result.files = {name: len(data) for name, data in files.items()}
    # One statement per line in N-Triples and N-Quads: the dumps' own counts.
    result.triples, result.quads = files[f"{DUMP_STEM}.nt"].count(b"\n"), files[f"{DUMP_STEM}.nq"].count(b"\n")
    result.grants = len(json.loads(files[PACKAGE_FILE])["grants"])
    return result


def _check(verdict: Any) -> None:
    if verdict is not None:
        from gdegraph.validate.validation import raise_unless_conforms

        raise_unless_conforms(verdict.result())


def count_statements(path: str | Path, parser: str = "rdflib") -> int:
    """Statements in an RDF file (gunzipping ``.gz``), by ``rdflib`` or ``oxigraph``: the CI cross-check.

    Quad syntaxes count every quad (a statement in two graphs counts twice),
    as ``rapper -c`` does.
    """
    fmt, gzipped = mediatypes.by_filename(path)
    if fmt is None or not fmt.rdf:
        raise ValueError(f"{path}: not an RDF dump")
    data = Path(path).read_bytes()
    if gzipped:
        data = gzip.decompress(data)
    if parser == "oxigraph":
        import pyoxigraph as ox

        return sum(1 for _ in ox.parse(data, format=fmt.oxigraph()))
    if parser != "rdflib":
        raise ValueError(f"unknown parser {parser!r}")
    if fmt.quads:
        ds = Dataset()
        ds.parse(data=data, format=fmt.rdflib)
        return sum(1 for _ in ds.quads((None, None, None, None)))
    return len(Graph().parse(data=data, format=fmt.rdflib))
