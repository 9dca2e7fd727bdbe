"""The published dumps: every syntax says exactly what the built dataset says, reproducibly."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from gdegraph.core import mediatypes
from gdegraph.core.errors import GdeError, InputError
from gdegraph.model.jsonld_context import CONTEXT_FILE, PREFIXES, compact_iri
from gdegraph.publish.dumps import (DESCRIPTION_FILE, SUMS_FILE, PublishSettings, gzip_bytes, publish,
                              publish_files, serialise, sha256sums)

XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
DUMPS = [f"gdegraph.{f.extension}{gz}" for f in mediatypes.RDF_FORMATS for gz in ("", ".gz")]


@pytest.fixture(scope="module")
def files(dataset: Dataset) -> dict[str, bytes]:
    """Every published file, built once for this module."""
    return publish_files(dataset)


def _plain(term: object) -> object:
    """xsd:string literals as plain literals: RDF 1.1 makes them the same, rdflib does not."""
    return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD_STRING else term


def _triples(ds: Dataset | Graph) -> set[tuple]:
    source = ds.quads((None, None, None, None)) if isinstance(ds, Dataset) else ((*t, None) for t in ds)
    return {(s, p, _plain(o)) for s, p, o, _ in source}


def _quads(ds: Dataset) -> set[tuple]:
    return {(s, p, _plain(o), str(getattr(g, "identifier", g))) for s, p, o, g in ds.quads((None, None, None, None))}


# --- the format table -----------------------------------------------------------------------


def test_lookups_by_extension_media_type_and_name() -> None:
    turtle = mediatypes.by_name("turtle")
    assert turtle is not None and turtle.media_type == "text/turtle"
    assert mediatypes.by_extension(".TTL") is turtle
    assert mediatypes.by_media_type("text/turtle; charset=utf-8") is turtle
    assert mediatypes.by_media_type("application/x-turtle") is turtle
    assert mediatypes.by_name("nt") is mediatypes.by_name("ntriples")
    assert mediatypes.by_name("json-ld") is mediatypes.by_extension("jsonld")
    assert mediatypes.by_name("xml") is mediatypes.by_media_type("application/rdf+xml")
    assert mediatypes.by_filename("dist/gdegraph.nq.gz") == (mediatypes.by_name("nquads"), True)
    assert mediatypes.by_filename("SHA256SUMS") == (None, False)
    assert mediatypes.by_extension("docx") is None and mediatypes.by_media_type("image/png") is None
    assert turtle.iana == "https://www.iana.org/assignments/media-types/text/turtle"


def test_table_is_consistent() -> None:
    """Each RDF syntax can be read by rdflib and pyoxigraph, and no key means two formats."""
    extensions = [e for f in mediatypes.FORMATS for e in f.extensions]
    media_types = [m for f in mediatypes.FORMATS for m in (f.media_type, *f.media_type_aliases)]
    assert len(extensions) == len(set(extensions)) and len(media_types) == len(set(media_types))
    for fmt in mediatypes.RDF_FORMATS:
        assert fmt.rdflib and fmt.oxigraph() is not None and fmt.conforms_to
        assert fmt.oxigraph().media_type == fmt.media_type
    with pytest.raises(ValueError):
        mediatypes.by_name("csv").oxigraph()  # type: ignore[union-attr]


# --- the dumps ------------------------------------------------------------------------------


def test_every_dump_and_companion_file_is_published(files: dict[str, bytes]) -> None:
    tables = {f"{name}.csv" for name in ("trusts", "memberships", "pairings", "awards", "claims", "sources")}
    expected = {*DUMPS, CONTEXT_FILE, DESCRIPTION_FILE, SUMS_FILE, "awards-360giving.json", "awards-360giving.csv",
                *tables, "datapackage.json", "csv-metadata.json", "gdegraph.db", "datasette-metadata.json"}
    assert set(files) == expected


@pytest.mark.parametrize("fmt", mediatypes.RDF_FORMATS, ids=lambda f: f.name)
def test_dump_round_trips_through_rdflib(fmt: mediatypes.FileFormat, files: dict[str, bytes],
                                         dataset: Dataset) -> None:
    """Parsed back, each dump holds exactly the built statements (named graphs in quad syntaxes)."""
    data = files[f"gdegraph.{fmt.extension}"]
    if fmt.quads:
        parsed = Dataset()
        parsed.parse(data=data, format=fmt.rdflib)
        assert _quads(parsed) == _quads(dataset)
    else:
        assert _triples(Graph().parse(data=data, format=fmt.rdflib)) == _triples(dataset)


@pytest.mark.parametrize("fmt", mediatypes.RDF_FORMATS, ids=lambda f: f.name)
def test_dump_is_read_alike_by_pyoxigraph(fmt: mediatypes.FileFormat, files: dict[str, bytes],
                                          dataset: Dataset) -> None:
    import pyoxigraph as ox

    statements = list(ox.parse(files[f"gdegraph.{fmt.extension}"], format=fmt.oxigraph()))
    expected = _quads(dataset) if fmt.quads else _triples(dataset)
    assert len(statements) == len(expected)


@pytest.mark.parametrize("name", [d for d in DUMPS if d.endswith(".gz")])
def test_gzip_members_are_reproducible(name: str, files: dict[str, bytes]) -> None:
    """mtime 0 and no stored file name: the bytes depend on the content only."""
    data = files[name]
    assert gzip.decompress(data) == files[name.removesuffix(".gz")]
    assert data[:3] == b"\x1f\x8b\x08" and data[4:8] == b"\0\0\0\0" and not data[3] & 0x08
    assert gzip_bytes(files[name.removesuffix(".gz")]) == data


def test_ntriples_and_nquads_are_sorted_lines(files: dict[str, bytes]) -> None:
    for name in ("gdegraph.nt", "gdegraph.nq"):
        lines = files[name].splitlines()
        assert lines == sorted(set(lines))


def test_turtle_declares_the_published_prefixes_in_order(files: dict[str, bytes]) -> None:
    text = files["gdegraph.ttl"].decode()
    declared = [line.split()[1][:-1] for line in text.splitlines() if line.startswith("@prefix ")]
    assert declared == sorted(declared) and {"gde", "trust", "award"} <= set(declared)
    assert all(f"@prefix {p}: <{PREFIXES[p]}> .\n" in text for p in declared)
    assert re.search(r"^trust:RQ6 a ", text, re.MULTILINE)


def test_jsonld_is_compact_and_uses_the_published_context(files: dict[str, bytes]) -> None:
    doc = json.loads(files["gdegraph.jsonld"])
    context = json.loads(files[CONTEXT_FILE])["@context"]
    assert doc["@context"] == context == dict(sorted(PREFIXES.items()))
    nodes = {node["@id"]: node for node in doc["@graph"]}
    trust = nodes["trust:RQ6"]
    assert "gde:Trust" in trust["@type"] and trust["gde:odsCode"] == "RQ6"
    assert not any(k.startswith("https://w3id.org/gdegraph/def#") for n in doc["@graph"] for k in n)
    assert compact_iri("https://w3id.org/gdegraph/id/trust/RQ6") == "trust:RQ6"
    assert compact_iri("https://example.org/x") == "https://example.org/x"


def test_json_writer_gives_the_standard_librarys_bytes(files: dict[str, bytes]) -> None:
    """The fast JSON writer behind the JSON-LD files is byte-for-byte ``json.dumps(indent=1, sort_keys=True)``."""
    from gdegraph.model.jsonld_context import _dumps, json_text

    def reference(value: object) -> bytes:
        return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")

    document = json.loads(files["gdegraph.jsonld"])
    assert _dumps(document) == reference(document) == files["gdegraph.jsonld"]
    assert json_text(document) + "\n" == reference(document).decode("utf-8")
    tricky = [{}, [], "", {"a": {}}, {"a": []}, [[]], [{}], {"b": 1, "a": {"c": [1, {"d": []}]}},
              {"x": [1, 2.5, True, False, None, "é\u2028\"\\\n\t<>&", 10**20, -0.0]}, {"n": {1: 2, 3: [4]}},
              ({"q": (1, 2)},), {"\u00e9": "\U0001f600", "A": "z"},
              {"a": {"k": "v", "b": "\u00e9\""}}, [{"@id": "x"}, {"y": "z", "x": "w"}, [{"s": "t"}]],
              {"m": {1: "x"}}, {"m": {"k": 1}}, [{"k": None}]]
    for value in tricky:
        assert _dumps(value) == reference(value), value


def test_dumps_agree_with_each_syntax_written_on_its_own(dataset: Dataset, files: dict[str, bytes]) -> None:
    """dump_files converts the dataset once for all syntaxes; each syntax alone, either way, is the same."""
    from gdegraph.publish.dumps import sorted_quads

    quads = sorted_quads(dataset)
    for fmt in mediatypes.RDF_FORMATS:
        name = f"gdegraph.{fmt.extension}"
        assert serialise(dataset, fmt.name) == files[name], name
        assert serialise(dataset, fmt.name, quads) == files[name], name


def test_blank_nodes_are_refused() -> None:
    ds = Dataset()
    ds.graph(URIRef("https://w3id.org/gdegraph/graph/x")).add(
        (BNode(), URIRef("https://example.org/p"), Literal("x")))
    with pytest.raises(GdeError, match="blank node"):
        serialise(ds, "ntriples")


def test_sha256sums_lists_every_other_file(files: dict[str, bytes]) -> None:
    lines = files[SUMS_FILE].decode().splitlines()
    assert [line.split("  ")[1] for line in lines] == sorted(set(files) - {SUMS_FILE})
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest
    assert sha256sums({"b": b"", "a": b"x"}).decode().splitlines()[0].endswith("  a")


# --- reproducibility --------------------------------------------------------------------------

_PUBLISH_IN_SUBPROCESS = """
import sys
from pathlib import Path
from gdegraph.sources.dataset import build_dataset
from gdegraph.publish.dumps import publish_files
for name, data in publish_files(build_dataset()).items():
    (Path(sys.argv[1]) / name).write_bytes(data)
