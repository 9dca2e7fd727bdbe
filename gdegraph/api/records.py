"""The frozen records the public API returns: queries and their parameters, sources, claims, the summary.

All are frozen dataclasses, so ``pandas.DataFrame(kg.claims())`` works and a
record can be a dict key. They are public through :mod:`gdegraph`; this module
is imported only by the calls that build them, which keeps dataclass creation
off the path of ``gdegraph query``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gdegraph.api.types import IRI

__all__ = ["Claim", "PairingAnswer", "QueryInfo", "QueryParam", "Source", "Stats"]


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a library query: pass it as a keyword to :meth:`KnowledgeGraph.query`."""

    name: str
    type: str
    required: bool
    default: str | None
    example: str | None
    description: str


@dataclass(frozen=True)
class QueryInfo:
    """A query of the library (``queries/*.rq``): what it answers, its parameters and its SPARQL."""

    name: str
    title: str
    description: str
    form: str
    params: tuple[QueryParam, ...]
    columns: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Source:
    """A source the graph cites: a seed news article or a reference data file.

    ``issued`` and ``modified`` keep the source's precision (``YYYY``, ``YYYY-MM`` or a
    full date); ``statements`` counts the statements derived from it.
    """

    iri: IRI
    key: str
    kind: str
    title: str | None
    publisher: str | None
    issued: str | None
    modified: str | None
    statements: int
    local_file: str | None


@dataclass(frozen=True)
class Claim:
    """A quantitative, disputed or corrected statement, in its source's words.

    ``about`` is what it is about (an award, a tier, a wave...); ``corrects``,
    ``corrected_by`` and ``conflicts_with`` link it to other claims; ``sources`` are
    source keys such as ``seed-001``.
    """

    iri: IRI
    label: str
    status: str
    quote: str | None
    date: str | None
    about: tuple[IRI, ...]
    sources: tuple[str, ...]
    stated_count: int | None
    amount: Decimal | None
    corrects: tuple[IRI, ...]
    corrected_by: tuple[IRI, ...]
    conflicts_with: tuple[IRI, ...]


@dataclass(frozen=True)
class Stats:
    """The summary ``gdegraph stats`` prints, from :meth:`KnowledgeGraph.stats`.

    ``sections`` maps each section's title ("pairings by sector and status"...) to its rows,
    a row being the labels it counts by and the count: ``(("acute", "announced"), 18)``.
    ``str(stats)`` is the command's text report and :meth:`to_json` its ``--format json``.
    """

    sections: dict[str, tuple[tuple[tuple[str, ...], int], ...]]

    def __str__(self) -> str:
        lines: list[str] = []
        for title, rows in self.sections.items():
            lines.append(title)
            width = max((len(" / ".join(labels)) for labels, _ in rows), default=0)
            lines += [f"  {' / '.join(labels):<{width}}  {count:>4}" for labels, count in rows]
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def to_data(self) -> dict[str, list[dict[str, Any]]]:
        """The sections as JSON-ready data: title -> rows, each ``{"labels": [...], "count": n}``."""
        return {title: [{"labels": list(labels), "count": count} for labels, count in rows]
                for title, rows in self.sections.items()}

    def to_json(self) -> str:
        """:meth:`to_data` as JSON: counts are numbers, keys sorted (stable between runs)."""
        import json

        return json.dumps(self.to_data(), indent=2, sort_keys=True, ensure_ascii=False)

    def to_csv(self) -> str:
        """One row per count: ``section,labels,count`` (labels joined by " / ")."""
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["section", "labels", "count"])
        writer.writerows([title, " / ".join(labels), count] for title, rows in self.sections.items()
                         for labels, count in rows)
        return out.getvalue()


@dataclass(frozen=True)
class PairingAnswer:
    """Whether two trusts are paired, and how firmly (``are-paired``): never a bare yes.

    ``answer`` is "yes" (announced or confirmed), the weaker status itself ("proposed",
    "disputed", "withdrawn", ...) or "no"; ``paired`` is true for a current pairing
    (firm or weak, not disputed, withdrawn or corrected); ``bool(answer)`` is ``paired``.
    """

    answer: str
    paired: bool
    status: str | None
    since: str | None
    sources: tuple[str, ...]
    quote: str | None

    def __bool__(self) -> bool:
        return self.paired
