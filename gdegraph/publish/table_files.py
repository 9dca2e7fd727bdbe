"""The flat tables as published files: CSV with Frictionless/CSVW metadata, and the SQLite database.

Composes :mod:`~gdegraph.publish.tables` (what each table holds), :mod:`~gdegraph.publish.csvw`
and :mod:`~gdegraph.publish.sqlite_db` (how it is written), so that neither writer and the
table definitions import each other in a circle.
"""

from __future__ import annotations

from typing import Any

from gdegraph.publish.tables import table_rows

__all__ = ["tables_files"]


def tables_files(dataset: Any, version: str) -> dict[str, bytes]:
    """Every published table file: the CSV with their Frictionless and CSVW metadata, and the SQLite
    database with its Datasette metadata, all from one pyoxigraph store over ``dataset``."""
    from gdegraph.publish.csvw import table_files
    from gdegraph.publish.sqlite_db import sqlite_files
    from gdegraph.store.oxigraph_store import OxigraphStore

    tables = table_rows(OxigraphStore.from_dataset(dataset))
    return {**table_files(tables, version), **sqlite_files(tables)}
