"""The release's date, which is never read from the clock, so two builds of one input are identical."""

from __future__ import annotations

import calendar
import os
import re
from datetime import datetime, timezone

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import DCTERMS, XSD

from gdegraph.publish.dataset_description.terms import GDE, SOURCE_SPACE
from gdegraph.core.errors import InputError

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _typed_date(text: str) -> Literal:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as an xsd:gYear, xsd:gYearMonth or xsd:date literal."""
    match = _DATE.match(text.strip())
    if not match:
        raise InputError(f"release date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        datetime(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise InputError(f"release date {text!r} is not a calendar date") from None
    datatype = XSD.date if day else XSD.gYearMonth if month else XSD.gYear
    return Literal(text.strip(), datatype=datatype)


def _period_end(value: Literal) -> tuple[str, int]:
    """Sort key of a date of any precision: the last day it covers, then its precision."""
    year, month, day = _DATE.match(str(value)).groups()  # type: ignore[union-attr]
    month_ = int(month or 12)
    day_ = int(day or calendar.monthrange(int(year), month_)[1])
    return f"{year}-{month_:02d}-{day_:02d}", len(str(value))


def release_date(ds: Dataset | Graph, explicit: str | None = None) -> Literal:
    """The release's date: ``explicit``, else ``$SOURCE_DATE_EPOCH``, else the newest source date.

    Never the wall clock, so two builds of the same input are identical. The
    newest source date keeps the precision its source gives (a year, a month
    or a day), which DCAT allows for ``dcterms:issued``.
    """
    if explicit:
        return _typed_date(explicit)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            day = datetime.fromtimestamp(int(epoch), tz=timezone.utc).date().isoformat()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from None
        return Literal(day, datatype=XSD.date)
    from gdegraph.sources.dataset import union

    graph = union(ds)  # three indexed patterns, not a scan of every triple
    found = [o for p in (DCTERMS.issued, DCTERMS.modified, GDE.asOf) for s, o in graph.subject_objects(p)
             if str(s).startswith(SOURCE_SPACE) and isinstance(o, Literal) and _DATE.match(str(o))]
    if not found:
        raise InputError("no source in the graph has a date, so the release date is unknown",
                         hint="pass --release-date YYYY-MM-DD or set SOURCE_DATE_EPOCH")
    return _typed_date(str(max(found, key=_period_end)))
