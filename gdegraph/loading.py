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

:func:`input_error_from_bad_syntax` is kept for code that must parse with
rdflib itself (other formats, or libraries that parse internally): it
converts rdflib's ``BadSyntax`` into the same located :class:`InputError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from gdegraph import iris
from gdegraph.errors import InputError

__all__ = [
    "default_graph_iri",
    "input_error_from_bad_syntax",
    "load_files",
    "parse_turtle_file",
    "quiet_literal_warnings",
]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAX_MESSAGE = 200


# --------------------------------------------------------------------------
# Positions and messages


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character ``index`` in ``text``.

    Counts ``\\n``, ``\\r\\n`` and a lone ``\\r`` as one line break each, as
    Oxigraph does, so positions computed here agree with the parser's.
    """
    prefix = text[:index]
    line = prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1
    last_break = max(prefix.rfind("\n"), prefix.rfind("\r"))
    return line, index - last_break


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _index_of(text: str, line: int, column: int) -> int | None:
    """Character index of 1-based (line, column) in ``text``; ``None`` if out of range."""
    index = 0
    for _ in range(line - 1):
        nl = _LINE_BREAK.search(text, index)
        if nl is None:
            return None
        index = nl.end()
    index += column - 1
    return index if 0 <= index < len(text) else None


def _clean(message: str) -> str:
    """Make a parser message safe and short for one terminal line.

    Control characters (a stray NUL, a tab) are shown as ``\\xNN`` escapes
    instead of being written to the terminal raw.
    """
    shown = "".join(
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        if unicodedata.category(ch) in ("Cc", "Cf")
        else ch
        for ch in message
    )
    if len(shown) > _MAX_MESSAGE:
        shown = shown[: _MAX_MESSAGE - 3] + "..."
    return shown


def _sentence_case(message: str) -> str:
    """Lower-case a leading capital ("A dot is ...") but not an acronym ("IRI ...")."""
    first_word = message.split(" ", 1)[0]
    if first_word[:1].isupper() and (len(first_word) == 1 or first_word[1:].islower()):
        return message[0].lower() + message[1:]
    return message


_ESCAPES = "\\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX \\UXXXXXXXX"

_HINTS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"prefix (?P<p>\S*:) has not been declared"),
        "declare it before first use, e.g. '@prefix {p} <https://...> .'",
    ),
    (
        re.compile(r"dot is expected at the end of statements"),
        "the statement before this point needs a closing ' .' (or ';' / ',' to continue it)",
    ),
    (
        re.compile(r"Invalid IRI code point ' '"),
        "IRIs cannot contain spaces: remove them or write %20",
    ),
    (
        re.compile(r"Invalid IRI code point"),
        "that character is not allowed in an IRI: percent-encode it",
    ),
    (
        re.compile(r"No scheme found"),
        "write a full IRI such as <https://...> or a prefixed name (or declare @base)",
    ),
    (re.compile(r"escape", re.IGNORECASE), f"the escapes allowed in strings are {_ESCAPES}"),
    (
        re.compile(r"Line jumps are not allowed"),
        'close the string on the same line, or use """...""" for text over several lines',
    ),
    (
        re.compile(r"PREFIX keyword should be followed"),
        "write prefix declarations as '@prefix ex: <https://...> .'",
    ),
]


def _describe(message: str, text: str, line: int, column: int) -> tuple[str, str | None]:
    """Turn an Oxigraph message into (human message, fix hint) for the error at line:column."""
    if "end of file" in message:
        index = _index_of(text, line, column)
        opener = text[index] if index is not None else ""
        if opener in "\"'":
            return (
                "unterminated string literal: the file ends before its closing quote",
                f"add the closing {opener} (use triple quotes for text over several lines)",
            )
        if opener == "<":
            return "unterminated IRI: the file ends before its closing '>'", "add the closing '>'"
    if message == "Unexpected end":
        return (
            "unexpected end of file: the last statement is incomplete",
            "finish the statement and end it with ' .'",
        )
    for pattern, hint in _HINTS:
        match = pattern.search(message)
        if match:
            return _sentence_case(message), hint.format(**match.groupdict())
    return _sentence_case(message), None


def _from_oxigraph(exc: SyntaxError, text: str, path: Path) -> InputError:
    """A located :class:`InputError` from the ``SyntaxError`` Oxigraph raised on ``text``."""
    raw = str(exc.msg or exc)
    if raw.startswith("Parser error") and ": " in raw:
        raw = raw.split(": ", 1)[1]
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno >= 1 else 1
    column = exc.offset if isinstance(exc.offset, int) and exc.offset >= 1 else 1
    message, hint = _describe(raw, text, line, column)
    return InputError(f"Turtle syntax error: {_clean(message)}", path=path, line=line, column=column, hint=hint)


def input_error_from_bad_syntax(exc: Exception, path: str | os.PathLike[str]) -> InputError:
    """Convert an exception from rdflib's Turtle/N3 parser into a located :class:`InputError`.

    rdflib's ``BadSyntax`` holds the whole document UTF-8-encoded (``_str``),
    the error's *character* offset into the decoded document (``_i``; ``-1``
    means "at the end"; rdflib's own message slices the bytes with it, which
    is why it looks garbled after non-ASCII text) and the reason (``_why``).
    Line and column are computed from the decoded text. Any other exception
    becomes an unlocated InputError carrying its message (rdflib raises
    ``ValueError`` and friends for some bad terms).
    """
    why = getattr(exc, "_why", None)
    document = getattr(exc, "_str", None)
    offset = getattr(exc, "_i", None)
    if why is None or document is None or not isinstance(offset, int):
        return InputError(f"RDF syntax error: {_clean(str(exc))}", path=path)
    text = document.decode("utf-8", errors="replace") if isinstance(document, bytes) else str(document)
    if offset < 0 or offset > len(text):
        offset = len(text)
    line, column = _line_col(text, offset)
    return InputError(f"Turtle syntax error: {_clean(str(why))}", path=path, line=line, column=column)


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
        line, column = _line_col(good, len(good))
        raise InputError(
            f"file is not valid UTF-8: unexpected byte 0x{data[exc.start]:02x}",
            path=path,
            line=line,
            column=column,
            hint="re-save the file as UTF-8",
        ) from None


# --------------------------------------------------------------------------
# Terms


class _Unsupported(Exception):
    """A term Oxigraph accepts but rdflib cannot represent (RDF 1.2)."""


# Masks string, IRI and comment contents so a search for RDF 1.2 syntax only
# sees real syntax. Strings are matched long-form first.
_NOT_SYNTAX = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n\r]|\\.)*"?'
    r"|'(?:[^'\\\n\r]|\\.)*'?"
    r"|<(?![<(])[^<>\s\"{}|^`\\]*>"
    r"|#[^\n\r]*",
    re.DOTALL,
)
_RDF12_SYNTAX = re.compile(r"<<|\{\||--(?:ltr|rtl)\b")


_LANGUAGE_TAG = re.compile(r"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)")


def _mask(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out, keeping every position."""
    return _NOT_SYNTAX.sub(lambda m: re.sub(r"[^\r\n]", " ", m.group()), text)


