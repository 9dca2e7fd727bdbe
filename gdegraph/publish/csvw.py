"""The flat tables as CSV files with two metadata files: a Frictionless Data Package and CSVW.

``datapackage.json`` (Frictionless Tabular Data Package) is what spreadsheet
and pandas users' tools read: field types, primary and foreign keys, licences,
sources; ``frictionless validate datapackage.json`` checks the CSV against it.
``csv-metadata.json`` (W3C CSV on the Web, found by CSVW processors at that
name beside the CSV files) says how each column maps back to the RDF graph:
the row's subject (``aboutUrl``), its class (a virtual column), each column's
``propertyUrl`` and, for IRIs, ``valueUrl``; a column with no single property
is ``suppressOutput``. Both are generated from the same
:data:`gdegraph.publish.tables.TABLES` descriptions, so they cannot drift apart.

Everything is bytes in memory, sorted and with no date from the clock, so the
same graph gives the same files (see :mod:`gdegraph.publish.dumps`).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from gdegraph.publish.tables import Column, Table, TableRows

__all__ = ["CSVW_FILE", "LICENSES", "PACKAGE_FILE", "csv_bytes", "csvw_metadata", "data_package", "table_files"]

PACKAGE_FILE = "datapackage.json"
CSVW_FILE = "csv-metadata.json"

LICENSES = [
    {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 (the curated data)",
     "path": "https://creativecommons.org/licenses/by/4.0/"},
    {"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0 (trust identities from NHS ODS and ONS files)",
     "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
]
_SOURCES = [{"title": "Trade-press articles (Digital Health News, HSJ) quoted as evidence"},
            {"title": "NHS Organisation Data Service (ODS) trust files", "path": "https://digital.nhs.uk/services/organisation-data-service"},
            {"title": "ONS Postcode Directory (NSPL)", "path": "https://geoportal.statistics.gov.uk/"}]

_CSVW_TYPES = {"string": "string", "integer": "integer", "number": "decimal", "date": "date"}


def csv_bytes(rows: TableRows) -> bytes:
    """The table as RFC 4180 CSV in UTF-8: a header of column names, then the rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows.table.column_names)
    writer.writerows(rows.rows)
    return out.getvalue().encode("utf-8")


def _field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "title": column.title, "type": column.datatype,
                             "description": column.description}
    if column.property:
        field["rdfType"] = column.property  # Frictionless's hint of the field's RDF meaning
    if column.name == "id":
        field["constraints"] = {"required": True, "unique": True}
    return field


def _foreign_keys(table: Table) -> list[dict[str, Any]]:
    return [{"fields": c.name, "reference": {"resource": "" if c.references == table.name else c.references,
                                             "fields": "id"}}
            for c in table.columns if c.references]


def data_package(tables: list[TableRows], version: str) -> dict[str, Any]:
    """The Frictionless Tabular Data Package describing every table's CSV file."""
    resources = []
    for rows in tables:
        table = rows.table
        resources.append({
            "name": table.name, "path": f"{table.name}.csv", "profile": "tabular-data-resource",
            "title": table.title, "description": table.description, "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "sources": [{"title": table.source}],
            "schema": {"fields": [_field(c) for c in table.columns], "primaryKey": ["id"],
                       "foreignKeys": _foreign_keys(table), "missingValues": [""]},
        })
    return {"profile": "tabular-data-package", "name": "gdegraph-tables", "version": version,
            "title": "gdegraph: the NHS digital programmes as tables",
            "description": "Trusts, programme memberships, exemplar-follower pairings, funding awards, claims and "
                           "sources of the gdegraph knowledge graph, one CSV file each, from the same store as "
                           "the RDF dumps. csv-metadata.json maps every column back to the RDF.",
            "homepage": "https://w3id.org/gdegraph/", "licenses": LICENSES, "sources": _SOURCES,
            "resources": resources}


def _csvw_column(column: Column) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": column.name, "titles": column.title, "datatype": _CSVW_TYPES[column.datatype],
                             "dc:description": column.description}
    if column.property is None:
        entry["suppressOutput"] = True
    else:
        entry["propertyUrl"] = column.property
    if column.value:
        entry["valueUrl"] = column.value
    if column.separator:
        entry["separator"] = column.separator
    if column.name == "id":
        entry["required"] = True
    return entry


def csvw_metadata(tables: list[TableRows]) -> dict[str, Any]:
    """CSVW metadata (a table group): each table's columns with their RDF properties."""
    group = []
    for rows in tables:
        table = rows.table
        columns = [_csvw_column(c) for c in table.columns]
        columns.append({"name": "type", "virtual": True, "propertyUrl": "rdf:type", "valueUrl": table.rdf_type})
        group.append({
            "url": f"{table.name}.csv", "dc:title": table.title, "dc:description": table.description,
            "dc:source": table.source,
            "tableSchema": {"columns": columns, "aboutUrl": table.about, "primaryKey": "id",
                            "foreignKeys": [{"columnReference": c.name,
                                             "reference": {"resource": f"{c.references}.csv", "columnReference": "id"}}
                                            for c in table.columns if c.references]},
        })
    return {"@context": "http://www.w3.org/ns/csvw", "dc:title": "gdegraph tables",
            "dc:license": {"@id": LICENSES[0]["path"]}, "tables": group}


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def table_files(tables: list[TableRows], version: str) -> dict[str, bytes]:
    """``<table>.csv`` for each table, ``datapackage.json`` and ``csv-metadata.json``."""
    files = {f"{rows.table.name}.csv": csv_bytes(rows) for rows in tables}
    files[PACKAGE_FILE] = _json(data_package(tables, version))
    files[CSVW_FILE] = _json(csvw_metadata(tables))
    return files
