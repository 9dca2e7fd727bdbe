"""Human names for the terms of other vocabularies that gdegraph reuses.

The ontology labels its own terms (``rdfs:label``), so pages read "fast
follower" rather than ``gde:follower``. Terms reused from RDF, RDFS, SKOS,
PROV, ORG, DCTERMS, schema.org and W3C Geo carry no label in the graph, and a
page that says ``prov:wasDerivedFrom`` is not written for people; this table
gives each reused term that the data actually uses a short English label.
An unknown term falls back to its compact name (``prefix:local``), which is
still readable and never wrong. Prefixes are the published ones
(:data:`gdegraph.model.jsonld_context.PREFIXES`), so pages, per-resource files and
dumps abbreviate IRIs alike.
"""

from __future__ import annotations

from gdegraph.model.jsonld_context import PREFIXES

RDF, RDFS, XSD, SKOS, OWL, DCTERMS, PROV, ORG, SCHEMA, GEO, DCAT, VANN, VOID = (PREFIXES[prefix] for prefix in (
    "rdf", "rdfs", "xsd", "skos", "owl", "dcterms", "prov", "org", "schema", "geo", "dcat", "vann", "void"))

LABELS: dict[str, str] = {
    RDF + "type": "type",
    RDFS + "label": "label",
    RDFS + "comment": "comment",
    RDFS + "seeAlso": "see also",
    RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of",
    RDFS + "domain": "domain",
    RDFS + "range": "range",
    OWL + "inverseOf": "inverse of",
    OWL + "versionInfo": "version",
    OWL + "versionIRI": "version IRI",
    SKOS + "prefLabel": "name",
    SKOS + "altLabel": "also known as",
    SKOS + "notation": "code",
    SKOS + "definition": "definition",
    SKOS + "editorialNote": "editorial note",
    SKOS + "inScheme": "in scheme",
    SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "top concept",
    SKOS + "broader": "broader concept",
    SKOS + "narrower": "narrower concept",
    SKOS + "Concept": "concept",
    SKOS + "ConceptScheme": "concept scheme",
    DCTERMS + "identifier": "identifier",
    DCTERMS + "isPartOf": "part of",
    DCTERMS + "date": "date",
    DCTERMS + "subject": "subject",
    DCTERMS + "description": "description",
    DCTERMS + "title": "title",
    DCTERMS + "license": "licence",
    DCTERMS + "source": "source",
    DCTERMS + "rights": "rights",
    DCTERMS + "references": "references",
    DCTERMS + "publisher": "publisher",
    DCTERMS + "issued": "published",
    DCTERMS + "modified": "modified",
    DCTERMS + "creator": "creator",
    PROV + "wasDerivedFrom": "derived from",
    PROV + "wasAssociatedWith": "associated with",
    PROV + "wasInformedBy": "informed by",
    PROV + "Entity": "entity (PROV)",
    PROV + "Activity": "activity (PROV)",
    PROV + "Agent": "agent (PROV)",
    ORG + "changedBy": "changed by",
    ORG + "resultedFrom": "resulted from",
    ORG + "originalOrganization": "original organisation",
    ORG + "resultingOrganization": "resulting organisation",
    ORG + "hasMember": "has member",
    ORG + "FormalOrganization": "formal organisation",
    ORG + "ChangeEvent": "organisational change",
    ORG + "OrganizationalCollaboration": "collaboration",
    SCHEMA + "postalCode": "postcode",
    SCHEMA + "foundingDate": "founded",
    SCHEMA + "dissolutionDate": "dissolved",
    SCHEMA + "currency": "currency",
    SCHEMA + "amount": "amount",
    SCHEMA + "recipient": "recipient",
    SCHEMA + "funder": "funder",
    SCHEMA + "name": "name",
    SCHEMA + "jobTitle": "job title",
    SCHEMA + "worksFor": "works for",
    SCHEMA + "superEvent": "part of event",
    SCHEMA + "location": "location",
    SCHEMA + "startDate": "start date",
    SCHEMA + "endDate": "end date",
    SCHEMA + "headline": "headline",
    SCHEMA + "MedicalOrganization": "medical organisation (schema.org)",
    SCHEMA + "GovernmentOrganization": "government organisation (schema.org)",
    SCHEMA + "MonetaryGrant": "monetary grant (schema.org)",
    SCHEMA + "NewsArticle": "news article (schema.org)",
    SCHEMA + "Person": "person",
    SCHEMA + "Event": "event",
    GEO + "lat": "latitude",
    GEO + "long": "longitude",
    GEO + "location": "location",
    GEO + "Point": "point (WGS84)",
    DCAT + "Dataset": "dataset (DCAT)",
    VANN + "preferredNamespacePrefix": "preferred prefix",
    VANN + "preferredNamespaceUri": "namespace",
}

#: Datatypes shown beside a literal's value, in words.
DATATYPES: dict[str, str] = {
    XSD + "date": "date",
    XSD + "gYear": "year",
    XSD + "gYearMonth": "month",
    XSD + "integer": "integer",
    XSD + "decimal": "decimal",
    XSD + "double": "number",
    XSD + "boolean": "yes/no",
    XSD + "anyURI": "URI",
    XSD + "dateTime": "date and time",
}

