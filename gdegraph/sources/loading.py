"""Read Turtle files into rdflib graphs, turning every defect into a located :class:`InputError`.

Why Oxigraph parses and rdflib holds the result
-----------------------------------------------
The rest of gdegraph works on :mod:`rdflib` graphs (pyshacl, owlrl and the
SPARQL helpers all take them), but rdflib's own Turtle parser is a poor
gatekeeper for hand-edited files:

* it silently accepts invalid data the spec forbids: IRIs with spaces
  (``<http://x/a b>``, only a log warning), ``\\uZZZZ`` escapes, and more;
* its ``BadSyntax`` exception locates many errors at the *end of the
  statement* rather than at the offending token (``<< >>`` or ``@en--ltr``
  are reported as "expected '.'" further on), gives only a character offset
  (``_i``, ``-1`` at end of input) and buries the reason in a repr of the
  surrounding bytes.

``pyoxigraph``'s parser is a conformant Turtle 1.1 parser (it also accepts
the RDF 1.2 additions) whose ``SyntaxError`` carries the exact 1-based line
and column (in characters) of the offending token. So each file is parsed
exactly once, by Oxigraph, and the resulting terms are converted to rdflib
terms. One parser decides what is valid; no second parse can disagree with it.

What the conversion guarantees:

* simple literals (``xsd:string``) become plain rdflib literals, exactly as
  rdflib's parser would produce them, so ``Literal("x")`` compares equal;
* well-typed literals are normalized exactly as rdflib's parser does it
  (``"01"^^xsd:integer`` becomes ``"1"``), so graphs loaded here are
  isomorphic to graphs rdflib parses and compare equal to ``Literal(1)``;
  language tags keep the file's spelling (``@en-GB``), which Oxigraph
  lower-cases but rdflib's parser keeps;
* ill-typed literals such as ``"abc"^^xsd:decimal`` are kept *as written*
  (rdflib would otherwise turn ``"yes"^^xsd:boolean`` into ``"false"``),
  so SHACL reports the value the file really holds; rdflib's warnings about
  them are suppressed while loading (:func:`quiet_literal_warnings`);
* blank nodes get deterministic labels that are unique per file, so two
  files' ``_:b`` never merge in a dataset and output is reproducible;
* prefixes declared in the file are bound on the graph for serialization;
* relative IRIs are an error unless the file declares ``@base``: no base is
  taken from the file's location, which would make IRIs machine-dependent;
* RDF 1.2 triple terms (``<<( )>>``, ``<< >>``, ``{| |}``) and directional
  language tags (``@en--ltr``) cannot be held by rdflib, so they are
  rejected with the location of the first one in the file.

Where the code lives: this module reads and parses files;
:mod:`gdegraph.sources.oxigraph_terms` converts the terms and quiets rdflib's
literal warnings; :mod:`gdegraph.sources.turtle_errors` locates and describes syntax
errors. :func:`quiet_literal_warnings` and :func:`input_error_from_bad_syntax`
(for code that must parse with rdflib itself: other formats, or libraries
that parse internally) are re-exported here for existing callers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from gdegraph.model import iris
from gdegraph.core.errors import InputError
from gdegraph.sources.oxigraph_terms import OxigraphTerms, TermConverter, UnsupportedTerm, quiet_literal_warnings
from gdegraph.sources.turtle_errors import (
    input_error_from_bad_syntax,
    input_error_from_oxigraph,
    line_col,
    locate_rdf12,
)

__all__ = [
    "default_graph_iri",
    "input_error_from_bad_syntax",
    "load_files",
    "load_into_store",
    "parse_turtle_file",
    "quiet_literal_warnings",
    "turtle_triples",
]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


# --------------------------------------------------------------------------
# Reading bytes


def _read(path: Path) -> bytes:
    """The file's bytes, with every OS failure turned into an InputError saying what to do."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=path, hint="check the path and spelling") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a Turtle file", path=path) from None
    except PermissionError:
        raise InputError(
            "cannot read the file: permission denied", path=path, hint="check the file's permissions"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=path) from None


def _decode(data: bytes, path: Path) -> tuple[bytes, str]:
    """Check ``data`` is UTF-8 and return (bytes without a BOM, decoded text).

    Turtle is UTF-8 by definition. A UTF-8 byte-order mark, which some
    editors add, is dropped so it cannot become a bogus first token; UTF-16
    and other encodings are rejected with the position of the first bad byte.
    """
    if data.startswith(_UTF16_BOMS):
        raise InputError(
            "file is UTF-16, not UTF-8",
            path=path,
            line=1,
            column=1,
            hint="re-save the file as UTF-8 (without a byte-order mark)",
        )
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        line, column = line_col(good, len(good))
        raise InputError(
            f"file is not valid UTF-8: unexpected byte 0x{data[exc.start]:02x}",
            path=path,
            line=line,
            column=column,
            hint="re-save the file as UTF-8",
        ) from None


# --------------------------------------------------------------------------
# Parsing


def _parse(path: Path, key: str) -> tuple[list[tuple[Node, Node, Node]], dict[str, str]]:
    """Parse one Turtle file: (triples as rdflib terms, prefixes the file declared).

    ``key`` (the graph IRI, or the file name) seeds the blank-node labels.
    """
    return _parse_with(path, key, lambda prefix, text: TermConverter(prefix, text))


