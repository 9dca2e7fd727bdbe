"""schema.org for trust pages: what a search engine reads from a trust's page.

A trust page embeds a ``MedicalOrganization`` (name, other names, ODS code, dates, postcode,
coordinates, the ODS record) as JSON-LD, so the page says in a standard vocabulary what it
shows; :meth:`gdegraph.site.views.Views.schema_org` puts it on the page.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import NamedNode

from gdegraph.model import iris
from gdegraph.model.jsonld_context import json_text
from gdegraph.site.labels import GEO, RDFS, SCHEMA, SKOS
from gdegraph.site.model import Model

__all__ = ["trust_json_ld"]


def trust_json_ld(m: Model, iri: NamedNode) -> str:
    """schema.org JSON-LD for a trust page, safe to embed in a ``<script>`` element."""
    doc: dict[str, Any] = {"@context": "https://schema.org", "@type": "MedicalOrganization",
                           "@id": iri.value, "name": m.label(iri)}
    alternates = sorted({v.value for v in m.objects(iri, SKOS + "altLabel")} - {doc["name"]})
    if alternates:
        doc["alternateName"] = alternates
    code = m.first(iri, iris.DEF + "odsCode")
    if code is not None:
        doc["identifier"] = {"@type": "PropertyValue", "propertyID": "NHS ODS code", "value": code.value}
    for prop, key in ((SCHEMA + "foundingDate", "foundingDate"), (SCHEMA + "dissolutionDate", "dissolutionDate"),
                      (iris.DEF + "odsOpenDate", "foundingDate"), (iris.DEF + "odsCloseDate", "dissolutionDate")):
        if key not in doc and (date := m.first(iri, prop)) is not None:
            doc[key] = date.value
    postcode = m.first(iri, SCHEMA + "postalCode")
    if postcode is not None:
        doc["address"] = {"@type": "PostalAddress", "postalCode": postcode.value, "addressCountry": "GB"}
    location = m.first(iri, GEO + "location")
    lat, long = (m.first(location, GEO + p) if location is not None else None for p in ("lat", "long"))
    if lat is not None and long is not None:
        doc["geo"] = {"@type": "GeoCoordinates", "latitude": lat.value, "longitude": long.value}
    same_as = [s.value for s in m.objects(iri, RDFS + "seeAlso") if isinstance(s, NamedNode)]
    if same_as:
        doc["sameAs"] = same_as
    text = json_text(doc)  # json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True), faster
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
