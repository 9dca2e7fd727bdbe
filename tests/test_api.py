"""The public Python API (gdegraph/api.py): cheap import, documented names, same answers as the library."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import re
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import gdegraph
from gdegraph.core import paths

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("rdflib", "pyshacl", "networkx", "pyoxigraph", "pandas", "matplotlib", "SPARQLWrapper", "rapidfuzz")


@pytest.fixture(scope="module")
def kg() -> gdegraph.KnowledgeGraph:
    return gdegraph.load()


# --- import cost ---------------------------------------------------------------------------

def _imported_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().replace("'", '"'))


def test_import_gdegraph_loads_no_heavy_library() -> None:
    assert _imported_after("import gdegraph") == []


def test_naming_the_api_still_loads_no_heavy_library() -> None:
    code = ("import gdegraph\nfrom gdegraph import KnowledgeGraph, Rows, IRI, Source, Claim, QueryInfo\n"
            "gdegraph.load, gdegraph.remote, gdegraph.queries, gdegraph.resolve, gdegraph.analyse_network, "
            "gdegraph.plot_network, gdegraph.GdeError, gdegraph.__version__")
    assert _imported_after(code) == []


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    from gdegraph import _EXPORTS

    assert sorted(gdegraph.__all__) == sorted(["__version__", *_EXPORTS])
    for name in gdegraph.__all__:
        assert getattr(gdegraph, name) is not None
    assert set(gdegraph.__all__) <= set(dir(gdegraph))
    with pytest.raises(AttributeError):
        gdegraph.no_such_name  # noqa: B018
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", gdegraph.__version__)


# --- the reference in the README matches the code -------------------------------------------

def _reference() -> str:
    """The README's "## Python API" section once the lead has merged it, else docs/api.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Python API\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S)
    return match.group(1) if match else (ROOT / "docs" / "api.md").read_text(encoding="utf-8")


def _signature(func: Any, drop_first: bool = False) -> str:
    """``(a, b=1, *, c=None)``: parameter names and defaults, the way the reference writes them."""
    params = list(inspect.signature(func).parameters.values())[1 if drop_first else 0:]
    out: list[str] = []
    for i, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and "*" not in out:
            out.append("*")
        text = {p.VAR_KEYWORD: "**", p.VAR_POSITIONAL: "*"}.get(p.kind, "") + p.name
        out.append(text if p.default is p.empty else f"{text}={p.default!r}")
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY):
            out.append("/")
    return "(" + ", ".join(out) + ")"


def test_every_public_name_is_documented_with_its_signature_or_fields() -> None:
    doc = _reference()
    missing = []
    for name in gdegraph.__all__:
        obj = getattr(gdegraph, name)
        if inspect.isfunction(obj):
            expected = f"`gdegraph.{name}{_signature(obj)}`"
        elif dataclasses.is_dataclass(obj):
            expected = f"`gdegraph.{name}({', '.join(f.name for f in dataclasses.fields(obj))})`"
        else:
            expected = f"`gdegraph.{name}`"
        if expected not in doc:
            missing.append(expected)
    assert not missing, f"not in the API reference (README '## Python API' or docs/api.md): {missing}"


def test_every_public_method_is_documented_with_its_signature() -> None:
    doc = _reference()
    public = {"kg": gdegraph.KnowledgeGraph, "rows": gdegraph.Rows}
    missing = [f"`{var}.{name}{_signature(member, drop_first=True)}`"
               for var, cls in public.items() for name, member in vars(cls).items()
               if inspect.isfunction(member) and not name.startswith("_")
               and f"`{var}.{name}{_signature(member, drop_first=True)}`" not in doc]
    assert not missing, f"methods missing from the API reference: {missing}"
    for prop in ("best", "explain()"):
        assert f"`.{prop}`" in doc


