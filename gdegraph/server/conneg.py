"""Content negotiation: pick a representation from an ``Accept`` header.

The ``Accept`` parsing (media ranges, ``q`` values, specificity: ``text/turtle``
beats ``text/*`` beats ``*/*``, ``q=0`` means "not this") is python-mimeparse's,
a small, long-lived library maintained by the Falcon project, rather than a
parser of our own. This module only adds gdegraph's rules around it:

* offers are given in gdegraph's order of preference, and a tie goes to the
  earlier one (mimeparse itself prefers the later one, so the list is
  reversed for it);
* no ``Accept`` header, an empty one, or one mimeparse cannot parse means
  "anything", so the first offer is served (RFC 9110 12.5.1 allows that);
* nothing acceptable gives ``None``, which callers answer with 406.

What the media types *are* comes from :mod:`gdegraph.core.mediatypes` (RDF) and
from pyoxigraph's ``QueryResultsFormat`` (SPARQL results), never from a list here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mimeparse

from gdegraph.core import mediatypes

__all__ = ["Offer", "negotiate", "rdf_offers", "results_offers"]

HTML = "text/html"


@dataclass(frozen=True)
class Offer:
    """A media type a client may ask for, and what it stands for (a format object or a name)."""

    media_type: str
    target: Any


def negotiate(accept: str | None, offers: Sequence[Offer]) -> Offer | None:
    """The offer the header prefers (first offer on a tie or without a header), or None."""
    if not offers:
        return None
    if accept is None or not accept.strip():
        return offers[0]
    try:
        best = mimeparse.best_match([o.media_type for o in reversed(offers)], accept)
    except (ValueError, IndexError, mimeparse.MimeTypeParseException):
        return offers[0]
    return next((o for o in offers if o.media_type == best), None) if best else None


def rdf_offers(formats: Sequence[mediatypes.FileFormat], html: Any = None) -> list[Offer]:
    """HTML first (when ``html`` is given), then each format's media type and its aliases."""
    offers = [Offer(HTML, html)] if html is not None else []
    for fmt in formats:
        offers += [Offer(mt, fmt) for mt in (fmt.media_type, *fmt.media_type_aliases)]
    return offers


def results_offers() -> list[Offer]:
    """SPARQL result formats for SELECT and ASK, JSON first (as most clients expect)."""
    from pyoxigraph import QueryResultsFormat as F

    offers = []
    for fmt, aliases in ((F.JSON, ("application/json",)), (F.XML, ("application/xml", "text/xml")),
                         (F.CSV, ()), (F.TSV, ())):
        offers += [Offer(mt.split(";")[0].strip(), fmt) for mt in (fmt.media_type, *aliases)]
    return offers
