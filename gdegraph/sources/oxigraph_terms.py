"""Convert Oxigraph terms to rdflib terms, and keep rdflib quiet about ill-typed literals.

Each Turtle file is parsed once, by Oxigraph (:mod:`gdegraph.sources.loading` says
why), and its terms are converted here so that valid data gives what
rdflib's own parser would give -- graphs compare equal and isomorphic --
while the file's own values survive where rdflib would rewrite them. The
guarantees are listed in :mod:`gdegraph.sources.loading`'s docstring; in short:
plain and well-typed literals as rdflib makes them, language tags as the
file spells them, ill-typed literals kept as written (with rdflib's warnings
about them silenced by :func:`quiet_literal_warnings`), blank nodes labelled
from a per-file seed, and RDF 1.2 terms refused with :class:`UnsupportedTerm`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from gdegraph.sources.turtle_errors import mask_non_syntax

__all__ = ["OxigraphTerms", "TermConverter", "UnsupportedTerm", "from_oxigraph", "quiet_literal_warnings"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class UnsupportedTerm(Exception):
    """A term Oxigraph accepts but rdflib cannot represent (RDF 1.2)."""


_LANGUAGE_TAG = re.compile(r"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)")


def _language_spellings(text: str) -> dict[str, str]:
    """Lower-cased language tag -> the spelling the file first uses (``en-gb`` -> ``en-GB``)."""
    spellings: dict[str, str] = {}
    for match in _LANGUAGE_TAG.finditer(mask_non_syntax(text)):
        tag = match.group(1)
        if tag not in ("prefix", "base"):
            spellings.setdefault(tag.lower(), tag)
    return spellings


class TermConverter:
    """Converts Oxigraph terms to rdflib terms for one file, caching IRIs and blank nodes."""

    def __init__(self, bnode_prefix: str, text: str) -> None:
        self._bnode_prefix = bnode_prefix
        self._text = text
        self._bnodes: dict[str, BNode] = {}
        self._iris: dict[str, URIRef] = {}
        self._languages: dict[str, str] | None = None

    def _language(self, tag: str) -> str:
        """The tag as the file spells it: Oxigraph lower-cases tags, rdflib keeps them."""
        if self._languages is None:
            self._languages = _language_spellings(self._text)
        return self._languages.get(tag, tag)

    def __call__(self, term: object) -> Node:
        if isinstance(term, ox.NamedNode):
            value = term.value
            iri = self._iris.get(value)
            if iri is None:
                iri = self._iris[value] = URIRef(value)
            return iri
        if isinstance(term, ox.BlankNode):
            node = self._bnodes.get(term.value)
            if node is None:
                node = self._bnodes[term.value] = BNode(f"{self._bnode_prefix}n{len(self._bnodes)}")
            return node
        if isinstance(term, ox.Literal):
            if term.direction is not None:
                raise UnsupportedTerm(
                    "directional language tags (RDF 1.2, e.g. @en--ltr) are not supported"
                )
            if term.language is not None:
                return Literal(term.value, lang=self._language(term.language))
            if term.datatype.value == _XSD_STRING:
                return Literal(term.value)
            datatype = self(term.datatype)
            literal = Literal(term.value, datatype=datatype)
            if literal.ill_typed:
                # Normalizing would rewrite "yes"^^xsd:boolean to "false",
                # hiding the very value SHACL must report: keep it as written.
                literal = Literal(term.value, datatype=datatype, normalize=False)
            return literal
        if isinstance(term, ox.Triple):
            raise UnsupportedTerm("RDF 1.2 triple terms and reifiers (<< >>, {| |}) are not supported")
        raise UnsupportedTerm(f"unsupported RDF term {type(term).__name__}")


class OxigraphTerms:
    """Keeps Oxigraph's terms for one file (the build's store), with :class:`TermConverter`'s checks:
    blank nodes labelled from the per-file seed, RDF 1.2 terms refused with :class:`UnsupportedTerm`."""

    def __init__(self, bnode_prefix: str, text: str) -> None:  # noqa: ARG002 -- TermConverter's signature
        self._bnode_prefix = bnode_prefix
        self._bnodes: dict[str, ox.BlankNode] = {}

    def __call__(self, term: object) -> object:
        if isinstance(term, ox.NamedNode):
            return term
        if isinstance(term, ox.Literal):
            if term.direction is not None:
                raise UnsupportedTerm("directional language tags (RDF 1.2, e.g. @en--ltr) are not supported")
            return term
        if isinstance(term, ox.BlankNode):
            node = self._bnodes.get(term.value)
            if node is None:
                node = self._bnodes[term.value] = ox.BlankNode(f"{self._bnode_prefix}n{len(self._bnodes)}")
            return node
        if isinstance(term, ox.Triple):
            raise UnsupportedTerm("RDF 1.2 triple terms and reifiers (<< >>, {| |}) are not supported")
        raise UnsupportedTerm(f"unsupported RDF term {type(term).__name__}")


def from_oxigraph(term: object) -> Node | None:
    """A store's term as an rdflib term (a store keeps no original spelling to go back to).

    Ill-typed literals are kept as written, as :class:`TermConverter` keeps them.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    with quiet_literal_warnings():
        literal = Literal(term.value, datatype=URIRef(term.datatype.value))
        if literal.ill_typed:
            literal = Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    return literal


class _DropIllTypedLiteralWarnings(logging.Filter):
    """Drops rdflib's log record for a literal whose text does not fit its datatype."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form")


@contextlib.contextmanager
def quiet_literal_warnings() -> Iterator[None]:
    """Silence rdflib's complaints about ill-typed literals inside the block.

    rdflib logs a warning with a full traceback for every literal like
    ``"abc"^^xsd:decimal`` it creates, warns about booleans like ``"yes"``,
    and warns again when serializing ill-typed numbers. Those are
    data errors that SHACL reports properly, with the node and the shape, so
    the raw warnings would only bury the real report. Other rdflib warnings
    (an IRI that cannot be serialized, say) stay visible.
    """
    logger = logging.getLogger("rdflib.term")
    drop = _DropIllTypedLiteralWarnings()
    logger.addFilter(drop)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Parsing weird boolean")
            warnings.filterwarnings("ignore", message="Serializing weird numerical")
            yield
    finally:
        logger.removeFilter(drop)
