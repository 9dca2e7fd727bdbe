"""The graph as flat tables, for people who work in spreadsheets, pandas and Datasette, not SPARQL.

Each :class:`Table` is one SPARQL SELECT over the built store (the same
statements the RDF dumps hold) and a description of its columns: the CSV
column name, its type, and how it maps back to the RDF -- the subject is
``about`` (an IRI template over the row's ``id``), a column with ``property``
states that property of the subject, and a column with ``value`` holds the key
of an IRI (the template rebuilds it). Columns derived through a path (a
concept's notation, a count) have no ``property`` and say so in their
description. :mod:`gdegraph.publish.csvw` turns these descriptions into CSVW
and Frictionless metadata, :mod:`gdegraph.publish.sqlite_db` into a SQLite
database; both read the rows computed here once.

IRIs are shortened to their key after ``/id/<kind>/`` so that a cell reads
``RM3`` or ``seed-001`` rather than a URL; a multi-valued column joins its
values with a space (CSVW ``separator``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gdegraph.model import iris
from gdegraph.model.jsonld_context import PREFIXES

__all__ = ["Column", "TABLES", "Table", "TableRows", "table_rows"]

#: The published prefixes the table queries use (the same namespaces as the dumps).
_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("gde", "skos", "rdfs", "prov", "schema", "dcterms", "xsd"))


#: Projection of a table's sources column: the keys of every source its row is derived from.
_SOURCES = '(GROUP_CONCAT(DISTINCT ?s; separator=" ") AS ?sources)'


def _derived(var: str) -> str:
    """SPARQL: bind ``?s`` to the key of each source ``?var`` is derived from (for :data:`_SOURCES`)."""
    return f"OPTIONAL {{ ?{var} prov:wasDerivedFrom ?src BIND ({_key('src', 'source')} AS ?s) }}"


def _key(var: str, kind: str) -> str:
    """SPARQL: the key of ``?var`` after ``/id/<kind>/`` (empty if it is not such an IRI)."""
    return f'STRAFTER(STR(?{var}), "{iris.ID}{kind}/")'


@dataclass(frozen=True)
class Column:
    """One column: name, type (Frictionless/CSVW datatype) and its mapping back to RDF."""

    name: str
    title: str
    datatype: str = "string"  #: string, integer, number, date
    property: str | None = None  #: the property's full IRI (CSVW propertyUrl)
    value: str | None = None  #: IRI template of the value (CSVW valueUrl), ``{name}`` the cell
    separator: str | None = None  #: multi-valued: the values joined by this
    references: str | None = None  #: foreign key: the table whose ``id`` this column holds
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One flat table: the query that fills it and what its columns mean."""

    name: str
    title: str
    description: str
    about: str  #: IRI template of each row's subject, over ``{id}``
    rdf_type: str  #: the class every row's subject has
    query: str
    columns: tuple[Column, ...]
    fts: tuple[str, ...] = ()  #: columns searched by full-text search in SQLite
    source: str = "the curated graph (data/*.ttl) and the NHS ODS reference files"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _concept(name: str, title: str, prop: str, description: str) -> Column:
    return Column(name, title, property=iris.DEF + prop, value=iris.ID + "concept/{" + name + "}",
                  description=description + " (a SKOS concept; the cell is its key after /id/concept/)")


def _sources(description: str = "the sources the statement was derived from") -> Column:
    return Column("sources", "Sources", property="http://www.w3.org/ns/prov#wasDerivedFrom",
                  value=iris.ID + "source/{sources}", separator=" ", description=description + " (keys of the sources table)")


def _id(kind: str) -> Column:
    return Column("id", "Key", description=f"Key of the resource after /id/{kind}/ (the row's subject IRI is built from it)")


def _trust(name: str, title: str, prop: str, description: str) -> Column:
    return Column(name, title, property=iris.DEF + prop, value=iris.ID + "trust/{" + name + "}", references="trusts",
                  description=description + " (key of the trusts table)")


