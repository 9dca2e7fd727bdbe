"""The flat tables as one SQLite database for Datasette, with its ``metadata.json``.

``gdegraph.db`` holds one table per :data:`gdegraph.publish.tables.TABLES`
entry: typed columns (empty cells are NULL), ``id`` as primary key, foreign
keys where a column holds another table's key (so Datasette links a pairing to
its trusts), and an FTS5 full-text index over the names (``<table>_fts``,
external-content, which Datasette finds by itself and offers as a search box).
``datasette-metadata.json`` gives Datasette the titles, descriptions, licence
and source of each table and column: ``datasette gdegraph.db -m
datasette-metadata.json``.

The database is written in memory and serialised (``sqlite3`` ``serialize``),
so :func:`sqlite_files` returns bytes like every other published file.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from gdegraph.publish.csvw import LICENSES
from gdegraph.publish.tables import Column, TableRows

__all__ = ["DATABASE_FILE", "METADATA_FILE", "database_bytes", "datasette_metadata", "sqlite_files"]

DATABASE_FILE = "gdegraph.db"
METADATA_FILE = "datasette-metadata.json"
_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "date": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cell(column: Column, text: str) -> Any:
    if text == "":
        return None
    if column.datatype == "integer":
        return int(text)
    if column.datatype == "number":
        return float(text)
    return text


def _create(rows: TableRows) -> str:
    table = rows.table
    parts = [f"{_quote(c.name)} {_TYPES[c.datatype]}" + (" PRIMARY KEY NOT NULL" if c.name == "id" else "")
             for c in table.columns]
    parts += [f"FOREIGN KEY ({_quote(c.name)}) REFERENCES {_quote(c.references)}(id)"
              for c in table.columns if c.references]
    return f"CREATE TABLE {_quote(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"


def database_bytes(tables: list[TableRows]) -> bytes:
    """The SQLite database file: tables, foreign keys (all checked), full-text indexes."""
    con = sqlite3.connect(":memory:")
    try:
        # Rows go in unchecked (a claim may name a correcting claim inserted later), then every
        # foreign key is checked at once.
        for rows in tables:
            table = rows.table
            con.execute(_create(rows))
            marks = ", ".join("?" for _ in table.columns)
            con.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({marks})",
                            [[_cell(c, v) for c, v in zip(table.columns, row)] for row in rows.rows])
            if table.fts:
                fts = _quote(f"{table.name}_fts")
                columns = ", ".join(_quote(c) for c in table.fts)
                con.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content={_quote(table.name)})")
                con.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise AssertionError(f"foreign keys broken in the tables: {problems[:5]}")
        con.commit()
        con.execute("VACUUM")
        return con.serialize()
    finally:
        con.close()


def datasette_metadata(tables: list[TableRows]) -> dict[str, Any]:
    """Datasette's metadata: titles, descriptions, licence and source per table and column."""
    licence = LICENSES[0]
    described = {}
    for rows in tables:
        table = rows.table
        entry: dict[str, Any] = {"title": table.title, "description": table.description, "source": table.source,
                                 "license": licence["name"], "license_url": licence["path"],
                                 "columns": {c.name: c.description for c in table.columns}}
        if table.fts:
            entry["fts_table"], entry["fts_pk"] = f"{table.name}_fts", "rowid"
        described[table.name] = entry
    return {"title": "gdegraph: the NHS digital programmes as tables",
            "description": "Trusts, memberships, pairings, funding awards, claims and sources of the gdegraph "
                           "knowledge graph. Every row has the key of its resource; the RDF is at /sparql.",
            "license": licence["name"], "license_url": licence["path"],
            "source": "gdegraph curated data and NHS ODS / ONS reference files (OGL v3.0)",
            "source_url": "https://w3id.org/gdegraph/",
            "databases": {DATABASE_FILE.removesuffix(".db"): {"tables": described}}}


def sqlite_files(tables: list[TableRows]) -> dict[str, bytes]:
    """``gdegraph.db`` and ``datasette-metadata.json``."""
    metadata = json.dumps(datasette_metadata(tables), indent=1, ensure_ascii=False) + "\n"
    return {DATABASE_FILE: database_bytes(tables), METADATA_FILE: metadata.encode("utf-8")}