def test_the_reference_names_only_what_exists() -> None:
    doc = _reference()
    named = set(re.findall(r"`gdegraph\.([A-Za-z_]+)", doc))
    assert named <= set(gdegraph.__all__), named - set(gdegraph.__all__)
    methods = set(re.findall(r"`kg\.([a-z_]+)", doc))
    assert methods <= {m for m in vars(gdegraph.KnowledgeGraph) if not m.startswith("_")} | {"engine", "where"}


def test_every_public_function_and_class_has_a_docstring() -> None:
    for name in gdegraph.__all__:
        obj = getattr(gdegraph, name)
        if not isinstance(obj, str):
            assert inspect.getdoc(obj), name
    for name, member in vars(gdegraph.KnowledgeGraph).items():
        if inspect.isfunction(member) and not name.startswith("_"):
            assert inspect.getdoc(member), name


# --- queries ---------------------------------------------------------------------------------

def test_select_gives_rows_of_python_values(kg: gdegraph.KnowledgeGraph) -> None:
    rows = kg.query("followers-of", exemplar="RQ6")
    assert isinstance(rows, gdegraph.Rows)
    assert rows.columns[0] == "follower" and all(list(r) == list(rows.columns) for r in rows)
    assert {r["odsCode"] for r in rows} == {"REP", "RVW"}
    assert all(isinstance(r["follower"], gdegraph.IRI) and r["follower"].endswith("/" + r["odsCode"]) for r in rows)
    assert kg.query("followers-of", exemplar="Royal Liverpool and Broadgreen") == rows


def test_parameters_are_typed_from_python_values(kg: gdegraph.KnowledgeGraph) -> None:
    two = kg.query("exemplars-with-followers")
    one = kg.query("exemplars-with-followers", min_followers=1)
    assert {r["odsCode"] for r in two} == {"RQ6"} and len(one) > len(two)
    assert all(isinstance(r["followers"], int) for r in one)
    assert {r["sectorName"] for r in kg.query("pairings", sector="mental-health")} == {"mental health"}
    expanded = kg.query("funding-awards", expand=True, programme="digital-aspirant")
    assert len(expanded) > len(kg.query("funding-awards", programme="digital-aspirant"))
    assert all(isinstance(r["amount"], Decimal) for r in expanded)


def test_ask_gives_a_bool_and_construct_an_rdflib_graph(kg: gdegraph.KnowledgeGraph) -> None:
    assert kg.sparql("ASK { ?p a <https://w3id.org/gdegraph/def#Pairing> }") is True
    # are-paired answers with the status and its sources, never a bare true (issue 16, item 7)
    yes = kg.are_paired("RBA", "RLQ")
    assert (yes.answer, yes.paired, yes.status) == ("yes", True, "announced") and "seed-000" in yes.sources
    # withdrawn in January 2018 (dh-2018-01); paired as of 2017-12 (seeds 000/001)
    withdrawn = kg.are_paired("RBA", "RXL")
    assert (withdrawn.answer, bool(withdrawn), withdrawn.since) == ("withdrawn", False, "2018-01-01")
    assert kg.are_paired("RBA", "RXL", as_of="2017-12-01").answer == "yes"
    disputed = kg.are_paired("RV5", "RWK")
    assert (disputed.answer, bool(disputed), disputed.sources) == ("disputed", False, ("seed-003",))
    assert "has not yet picked a digital fast follower" in disputed.quote
    assert kg.are_paired("RBA", "RQ6").answer == "no" and not kg.are_paired("RBA", "RXL", as_of="2017-01-01")
    graph = kg.query("trust-graph", trust="RNN")
    from rdflib import Graph, URIRef

    assert isinstance(graph, Graph) and len(graph) > 10
    assert (URIRef("https://w3id.org/gdegraph/id/trust/RNN"), None, None) in graph


