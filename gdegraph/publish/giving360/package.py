"""The 360Giving data package and the files it is published as.

Grants are sorted by id and conflicting accounts of the same money are
linked by ``relatedActivity``; what could not become a grant is listed with
the reason, so nothing is dropped silently.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from gdegraph.core.errors import ValidationFailed
from gdegraph.publish.giving360.award import Award, recipients
from gdegraph.publish.giving360.grantnav_csv import to_csv
from gdegraph.publish.giving360.grants import to_grant
from gdegraph.publish.giving360.graph_values import GDE, label
from gdegraph.publish.giving360.schema import validate_package

PACKAGE_FILE = "awards-360giving.json"
CSV_FILE = "awards-360giving.csv"
TITLES = {PACKAGE_FILE: "Funding awards to trusts as a 360Giving data package (JSON)",
          CSV_FILE: "Funding awards to trusts as flattened 360Giving data (CSV, GrantNav columns)"}
STANDARD_VERSION = "1.4"


def grants_package(ds: Any, *, release: Literal | None = None,
                   download_base: str = "") -> dict[str, Any]:
    """The 360Giving package: grants sorted by id, plus what was left out and why.

    ``ds`` is the build's pyoxigraph store (read through a
    :class:`~gdegraph.sources.store_graph.StoreGraph`), an rdflib Dataset or a graph.
    """
    from gdegraph.sources.dataset import union

    g = union(ds)
    grants: dict[str, dict[str, Any]] = {}
    by_award: dict[URIRef, dict[URIRef, str]] = {}
    excluded, skipped = [], []
    for award_iri in sorted(g.subjects(RDF.type, GDE.FundingAward)):
        award = Award(award_iri, g)
        receivers, how = recipients(award)
        if not receivers:
            excluded.append({"award": str(award_iri), "title": label(g, award_iri), "reason": how})
        for trust, membership in receivers:
            grant = to_grant(award, trust, membership, how)
            if isinstance(grant, str):
                skipped.append({"award": str(award_iri), "recipient": str(trust), "name": label(g, trust),
                                "reason": grant})
                continue
            grants[grant["id"]] = grant
            by_award.setdefault(award_iri, {})[trust] = grant["id"]
    for award_iri, per_trust in by_award.items():
        related = {o for p in (GDE.conflictsWith, GDE.correctedBy, GDE.corrects) for o in g.objects(award_iri, p)}
        related |= set(g.subjects(GDE.conflictsWith, award_iri))
        for trust, grant_id in per_trust.items():
            ids = sorted(by_award[o][trust] for o in related if trust in by_award.get(o, {}))
            if ids:
                grants[grant_id]["relatedActivity"] = ids
    package: dict[str, Any] = {
        "grants": [grants[k] for k in sorted(grants)],
        "version": STANDARD_VERSION,
        "title": "gdegraph: funding awards to NHS trusts in England's digital programmes",
        "description": (
            "Awards to NHS trusts announced for the Global Digital Exemplar, fast follower and Digital "
            "Aspirant programmes, as reported in trade-press articles and curated in the gdegraph knowledge "
            "graph. One grant per award per identifiable trust; awards per recipient to a tier or wave are "
            "expanded to its member trusts. 'Up to' amounts are maxima; award dates with only a month or "
            "year are the first day of it (see each grant's description and classifications). Grants "
            "linked by relatedActivity are conflicting accounts of the same money: do not add them up. "
            "excludedAwards and skippedRecipients list what is not here and why. Trust names: NHS ODS, "
            "Open Government Licence v3.0."),
        "identifier": "gdegraph-awards-360giving",
        "publisher": {"name": "gdegraph contributors"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "excludedAwards": excluded,
        "skippedRecipients": skipped,
    }
    if release is not None and release.datatype == XSD.date:
        package["issued"] = package["modified"] = str(release)
    if download_base:
        package["downloadURL"] = download_base + PACKAGE_FILE
    return package


def package_files(ds: Any, *, release: Literal | None = None,
                  download_base: str = "") -> dict[str, bytes]:
    """``awards-360giving.json`` and ``.csv``; refuses to publish a package the schema rejects."""
    package = grants_package(ds, release=release, download_base=download_base)
    errors = validate_package(package)
    if errors:
        raise ValidationFailed("\n".join(errors), "the 360Giving package does not match its schema")
    text = json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return {PACKAGE_FILE: text.encode("utf-8"), CSV_FILE: to_csv(package)}
