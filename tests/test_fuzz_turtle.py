"""Property tests: however a Turtle file is mangled, loading it fails only with a located InputError.

A realistic document is mutated the way hand edits and bad merges break
files (characters and tokens deleted, inserted, replaced or swapped, the file
truncated, stray bytes spliced in) and parsed. The parser must either
succeed or raise :class:`InputError` pointing at a real place in the file:
never another exception, never a location outside the file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from gdegraph.core.errors import InputError
from gdegraph.sources.loading import parse_turtle_file

DOCUMENT = '''@prefix gde: <https://w3id.org/gdegraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix trust: <https://w3id.org/gdegraph/id/trust/> .

# A Global Digital Exemplar and its fast follower.
trust:RRK a gde:Trust ;
    rdfs:label "University Hospitals Birmingham NHS Foundation Trust"@en ;
    gde:odsCode "RRK" ;
    gde:memberOf <https://w3id.org/gdegraph/id/membership/gde-acute-rrk> .

<https://w3id.org/gdegraph/id/membership/gde-acute-rrk> a gde:Membership ;
    gde:programme <https://w3id.org/gdegraph/id/programme/gde> ;
    gde:startDate "2016-09-01"^^xsd:date ;
    gde:funding 10000000.00 , "10 million"@en-GB ;
    gde:confirmed true ;
    gde:pairedWith [ a gde:Pairing ; gde:follower trust:RJ1 ; gde:rank 1 ] ;
    gde:note """Announced at the NHS Expo.
Second line with a "quote" and café.""" ;
    gde:aliases ( "UHB" 'QEHB' ) ;
    prov:wasDerivedFrom _:source1 .

_:source1 a prov:Entity ;
    rdfs:seeAlso <https://www.england.nhs.uk/digitaltechnology/connecteddigitalsystems/exemplars/> ;
    gde:retrieved "2024-01-31T12:00:00Z"^^xsd:dateTime ;
    gde:page -3 , 1.5e3 .
'''

TOKENS = [
    ".", ";", ",", "[", "]", "(", ")", '"', "'", '"""', "<", ">", "@", "^^", "_:", ":",
    "a", "gde:", "@prefix", "PREFIX", "@base", "<https://x.org/a b>", "\\", "\\u00e9",
    "\\uZZZZ", "#", "\n", " ", "true", "-", "1.", "e9", "@en", "xsd:date", "{", "}",
    "<<", ">>", "{|", "|}", "--ltr", "\x00", "\t", "\r", "é", "😀",
]

# Characters biased towards Turtle's syntax, plus any text a file can hold: lone surrogates (Cs)
# cannot be encoded as UTF-8, so they could never be in a file (invalid bytes come from st.binary below).
CHARS = st.one_of(st.sampled_from(list(".;,[]()\"'<>@^_:#\\ \n\r\t{}|-+0123456789aeE")),
                  st.characters(blacklist_categories=("Cs",)))


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """DOCUMENT with 1-4 random edits applied, as the bytes of a file."""
    text = DOCUMENT
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                ["delete", "insert", "replace", "del-token", "dup-token", "swap-tokens", "ins-token", "truncate"]
            )
        )
        if kind in ("delete", "insert", "replace", "truncate") and text:
            at = draw(st.integers(0, len(text) - 1))
            if kind == "delete":
                text = text[:at] + text[at + draw(st.integers(1, 8)) :]
            elif kind == "insert":
                text = text[:at] + draw(st.text(CHARS, min_size=1, max_size=4)) + text[at:]
            elif kind == "replace":
                text = text[:at] + draw(CHARS) + text[at + 1 :]
            else:
                text = text[:at]
        elif kind != "truncate":
            tokens = _tokens(text)
            if not tokens:
                continue
            i = draw(st.integers(0, len(tokens) - 1))
            if kind == "del-token":
                del tokens[i]
            elif kind == "dup-token":
                tokens.insert(i, tokens[i])
            elif kind == "swap-tokens":
                j = draw(st.integers(0, len(tokens) - 1))
                tokens[i], tokens[j] = tokens[j], tokens[i]
            else:
                tokens.insert(i, draw(st.sampled_from(TOKENS)))
            text = "".join(tokens)
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # sometimes splice in raw bytes, often not UTF-8
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return data


@pytest.fixture(scope="module")
def fuzz_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "doc.ttl"


def _line_count(data: bytes) -> int:
    text = data.decode("utf-8", errors="replace")
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def test_the_document_itself_is_valid(fuzz_file: Path) -> None:
    fuzz_file.write_text(DOCUMENT, encoding="utf-8")
    assert len(parse_turtle_file(fuzz_file)) > 20


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutations_parse_or_fail_with_location(fuzz_file: Path, data: bytes) -> None:
    fuzz_file.write_bytes(data)
    try:
        graph = parse_turtle_file(fuzz_file)
    except InputError as err:
        assert err.path == fuzz_file
        assert err.line is not None and 1 <= err.line <= _line_count(data), str(err)
        assert err.column is not None and err.column >= 1, str(err)
        assert str(err).startswith(f"{fuzz_file}:{err.line}:{err.column}: ")
        assert "Traceback" not in str(err)
        return
    # Whatever is accepted must survive a round trip through rdflib's N-Triples.
    fuzz_file.write_bytes(graph.serialize(format="nt", encoding="utf-8"))
    assert isomorphic(parse_turtle_file(fuzz_file), graph)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(fuzz_file: Path, data: bytes) -> None:
    fuzz_file.write_bytes(data)
    try:
        parse_turtle_file(fuzz_file)
    except InputError as err:
        assert err.line is not None and err.line >= 1
        assert err.column is not None and err.column >= 1


def test_round_trip_of_the_document(fuzz_file: Path) -> None:
    fuzz_file.write_text(DOCUMENT, encoding="utf-8")
    graph = parse_turtle_file(fuzz_file)
    again = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    assert isomorphic(graph, again)