def _locate_rdf12(text: str) -> tuple[int, int]:
    """Line and column of the first RDF 1.2 construct outside strings, IRIs and comments."""
    match = _RDF12_SYNTAX.search(_mask(text))
    return _line_col(text, match.start()) if match else (1, 1)


def _language_spellings(text: str) -> dict[str, str]:
    """Lower-cased language tag -> the spelling the file first uses (``en-gb`` -> ``en-GB``)."""
    spellings: dict[str, str] = {}
    for match in _LANGUAGE_TAG.finditer(_mask(text)):
        tag = match.group(1)
        if tag not in ("prefix", "base"):
            spellings.setdefault(tag.lower(), tag)
    return spellings


class _Converter:
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
                raise _Unsupported(
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
            raise _Unsupported("RDF 1.2 triple terms and reifiers (<< >>, {| |}) are not supported")
        raise _Unsupported(f"unsupported RDF term {type(term).__name__}")


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


# --------------------------------------------------------------------------
# Parsing


def _parse(path: Path, key: str) -> tuple[list[tuple[Node, Node, Node]], dict[str, str]]:
    """Parse one Turtle file: (triples as rdflib terms, prefixes the file declared).

    ``key`` (the graph IRI, or the file name) seeds the blank-node labels.
    """
    data, text = _decode(_read(path), path)
    digest = hashlib.sha256(key.encode("utf-8") + b"\0" + data).hexdigest()[:12]
    convert = _Converter(f"b{digest}", text)
    parser = ox.parse(data, format=ox.RdfFormat.TURTLE)
    triples: list[tuple[Node, Node, Node]] = []
    try:
        with quiet_literal_warnings():
            for quad in parser:
                triples.append((convert(quad.subject), convert(quad.predicate), convert(quad.object)))
    except SyntaxError as exc:
        raise _from_oxigraph(exc, text, path) from None
    except _Unsupported as exc:
        line, column = _locate_rdf12(text)
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
        graph_iri = graph_iri_for(path)
        if graph_iri in sources:
            raise InputError(
                f"two files map to the same named graph <{graph_iri}>: {sources[graph_iri]} and {path}",
                path=path,
                hint="rename one of them",
            )
        sources[graph_iri] = path
        triples, prefixes = _parse(path, graph_iri)
        graph = target.graph(URIRef(graph_iri))
        _bind(target, prefixes)
        target.addN((s, p, o, graph) for s, p, o in triples)
    return target