@pytest.mark.parametrize(("name", "params", "message"), [
    ("no-such-query", {}, "unknown query"),
    ("followers-of", {}, "needs parameter exemplar"),
    ("followers-of", {"exemplar": "RQ6", "colour": "red"}, "no parameter 'colour'"),
    ("exemplars-with-followers", {"min_followers": "two"}, "not a valid integer"),
    ("followers-of", {"exemplar": "Zzyzx General"}, "unknown trust"),
])
def test_bad_queries_raise_gde_errors(kg: gdegraph.KnowledgeGraph, name: str, params: dict[str, Any],
                                      message: str) -> None:
    with pytest.raises(gdegraph.GdeError, match=message):
        kg.query(name, **params)


def test_sparql_binds_keywords_as_typed_terms(kg: gdegraph.KnowledgeGraph) -> None:
    prefix = "PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    by_code = kg.sparql(prefix + "SELECT ?trust WHERE { ?trust gde:odsCode ?code }", code="RQ6")
    assert by_code == [{"trust": gdegraph.IRI("https://w3id.org/gdegraph/id/trust/RQ6")}]
    by_iri = kg.sparql(prefix + "SELECT ?code WHERE { ?trust gde:odsCode ?code }", trust=by_code[0]["trust"])
    assert by_iri == [{"code": "RQ6"}]
    quoted = kg.sparql(prefix + 'SELECT ?t WHERE { ?t gde:odsCode ?code }', code='RQ6" } ?x ?y ?z { "')
    assert quoted == []  # a value is a term, never query text
    with pytest.raises(gdegraph.GdeError, match="cannot bind"):
        kg.sparql("SELECT * WHERE { ?s ?p ?o }", s=object())


def test_literals_become_python_values(kg: gdegraph.KnowledgeGraph) -> None:
    rows = kg.sparql("""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT ?i ?d ?f ?b ?day ?year ?text ?none WHERE {
          BIND (42 AS ?i) BIND (1.50 AS ?d) BIND ("2.5"^^xsd:double AS ?f) BIND (true AS ?b)
          BIND ("2017-09-11"^^xsd:date AS ?day) BIND ("2017"^^xsd:gYear AS ?year) BIND ("hello"@en AS ?text)
        }""")
    assert rows == [{"i": 42, "d": Decimal("1.50"), "f": 2.5, "b": True, "day": dt.date(2017, 9, 11),
                     "year": "2017", "text": "hello", "none": None}]
    assert kg.sparql("ASK { FILTER (?n = 3) }", n=3) is True
    assert kg.sparql("ASK { FILTER (?day = '2017-09-11'^^<http://www.w3.org/2001/XMLSchema#date>) }",
                     day=dt.date(2017, 9, 11)) is True


def test_rows_to_dataframe(kg: gdegraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    pd = pytest.importorskip("pandas")
    rows = kg.query("funding-by-programme")
    frame = rows.to_dataframe()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(rows.columns) and len(frame) == len(rows)
    assert frame["largest"].dtype == float and frame["awards"].dtype.kind == "i"  # Decimal -> float
    empty = gdegraph.Rows(["a", "b"]).to_dataframe()
    assert list(empty.columns) == ["a", "b"] and empty.empty
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"gdegraph\[pandas\]"):
        rows.to_dataframe()


def test_queries_lists_the_library() -> None:
    library = {q.name: q for q in gdegraph.queries()}
    assert {"pairings", "followers-of", "funding-by-programme", "sources"} <= set(library)
    followers = library["followers-of"]
    assert followers.form == "SELECT" and followers.title and "SELECT" in followers.text
    assert followers.params[0] == gdegraph.QueryParam("exemplar", "trust", True, None, "RQ6",
                                                       "The exemplar trust (ODS code or name).")
    assert library["are-paired"].form == "SELECT" and "answer" in library["are-paired"].columns


# --- records -------------------------------------------------------------------------------------

