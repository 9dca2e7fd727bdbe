"""The flat tables: valid for Frictionless, mapped back to the RDF by their CSVW, agreeing with the store,
and served by a real Datasette from the SQLite database.

The tables are published from the session's dataset into a temporary folder
once; the RDF side of every comparison is a pyoxigraph store over the same
dataset (what the dumps hold).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from gdegraph.publish.tables import TABLES
from test_server_support import free_port

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def published(dataset: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gdegraph.publish.dumps import publish

    out = tmp_path_factory.mktemp("tables")
    publish(out, dataset=dataset)
    return out


@pytest.fixture(scope="module")
def store(dataset: Any) -> Any:
    from gdegraph.store.factory import OxigraphStore

    return OxigraphStore.from_dataset(dataset)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_frictionless_validates_the_data_package(published: Path) -> None:
    done = subprocess.run([str(BIN / "frictionless"), "validate", "--json", "datapackage.json"], cwd=published,
                          capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]
    assert sorted(t["name"] for t in report["tasks"]) == sorted(t.name for t in TABLES)


def test_frictionless_catches_a_broken_foreign_key(published: Path, tmp_path: Path) -> None:
    for path in published.glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "datapackage.json").write_bytes((published / "datapackage.json").read_bytes())
    pairings = (tmp_path / "pairings.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = pairings[1].split(",")
    row[1] = "NOT-A-TRUST"
    (tmp_path / "pairings.csv").write_text("".join([pairings[0], ",".join(row), *pairings[2:]]), encoding="utf-8")
    done = subprocess.run([str(BIN / "frictionless"), "validate", "--json", "datapackage.json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert not report["valid"] and "foreign-key" in json.dumps(report)


def _expand(template: str, row: dict[str, str]) -> str:
    """RFC 6570 level 1/2 expansion as the CSVW templates use it ({name}, {+name})."""
    from urllib.parse import quote

    out = template
    for name, cell in row.items():
        out = out.replace("{+" + name + "}", quote(cell, safe=":/?#[]@!$&'()*+,;=")).replace("{" + name + "}",
                                                                                            quote(cell, safe=""))
    return out


def csvw_triples(folder: Path) -> list[tuple[str, str, str, bool]]:
    """The statements the CSVW metadata says the CSV stands for: (subject, property, value, value is IRI)."""
    metadata = json.loads((folder / "csv-metadata.json").read_text(encoding="utf-8"))
    found = []
    for table in metadata["tables"]:
        schema = table["tableSchema"]
        for row in _rows(folder / table["url"]):
            subject = _expand(schema["aboutUrl"], row)
            for column in schema["columns"]:
                if column.get("suppressOutput"):
                    continue
                prop = column["propertyUrl"].replace("rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
                if column.get("virtual"):
                    found.append((subject, prop, column["valueUrl"], True))
                    continue
                cell = row[column["name"]]
                for value in (cell.split(column["separator"]) if column.get("separator") else [cell]):
                    if value == "":
                        continue
                    if "valueUrl" in column:
                        found.append((subject, prop, _expand(column["valueUrl"], {**row, column["name"]: value}), True))
                    else:
                        found.append((subject, prop, value, False))
    return found


def _holds(store: Any, subject: str, prop: str, value: str, is_iri: bool) -> bool:
    from pyoxigraph import Literal, NamedNode

    if is_iri:
        return store.ask("ASK { ?s ?p ?o }", {"s": NamedNode(subject), "p": NamedNode(prop), "o": NamedNode(value)})
    answer = store.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": NamedNode(subject), "p": NamedNode(prop)})
    values = {row[0].value for row in answer.rows if isinstance(row[0], Literal)}
    return value in values or any(_same_number(value, v) for v in values)


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return False


def test_every_cell_the_csvw_maps_is_a_statement_of_the_graph(published: Path, store: Any) -> None:
    triples = csvw_triples(published)
    assert len(triples) > 1500
    missing = [t for t in triples if not _holds(store, *t)]
    assert not missing, f"{len(missing)} CSVW statements not in the graph, e.g. {missing[:5]}"


def test_a_wrong_cell_is_caught_by_the_mapping(published: Path, store: Any, tmp_path: Path) -> None:
    for name in ("csv-metadata.json", *(f"{t.name}.csv" for t in TABLES)):
        (tmp_path / name).write_bytes((published / name).read_bytes())
    text = (tmp_path / "trusts.csv").read_text(encoding="utf-8")
    (tmp_path / "trusts.csv").write_text(text.replace("Northern Care Alliance", "Southern Care Alliance"), encoding="utf-8")
    assert any(not _holds(store, *t) for t in csvw_triples(tmp_path))


@pytest.mark.parametrize("table, rdf_class", [(t.name, t.rdf_type) for t in TABLES])
def test_each_table_has_a_row_per_resource_of_its_class(published: Path, store: Any, table: str, rdf_class: str) -> None:
    from pyoxigraph import NamedNode

    count = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }", {"class": NamedNode(rdf_class)})
    rows = _rows(published / f"{table}.csv")
    ids = {r["id"] for r in rows}
    assert len(ids) == len(rows), "keys repeat"
    if table == "memberships":  # memberships of trusts only (a few are of other organisations)
        assert 0 < len(rows) <= int(count.rows[0][0].value)
    else:
        assert len(rows) == int(count.rows[0][0].value)


def test_sqlite_matches_the_csv_with_foreign_keys_and_full_text_search(published: Path) -> None:
    con = sqlite3.connect(published / "gdegraph.db")
    try:
        for table in TABLES:
            rows = _rows(published / f"{table.name}.csv")
            assert con.execute(f'SELECT COUNT(*) FROM "{table.name}"').fetchone()[0] == len(rows)
            sample = rows[len(rows) // 2]
            stored = con.execute(f'SELECT * FROM "{table.name}" WHERE id = ?', (sample["id"],)).fetchone()
            assert [("" if v is None else v) for v in stored] == [
                (float(sample[c.name]) if c.datatype == "number" and sample[c.name] else
                 int(sample[c.name]) if c.datatype == "integer" and sample[c.name] else sample[c.name])
                for c in table.columns]
        keys = {(row[2], row[3]) for row in con.execute("SELECT * FROM pragma_foreign_key_list('pairings')")}
        assert keys == {("trusts", "exemplar"), ("trusts", "follower")}
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        hits = con.execute("SELECT t.id FROM trusts_fts JOIN trusts t ON t.rowid = trusts_fts.rowid "
                           "WHERE trusts_fts MATCH 'salford'").fetchall()
        assert ("RM3",) in hits
    finally:
        con.close()


def test_datasette_serves_the_tables_with_their_metadata(published: Path) -> None:
    from gdegraph.server.datasette import start_datasette

    port = free_port()
    process = start_datasette(published / "gdegraph.db", published / "datasette-metadata.json", "127.0.0.1", port,
                              quiet=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "datasette exited"
            try:
                httpx.get(base + "/-/versions.json", timeout=2, trust_env=False)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.3)
        found = httpx.get(base + "/gdegraph/trusts.json", params={"_search": "Salford", "_shape": "array"},
                          trust_env=False).json()
        assert [r["id"] for r in found] == ["RM3"]
        pairings = httpx.get(base + "/gdegraph/pairings.json", params={"_shape": "objects", "_labels": "on"},
                             trust_env=False).json()
        assert len(pairings["rows"]) == len(_rows(published / "pairings.csv"))
        assert isinstance(pairings["rows"][0]["exemplar"], dict)  # a foreign key, labelled from trusts
        page = httpx.get(base + "/gdegraph/claims", trust_env=False).text
        assert "Claims and conflicts" in page and "CC-BY-4.0" in page
    finally:
        process.terminate()
        process.wait(10)


def test_serve_starts_datasette_beside_the_linked_data_server(published: Path) -> None:
    from test_server_support import Server

    datasette_port = free_port()
    with Server(published / "gdegraph.trig", published, "--workers", "1", "--datasette-port", str(datasette_port)) as server:
        assert httpx.get(server.url + "/sparql", params={"query": "ASK {}"}, trust_env=False).status_code == 200
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{datasette_port}/gdegraph/sources.json",
                                   params={"_shape": "array"}, timeout=2, trust_env=False)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, server.output()
                time.sleep(0.3)
        assert len(answer.json()) == len(_rows(published / "sources.csv"))
    with pytest.raises(httpx.HTTPError):  # stopped with the server
        httpx.get(f"http://127.0.0.1:{datasette_port}/", timeout=2, trust_env=False)


def test_serve_on_a_port_in_use_is_a_usage_error(published: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "gdegraph.cli", "serve", "--port", str(port), "--data",
                               str(published / "gdegraph.trig"), "--dist", str(published)],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr and "--port" in done.stderr
    assert "internal error" not in done.stderr


def test_serve_with_datasette_but_no_tables_says_to_publish(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "gdegraph.cli", "serve", "--port", str(free_port()), "--dist",
                           str(tmp_path), "--datasette-port", str(free_port())],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "the published tables are missing" in done.stderr and "gdegraph publish" in done.stderr
