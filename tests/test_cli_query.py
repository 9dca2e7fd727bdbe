"""``gdegraph queries``, ``gdegraph query`` and ``gdegraph push`` from the command line.

Runs :func:`gdegraph.cli.main.main` in-process on a dump of the curated graph
(``--data``), checking output formats against the W3C result formats (parsed
back with pyoxigraph's own readers) and that every bad input exits 2 with a
message and no traceback.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from gdegraph.cli.main import main
from gdegraph.store.factory import OxigraphStore
from test_queries_answers import LIBRARY


@pytest.fixture(scope="module")
def data(dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "gdegraph.nq"
    path.write_bytes(OxigraphStore.from_dataset(dataset).store.dump(format=ox.RdfFormat.N_QUADS))
    return str(path)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_queries_lists_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "queries")
    assert code == 0
    for query in LIBRARY.values():
        assert query.name in out and query.title in out
    assert "* exemplar=trust (e.g. RQ6)" in out and "min_followers=integer [default: 2]" in out


def test_table_is_the_default(capsys: pytest.CaptureFixture[str], data: str) -> None:
    code, out, _ = run_cli(capsys, "query", "followers-of", "-p", "exemplar=RQ6", "--data", data)
    assert code == 0
    assert out.splitlines()[0].split() == ["follower", "followerName", "odsCode", "followerNow", "followerSpelling",
                                           "sectorName", "statusName", "statusSince", "sources"]
    assert "trust:REP" in out and out.rstrip().endswith("(2 rows)")


def test_w3c_formats_parse_back(capsys: pytest.CaptureFixture[str], data: str) -> None:
    argv = ("query", "exemplars-with-followers", "--param", "sector=acute", "--param", "min_followers=1",
            "--data", data, "--format")
    code, out, _ = run_cli(capsys, *argv, "csv")
    assert code == 0 and "\r\n" in out
    codes = [r["odsCode"] for r in csv.DictReader(io.StringIO(out, newline=""))]
    assert codes[0] == "RQ6" and len(codes) == 16 and "RBA" in codes  # RQ6 alone keeps two followers
    formats = {"tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}
    for name, fmt in formats.items():
        code, out, _ = run_cli(capsys, *argv, name)
        solutions = ox.parse_query_results(out.encode(), format=fmt)
        assert code == 0 and [s["odsCode"].value for s in solutions] == codes, name
    code, out, _ = run_cli(capsys, *argv, "md")
    assert out.startswith("| exemplar | exemplarName |") and "| trust:RBA |" in out


def test_ask_and_construct(capsys: pytest.CaptureFixture[str], data: str) -> None:
    code, out, _ = run_cli(capsys, "query", "are-paired", "-p", "exemplar=RBA", "-p", "follower=Wye Valley",
                           "--data", data, "--format", "json")
    [binding] = json.loads(out)["results"]["bindings"]
    assert code == 0 and (binding["answer"]["value"], binding["paired"]["value"]) == ("yes", "true")
    code, out, _ = run_cli(capsys, "query", "are-paired", "-p", "exemplar=RBA", "-p", "follower=RQ6", "--data", data,
                           "--format", "csv")
    assert (code, out.splitlines()[1]) == (0, "no,false,,,,")
    for fmt, rdf in (("turtle", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        code, out, _ = run_cli(capsys, "query", "trust-graph", "-p", "trust=RNN", "--data", data, "--format", fmt)
        triples = list(ox.parse(out.encode(), format=rdf))
        assert code == 0 and len(triples) > 30, fmt
    code, out, _ = run_cli(capsys, "query", "trust-graph", "-p", "trust=RNN", "--data", data)
    assert out.startswith("@prefix")


def test_out_file_engine_and_rq_path(capsys: pytest.CaptureFixture[str], data: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "pairings.csv"
    code, out, _ = run_cli(capsys, "query", "pairings", "--data", data, "--format", "csv", "--out", str(target))
    assert code == 0 and out == "" and len(target.read_text(encoding="utf-8").splitlines()) == 26
    code, out, _ = run_cli(capsys, "query", "pairings", "--data", data, "--format", "csv", "--engine", "rdflib")
    assert code == 0 and len(out.splitlines()) == 26
    own = tmp_path / "mine.rq"
    own.write_text("# param: code string required -- An ODS code.\n"
                   "SELECT ?trust WHERE { ?trust <https://w3id.org/gdegraph/def#odsCode> ?code }\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "query", str(own), "-p", "code=RBA", "--data", data, "--format", "csv")
    assert code == 0 and out.splitlines()[1] == "https://w3id.org/gdegraph/id/trust/RBA"


@pytest.mark.parametrize(("argv", "message"), [
    (["query", "no-such-query"], "unknown query"),
    (["query", "followers-of"], "needs parameter exemplar"),
    (["query", "followers-of", "-p", "exemplr=RQ6"], "has no parameter"),
    (["query", "followers-of", "-p", "exemplar"], "not KEY=VALUE"),
    (["query", "exemplars-with-followers", "-p", "min_followers=two"], "not a valid integer"),
    (["query", "followers-of", "-p", "exemplar=Liverpool"], "ambiguous"),
    (["query", "followers-of", "-p", 'exemplar="} ; DROP ALL'], "unknown trust"),
    (["query", "pairings", "-p", "sector=dental"], "unknown sector"),
    (["query", "trust-graph", "-p", "trust=RNN", "--format", "csv"], "does not fit"),
    (["query", "pairings", "--format", "turtle"], "does not fit"),
    (["query", "missing.rq"], "no such query file"),
    (["push"], "needs --endpoint or --graph-store"),
])
def test_bad_input_exits_2(capsys: pytest.CaptureFixture[str], data: str, argv: list[str], message: str) -> None:
    code, _, err = run_cli(capsys, *argv, *(["--data", data] if argv[0] == "query" else []))
    assert code == 2 and message in err and "Traceback" not in err


def test_hostile_values_are_only_data(capsys: pytest.CaptureFixture[str], data: str) -> None:
    for value in ['} ; DROP ALL', '"} UNION { ?s ?p ?o } #', "'''", "\\"]:
        code, out, _ = run_cli(capsys, "query", "trust-search", "-p", f"text={value}", "--data", data, "--format", "csv")
        assert (code, out) == (0, "trust,odsCode,name,matched\r\n"), value
    code, out, _ = run_cli(capsys, "query", "pairings", "--data", data, "--format", "csv")
    assert len(out.splitlines()) == 26


def test_push_refuses_a_stale_build(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    monkeypatch.setattr("gdegraph.sources.graph.default_data", lambda: tmp_path / "gdegraph.trig")
    code, _, err = run_cli(capsys, "push", "--endpoint", "http://127.0.0.1:9/query")
    assert code == 2 and "run `gdegraph build` first" in err
    code, _, err = run_cli(capsys, "push", "--graph-store", "http://127.0.0.1:9/store", "--data", __file__)
    assert code == 2 and "push needs quads" in err


# --- the command is a thin layer over the API, and starts light ---------------------------------

def test_query_prints_what_the_api_gives(capsys: pytest.CaptureFixture[str], data: str) -> None:
    import gdegraph

    kg = gdegraph.load(data)
    for fmt in ("table", "csv", "json"):
        code, out, _ = run_cli(capsys, "query", "followers-of", "-p", "exemplar=RQ6", "--data", data, "--format", fmt)
        assert code == 0 and out == kg.query_text("followers-of", fmt, exemplar="RQ6"), fmt
    code, out, _ = run_cli(capsys, "query", "exemplars-with-followers", "-p", "min-followers=1", "--data", data)
    assert out == kg.query_text("exemplars-with-followers", **{"min-followers": "1"})
    code, out, _ = run_cli(capsys, "query", "are-paired", "-p", "exemplar=RBA", "-p", "follower=RXL", "--data", data)
    assert out == kg.query_text("are-paired", exemplar="RBA", follower="RXL")


#: Modules a local `gdegraph query` must not import: the heavy libraries, and what only other
#: commands, `--version` (importlib.metadata) or a remote endpoint (urllib.request) need; click and
#: the click application (a plain query takes the fast path, gdegraph.cli.fastpath), and the standard
#: modules found costing milliseconds of a cold query (importlib.resources, datetime, shlex, tempfile).
NOT_ON_THE_QUERY_PATH = ("rdflib", "pyshacl", "networkx", "jinja2", "matplotlib", "pandas", "SPARQLWrapper",
                         "importlib.metadata", "urllib.request", "xml.sax", "gdegraph.sources.dataset", "gdegraph.sources.gazetteer",
                         "gdegraph.api.records", "gdegraph.store.rdflib_store", "gdegraph.store.remote",
                         "click", "gdegraph.cli.app", "gdegraph.cli.build", "importlib.resources", "datetime", "shlex",
                         "tempfile")


@pytest.mark.parametrize("exemplar", ["RQ6", "Royal Liverpool and Broadgreen University Hospitals NHS Trust"])
def test_a_local_query_imports_nothing_it_does_not_need(data: str, exemplar: str) -> None:
    probe = ("import sys\nfrom gdegraph.cli.main import main\n"
             f"code = main(['query', 'followers-of', '-p', {'exemplar=' + exemplar!r}, '--data', {data!r},"
             " '--format', 'tsv'])\n"
             f"print('MODULES', code, sorted(m for m in {NOT_ON_THE_QUERY_PATH!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "trust/REP" in done.stdout
    assert done.stdout.splitlines()[-1] == "MODULES 0 []", done.stdout.splitlines()[-1]


def test_building_in_memory_is_a_note_on_stderr(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path, dataset: Any) -> None:
    monkeypatch.setattr("gdegraph.sources.graph.default_data", lambda: tmp_path / "gdegraph.trig")
    monkeypatch.setattr("gdegraph.sources.dataset.build_dataset", lambda shared=None: dataset)
    code, out, err = run_cli(capsys, "query", "are-paired", "-p", "exemplar=RBA", "-p", "follower=RXL", "--format", "csv")
    assert (code, out.splitlines()[1].split(",")[:2]) == (0, ["withdrawn", "false"])  # since January 2018
    assert err.startswith(f"gdegraph: note: {tmp_path / 'gdegraph.trig'} is missing or older than its inputs; "
                          "building the graph in memory")