def test_sources(kg: gdegraph.KnowledgeGraph) -> None:
    sources = {s.key: s for s in kg.sources()}
    assert {f"seed-00{i}" for i in range(5)} <= set(sources)
    seed = sources["seed-001"]
    assert seed.kind == "news article" and seed.publisher == "HSJ" and seed.modified == "2017-09-11"
    assert seed.iri == "https://w3id.org/gdegraph/id/source/seed-001" and seed.statements > 0
    assert sources["ods-etr-2016"].kind == "reference data"
    with pytest.raises(dataclasses.FrozenInstanceError):
        seed.key = "x"  # type: ignore[misc]


def test_claims(kg: gdegraph.KnowledgeGraph) -> None:
    claims = {c.iri.rsplit("/", 1)[-1]: c for c in kg.claims()}
    assert len(claims) == 45 + 18  # the seeds' claims, then the seven articles'
    wrong = claims["acute-funding-160m-central-corrected"]
    assert wrong.status == "corrected" and wrong.amount == Decimal("160000000") and wrong.sources == ("seed-001",)
    assert [c.rsplit("/", 1)[-1] for c in wrong.corrected_by] == ["acute-funding-80m-central-plus-match"]
    right = claims["acute-funding-80m-central-plus-match"]
    assert wrong.iri in right.corrects and len(right.about) == 3
    named = claims["acute-fast-followers-18-named"]
    assert named.stated_count == 18 and named.sources == ("seed-000", "seed-001")
    for claim in claims.values():  # conflicts are symmetric
        for other in claim.conflicts_with:
            assert claim.iri in claims[other.rsplit("/", 1)[-1]].conflicts_with


# --- network -------------------------------------------------------------------------------------

def test_network_is_the_command_lines_network(kg: gdegraph.KnowledgeGraph, dataset: Any) -> None:
    from gdegraph.network.analysis import NetworkOptions, build_network, open_store, query_rows

    rows = query_rows(open_store(dataset))
    for options in (NetworkOptions(), NetworkOptions(include_disputed=True, successions=False, aspirants=True)):
        ours = kg.network(include_disputed=options.include_disputed, successions=options.successions,
                          aspirants=options.aspirants)
        theirs = build_network(rows, options)
        assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
        assert sorted(ours.edges(keys=True, data=True)) == sorted(theirs.edges(keys=True, data=True))


def test_network_options(kg: gdegraph.KnowledgeGraph) -> None:
    default = kg.network()
    kinds = [d["kind"] for *_, d in default.edges(data=True)]
    assert kinds.count("pairing") == 23 and "succession" in kinds
    assert "succession" not in [d["kind"] for *_, d in kg.network(successions=False).edges(data=True)]
    disputed = kg.network(include_disputed=True)
    assert sum(d["kind"] == "pairing" for *_, d in disputed.edges(data=True)) == 24  # the withdrawn pairing is not current, even with the disputed one
    assert kg.network(aspirants=True).number_of_nodes() > default.number_of_nodes()


def test_analyse_and_plot_network(kg: gdegraph.KnowledgeGraph) -> None:
    g = kg.network()
    report = gdegraph.analyse_network(g)
    assert report["counts"]["pairings"] == 23
    assert {(e["node"], e["count"]) for e in report["multi_follower_exemplars"]} == {("RQ6", 2)}  # Taunton lost Blackpool in January 2018
    assert report["geography"]["within_close"]["of"] == 22  # 23 pairings, Sheffield has no coordinates
    import matplotlib.pyplot as plt

    for kind in ("network", "map", "distances"):
        figure = gdegraph.plot_network(g, kind, report)
        assert figure.axes
        plt.close(figure)
    with pytest.raises(gdegraph.GdeError, match="unknown picture"):
        gdegraph.plot_network(g, "pie")


