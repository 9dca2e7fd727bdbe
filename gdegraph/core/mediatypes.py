"""The one table of file formats gdegraph publishes: media types, extensions, parser names.

The dumps, their VoID/DCAT description, the server's content negotiation and
the static site all have to agree on what ``.ttl`` or ``application/n-quads``
means and on what each library calls the format. Spreading that knowledge
over string literals in several modules is how a server ends up serving
N-Quads as ``text/plain``; so every such fact lives here, once, in a small
frozen table with lookups by name, file extension and media type.

Nothing heavy is imported: the pyoxigraph format is stored by its attribute
name and resolved on demand (:meth:`FileFormat.oxigraph`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

__all__ = [
    "FORMATS",
    "GZIP",
    "RDF_FORMATS",
    "FileFormat",
    "by_extension",
    "by_filename",
    "by_media_type",
    "by_name",
    "iana_iri",
]

IANA = "https://www.iana.org/assignments/media-types/"
W3C_FORMATS = "http://www.w3.org/ns/formats/"


def iana_iri(media_type: str) -> str:
    """The IANA registry IRI of a media type, as DCAT's ``dcat:mediaType`` expects it."""
    return IANA + media_type


@dataclass(frozen=True)
class FileFormat:
    """One format: how to name it, recognise it and hand it to each parser or serialiser.

    ``extensions[0]`` and ``media_type`` are what gdegraph writes; the rest
    are also recognised when reading (file names, ``Accept`` headers).
    A ``None`` parser name means that tool cannot read the format.
    """

    name: str  #: gdegraph's key, e.g. ``"turtle"``
    label: str  #: human name, e.g. ``"Turtle"``
    media_type: str  #: the registered media type gdegraph serves
    extensions: tuple[str, ...]  #: without the dot; the first is the one gdegraph writes
    rdf: bool = True  #: an RDF syntax (so it has a triple count)
    quads: bool = False  #: carries named graphs
    rdflib: str | None = None  #: rdflib ``format=`` name
    oxigraph_name: str | None = None  #: attribute of ``pyoxigraph.RdfFormat``
    rapper: str | None = None  #: ``rapper -i`` name (raptor2); None where raptor has no parser
    w3c_format: str | None = None  #: unique format IRI from https://www.w3.org/ns/formats/
    spec: str | None = None  #: specification the files conform to
    media_type_aliases: tuple[str, ...] = ()  #: other media types clients send for it
    name_aliases: tuple[str, ...] = ()  #: other names (rdflib's, common short names)

    @property
    def extension(self) -> str:
        """The extension gdegraph writes (without the dot)."""
        return self.extensions[0]

    @property
    def iana(self) -> str:
        """IANA registry IRI of :attr:`media_type` (for ``dcat:mediaType``)."""
        return iana_iri(self.media_type)

    @property
    def conforms_to(self) -> str | None:
        """What ``dcterms:conformsTo`` should point at: the W3C format IRI, else the spec."""
        return self.w3c_format or self.spec

    def oxigraph(self) -> Any:
        """The ``pyoxigraph.RdfFormat`` member (imports pyoxigraph on first use)."""
        if self.oxigraph_name is None:
            raise ValueError(f"pyoxigraph has no {self.label} format")
        import pyoxigraph

        return getattr(pyoxigraph.RdfFormat, self.oxigraph_name)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "turtle", "Turtle", "text/turtle", ("ttl",), rdflib="turtle", oxigraph_name="TURTLE",
        rapper="turtle", w3c_format=W3C_FORMATS + "Turtle", spec="https://www.w3.org/TR/turtle/",
        media_type_aliases=("application/x-turtle", "application/turtle"), name_aliases=("ttl",),
    ),
    FileFormat(
        "ntriples", "N-Triples", "application/n-triples", ("nt",), rdflib="nt",
        oxigraph_name="N_TRIPLES", rapper="ntriples", w3c_format=W3C_FORMATS + "N-Triples",
        spec="https://www.w3.org/TR/n-triples/", name_aliases=("nt", "nt11", "n-triples"),
    ),
    FileFormat(
        "jsonld", "JSON-LD", "application/ld+json", ("jsonld",), rdflib="json-ld",
        oxigraph_name="JSON_LD", rapper=None, w3c_format=W3C_FORMATS + "JSON-LD",
        spec="https://www.w3.org/TR/json-ld11/", name_aliases=("json-ld",),
    ),
    FileFormat(
        "rdfxml", "RDF/XML", "application/rdf+xml", ("rdf",), rdflib="xml",
        oxigraph_name="RDF_XML", rapper="rdfxml", w3c_format=W3C_FORMATS + "RDF_XML",
        spec="https://www.w3.org/TR/rdf-syntax-grammar/", name_aliases=("xml", "rdf/xml", "pretty-xml"),
    ),
    FileFormat(
        "trig", "TriG", "application/trig", ("trig",), quads=True, rdflib="trig",
        oxigraph_name="TRIG", rapper="trig", w3c_format=W3C_FORMATS + "TriG",
        spec="https://www.w3.org/TR/trig/", media_type_aliases=("application/x-trig",),
    ),
    FileFormat(
        "nquads", "N-Quads", "application/n-quads", ("nq",), quads=True, rdflib="nquads",
        oxigraph_name="N_QUADS", rapper="nquads", w3c_format=W3C_FORMATS + "N-Quads",
        spec="https://www.w3.org/TR/n-quads/", media_type_aliases=("text/x-nquads",),
        name_aliases=("nq", "n-quads"),
    ),
    FileFormat(
        "json", "JSON", "application/json", ("json",), rdf=False,
        spec="https://www.rfc-editor.org/rfc/rfc8259",
    ),
    FileFormat(
        "csv", "CSV", "text/csv", ("csv",), rdf=False, spec="https://www.rfc-editor.org/rfc/rfc4180",
    ),
    FileFormat(
        "text", "plain text", "text/plain", ("txt",), rdf=False,
    ),
    FileFormat(
        "sqlite", "SQLite database", "application/vnd.sqlite3", ("db", "sqlite"), rdf=False,
        spec="https://www.sqlite.org/fileformat.html",
    ),
)

