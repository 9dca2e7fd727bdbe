"""The one place that mints IRIs.

Every IRI in the graph is built here so the IRI policy (README, "IRI policy")
is enforced in code: ontology terms live under ``def#``, instances under
``id/{kind}/{key}``, named graphs under ``graph/{key}``. A trust's key is its
ODS code (upper case, as NHS ODS publishes it); every other key is a stable
lower-case slug.
"""

from __future__ import annotations

import re
import unicodedata

BASE = "https://w3id.org/gdegraph/"
DEF = BASE + "def#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"

#: Kinds of instance resource. A new kind is a policy decision: add it here.
KINDS = frozenset(
    {
        "trust",  # NHS trusts, keyed by ODS code
        "organisation",  # funders, councils, charities, partnerships
        "collaboration",  # org:OrganizationalCollaboration of joint recipients (two trusts named as one exemplar)
        "status-change",  # gde:StatusChange: one dated step of a statement's status (asof's term)
        "conflict",  # gde:Conflict: statements that cannot all be true (asof's term)
        "programme",
        "wave",
        "tier",
        "membership",
        "pairing",
        "award",
        "claim",
        "source",
        "event",
        "milestone",
        "expectation",
        "change",  # org:ChangeEvent (mergers, acquisitions)
        "name",  # a dated official name of a trust
        "location",
        "region",
        "concept",  # SKOS concepts (sector, status, role, ...)
        "scheme",  # SKOS concept schemes
        "person",
        "document",
        "dataset",  # the published dataset (VoID/DCAT description)
        "distribution",  # one downloadable dump file
        "partition",  # VoID class/property partitions
        "activity",  # prov:Activity of a gdegraph command run (derived results)
        "measurement",  # derived figures (e.g. a pairing's distance)
        "status-change",  # one dated step of a statement's status history: {kind}-{key}-{n}
        "conflict",  # statements that disagree, linked as one conflict
        "rule",  # gde:InferenceRule: how the build derives what no source states
    }
)

ODS_TRUST_CODE = re.compile(r"^[A-Z0-9]{3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str) -> str:
    """Turn a label into the lower-case ASCII slug used as an IRI key.

    Accents are folded and every run of other characters becomes one hyphen,
    so the same label always gives the same key.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def term(name: str) -> str:
    """IRI of an ontology term (class, property or individual of the ontology)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
        raise ValueError(f"ontology term names are CamelCase or camelCase ASCII: {name!r}")
    return DEF + name


def instance(kind: str, key: str) -> str:
    """IRI of an instance ``id/{kind}/{key}``; the key must already be a valid slug."""
    if kind not in KINDS:
        raise ValueError(f"unknown instance kind {kind!r}; known kinds: {sorted(KINDS)}")
    if kind == "trust" and ODS_TRUST_CODE.fullmatch(key):
        return f"{ID}trust/{key}"
    if not _SLUG.fullmatch(key):
        raise ValueError(f"instance key {key!r} is not a lower-case slug (use slugify())")
    return f"{ID}{kind}/{key}"


def trust(ods_code_or_slug: str) -> str:
    """IRI of a trust: its ODS code when it has one, otherwise an explicit slug."""
    return instance("trust", ods_code_or_slug)


def graph(key: str) -> str:
    """IRI of a named graph (one per source: each seed, the reference data, ...)."""
    if not _SLUG.fullmatch(key):
        raise ValueError(f"graph key {key!r} is not a lower-case slug")
    return GRAPH + key


def ods_page(ods_code: str) -> str:
    """The ODS ORD API page of an organisation, as the reference data README gives it."""
    return f"https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/{ods_code}"


def org_id(ods_code: str) -> str:
    """The org-id.guide identifier of an NHS organisation (prefix ``GB-NHS``)."""
    return f"GB-NHS-{ods_code}"


def status_change(statement_iri: str, n: int) -> str:
    """IRI of the n-th step (1, 2, ... in date order) of a statement's status history.

    ``id/pairing/rba-rxl`` gives ``id/status-change/pairing-rba-rxl-2`` for n = 2: the key
    is the statement's kind and key, so a step's IRI says whose step it is.
    """
    if not statement_iri.startswith(ID) or n < 1:
        raise ValueError(f"not a statement IRI of this graph, or n < 1: {statement_iri!r}, {n}")
    kind, _, key = statement_iri[len(ID):].partition("/")
    return instance("status-change", slugify(f"{kind}-{key}-{n}"))