def test_plotting_keeps_the_sessions_matplotlib_backend() -> None:
    """Importing the drawing modules leaves the backend alone (only writing files selects Agg)."""
    code = ("import matplotlib, matplotlib.pyplot\nimport gdegraph.network.plot, gdegraph.network.plot_geo\n"
            "print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "MPLBACKEND": "svg"})
    assert out.stdout.strip() == "svg"


# --- trust names ---------------------------------------------------------------------------------

def test_resolve() -> None:
    result = gdegraph.resolve("Salford Royal Hospitals Trust", date="2016-09")
    assert isinstance(result, gdegraph.Resolution) and result.status == "resolved"
    assert result.best is not None and result.best.code == "RM3"
    assert result.best.name == "Salford Royal NHS Foundation Trust"
    assert result.best.latest == "Northern Care Alliance NHS Foundation Trust"
    assert gdegraph.resolve("Salford Royal Hospitals Trust", dt.date(2016, 9, 1)) == result
    assert gdegraph.resolve("Salford Royal Hospitals Trust", dt.datetime(2016, 9, 1, 12)) == result
    ambiguous = gdegraph.resolve("Coventry and Warwickshire", reference_only=True)
    assert ambiguous.status == "ambiguous" and ambiguous.best is None
    assert {c.code for c in ambiguous.candidates} >= {"RYG", "RKB"}
    assert len(gdegraph.resolve("Wye Valley", limit=1).candidates) == 1
    assert gdegraph.resolve("Wye Valley", shared=paths.shared_dir()).best.code == "RLQ"  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "date", "message"), [("  ", None, "empty"), ("Wye Valley", "2017-13", "bad date")])
def test_resolve_rejects_bad_input(name: str, date: str | None, message: str) -> None:
    with pytest.raises(gdegraph.GdeError, match=message):
        gdegraph.resolve(name, date)


# --- loading -------------------------------------------------------------------------------------

def test_load_a_file_on_either_engine(dataset: Any, tmp_path: Path) -> None:
    path = tmp_path / "graph.nq"
    path.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    expected = None
    for engine in ("oxigraph", "rdflib"):
        kg = gdegraph.load(path, engine=engine)
        assert kg.engine == engine and kg.where == str(path) and engine in repr(kg)
        rows = {(r["odsCode"], r["statusName"]) for r in kg.query("followers-of", exemplar="RBA")}
        expected = expected or rows
        assert rows == expected == {("RLQ", "announced"), ("RXL", "withdrawn")}
        assert "https://w3id.org/gdegraph/graph/seed-000" in {str(g.identifier) for g in kg.to_rdflib().graphs()}
    with pytest.raises(gdegraph.GdeError, match="unknown engine"):
        gdegraph.load(path, engine="sqlite")


def test_load_with_a_shared_folder_builds_in_memory() -> None:
    kg = gdegraph.load(shared=paths.shared_dir())
    assert kg.where.startswith("built in memory from") and kg.engine == "oxigraph"
    assert kg.are_paired("RQ6", "REP").paired is True
    with pytest.raises(gdegraph.GdeError, match="unknown engine"):
        gdegraph.load(shared=paths.shared_dir(), engine="sqlite")


def test_to_rdflib_copies_the_named_graphs(kg: gdegraph.KnowledgeGraph, dataset: Any) -> None:
    copy = kg.to_rdflib()
    names = {str(g.identifier) for g in copy.graphs() if len(g)}
    assert "https://w3id.org/gdegraph/graph/seed-000" in names
    assert sum(len(g) for g in copy.graphs()) == sum(len(g) for g in dataset.graphs())
    copy.remove((None, None, None))
    assert kg.are_paired("RBA", "RLQ").paired is True  # a copy, not the graph itself


# --- a remote endpoint: a loopback SPARQL server over the same data ------------------------------