#: The RDF syntaxes, in the order the dumps are listed.
RDF_FORMATS: tuple[FileFormat, ...] = tuple(f for f in FORMATS if f.rdf)

#: gzip is a compression, not a format: ``dcat:compressFormat`` of the ``.gz`` dumps.
GZIP = FileFormat("gzip", "gzip", "application/gzip", ("gz",), rdf=False,
                  spec="https://www.rfc-editor.org/rfc/rfc1952", media_type_aliases=("application/x-gzip",))

_BY_NAME = {alias: f for f in FORMATS for alias in (f.name, *f.name_aliases)}
_BY_EXTENSION = {ext: f for f in FORMATS for ext in f.extensions}
_BY_MEDIA_TYPE = {mt: f for f in (*FORMATS, GZIP) for mt in (f.media_type, *f.media_type_aliases)}


def by_name(name: str) -> FileFormat | None:
    """The format gdegraph, rdflib or common usage calls ``name`` (case-insensitive), or None."""
    return _BY_NAME.get(name.strip().lower())


def by_extension(extension: str) -> FileFormat | None:
    """The format of a file extension, with or without the dot (``"ttl"``, ``".ttl"``), or None."""
    return _BY_EXTENSION.get(extension.strip().lower().lstrip("."))


def by_media_type(media_type: str) -> FileFormat | None:
    """The format of a media type; parameters (``; charset=utf-8``) and case are ignored."""
    return _BY_MEDIA_TYPE.get(media_type.split(";", 1)[0].strip().lower())


def by_filename(filename: str | PurePath) -> tuple[FileFormat | None, bool]:
    """``(format, gzipped)`` of a file name: ``gdegraph.ttl.gz`` is ``(turtle, True)``.

    The format is None when the extension is unknown.
    """
    suffixes = [s.lower() for s in PurePath(filename).suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes.pop()
    return (by_extension(suffixes[-1]) if suffixes else None), gzipped