def _parse_with(path: Path, key: str, converter: Callable[[str, str], Callable[[object], Any]]
                ) -> tuple[list[tuple[Any, Any, Any]], dict[str, str]]:
    """Parse one Turtle file with ``converter(blank-node prefix, text)`` turning Oxigraph's terms into the
    caller's (rdflib terms, or Oxigraph's own with blank nodes relabelled): every defect an InputError."""
    data, text = _decode(_read(path), path)
    digest = hashlib.sha256(key.encode("utf-8") + b"\0" + data).hexdigest()[:12]
    convert = converter(f"b{digest}", text)
    parser = ox.parse(data, format=ox.RdfFormat.TURTLE)
    triples: list[tuple[Any, Any, Any]] = []
    try:
        with quiet_literal_warnings():
            for quad in parser:
                triples.append((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    except SyntaxError as exc:
        raise input_error_from_oxigraph(exc, text, path) from None
    except UnsupportedTerm as exc:
        line, column = locate_rdf12(text)
        raise InputError(
            str(exc),
            path=path,
            line=line,
            column=column,
            hint="rewrite it with plain RDF 1.1 terms (rdflib cannot hold RDF 1.2 terms)",
        ) from None
    return triples, dict(parser.prefixes)


def _bind(graph: Graph, prefixes: dict[str, str]) -> None:
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, URIRef(namespace), override=True)


def turtle_triples(path: str | os.PathLike[str], graph_iri: str | None = None) -> list[tuple[Node, Node, Node]]:
    """The triples of one Turtle file as rdflib terms, as :func:`parse_turtle_file` reads them, without
    making a graph for them (a caller merging several files adds each triple once, into its own)."""
    source = Path(path)
    return _parse(source, graph_iri or source.name)[0]


def parse_turtle_file(path: str | os.PathLike[str], graph_iri: str | None = None) -> Graph:
    """Parse one Turtle file into a new rdflib :class:`~rdflib.Graph`.

    The graph is identified by ``graph_iri`` when given. Raises
    :class:`InputError` (with path, and line and column where there is one)
    when the file is missing, unreadable, not UTF-8, or not valid Turtle.
    An empty file is a valid, empty graph.
    """
    source = Path(path)
    triples, prefixes = _parse(source, graph_iri or source.name)
    graph = Graph(identifier=URIRef(graph_iri) if graph_iri else None)
    _bind(graph, prefixes)
    for triple in triples:
        graph.add(triple)
    return graph


def default_graph_iri(path: Path) -> str:
    """The named graph for a file: ``iris.graph(slugify(stem))``, e.g. ``graph/gde-trusts``."""
    key = iris.slugify(path.stem)
    if not key:
        raise InputError(
            "cannot name a graph after this file: its name has no letters or digits",
            path=path,
            hint="rename the file",
        )
    return iris.graph(key)


def _claim_graph(sources: dict[str, Path], graph_iri: str, path: Path) -> str:
    """Record that ``path`` fills ``graph_iri``; a second file for the same graph is an error, not a merge."""
    if graph_iri in sources:
        raise InputError(
            f"two files map to the same named graph <{graph_iri}>: {sources[graph_iri]} and {path}",
            path=path,
            hint="rename one of them",
        )
    sources[graph_iri] = path
    return graph_iri


def load_files(
    paths: Iterable[str | os.PathLike[str]],
    dataset: Dataset | None = None,
    graph_iri_for: Callable[[Path], str] = default_graph_iri,
) -> Dataset:
    """Parse Turtle files into a :class:`~rdflib.Dataset`, each file into its own named graph.

    The named graph of each file is ``graph_iri_for(path)`` (by default
    :func:`default_graph_iri`), so provenance survives: every triple says
    which file it came from. Files are added to ``dataset`` if one is
    given, else to a new one, which is returned. Two files that would share
    a graph (``a/x.ttl`` and ``b/x.ttl``) are an error rather than a silent
    merge. The first bad file stops the load with its :class:`InputError`.
    """
    target = dataset if dataset is not None else Dataset()
    sources: dict[str, Path] = {}
    for item in paths:
        path = Path(item)
        graph_iri = _claim_graph(sources, graph_iri_for(path), path)
        triples, prefixes = _parse(path, graph_iri)
        graph = target.graph(URIRef(graph_iri))
        _bind(target, prefixes)
        target.addN((s, p, o, graph) for s, p, o in triples)
    return target


def load_into_store(
    paths: Iterable[str | os.PathLike[str]],
    store: ox.Store,
    graph_iri_for: Callable[[Path], str] = default_graph_iri,
    taken: dict[str, Path] | None = None,
) -> dict[str, str]:
    """Parse Turtle files straight into a pyoxigraph store, each file into its own named graph.

    The build's loader: the same checks and errors as :func:`load_files` (one
    parser decides what is valid, the same located :class:`InputError`s, the
    same refusal of RDF 1.2 terms, blank nodes labelled from the file), but the
    terms stay Oxigraph's, so no rdflib object is made. The store holds literals
    as Oxigraph holds them: language tags lower-cased (BCP 47 tags are
    case-insensitive) and well-typed numbers in canonical form. ``taken`` maps
    the graphs already loaded to their files (two files for one graph are an
    error, as in :func:`load_files`). Returns the prefixes the files declared.
    """
    sources: dict[str, Path] = taken if taken is not None else {}
    prefixes: dict[str, str] = {}
    for item in paths:
        path = Path(item)
        graph_iri = _claim_graph(sources, graph_iri_for(path), path)
        triples, declared = _parse_with(path, graph_iri, OxigraphTerms)
        graph = ox.NamedNode(graph_iri)
        store.extend([ox.Quad(s, p, o, graph) for s, p, o in triples])
        prefixes.update(declared)
    return prefixes