"""


def test_two_builds_give_byte_identical_files(files: dict[str, bytes], tmp_path: Path) -> None:
    """A second build from scratch, in another process with another hash seed, changes no byte."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", _PUBLISH_IN_SUBPROCESS, str(tmp_path)], check=True, env=env,
                   cwd=Path(__file__).resolve().parent.parent, timeout=600)
    again = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(again) == set(files)
    assert [n for n in sorted(files) if files[n] != again[n]] == []


# --- writing and the command line ----------------------------------------------------------------


def test_publish_writes_exactly_the_files(dataset: Dataset, files: dict[str, bytes], tmp_path: Path) -> None:
    result = publish(tmp_path / "dist", dataset=dataset)
    written = {p.name: p.read_bytes() for p in (tmp_path / "dist").iterdir()}
    assert written == files
    assert not [p for p in (tmp_path / "dist").iterdir() if p.name.startswith(".")]  # no temporaries left
    assert result.triples == len(_triples(dataset)) and result.quads == len(_quads(dataset))
    assert "gdegraph.nq.gz" in str(result) and result.grants > 0


def test_settings_reject_bad_urls_and_dates() -> None:
    with pytest.raises(InputError, match="--base-url"):
        PublishSettings(dumps_base="not a url")
    with pytest.raises(InputError, match="release date"):
        PublishSettings(release_date="2021-13-01")
    assert PublishSettings(dumps_base="https://example.org/d").dumps_base == "https://example.org/d/"


def test_cli_publish(dataset: Dataset, files: dict[str, bytes], tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from gdegraph.cli.main import main

    out = tmp_path / "dist"
    assert main(["publish", "--out", str(out)]) == 0
    assert "gdegraph publish:" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files
    assert main(["publish", "--out", str(out), "--base-url", "https://example.org/files",
                 "--release-date", "2026-01-31"]) == 0
    description = (out / DESCRIPTION_FILE).read_text()
    assert "<https://example.org/files/gdegraph.ttl>" in description and '"2026-01-31"^^xsd:date' in description


def test_cli_publish_rejects_a_bad_release_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gdegraph.cli.main import main

    assert main(["publish", "--out", str(tmp_path), "--release-date", "March 2021"]) == 2
    assert "release date" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
