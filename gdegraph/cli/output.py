"""``--format table|json|csv`` for every command that prints figures, the same way.

``table`` is the command's report for people (``text`` is still accepted for
it); ``json`` is the same figures as JSON with real numbers and stable keys
(sorted, so two runs diff cleanly); ``csv`` is one row per figure, flattened
from the JSON (``key`` is the path of the figure, ``value`` the figure), so a
spreadsheet can take any command's output. Imports only click and the
standard library: the command line stays quick to start.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from gdegraph.cli.options import _F

__all__ = ["FORMATS", "flatten", "format_option", "to_csv", "to_json"]

FORMATS = ("table", "json", "csv")


def _normalise(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return "table" if value == "text" else value


def format_option(help: str = "Output format: table for people, json or csv for tools.") -> Callable[[_F], _F]:  # noqa: A002
    """``--format table|json|csv`` (``text`` is an alias of ``table``)."""
    return click.option("--format", "fmt", type=click.Choice([*FORMATS, "text"]), default="table",
                        show_default=True, callback=_normalise, help=help)


def to_json(data: Any) -> str:
    """JSON with sorted keys and two-space indents, non-ASCII kept as it is."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


def flatten(data: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """``(path, value)`` for every scalar in nested dicts and lists: ``counts.pairings``, ``fates.0.code``."""
    if isinstance(data, dict):
        for key in sorted(data, key=str):
            yield from flatten(data[key], f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, (list, tuple)):
        for i, item in enumerate(data):
            yield from flatten(item, f"{prefix}.{i}" if prefix else str(i))
    else:
        yield prefix, data


def to_csv(rows: Iterable[Sequence[Any]], header: Sequence[str]) -> str:
    """RFC 4180 CSV with a header row; None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()
