"""Errors render as ``path:line:col: message``; every defect in a Turtle file becomes one."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.parsers.notation3 import BadSyntax

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import GdeError, InputError, ValidationFailed
from gdegraph.sources.loading import (
    default_graph_iri,
    input_error_from_bad_syntax,
    load_files,
    parse_turtle_file,
)

GDE = "https://w3id.org/gdegraph/def#"
XSD = "http://www.w3.org/2001/XMLSchema#"
HEADER = "@prefix gde: <https://w3id.org/gdegraph/def#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def error_for(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        parse_turtle_file(path)
    return info.value


# --------------------------------------------------------------------------
# errors.py


class TestErrors:
    def test_exit_codes(self) -> None:
        assert GdeError("x").exit_code == 1
        assert InputError("x").exit_code == 2
        assert ValidationFailed("report").exit_code == 1
        assert issubclass(InputError, GdeError) and issubclass(ValidationFailed, GdeError)

    @pytest.mark.parametrize(
        ("kwargs", "expected"),
        [
            ({}, "bad thing"),
            ({"path": "a.ttl"}, "a.ttl: bad thing"),
            ({"path": "a.ttl", "line": 3}, "a.ttl:3: bad thing"),
            ({"path": "a.ttl", "line": 3, "column": 7}, "a.ttl:3:7: bad thing"),
            ({"line": 3, "column": 7}, "3:7: bad thing"),
            ({"path": "a.ttl", "column": 7}, "a.ttl: bad thing"),  # a column alone locates nothing
        ],
    )
    def test_location_rendering(self, kwargs: dict, expected: str) -> None:
        assert str(InputError("bad thing", **kwargs)) == expected

    def test_hint_goes_on_its_own_line(self) -> None:
        err = InputError("bad thing", path="a.ttl", line=1, column=2, hint="do this")
        assert str(err).splitlines() == ["a.ttl:1:2: bad thing", "  hint: do this"]

    def test_validation_failed_carries_report(self) -> None:
        err = ValidationFailed("3 violations\n...")
        assert err.report.startswith("3 violations")
        assert str(err) == "validation failed"


# --------------------------------------------------------------------------
# paths.py


class TestPaths:
    def test_repo_root_is_the_checkout(self) -> None:
        root = paths.repo_root()
        assert (root / "pyproject.toml").is_file()
        assert (root / "gdegraph" / "core" / "paths.py").is_file()
        assert paths.checkout_root() == root and paths.resource_root() == root
        assert paths.data_dir() == root / "data"
        assert paths.ontology_dir() == root / "ontology"
        assert paths.shapes_dir() == root / "shapes"
        assert paths.queries_dir() == root / "queries"

    def test_shared_defaults_beside_checkout(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(paths.SHARED_ENV, raising=False)
        assert paths.shared_dir() == paths.repo_root().parent / "shared"
        assert paths.seeds_dir() == paths.shared_dir() / "seeds"
        assert paths.refdata_dir() == paths.shared_dir() / "refdata"

    def test_shared_env_override(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv(paths.SHARED_ENV, str(tmp_path))
        assert paths.shared_dir() == tmp_path.resolve()
        assert paths.seeds_dir() == tmp_path.resolve() / "seeds"

    def test_shared_without_refdata_falls_back_to_the_shipped_copy(self, monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
        monkeypatch.setenv(paths.SHARED_ENV, str(tmp_path))
        assert paths.refdata_dir() == paths.repo_root() / "vendor" / "refdata"
        assert paths.giving360_dir() == paths.repo_root() / "vendor" / "giving360"
        (tmp_path / "refdata").mkdir()
        assert paths.refdata_dir() == tmp_path.resolve() / "refdata"

    def test_require_dir_missing_shared_gives_fix(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv(paths.SHARED_ENV, str(tmp_path))
        with pytest.raises(InputError) as info:
            paths.require_dir(paths.seeds_dir(), "seed files")
        text = str(info.value)
        assert "seed files" in text and "seeds" in text
        assert "GDEGRAPH_SHARED" in text

    def test_require_dir_ok_and_not_a_dir(self, tmp_path: Path) -> None:
        assert paths.require_dir(tmp_path, "output") == tmp_path
        f = write(tmp_path, "f.txt", "x")
        with pytest.raises(InputError, match="not a directory"):
            paths.require_dir(f, "output", hint="pick a folder")


# --------------------------------------------------------------------------
# Malformed Turtle: each gives path, line and column of the offending token


MALFORMED = [
    pytest.param(
        HEADER + 'gde:a gde:label "unterminated .\ngde:b gde:p gde:c .\n',
        3, 17, "unterminated string",
        id="unterminated-string",
    ),
    pytest.param(
        HEADER + 'gde:a gde:label "runs on .\ngde:b gde:label "x" .\n',
        3, 27, "string",
        id="string-with-line-break",
    ),
    pytest.param(
        HEADER + "gde:a gde:p gde:b\ngde:c gde:p gde:d .\n",
        4, 1, "dot is expected",
        id="missing-dot",
    ),
    pytest.param(
        HEADER + "gde:a gde:p gde:b .\n  foo:c gde:p gde:d .\n",
        4, 3, "foo:",
        id="undefined-prefix",
    ),
    pytest.param(
        HEADER + "gde:a gde:p <https://example.org/a b> .\n",
        3, 13, "IRI",
        id="iri-with-space",
    ),
    pytest.param(
        HEADER + 'gde:a gde:label "tab\\qhere" .\n',
        3, 21, "escape",
        id="bad-escape",
    ),
    pytest.param(
        HEADER + 'gde:a gde:label "\\uZZZZ" .\n',
        3, 20, "escape",
        id="bad-unicode-escape",
    ),
    pytest.param(
        HEADER + "gde:a gde:p <relative> .\n",
        3, 13, "IRI",
        id="relative-iri-without-base",
    ),
    pytest.param(
        HEADER + "gde:a gde:p [ gde:q gde:r ",
        3, 27, "end of file",
        id="truncated",
    ),
    pytest.param(
        HEADER + 'gde:a gde:label "x"@ .\n',
        3, 21, "language",
        id="bad-language-tag",
    ),
    pytest.param(
        HEADER + "gde:a gde:p gde:b .\n\x00\x01garbage\n",
        4, 1, "\\x00",
        id="control-characters",
    ),
    pytest.param(
        HEADER + "gde:a gde:p gde:b .\r\ngde:c gde:p gde:d\r\ngde:e gde:p gde:f .\r\n",
        5, 1, "dot is expected",
        id="crlf-line-endings",
    ),
    pytest.param(
        HEADER + 'gde:a gde:label "日本語 😀" ; gde:p <https://x.org/a b> .\n',
        3, 33, "IRI",
        id="columns-count-characters-not-bytes",
    ),
]


@pytest.mark.parametrize(("content", "line", "column", "fragment"), MALFORMED)
def test_malformed_turtle_is_located(tmp_path: Path, content: str, line: int, column: int, fragment: str) -> None:
    path = write(tmp_path, "bad.ttl", content)
    err = error_for(path)
    assert err.path == path
    assert (err.line, err.column) == (line, column), str(err)
    assert fragment.lower() in str(err).lower()
    first_line = str(err).splitlines()[0]
    assert first_line.startswith(f"{path}:{line}:{column}: ")
    # Human messages only: no Python reprs or parser internals.
    assert "Traceback" not in str(err) and "b'" not in str(err) and "Parser error" not in str(err)


def test_hints_say_how_to_fix(tmp_path: Path) -> None:
    err = error_for(write(tmp_path, "p.ttl", "foo:a foo:b foo:c .\n"))
    assert err.hint and "@prefix foo:" in err.hint


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        pytest.param((HEADER + 'gde:a gde:label "caf\xe9" .\n').encode("latin-1"), 3, 21, id="latin-1"),
        pytest.param(b"\xff\xfe" + "gde:a".encode("utf-16-le"), 1, 1, id="utf-16"),
        pytest.param(b"\x80\x81\x82 garbage", 1, 1, id="garbage-bytes"),
        pytest.param(HEADER.encode() + b"gde:a gde:p gde:b .\n\n  \xc3(", 5, 3, id="broken-sequence"),
    ],
)
def test_non_utf8_is_located(tmp_path: Path, content: bytes, line: int, column: int) -> None:
    err = error_for(write(tmp_path, "enc.ttl", content))
    assert (err.line, err.column) == (line, column), str(err)
    assert "UTF-8" in str(err)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    graph = parse_turtle_file(write(tmp_path, "bom.ttl", b"\xef\xbb\xbf" + (HEADER + "gde:a gde:p gde:b .\n").encode()))
    assert len(graph) == 1


def test_missing_file(tmp_path: Path) -> None:
    err = error_for(tmp_path / "nope.ttl")
    assert err.path == tmp_path / "nope.ttl" and "not found" in str(err)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    assert "directory" in str(error_for(tmp_path))


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated: CI runs as root, and root can read a mode-000 file.
    path = write(tmp_path, "secret.ttl", HEADER)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    err = error_for(path)
    assert err.path == path and "permission denied" in str(err)


def test_empty_and_comment_only_files_are_fine(tmp_path: Path) -> None:
    assert len(parse_turtle_file(write(tmp_path, "empty.ttl", ""))) == 0
    assert len(parse_turtle_file(write(tmp_path, "comments.ttl", "# nothing yet\n" + HEADER))) == 0


def test_rdf12_terms_are_rejected_with_location(tmp_path: Path) -> None:
    content = HEADER + '# << in a comment\ngde:a gde:label "<< in a string" .\n  gde:a gde:p <<( gde:a gde:p gde:b )>> .\n'
    err = error_for(write(tmp_path, "star.ttl", content))
    assert (err.line, err.column) == (5, 15)
    assert "RDF 1.2" in str(err)


# --------------------------------------------------------------------------
# What a good file becomes


VALID = HEADER + """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/gdegraph/id/trust/RRK> a gde:Trust ;
    rdfs:label "University Hospitals Birmingham"@en-GB , "UHB" ;
    gde:founded "2000-01-01"^^xsd:date ;
    gde:funding "abc"^^xsd:decimal ;
    gde:flag "yes"^^xsd:boolean ;
    gde:count "01"^^xsd:integer ;
    gde:source [ gde:page 3 ] , _:doc .