def _programme() -> Column:
    return Column("programme", "Programme", property=iris.DEF + "inProgramme", value=iris.ID + "programme/{programme}",
                  description="the programme (its key after /id/programme/)")

TABLES: tuple[Table, ...] = (
    Table(
        "trusts", "NHS trusts",
        "Every trust in the graph: the ones the articles name, their predecessors and successors.",
        iris.ID + "trust/{id}", iris.DEF + "Trust",
        _PREFIXES + f"""SELECT ?id ?ods_code ?name ?official_name_2016 ?region WHERE {{
  ?t a gde:Trust .
  OPTIONAL {{ ?t gde:odsCode ?ods_code }}
  OPTIONAL {{ ?t skos:prefLabel ?name }}
  OPTIONAL {{ ?t gde:officialName ?record . ?record gde:asOf "2016"^^xsd:gYear ; gde:nameText ?official_name_2016 }}
  OPTIONAL {{ ?t gde:nhsRegion ?r }}
  BIND ({_key("t", "trust")} AS ?id) BIND ({_key("r", "region")} AS ?region)
}} ORDER BY ?id""",
        (_id("trust"),
         Column("ods_code", "ODS code", property=iris.DEF + "odsCode", description="NHS ODS organisation code"),
         Column("name", "Name", property="http://www.w3.org/2004/02/skos/core#prefLabel",
                description="the preferred name"),
         Column("official_name_2016", "Official name in 2016",
                description="gde:officialName/gde:nameText of the 2016 ODS record (a path: no single property)"),
         Column("region", "NHS England region", property=iris.DEF + "nhsRegion", value=iris.ID + "region/{region}",
                description="region code of the ODS record")),
        fts=("name", "official_name_2016"),
    ),
    Table(
        "memberships", "Programme memberships",
        "Each trust's membership of a programme, wave or tier, with its role and status.",
        iris.ID + "membership/{id}", iris.DEF + "ProgrammeMembership",
        _PREFIXES + f"""SELECT ?id ?trust ?programme ?wave ?role ?status {_SOURCES}
WHERE {{
  ?m a gde:ProgrammeMembership ; gde:member ?t ; gde:role ?ro ; gde:status ?st .
  ?t a gde:Trust .
  OPTIONAL {{ ?m gde:inProgramme ?p }} OPTIONAL {{ ?m gde:inWave ?w }}
  {_derived("m")}
  BIND ({_key("m", "membership")} AS ?id) BIND ({_key("t", "trust")} AS ?trust)
  BIND ({_key("p", "programme")} AS ?programme) BIND ({_key("w", "wave")} AS ?wave)
  BIND ({_key("ro", "concept")} AS ?role) BIND ({_key("st", "concept")} AS ?status)
}} GROUP BY ?id ?trust ?programme ?wave ?role ?status ORDER BY ?id""",
        (_id("membership"),
         _trust("trust", "Trust", "member", "the member trust"),
         _programme(),
         Column("wave", "Wave", property=iris.DEF + "inWave", value=iris.ID + "wave/{wave}", description="the wave, if any"),
         _concept("role", "Role", "role", "the trust's role"),
         _concept("status", "Status", "status", "announced, proposed, implied or disputed"),
         _sources()),
    ),
    Table(
        "pairings", "Exemplar-follower pairings",
        "Each Global Digital Exemplar paired with a fast follower, with the pairing's status and sources.",
        iris.ID + "pairing/{id}", iris.DEF + "Pairing",
        _PREFIXES + f"""SELECT ?id ?exemplar ?follower ?programme ?sector ?status {_SOURCES}
WHERE {{
  ?x a gde:Pairing ; gde:exemplar ?e ; gde:follower ?f ; gde:status ?st .
  OPTIONAL {{ ?x gde:inProgramme ?p }} OPTIONAL {{ ?x gde:sector ?se }}
  {_derived("x")}
  BIND ({_key("x", "pairing")} AS ?id) BIND ({_key("e", "trust")} AS ?exemplar) BIND ({_key("f", "trust")} AS ?follower)
  BIND ({_key("p", "programme")} AS ?programme) BIND ({_key("se", "concept")} AS ?sector)
  BIND ({_key("st", "concept")} AS ?status)
}} GROUP BY ?id ?exemplar ?follower ?programme ?sector ?status ORDER BY ?id""",
        (_id("pairing"),
         _trust("exemplar", "Exemplar", "exemplar", "the exemplar trust"),
         _trust("follower", "Fast follower", "follower", "the fast follower trust"),
         _programme(),
         _concept("sector", "Sector", "sector", "acute or mental health"),
         _concept("status", "Status", "status", "announced, proposed or disputed"),
         _sources()),
    ),
    Table(
        "awards", "Funding awards",
        "Each funding figure as its source states it: amount, whether exact or a bound, central or local match.",
        iris.ID + "award/{id}", iris.DEF + "FundingAward",
        _PREFIXES + f"""SELECT ?id ?recipient ?amount ?minimum_amount ?qualifier ?funding_type ?allocation ?programme ?status
       {_SOURCES}
WHERE {{
  ?a a gde:FundingAward ; gde:recipient ?rec ; schema:amount ?amt ; gde:status ?st .
  OPTIONAL {{ ?a gde:minimumAmount ?min }} OPTIONAL {{ ?a gde:amountQualifier ?q }}
  OPTIONAL {{ ?a gde:fundingType ?ft }} OPTIONAL {{ ?a gde:allocation ?al }} OPTIONAL {{ ?a gde:inProgramme ?p }}
  {_derived("a")}
  BIND ({_key("a", "award")} AS ?id) BIND (STRAFTER(STR(?rec), "{iris.ID}") AS ?recipient)
  BIND (STR(?amt) AS ?amount) BIND (STR(?min) AS ?minimum_amount)
  BIND ({_key("q", "concept")} AS ?qualifier) BIND ({_key("ft", "concept")} AS ?funding_type)
  BIND ({_key("al", "concept")} AS ?allocation) BIND ({_key("p", "programme")} AS ?programme)
  BIND ({_key("st", "concept")} AS ?status)
}} GROUP BY ?id ?recipient ?amount ?minimum_amount ?qualifier ?funding_type ?allocation ?programme ?status
ORDER BY ?id""",
        (_id("award"),
         Column("recipient", "Recipient", property=iris.DEF + "recipient", value=iris.ID + "{+recipient}",
                description="who receives it: a trust, wave or tier (its IRI after /id/, e.g. trust/RM3)"),
         Column("amount", "Amount (GBP)", "number", property="https://schema.org/amount",
                description="the amount in pounds as stated"),
         Column("minimum_amount", "Minimum amount (GBP)", "number", property=iris.DEF + "minimumAmount",
                description="the lower bound, for a range"),
         _concept("qualifier", "Qualifier", "amountQualifier", "exact, maximum ('up to'), minimum or range"),
         _concept("funding_type", "Funding type", "fundingType", "central funding or local match"),
         _concept("allocation", "Allocation", "allocation", "per recipient or in total"),
         _programme(),
         _concept("status", "Status", "status", "as the source states it"),
         _sources()),
    ),
    Table(
        "claims", "Claims and conflicts",
        "Quantitative, disputed or corrected statements in their sources' words, linked to what corrects them.",
        iris.ID + "claim/{id}", iris.DEF + "Claim",
        _PREFIXES + f"""SELECT ?id ?label ?status ?amount (GROUP_CONCAT(DISTINCT ?q; separator=" | ") AS ?quote)
       ?corrected_by ?correction_date {_SOURCES}
WHERE {{
  ?c a gde:Claim ; gde:status ?st .
  OPTIONAL {{ ?c rdfs:label ?label }} OPTIONAL {{ ?c schema:amount ?amt }} OPTIONAL {{ ?c gde:quote ?q }}
  OPTIONAL {{ ?c gde:correctedBy ?cb }} OPTIONAL {{ ?c gde:correctionDate ?cd }}
  {_derived("c")}
  BIND ({_key("c", "claim")} AS ?id) BIND ({_key("st", "concept")} AS ?status)
  BIND (STR(?amt) AS ?amount) BIND ({_key("cb", "claim")} AS ?corrected_by) BIND (STR(?cd) AS ?correction_date)
}} GROUP BY ?id ?label ?status ?amount ?corrected_by ?correction_date ORDER BY ?id""",
        (_id("claim"),
         Column("label", "Claim", property="http://www.w3.org/2000/01/rdf-schema#label", description="the claim in brief"),
         _concept("status", "Status", "status", "announced, disputed, corrected and so on"),
         Column("amount", "Amount (GBP)", "number", property="https://schema.org/amount", description="the sum claimed"),
         Column("quote", "Quote", property=iris.DEF + "quote", separator=" | ",
                description="the source's words (short quotations; a claim made in several sources has one each, joined by ' | ')"),
         Column("corrected_by", "Corrected by", property=iris.DEF + "correctedBy", value=iris.ID + "claim/{corrected_by}",
                references="claims", description="the claim that corrects this one (key of this table)"),
         Column("correction_date", "Correction date", "date", property=iris.DEF + "correctionDate",
                description="when the correction was made"),
         _sources()),
        fts=("label", "quote"),
    ),
    Table(
        "sources", "Sources",
        "The articles and reference files every statement is derived from.",
        iris.ID + "source/{id}", iris.DEF + "Source",
        _PREFIXES + f"""SELECT ?id ?title ?issued ?local_file (COUNT(DISTINCT ?statement) AS ?statements) WHERE {{
  ?src a gde:Source .
  OPTIONAL {{ ?src dcterms:title ?title }} OPTIONAL {{ ?src dcterms:issued ?iss }} OPTIONAL {{ ?src gde:localFile ?local_file }}
  OPTIONAL {{ ?statement prov:wasDerivedFrom ?src }}
  BIND ({_key("src", "source")} AS ?id) BIND (STR(?iss) AS ?issued)
}} GROUP BY ?id ?title ?issued ?local_file ORDER BY ?id""",
        (_id("source"),
         Column("title", "Title", property="http://purl.org/dc/terms/title", description="the article's headline or the file's title"),
         Column("issued", "Issued", property="http://purl.org/dc/terms/issued", description="publication date (YYYY, YYYY-MM or YYYY-MM-DD)"),
         Column("local_file", "File in the shared folder", property=iris.DEF + "localFile",
                description="where the source's copy is kept"),
         Column("statements", "Statements", "integer",
                description="how many resources are derived from it (a count: no property)")),
        fts=("title",),
    ),
)


@dataclass
class TableRows:
    """A table's rows as strings ('' for unbound), in the order of its columns."""

    table: Table
    rows: list[list[str]] = field(default_factory=list)


def _text(term: Any) -> str:
    return "" if term is None else str(term.value)


def table_rows(store: Any, tables: tuple[Table, ...] = TABLES) -> list[TableRows]:
    """Every table's rows from ``store`` (a :class:`gdegraph.store.factory.QueryStore`)."""
    result = []
    for table in tables:
        answer = store.select(table.query)
        if answer.variables != table.column_names:
            raise AssertionError(f"table {table.name}: the query selects {answer.variables}, "
                                 f"the columns are {table.column_names}")
        rows = [[_text(v) for v in row] for row in answer.rows]
        for i, column in enumerate(table.columns):
            if column.separator:  # GROUP_CONCAT's order is the engine's: sort for reproducible files
                for row in rows:
                    row[i] = column.separator.join(sorted(set(filter(None, row[i].split(column.separator)))))
        result.append(TableRows(table, sorted(rows)))
    return result
