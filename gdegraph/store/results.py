"""Query results as text: the W3C SPARQL 1.1 result formats, a terminal table, Markdown, and RDF.

* ``csv`` and ``tsv`` follow "SPARQL 1.1 Query Results CSV and TSV Formats":
  CSV gives plain values (CRLF line ends, RFC 4180 quoting), TSV gives terms
  in Turtle/N-Triples syntax with ``?var`` headers;
* ``json`` follows "SPARQL 1.1 Query Results JSON Format";
* ``xml`` follows "SPARQL Query Results XML Format (Second Edition)";
* ``table`` is for people at a terminal (IRIs shortened with the graph's
  prefixes, long cells cut), ``md`` is a Markdown table for documents;
* CONSTRUCT and DESCRIBE results are RDF: ``turtle``, ``nt`` or ``jsonld``.

The functions take engine-neutral values (:class:`gdegraph.store.factory.SelectResult`,
a bool, a list of pyoxigraph triples), so every engine prints alike. The
module is on the path of every ``gdegraph query``, so it imports only
pyoxigraph at load time: csv and json when a format needs them, and XML is
escaped here rather than through ``xml.sax.saxutils`` (which imports
``urllib.request``, and with it http, email and ssl).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

__all__ = ["BOOLEAN_FORMATS", "canonical", "PREFIXES", "RDF_FORMATS", "SELECT_FORMATS", "format_boolean", "format_select",
           "format_triples", "render", "short"]

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
BOOLEAN_FORMATS = SELECT_FORMATS
RDF_FORMATS = ("turtle", "nt", "jsonld")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
ID = "https://w3id.org/gdegraph/id/"
#: Prefixes for the terminal table and Turtle output, most specific first.
PREFIXES = {
    "trust": ID + "trust/", "pairing": ID + "pairing/", "mem": ID + "membership/", "award": ID + "award/",
    "claim": ID + "claim/", "src": ID + "source/", "prog": ID + "programme/", "wave": ID + "wave/",
    "tier": ID + "tier/", "c": ID + "concept/", "exp": ID + "expectation/", "event": ID + "event/",
    "ms": ID + "milestone/", "body": ID + "organisation/", "doc": ID + "document/", "gde": "https://w3id.org/gdegraph/def#",
    "skos": "http://www.w3.org/2004/02/skos/core#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "prov": "http://www.w3.org/ns/prov#", "org": "http://www.w3.org/ns/org#",
    "dcterms": "http://purl.org/dc/terms/", "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}
Term = NamedNode | BlankNode | Literal | None


XSD = "http://www.w3.org/2001/XMLSchema#"


#: xsd:boolean's lexical forms and their canonical spellings (XML Schema 1.1 Part 2, 3.3.2).
_BOOLEAN = {"true": "true", "1": "true", "false": "false", "0": "false"}


def canonical(value: str, datatype: str | None) -> Literal:
    """A literal with xsd:integer, xsd:decimal and xsd:boolean values in canonical form ("6000000", "true").

    pyoxigraph stores numbers by value and prints them canonically; rdflib and
    some servers keep or invent other spellings ("6000000.0"), and Virtuoso,
    which keeps booleans as integers, sends every xsd:boolean as "1" or "0"
    (both valid spellings of true and false). Spelling every engine's values
    the same way makes their rows directly comparable. Only the spelling
    changes, never the datatype or the value.
    """
    if datatype == XSD + "boolean" and value.strip() in _BOOLEAN:
        return Literal(_BOOLEAN[value.strip()], datatype=NamedNode(datatype))
    if datatype in (XSD + "decimal", XSD + "integer") and re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)\s*", value):
        from decimal import Decimal

        number = Decimal(value.strip())
        if datatype == XSD + "decimal":
            value = format(number.normalize(), "f") if number else "0"
        elif number == number.to_integral_value():
            value = str(int(number))
    return Literal(value, datatype=NamedNode(datatype) if datatype else None)


def _plain(term: Term) -> str:
    """The value alone, as the CSV format writes it."""
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    return term.value


def short(term: Term) -> str:
    """A value for people: prefixed IRIs, literal values without quotes or datatypes."""
    if isinstance(term, NamedNode):
        for prefix, namespace in PREFIXES.items():
            rest = term.value.removeprefix(namespace)
            if rest != term.value and rest and "/" not in rest and "#" not in rest:
                return f"{prefix}:{rest}"
    return _plain(term)


def _csv(variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_plain(t) for t in row] for row in rows)
    return out.getvalue()


def _tsv_term(term: Term) -> str:
    """Turtle/N-Triples syntax, whose escapes keep tabs and newlines out of the cell."""
    return "" if term is None else str(term)


def _tsv(variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def _json_term(term: NamedNode | BlankNode | Literal) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        value["datatype"] = term.datatype.value
    return value


def _json(variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    import json

    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


def _escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (as ``xml.sax.saxutils.escape``)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _quoteattr(text: str) -> str:
    """An XML attribute value with its quotes (as ``xml.sax.saxutils.quoteattr``)."""
    text = _escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _xml_term(term: NamedNode | BlankNode | Literal) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{_escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{_escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={_quoteattr(term.language)}>{_escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={_quoteattr(term.datatype.value)}>{_escape(term.value)}</literal>"
    return f"<literal>{_escape(term.value)}</literal>"


def _xml(variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    parts = [_XML_HEAD, "  <head>\n"]
    parts += [f"    <variable name={_quoteattr(v)}/>\n" for v in variables]
    parts.append("  </head>\n  <results>\n")
    for row in rows:
        parts.append("    <result>\n")
        parts += [f"      <binding name={_quoteattr(v)}>{_xml_term(t)}</binding>\n"
                  for v, t in zip(variables, row) if t is not None]
        parts.append("    </result>\n")
    parts.append("  </results>\n</sparql>\n")
    return "".join(parts)


def _cells(variables: Sequence[str], rows: Sequence[Sequence[Term]], width: int | None) -> list[list[str]]:
    def cut(text: str) -> str:
        text = " ".join(text.split())
        return text if width is None or len(text) <= width else text[: width - 1] + "…"
    return [list(variables)] + [[cut(short(t)) for t in row] for row in rows]


def _table(variables: Sequence[str], rows: Sequence[Sequence[Term]], width: int = 60) -> str:
    cells = _cells(variables, rows, width)
    widths = [max(len(r[i]) for r in cells) for i in range(len(variables))]
    def line(r: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
    body = [line(cells[0]), "  ".join("-" * w for w in widths)] + [line(r) for r in cells[1:]]
    body.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(body) + "\n"


def _markdown(variables: Sequence[str], rows: Sequence[Sequence[Term]]) -> str:
    cells = _cells(variables, rows, None)
    def line(r: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |"
    return "\n".join([line(cells[0]), "|" + "---|" * len(variables)] + [line(r) for r in cells[1:]]) + "\n"


def format_select(result: Any, fmt: str = "table") -> str:
    """Render a SELECT result (``variables`` and ``rows``) in one of :data:`SELECT_FORMATS`."""
    renderers = {"csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml, "table": _table, "md": _markdown}
    if fmt not in renderers:
        raise ValueError(f"SELECT results can be written as {', '.join(SELECT_FORMATS)}, not {fmt}")
    return renderers[fmt](result.variables, result.rows)


def format_boolean(value: bool, fmt: str = "table") -> str:
    """Render an ASK answer: JSON and XML as the W3C formats define, otherwise ``true``/``false``."""
    word = "true" if value else "false"
    if fmt == "json":
        import json

        return json.dumps({"head": {}, "boolean": value}) + "\n"
    if fmt == "xml":
        return _XML_HEAD + f"  <head/>\n  <boolean>{word}</boolean>\n</sparql>\n"
    return word + "\n"


def format_triples(triples: Sequence[Triple], fmt: str = "turtle") -> str:
    """Render CONSTRUCT/DESCRIBE triples as Turtle (with the graph's prefixes), N-Triples or JSON-LD."""
    from pyoxigraph import RdfFormat, serialize

    formats = {"turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD}
    if fmt not in formats:
        raise ValueError(f"RDF results can be written as {', '.join(RDF_FORMATS)}, not {fmt}")
    prefixes = PREFIXES if fmt == "turtle" else None
    data = serialize(sorted(triples, key=str), format=formats[fmt], prefixes=prefixes) or b""
    return data.decode("utf-8")


def render(result: Any, fmt: str | None = None) -> str:
    """Any query's result in ``fmt``: a SELECT result, an ASK bool or CONSTRUCT triples.

    Without ``fmt``, SELECT and ASK give a table and CONSTRUCT/DESCRIBE give Turtle.
    A format that does not fit the result (CSV for triples, Turtle for rows) is an
    :class:`~gdegraph.core.errors.InputError`.
    """
    from gdegraph.core.errors import InputError

    if isinstance(result, bool):
        kind, allowed = "an ASK answer", BOOLEAN_FORMATS
    elif isinstance(result, list):
        kind, allowed = "RDF (CONSTRUCT or DESCRIBE)", RDF_FORMATS
    else:
        kind, allowed = "rows (SELECT)", SELECT_FORMATS
    fmt = fmt or allowed[0]
    if fmt not in allowed:
        raise InputError(f"--format {fmt} does not fit {kind}", hint=f"use one of: {', '.join(allowed)}")
    if isinstance(result, bool):
        return format_boolean(result, fmt)
    if isinstance(result, list):
        return format_triples(result, fmt)
    return format_select(result, fmt)