_:doc rdfs:label "doc" .
"""


def test_valid_file_terms(tmp_path: Path) -> None:
    graph = parse_turtle_file(write(tmp_path, "ok.ttl", VALID), graph_iri=iris.graph("ok"))
    assert graph.identifier == URIRef(iris.graph("ok"))
    trust = URIRef(iris.trust("RRK"))
    labels = set(graph.objects(trust, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))
    assert Literal("UHB") in labels  # simple literals are plain, as rdflib's parser makes them
    assert "en-GB" in {label.language for label in labels}  # spelled as in the file
    # Ill-typed literals keep the value the file holds, for SHACL to report...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns about the "yes" we compare against
        flag = Literal("yes", datatype=URIRef(XSD + "boolean"), normalize=False)
    assert (trust, URIRef(GDE + "flag"), flag) in graph
    # ...while well-typed ones are normalized as rdflib's own parser does.
    assert (trust, URIRef(GDE + "count"), Literal(1)) in graph
    funding = graph.value(trust, URIRef(GDE + "funding"))
    assert isinstance(funding, Literal) and funding.ill_typed
    sources = list(graph.objects(trust, URIRef(GDE + "source")))
    assert len(sources) == 2 and all(isinstance(s, BNode) for s in sources)
    assert dict(graph.namespaces())["gde"] == URIRef(GDE)


def test_same_graph_as_rdflib_parser_for_well_typed_data(tmp_path: Path) -> None:
    content = VALID.replace('"abc"^^xsd:decimal', "12.50").replace('"yes"^^xsd:boolean', "true")
    ours = parse_turtle_file(write(tmp_path, "ok.ttl", content))
    theirs = Graph().parse(data=content, format="turtle")
    assert isomorphic(ours, theirs)


def test_ill_typed_literals_do_not_spam(tmp_path: Path, caplog: pytest.LogCaptureFixture, recwarn: pytest.WarningsRecorder) -> None:
    with caplog.at_level(logging.DEBUG):
        parse_turtle_file(write(tmp_path, "ok.ttl", VALID))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not list(recwarn)


def test_blank_nodes_are_deterministic_and_per_file(tmp_path: Path) -> None:
    a = write(tmp_path, "a.ttl", VALID)
    b = write(tmp_path, "b.ttl", VALID)
    first = {n for n in parse_turtle_file(a).all_nodes() if isinstance(n, BNode)}
    again = {n for n in parse_turtle_file(a).all_nodes() if isinstance(n, BNode)}
    other = {n for n in parse_turtle_file(b).all_nodes() if isinstance(n, BNode)}
    assert first == again and len(first) == 2
    assert not first & other


def test_load_files_into_named_graphs(tmp_path: Path) -> None:
    a = write(tmp_path, "GDE Trusts.ttl", VALID)
    b = write(tmp_path, "empty.ttl", "")
    dataset = load_files([a, b])
    assert isinstance(dataset, Dataset)
    names = {g.identifier for g in dataset.graphs()}
    assert URIRef(iris.graph("gde-trusts")) in names
    assert len(dataset.graph(URIRef(iris.graph("gde-trusts")))) == len(parse_turtle_file(a))
    assert default_graph_iri(a) == iris.graph("gde-trusts")


def test_load_files_custom_graph_names_and_existing_dataset(tmp_path: Path) -> None:
    a = write(tmp_path, "a.ttl", VALID)
    existing = Dataset()
    result = load_files([a], dataset=existing, graph_iri_for=lambda p: "https://example.org/g/" + p.stem)
    assert result is existing
    assert len(existing.graph(URIRef("https://example.org/g/a"))) > 0


def test_load_files_refuses_graph_collisions(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    a = write(tmp_path / "x", "same.ttl", VALID)
    b = write(tmp_path / "y", "same.ttl", VALID)
    with pytest.raises(InputError, match="same named graph"):
        load_files([a, b])


def test_load_files_stops_at_first_bad_file(tmp_path: Path) -> None:
    good = write(tmp_path, "good.ttl", VALID)
    bad = write(tmp_path, "bad.ttl", HEADER + "gde:a gde:p\n")
    with pytest.raises(InputError) as info:
        load_files([good, bad])
    assert info.value.path == bad and info.value.line == 4  # the end of the file


def test_unnameable_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot name a graph"):
        load_files([write(tmp_path, "___.ttl", "")])


# --------------------------------------------------------------------------
# rdflib's own BadSyntax, for code that must parse with rdflib


def _bad_syntax(content: str) -> BadSyntax:
    with pytest.raises(BadSyntax) as info:
        Graph().parse(data=content, format="turtle")
    return info.value


@pytest.mark.parametrize(
    ("content", "line", "column"),
    [
        (HEADER + "gde:a gde:p gde:b .\n  foo:c gde:p gde:d .\n", 4, 3),
        (HEADER + 'gde:a gde:label "a\\qb" .\n', 3, 19),
        (HEADER + 'gde:a gde:label "日本\\qb" .\n', 3, 20),
        (HEADER + "gde:a gde:p [ gde:q gde:r ", 3, 27),  # rdflib says "at the end": _i == -1
    ],
)
def test_input_error_from_bad_syntax(content: str, line: int, column: int) -> None:
    err = input_error_from_bad_syntax(_bad_syntax(content), "x.ttl")
    assert (err.line, err.column) == (line, column), str(err)
    assert str(err).startswith(f"x.ttl:{line}:{column}: Turtle syntax error: ")
    assert "b'" not in str(err)


def test_input_error_from_other_exception() -> None:
    err = input_error_from_bad_syntax(ValueError("odd"), "x.ttl")
    assert str(err) == "x.ttl: RDF syntax error: odd"
