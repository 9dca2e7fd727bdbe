"""What the ``resolve`` and ``extract`` commands do, as library functions.

The command line only parses options; these functions load the reference data
and (unless asked not to) the curated trust labels, run the gazetteer or the
extractor, and return the text to print. Bad dates and unreadable files are
:class:`~gdegraph.core.errors.InputError` (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.sources.gazetteer import Gazetteer, parse_date

__all__ = ["curated_graph", "extract_command", "load_gazetteer", "resolve_command"]


def curated_graph(folder: Path | None = None) -> Graph:
    """The curated data (``data/*.ttl``, or ``folder``'s) as one graph; syntax errors are InputErrors."""
    from gdegraph.sources.dataset import data_files
    from gdegraph.sources.loading import parse_turtle_file

    graph = Graph()
    for path in data_files(folder):
        for triple in parse_turtle_file(path):
            graph.add(triple)
    return graph


def load_gazetteer(reference_only: bool = False, curated: Graph | None = None,
                   refdata: Path | None = None) -> Gazetteer:
    """The gazetteer of the reference data, plus the curated labels unless ``reference_only``.

    ``refdata`` is the reference-data folder (default ``refdata/`` in the shared folder,
    which ``--shared`` or ``$GDEGRAPH_SHARED`` can move), so a caller holding another shared
    folder (``gdegraph.resolve(..., shared=...)``) resolves names against its files.
    """
    from gdegraph.sources.refdata_files import load_reference

    ref = load_reference(refdata if refdata is not None else paths.refdata_dir())
    if reference_only:
        return Gazetteer.from_reference(ref)
    return Gazetteer.from_reference(ref, curated if curated is not None else curated_graph())


def _date(text: str | None) -> None:
    if text is None:
        return
    try:
        parse_date(text)
    except ValueError as exc:
        raise InputError(f"bad --date: {exc}", hint="write the date as YYYY, YYYY-MM or YYYY-MM-DD") from None


def resolve_command(name: str, date: str | None = None, reference_only: bool = False, limit: int = 5,
                    fmt: str = "table") -> tuple[str, bool]:
    """The gazetteer's answer for ``name`` as ``fmt`` (table, json or csv), and whether it resolved.

    Only ``resolved`` and ``probable`` count as resolved: the command line exits 1 for
    ``ambiguous``, ``uncertain`` and ``unknown``, so a script cannot take a guess for an answer.
    """
    if not name.strip():
        raise InputError("the name to resolve is empty")
    _date(date)
    gazetteer = load_gazetteer(reference_only)
    result = gazetteer.resolve(name, parse_date(date) if date else None, limit=limit)
    resolved = result.best is not None
    if fmt == "json":
        import json

        return json.dumps(resolution_data(result, limit), indent=2, sort_keys=True, ensure_ascii=False), resolved
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["query", "status", "rank", "code", "name", "score", "method", "matched", "origin", "iri"])
        for rank, c in enumerate(result.candidates[:limit], 1):
            writer.writerow([name, result.status, rank, c.code or "", c.name, round(c.score, 1), c.method, c.matched,
                             c.origin, c.iri])
        return out.getvalue(), resolved
    lines = [result.explain(limit)]
    if result.status == "ambiguous":
        lines.append("not resolved: several trusts are too close to pick one; say which in the text, "
                     "or add a curated skos:altLabel")
    elif result.status == "uncertain":
        lines.append("not resolved: the nearest names are only look-alikes; the trust may have no code "
                     "in the reference data (care trusts are not in these files)")
    elif result.status == "unknown":
        lines.append("not resolved: no trust in the reference data has a similar name "
                     "(a care trust has no code in these files)")
    return "\n".join(lines), resolved


def resolution_data(result: Any, limit: int = 5) -> dict[str, Any]:
    """A :class:`~gdegraph.sources.gazetteer.Resolution` as JSON-ready data with stable keys."""
    return {
        "query": result.query, "date": result.on.isoformat() if result.on else None, "status": result.status,
        "resolved": result.best is not None, "code": result.best.code if result.best else None,
        "candidates": [{"code": c.code, "iri": c.iri, "name": c.name, "score": round(c.score, 1), "method": c.method,
                        "matched": c.matched, "origin": c.origin, "notes": list(c.notes)}
                       for c in result.candidates[:limit]],
    }


def extract_command(article: Path, source_id: str, date: str | None = None, out: Path | None = None,
                    report: Path | None = None, reference_only: bool = False) -> tuple[str, str]:
    """Extract from ``article``; returns (Turtle to print, or "" when written to ``out``; report)."""
    from gdegraph.core.atomic import atomic_write_text
    from gdegraph.curate.extract import candidate_turtle, extract_file, known_structure, review_report

    _date(date)
    curated = curated_graph()
    gazetteer = load_gazetteer(reference_only, curated)
    ex = extract_file(Path(article), gazetteer, source_id, date, known_structure(curated))
    described = any((URIRef(ex.source_iri), RDF.type, URIRef(iris.term(kind))) in curated
                    for kind in ("Source", "NewsArticle", "ReferenceDataset"))
    turtle = candidate_turtle(ex, describe_source=not described)
    text = review_report(ex)
    if out is not None:
        atomic_write_text(out, turtle)
        text += f"wrote {out}\n"
        turtle = ""
    if report is not None:
        atomic_write_text(report, text)
    return turtle, text
