"""The flat tables as published files: CSV with Frictionless/CSVW metadata, and the SQLite database.

Composes :mod:`~gdegraph.publish.tables` (what each table holds), :mod:`~gdegraph.publish.csvw`
and :mod:`~gdegraph.publish.sqlite_db` (how it is written), so that neither writer and the
table definitions import each other in a circle.
"""

from __future__ import annotations

from typing import Any

from gdegraph.publish.tables import table_rows

__all__ = ["TABLE_FILE_SPECS", "table_file_titles", "tables_files"]

#: What each kind of table file conforms to (dcterms:conformsTo of its distribution).
TABLE_FILE_SPECS = {
    "csv": ("https://www.rfc-editor.org/rfc/rfc4180", "https://www.w3.org/TR/tabular-data-primer/"),
    "datapackage.json": ("https://specs.frictionlessdata.io/data-package/",),
    "csv-metadata.json": ("https://www.w3.org/TR/tabular-metadata/",),
    "gdegraph.db": ("https://www.sqlite.org/fileformat.html",),
    "datasette-metadata.json": ("https://docs.datasette.io/en/stable/metadata.html",),
}


def table_file_titles() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Title and specifications of every table file, by file name: what the dataset description says of it."""
    from gdegraph.publish.csvw import CSVW_FILE, PACKAGE_FILE
    from gdegraph.publish.sqlite_db import DATABASE_FILE, METADATA_FILE
    from gdegraph.publish.tables import TABLES

    titles = {f"{table.name}.csv": (f"{table.title}: a flat table (CSV)", TABLE_FILE_SPECS["csv"]) for table in TABLES}
    titles[PACKAGE_FILE] = ("The flat tables as a Frictionless Data Package", TABLE_FILE_SPECS["datapackage.json"])
    titles[CSVW_FILE] = ("How each column of the flat tables maps back to the graph (CSVW)",
                         TABLE_FILE_SPECS["csv-metadata.json"])
    titles[DATABASE_FILE] = ("The flat tables as one SQLite database, for Datasette", TABLE_FILE_SPECS["gdegraph.db"])
    titles[METADATA_FILE] = ("Datasette metadata of the SQLite database", TABLE_FILE_SPECS["datasette-metadata.json"])
    return titles


def tables_files(dataset: Any, version: str) -> dict[str, bytes]:
    """Every published table file: the CSV with their Frictionless and CSVW metadata, and the SQLite
    database with its Datasette metadata, all queried from ``dataset``: the build's pyoxigraph store
    itself, or an rdflib Dataset copied into one."""
    from gdegraph.publish.csvw import table_files
    from gdegraph.publish.sqlite_db import sqlite_files
    from gdegraph.store.oxigraph_store import OxigraphStore

    import pyoxigraph as ox

    store = OxigraphStore(dataset) if isinstance(dataset, ox.Store) else OxigraphStore.from_dataset(dataset)
    tables = table_rows(store)
    return {**table_files(tables, version), **sqlite_files(tables)}
