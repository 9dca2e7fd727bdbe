"""Faceted class tables: trusts, memberships, pairings and awards, as rows with facet values.

Each table is plain data selected from :class:`~gdegraph.site.facts.Facts`:
columns of cells (text, the site path it links to, a sort key) and, per row,
the facet values it has (programme, role, sector, status, region, year). The
page renders every row, so the table reads without JavaScript; ``facets.js``
filters, counts, sorts and pages it in the browser and keeps the filtered view
in the URL. The same rows are written as ``classes/{Class}.csv``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from gdegraph.model import iris
from gdegraph.site.facts import Facts, Statement

__all__ = ["FACETED", "Cell", "FacetRow", "Table", "csv_bytes", "table"]

#: The classes whose index page is a faceted table, by local name.
FACETED = ("Trust", "ProgrammeMembership", "Pairing", "FundingAward")
FACET_LABELS = {"programme": "Programme", "role": "Role", "sector": "Sector", "status": "Status",
                "region": "Region", "year": "Year"}


@dataclass
class Cell:
    text: str
    path: str | None = None  # site path (no extension) of the page it links to
    sort: str = ""


@dataclass
class FacetRow:
    cells: list[Cell]
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Table:
    name: str
    columns: list[str]
    facets: list[str]
    rows: list[FacetRow]

    def counts(self) -> dict[str, list[tuple[str, int]]]:
        """Rows per facet value over the whole table (the page's starting counts)."""
        found: dict[str, dict[str, int]] = {f: {} for f in self.facets}
        for row in self.rows:
            for facet in self.facets:
                for value in row.facets.get(facet, []):
                    found[facet][value] = found[facet].get(value, 0) + 1
        return {f: sorted(v.items(), key=lambda kv: (kv[0] == "unknown", kv[0].lower())) for f, v in found.items()}


def _uniq(values: list[str]) -> list[str]:
    return sorted({v for v in values if v}, key=lambda v: (v.lower(), v)) or ["unknown"]


class _Builder:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.model = facts.model

    def node(self, term: NamedNode | None) -> Cell:
        if term is None:
            return Cell("")
        label = self.trust_name(term) if term in self.facts.trusts else self.model.label(term)
        return Cell(label, self.model.path(term), label.lower())

    def trust_name(self, iri: NamedNode) -> str:
        trust = self.facts.trusts[iri]
        return trust.name if trust.named else f"code {trust.code} (no name in the reference files)"

    def region(self, iri: NamedNode) -> str:
        trust = self.facts.trusts.get(iri)
        return self.model.label(trust.region) if trust is not None and trust.region is not None else ""

    def statement_facets(self, statements: list[Statement], regions: list[str]) -> dict[str, list[str]]:
        label = self.facts.label
        return {"programme": _uniq([label(s.programme) for s in statements]),
                "role": _uniq([label(s.role) for s in statements]),
                "sector": _uniq([label(x) for s in statements for x in s.sector]),
                "status": _uniq([label(s.status) for s in statements]),
                "region": _uniq(regions),
                "year": _uniq([s.year for s in statements])}

    def trusts(self) -> Table:
        rows = []
        for trust in self.facts.trusts.values():
            statements = trust.statements
            facets = self.statement_facets(statements, [self.region(trust.iri)])
            facets["role"] = _uniq(self.facts.roles(trust))
            programmes = ", ".join(v for v in facets["programme"] if v != "unknown")
            rows.append(FacetRow([Cell(self.trust_name(trust.iri), self.model.path(trust.iri),
                                       (trust.name if trust.named else "~" + trust.code).lower()),
                                  Cell(trust.code, sort=trust.code), Cell(facets["region"][0].replace("unknown", "")),
                                  Cell(programmes), Cell(", ".join(r for r in facets["role"] if r != "unknown"))],
                                 facets))
        return Table("Trust", ["Trust", "ODS code", "Region", "Programmes", "Roles"], list(FACET_LABELS), rows)

    def memberships(self) -> Table:
        rows = []
        for st in self.facts.memberships:
            member = st.parties[0] if st.parties else None
            facets = self.statement_facets([st], [self.region(p) for p in st.parties])
            rows.append(FacetRow([self.node(member), self.node(st.group), self.node(st.programme), self.node(st.role),
                                  self.node(st.status), Cell(st.year, sort=st.year)], facets))
        return Table("ProgrammeMembership", ["Member", "Tier or wave", "Programme", "Role", "Status", "Year"],
                     list(FACET_LABELS), rows)

    def pairings(self) -> Table:
        rows = []
        for st in self.facts.pairings:
            exemplar, follower = (st.parties + [None, None])[:2]
            facets = self.statement_facets([st], [self.region(p) for p in st.parties])
            del facets["role"]
            rows.append(FacetRow([self.node(exemplar), self.node(follower), self.node(st.programme),
                                  Cell(", ".join(self.model.label(s) for s in st.sector)), self.node(st.status),
                                  Cell(st.year, sort=st.year), Cell("pairing", self.model.path(st.iri))], facets))
        return Table("Pairing", ["Exemplar", "Fast follower", "Programme", "Sector", "Status", "Year", "Statement"],
                     [f for f in FACET_LABELS if f != "role"], rows)

    def awards(self) -> Table:
        rows = []
        for st in self.facts.awards:
            amount = self.model.first(st.iri, "https://schema.org/amount")
            value = float(amount.value) if amount is not None else 0.0
            money = f"£{value / 1e6:g}m" if value >= 1e6 else (f"£{value:,.0f}" if amount is not None else "")
            facets = self.statement_facets([st], [self.region(p) for p in st.parties])
            del facets["role"], facets["region"]
            rows.append(FacetRow([Cell(st.label, self.model.path(st.iri), st.label.lower()),
                                  Cell(money, sort=f"{value:020.2f}"),
                                  Cell(", ".join(self.node(p).text for p in st.parties)),
                                  self.node(st.programme), self.node(st.status), Cell(st.year, sort=st.year)], facets))
        return Table("FundingAward", ["Award", "Amount", "Recipient", "Programme", "Status", "Year"],
                     ["programme", "sector", "status", "year"], rows)


def table(facts: Facts, cls: NamedNode) -> Table | None:
    """The faceted table of ``cls``, or None when its index page is a plain list."""
    name = cls.value[len(iris.DEF):] if cls.value.startswith(iris.DEF) else ""
    builder = _Builder(facts)
    make = {"Trust": builder.trusts, "ProgrammeMembership": builder.memberships, "Pairing": builder.pairings,
            "FundingAward": builder.awards}.get(name)
    if make is None:
        return None
    made = make()
    made.rows.sort(key=lambda r: [c.sort or c.text.lower() for c in r.cells])
    return made


def csv_bytes(made: Table, iri_of: dict[str, str]) -> bytes:
    """The table as CSV (UTF-8, a header row), each linked cell followed by its IRI column."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    linked = [any(r.cells[i].path for r in made.rows) for i in range(len(made.columns))]
    header: list[str] = []
    for name, has_link in zip(made.columns, linked):
        header += [name, f"{name} IRI"] if has_link else [name]
    writer.writerow(header)
    for row in made.rows:
        line: list[str] = []
        for cell, has_link in zip(row.cells, linked):
            line += [cell.text, iri_of.get(cell.path or "", "")] if has_link else [cell.text]
        writer.writerow(line)
    return out.getvalue().encode("utf-8")
