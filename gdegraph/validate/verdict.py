"""The build's verdict: the store built and validated in one step, or a verdict carried from a worker.

``build`` and ``publish`` write only what was validated. ``publish`` validates in a
forked copy of itself while it makes the files, so its verdict crosses a process
boundary as plain data (:func:`store_verdict`) and is turned back into the
:class:`~gdegraph.core.errors.ValidationFailed` it stands for here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gdegraph.core.errors import ValidationFailed
from gdegraph.validate.report import ValidationReport, format_report
from gdegraph.validate.validation import check_engine, validate_dataset, validate_store

__all__ = ["raise_unless_conforms", "store_verdict", "validated_store"]


def store_verdict(store: Any) -> dict[str, Any]:
    """:func:`validate_store`'s verdict as plain data, which can cross from a worker process:
    ``conforms``, the number of ``warnings`` and, if it does not conform, the text ``report``."""
    report = validate_store(store)
    return {"conforms": report.conforms, "warnings": len(report.warnings),
            "report": "" if report.conforms else format_report(report, "text")}


def raise_unless_conforms(verdict: Mapping[str, Any]) -> None:
    """:class:`ValidationFailed` with the report unless the verdict (:func:`store_verdict`) conforms."""
    if not verdict["conforms"]:
        raise ValidationFailed(verdict["report"], "the graph does not validate; nothing was written")


def validated_store(shared: Path | None = None, engine: str = "sparql") -> tuple[Any, ValidationReport]:
    """Build the graph into a pyoxigraph store and validate it, raising :class:`ValidationFailed` if it
    does not conform.

    Shared by ``build`` and ``publish`` so both write exactly what was validated.
    Returns the store and the validation report (for its warnings). ``engine``
    is the SHACL engine: ``"sparql"`` (fast, on the store itself) or
    ``"pyshacl"`` (the reference, on an rdflib copy of the store); see
    :mod:`gdegraph.validate.validation`.
    """
    from gdegraph.core.progress import stage
    from gdegraph.sources.dataset import build_store, dataset_from_store

    check_engine(engine)
    with stage("building the dataset"):
        store = build_store(shared)
    with stage(f"validating (SHACL engine: {engine})"):
        if engine == "sparql":
            report = validate_store(store)
        else:
            report = validate_dataset(dataset_from_store(store), engine=engine)
    if not report.conforms:
        raise ValidationFailed(format_report(report, "text"), "the graph does not validate; nothing was written")
    return store, report
