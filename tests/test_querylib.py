"""The query library: headers, the registry, and typed parameters resolved to RDF terms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode

from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.query.params import _fold
from gdegraph.query.library import bind_params, convert, get_query, load_library, parse_query_file
from gdegraph.store.factory import OxigraphStore, SelectResult, run
from test_queries_answers import LIBRARY

XSD = "http://www.w3.org/2001/XMLSchema#"
TRUST = "https://w3id.org/gdegraph/id/trust/"


@pytest.fixture(scope="module")
def store(dataset: Any) -> OxigraphStore:
    return OxigraphStore.from_dataset(dataset)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_each_query_is_documented_and_its_header_is_true(store: OxigraphStore, name: str) -> None:
    query = LIBRARY[name]
    assert query.path.stem == query.name and query.title and len(query.description) > 40
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", query.text), f"{name}: ?{param.name} is not in the query"
        assert param.description and (param.example or param.default), f"{name}: {param.name} needs an example"
    raw = {p.name: p.example for p in query.params if p.example}
    result = run(store, query.text, bind_params(query, raw, store))
    if isinstance(result, SelectResult):
        assert tuple(result.variables) == query.columns, f"{name}: '# columns:' differs from the projection"
    else:
        assert not query.columns
    assert query.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


def test_library_is_the_top_level_folder_only() -> None:
    library = load_library()
    assert all(q.path.parent == paths.queries_dir() for q in library.values())
    assert list(library) == sorted(library)


def test_other_query_folders_parse_with_the_same_reader() -> None:
    for path in sorted((paths.queries_dir() / "qc").glob("*.rq")) + sorted((paths.queries_dir() / "network").glob("*.rq")):
        assert parse_query_file(path).form == "SELECT"


def _write(tmp_path: Path, header: str, body: str = "SELECT ?x WHERE { ?x ?p ?o }") -> Path:
    path = tmp_path / "q.rq"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_header_syntax(tmp_path: Path) -> None:
    path = _write(tmp_path, '# name: my-query\n# title: T\n# description: one\n#   two\n'
                            '# param: x trust required example="Wye Valley" -- The trust.\n'
                            '# param: n integer default=3 -- A number.\n# columns: x\n')
    query = parse_query_file(path)
    assert (query.name, query.description, query.columns) == ("my-query", "one two", ("x",))
    x, n = query.params
    assert (x.type, x.required, x.example, x.description) == ("trust", True, "Wye Valley", "The trust.")
    assert (n.type, n.default, n.required) == ("integer", "3", False)
    for bad in ("# param: x colour -- no such type\n", "# param: x concept -- needs a scheme\n",
                "# param: X string\n", "# param: x string sometimes\n", "# name: Bad Name\n",
                '# param: x string example="unclosed\n'):
        with pytest.raises(InputError):
            parse_query_file(_write(tmp_path, bad))


def test_get_query_by_name_or_path(tmp_path: Path) -> None:
    assert get_query("pairings").name == "pairings"
    path = _write(tmp_path, "# title: mine\n")
    assert get_query(str(path)).title == "mine"
    with pytest.raises(InputError, match="unknown query 'pairing'"):
        get_query("pairing")
    with pytest.raises(InputError, match="no such query file"):
        get_query(str(tmp_path / "missing.rq"))


def _param(name: str, query: str = "trust-profile") -> Any:
    param = LIBRARY[query].param(name)
    assert param is not None
    return param


def test_scalar_types(store: OxigraphStore) -> None:
    query = LIBRARY["exemplars-with-followers"]
    assert convert(_param("min_followers", query.name), " 02 ", store) == Literal("2", datatype=NamedNode(XSD + "integer"))
    assert convert(_param("expand", "funding-awards"), "Yes", store) == Literal("true", datatype=NamedNode(XSD + "boolean"))
    assert convert(_param("text", "trust-search"), '"} ; DROP ALL', store) == Literal('"} ; DROP ALL')
    for value in ("two", "2.5", "", "1e3"):
        with pytest.raises(InputError, match="not a valid integer"):
            convert(_param("min_followers", query.name), value, store)
    with pytest.raises(InputError, match="not a valid boolean"):
        convert(_param("expand", "funding-awards"), "maybe", store)


def test_decimal_and_date_types(store: OxigraphStore, tmp_path: Path) -> None:
    query = parse_query_file(_write(tmp_path, "# param: d date -- A date.\n# param: m decimal -- Money.\n",
                                    "SELECT ?d ?m WHERE {}"))
    assert bind_params(query, {"d": "2017-09-11", "m": "160000000.50"}, store) == {
        "d": Literal("2017-09-11", datatype=NamedNode(XSD + "date")),
        "m": Literal("160000000.50", datatype=NamedNode(XSD + "decimal"))}
    for raw in ({"d": "11/09/2017"}, {"d": "2017-02-30"}, {"m": "£5m"}):
        with pytest.raises(InputError, match="not a valid"):
            bind_params(query, raw, store)


@pytest.mark.parametrize(("value", "code"), [
    ("RQ6", "RQ6"), ("rq6", "RQ6"), ("Royal Liverpool and Broadgreen University Hospitals NHS Trust", "RQ6"),
    ("royal liverpool  and broadgreen university hospitals trust", "RQ6"), ("RLBUH", "RQ6"),
    ("Chelsea & Westminster NHS Foundation Trust", "RQM"), ("Liverpool Women's FT", "REP"),
    ("Whittington", "RKE"), ("sheffield health and social care", "sheffield-health-and-social-care"),
    (TRUST + "RBA", "RBA")])
def test_trusts_resolve_by_code_or_name(store: OxigraphStore, value: str, code: str) -> None:
    assert convert(_param("trust"), value, store) == NamedNode(TRUST + code)


def test_ambiguous_and_unknown_trusts_list_candidates(store: OxigraphStore) -> None:
    with pytest.raises(InputError, match="ambiguous") as info:
        convert(_param("trust"), "Liverpool", store)
    assert "RQ6 (Royal Liverpool and Broadgreen" in str(info.value) and "REP" in str(info.value)
    with pytest.raises(InputError, match="unknown trust"):
        convert(_param("trust"), '"} ; DROP ALL', store)


def test_concepts_and_keyed_iris(store: OxigraphStore) -> None:
    sector = _param("sector", "pairings")
    concept = "https://w3id.org/gdegraph/id/concept/"
    assert convert(sector, "acute", store) == NamedNode(concept + "sector-acute")
    assert convert(sector, "Mental Health", store) == NamedNode(concept + "sector-mental-health")
    with pytest.raises(InputError, match="unknown sector concept 'dental'") as info:
        convert(sector, "dental", store)
    assert "mental-health" in str(info.value)
    wave = _param("wave", "wave-members")
    assert convert(wave, "gde-exemplars", store) == NamedNode("https://w3id.org/gdegraph/id/wave/gde-exemplars")
    with pytest.raises(InputError, match="unknown wave") as info:
        convert(wave, "wave-9", store)
    assert "digital-aspirants-wave-2" in str(info.value)
    with pytest.raises(InputError, match="not an IRI"):
        convert(wave, "http://x/a> } ; DROP ALL <", store)


def test_a_known_instance_is_checked_by_one_bound_lookup_not_a_listing(store: OxigraphStore) -> None:
    """Regression: every typed subject was listed to check one IRI (about 1 s per parameter at 1M triples)."""
    sent: list[str] = []

    class Recording:
        def select(self, query: str, bindings: Any = None) -> SelectResult:
            sent.append(query)
            return store.select(query, bindings)

        def ask(self, query: str, bindings: Any = None) -> bool:
            sent.append(query)
            return store.ask(query, bindings)

    wave = _param("wave", "wave-members")
    assert convert(wave, "gde-exemplars", Recording()) == NamedNode("https://w3id.org/gdegraph/id/wave/gde-exemplars")
    assert [q.split()[0] for q in sent] == ["ASK"]


def test_unknown_missing_and_default_parameters(store: OxigraphStore) -> None:
    query = LIBRARY["followers-of"]
    with pytest.raises(InputError, match="has no parameter 'exemplr'"):
        bind_params(query, {"exemplr": "RQ6"}, store)
    with pytest.raises(InputError, match="needs parameter exemplar"):
        bind_params(query, {}, store)
    bound = bind_params(LIBRARY["exemplars-with-followers"], {"min-followers": "3"}, store)
    assert bound == {"min_followers": Literal("3", datatype=NamedNode(XSD + "integer"))}
    assert "sector" not in bind_params(LIBRARY["pairings"], {}, store)


class _Counting:
    """A store that records the queries sent to it and their bindings."""

    def __init__(self, store: OxigraphStore) -> None:
        self.store, self.sent = store, []

    def select(self, query: str, bindings: Any = None) -> SelectResult:
        self.sent.append((query, dict(bindings or {})))
        return self.store.select(query, bindings)

    def ask(self, query: str, bindings: Any = None) -> bool:
        self.sent.append((query, dict(bindings or {})))
        return self.store.ask(query, bindings)


@pytest.mark.parametrize("value", ["RQ6", "rq6", "Royal Liverpool and Broadgreen University Hospitals NHS Trust",
                                   "royal liverpool  and broadgreen university hospitals trust", "RLBUH",
                                   "Liverpool Women’s NHS Foundation Trust"])
def test_an_exact_code_or_name_is_one_bound_lookup(store: OxigraphStore, value: str) -> None:
    counting = _Counting(store)
    assert convert(_param("trust"), value, counting).value.startswith(TRUST)
    assert len(counting.sent) == 1
    text, bindings = counting.sent[0]
    assert value.lower() not in text.lower()  # bound, not pasted
    assert bindings == ({"iri": NamedNode(TRUST + "RQ6")} if len(value) == 3 else {"folded": Literal(_fold(value))})


def test_a_partial_name_falls_back_to_every_label(store: OxigraphStore) -> None:
    counting = _Counting(store)
    assert convert(_param("trust"), "Whittington", counting) == NamedNode(TRUST + "RKE")
    assert len(counting.sent) == 2
    assert convert(_param("sector", "pairings"), "acute", _Counting(store)).value.endswith("sector-acute")