class _Sparql(BaseHTTPRequestHandler):
    store: Any = None

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        query = urllib.parse.parse_qs(body)["query"][0]
        result = self.store.query(query, use_default_graph_as_union=True)
        if isinstance(result, (QuerySolutions, QueryBoolean)):
            data, ctype = result.serialize(format=QueryResultsFormat.JSON), "application/sparql-results+json"
        else:
            data, ctype = result.serialize(format=RdfFormat.N_TRIPLES), "application/n-triples"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint(dataset: Any) -> Iterator[str]:
    from gdegraph.store.factory import OxigraphStore

    handler = type("Handler", (_Sparql,), {"store": OxigraphStore.from_dataset(dataset).store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _same(a: Any, b: Any) -> bool:
    """Equal rows, ignoring the order of GROUP_CONCAT lists (engines concatenate in any order)."""
    def norm(rows: Any) -> list[list[tuple[str, Any]]]:
        return sorted([(k, " ".join(sorted(v.split())) if isinstance(v, str) else v) for k, v in r.items()]
                      for r in rows)
    return a.columns == b.columns and norm(a) == norm(b)


def test_remote_gives_the_same_answers(kg: gdegraph.KnowledgeGraph, endpoint: str) -> None:
    far = gdegraph.remote(endpoint, timeout=30)
    assert far.engine == "remote" and far.where == endpoint
    assert _same(far.query("followers-of", exemplar="Taunton and Somerset"), kg.query("followers-of", exemplar="RBA"))
    assert far.are_paired("RBA", "RXL") == kg.are_paired("RBA", "RXL")
    assert len(far.query("trust-graph", trust="RNN")) == len(kg.query("trust-graph", trust="RNN"))
    assert far.sources() == kg.sources() and far.claims() == kg.claims()
    near, remote_net = kg.network(), far.network()
    assert sorted(remote_net.edges(keys=True, data=True)) == sorted(near.edges(keys=True, data=True))
    with pytest.raises(gdegraph.GdeError, match="cannot copy"):
        far.to_rdflib()


def test_remote_failures_are_gde_errors() -> None:
    with pytest.raises(gdegraph.GdeError, match="http"):
        gdegraph.remote("ftp://example.org/sparql")
    with pytest.raises(gdegraph.GdeError):
        gdegraph.remote("http://127.0.0.1:9/sparql", timeout=2).query("sources")


# --- what the command line calls: query_text, stats, push_built ---------------------------------

def test_stats_are_typed_and_print_as_the_command_does(kg: gdegraph.KnowledgeGraph, dataset: Any,
                                                       tmp_path: Path) -> None:
    stats = kg.stats()
    assert isinstance(stats, gdegraph.Stats)
    assert (("acute", "announced"), 15) in stats.sections["pairings by sector and status"]
    assert (("acute", "withdrawn"), 1) in stats.sections["pairings by sector and status"]
    text = str(stats)
    assert text.startswith("resources by class\n") and "  acute / announced           15\n" in text
    as_json = json.loads(stats.to_json())
    assert as_json["pairings by sector and status"][0] == {"labels": ["acute", "announced"], "count": 15}
    assert "pairings by sector and status,acute / announced,15\n" in stats.to_csv()
    path = tmp_path / "graph.nq"
    path.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    assert gdegraph.load(path, engine="rdflib").stats() == gdegraph.load(path).stats()  # every engine alike


def test_the_stats_command_writes_what_the_api_gives(kg: gdegraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gdegraph.cli.main import main

    monkeypatch.setattr("gdegraph.api.functions.load", lambda *args, **kwargs: kg)
    assert main(["stats", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == str(kg.stats()) == (tmp_path / "stats.txt").read_text(encoding="utf-8")
    assert main(["stats", "--format", "json", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == kg.stats().to_json() + "\n" == (tmp_path / "stats.json").read_text(encoding="utf-8")


def test_push_built_checks_its_target_and_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(gdegraph.GdeError, match="needs --endpoint or --graph-store"):
        gdegraph.push_built()
    monkeypatch.setattr("gdegraph.sources.graph.default_data", lambda: tmp_path / "gdegraph.trig")
    with pytest.raises(gdegraph.GdeError, match="missing or older than its inputs"):
        gdegraph.push_built("http://127.0.0.1:9/query")
    with pytest.raises(gdegraph.GdeError, match="push needs quads"):
        gdegraph.push_built(graph_store="http://127.0.0.1:9/store", data=__file__)
