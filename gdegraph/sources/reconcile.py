"""Matching messy names to the graph's trusts and programmes: the logic of the reconciliation service.

``gdegraph serve`` offers it over HTTP as a W3C Reconciliation Service API
endpoint (:mod:`gdegraph.server.reconcile` speaks the protocol); nothing here
knows about HTTP or JSON, so the same matching can be called from Python.

Trust names are scored by the gazetteer of ``gdegraph resolve``
(:class:`~gdegraph.sources.gazetteer.Gazetteer`, the reference data's names
plus the curated labels), so a name gets the same candidates, scores and
decision in OpenRefine as on the command line. The gazetteer knows every trust
of the ODS files; only those the graph describes are returned, but the others
still count as rivals, so a name that really means a trust outside the graph
is never matched to a look-alike inside it. ``match`` is the gazetteer's
decision (``resolved`` or ``probable``), withdrawn when a property given with
the query (ODS code, NHS region) contradicts the candidate. An ODS code, an
entity id (``trust/RQ6``) or an IRI as the query finds that entity directly.
Programmes, a handful, are compared on their labels with rapidfuzz.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdegraph.core.errors import GdeError, InputError
from gdegraph.model import iris
from gdegraph.sources.gazetteer import (  # _fold: the gazetteer's own case folding
    Gazetteer,
    _fold,
    parse_date,
)

__all__ = ["PROPERTIES", "TYPES", "Candidate", "Entity", "GazetteerUnavailable", "Query", "Reconciler"]

#: Reconciliation types: id -> (name, the class IRI in the graph).
TYPES = {"Trust": ("NHS trust", iris.term("Trust")), "Programme": ("Programme", iris.term("Programme"))}
#: Properties a query may add: id -> (name, description).
PROPERTIES = {
    "odsCode": ("ODS code", "The trust's three-character ODS code, e.g. RQ6; decides between look-alike names."),
    "region": ("NHS region", "The NHS England region's ODS code (national grouping), e.g. Y62."),
    "date": ("Date of the name", ("When the name was used (YYYY, YYYY-MM or YYYY-MM-DD): prefers the trust "
                                  "open then, by the name it had then.")),
}
#: Score taken off a candidate whose ODS code or region contradicts the query's.
CODE_PENALTY, REGION_PENALTY = 40.0, 20.0
PROGRAMME_MATCH, PROGRAMME_MARGIN = 90.0, 6.0
#: Named graphs whose labels are not curated wording (the gazetteer reads those from the files).
_NOT_CURATED = frozenset(iris.graph(k) for k in ("refdata", "build", "inferred", "ontology"))
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PREFIXES = f"PREFIX gde: <{iris.DEF}> PREFIX skos: <{_SKOS}>\n"
_TRUSTS = _PREFIXES + """SELECT ?entity ?name ?code ?region ?closed
       (GROUP_CONCAT(DISTINCT ?programmeName; separator="|") AS ?programmes) WHERE {
  ?entity a gde:Trust ; skos:prefLabel ?name .
  OPTIONAL { ?entity gde:odsCode ?code }
  OPTIONAL { ?entity gde:nhsRegion/skos:notation ?region }
  OPTIONAL { ?entity gde:odsCloseDate ?closed }
  OPTIONAL { ?membership gde:member ?entity ; gde:inProgramme/skos:prefLabel ?programmeName }
} GROUP BY ?entity ?name ?code ?region ?closed"""
_PROGRAMMES = _PREFIXES + """SELECT ?entity ?name (GROUP_CONCAT(DISTINCT ?alt; separator="|") AS ?alts) WHERE {
  ?entity a gde:Programme ; skos:prefLabel ?name .
  OPTIONAL { ?entity skos:altLabel ?alt }
} GROUP BY ?entity ?name"""
_LABELS = f"""SELECT ?g ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (?p IN (<{_SKOS}prefLabel>, <{_SKOS}altLabel>, <{iris.term('identityNote')}>))
  FILTER (STRSTARTS(STR(?s), "{iris.ID}trust/"))
}}"""


class GazetteerUnavailable(GdeError):
    """The reference data the trust names are scored against cannot be read (the service's fault, not the query's)."""


@dataclass(frozen=True)
class Entity:
    """A trust or programme of the graph, as the service shows it."""

    id: str  # the IRI after https://w3id.org/gdegraph/id/, e.g. "trust/RQ6"
    iri: str
    name: str
    type: str  # a key of TYPES
    code: str = ""
    region: str = ""
    closed: str = ""
    programmes: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        """One line telling namesakes apart: code, region, closing date, programmes."""
        bits = [self.code or "", f"region {self.region}" if self.region else "",
                f"closed {self.closed}" if self.closed else "", "; ".join(self.programmes)]
        return " · ".join(b for b in bits if b) or TYPES[self.type][0]


@dataclass(frozen=True)
class Query:
    """One reconciliation query: a name and/or properties, restricted to types, at most ``limit`` answers."""

    text: str = ""
    types: tuple[str, ...] = ()
    limit: int = 5
    properties: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Candidate:
    """An entity a query may mean: score 0-100, the service's decision, and the features behind it."""

    entity: Entity
    score: float
    match: bool
    features: dict[str, float | bool] = field(default_factory=dict)


class Reconciler:
    """The graph's trusts and programmes, with the gazetteer to score trust names against."""

    def __init__(self, entities: Iterable[Entity], gazetteer: Callable[[], Gazetteer]) -> None:
        self.entities = {e.id: e for e in entities}
        self._by_iri = {e.iri: e for e in self.entities.values()}
        self._by_code = {e.code: e for e in self.entities.values() if e.code}
        self._make_gazetteer = gazetteer
        self._gazetteer: Gazetteer | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_store(cls, store: Any, refdata: Path | None = None) -> Reconciler:
        """Entities and curated labels from ``store`` (a :class:`~gdegraph.store.factory.QueryStore`);
        the gazetteer is built from the reference data in ``refdata`` when first needed."""
        entities = [_trust(row) for row in store.select(_TRUSTS).rows]
        entities += [_programme(row) for row in store.select(_PROGRAMMES).rows]
        labels = [tuple(t.value for t in row[1:]) for row in store.select(_LABELS).rows
                  if row[0].value not in _NOT_CURATED]
        return cls(entities, lambda: _gazetteer(labels, refdata))

    @property
    def gazetteer(self) -> Gazetteer:
        """Built once, on the first trust name (a few tenths of a second), by one thread."""
        with self._lock:
            if self._gazetteer is None:
                try:
                    self._gazetteer = self._make_gazetteer()
                except (GdeError, OSError) as exc:
                    raise GazetteerUnavailable(f"the reference data for trust names cannot be read: "
                                               f"{str(exc).splitlines()[0]}") from None
            return self._gazetteer

    def entity(self, key: str) -> Entity | None:
        """The entity with this id (``trust/RQ6``), IRI or ODS code, if the graph has it."""
        key = key.strip()
        return self.entities.get(key) or self._by_iri.get(key) or self._by_code.get(key.upper())

    def reconcile(self, query: Query) -> list[Candidate]:
        """The candidates for ``query``, best first, at most ``query.limit``."""
        for kind in query.types:
            if kind not in TYPES:
                raise InputError(f"unknown type {kind!r}", hint="use " + " or ".join(TYPES))
        props = _properties(query.properties)
        kinds = query.types or tuple(TYPES)
        found: list[Candidate] = []
        direct = self.entity(query.text) if query.text else None
        if direct is None and "odsCode" in props and not query.text:
            direct = next((self._by_code[c] for c in props["odsCode"] if c in self._by_code), None)
        if direct is not None and direct.type in kinds:
            found.append(Candidate(direct, 100.0, True, {"name": 100.0, "identifier": True}))
        else:
            if "Trust" in kinds and query.text:
                found += self._trusts(query.text, props, query.limit)
            if "Programme" in kinds and query.text:
                found += self._programmes(query.text)
        found = [_checked(c, props) for c in found]
        found.sort(key=lambda c: (-c.score, c.entity.id))
        return found[: query.limit]

    def _trusts(self, text: str, props: dict[str, tuple[str, ...]], limit: int) -> list[Candidate]:
        on = parse_date(props["date"][0]) if "date" in props else None
        resolution = self.gazetteer.resolve(text, on, limit=max(limit * 3, 12))
        best = resolution.best
        out = []
        for c in resolution.candidates:
            entity = self._by_iri.get(c.iri)
            if entity is not None:
                features: dict[str, float | bool] = {"name": round(c.score, 1), "fuzzy": c.method == "fuzzy"}
                out.append(Candidate(entity, round(c.score, 1), best is not None and best.iri == c.iri, features))
        return out

    def _programmes(self, text: str) -> list[Candidate]:
        from rapidfuzz import fuzz

        wanted, key = _fold(text), _programme_key(text)
        scored = []
        for e in self.entities.values():
            if e.type == "Programme":
                labels = (e.name, *e.labels)
                if any(_fold(label) == wanted for label in labels):
                    score = 100.0
                elif key and any(_programme_key(label) == key for label in labels):
                    score = 99.0
                else:
                    score = max(float(fuzz.token_set_ratio(key, _programme_key(label))) for label in labels)
                scored.append((score, e))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        out = []
        for k, (score, e) in enumerate(scored):
            rival = scored[k + 1][0] if k + 1 < len(scored) else 0.0
            decided = k == 0 and score >= PROGRAMME_MATCH and score - rival >= PROGRAMME_MARGIN
            out.append(Candidate(e, round(score, 1), decided, {"name": round(score, 1)}))
        return out

    def suggest(self, prefix: str, cursor: int = 0, limit: int = 10, kind: str | None = None) -> list[Entity]:
        """Entities whose name, a label or code starts with ``prefix`` (then those with a word that does),
        for the auto-complete of a client; ``cursor`` skips that many."""
        want = _fold(prefix)
        if not want:
            return []
        ranked = []
        for e in self.entities.values():
            if kind and e.type != kind:
                continue
            names = [_fold(n) for n in (e.name, *e.labels)]
            if e.code.lower() == want or e.id.lower() == want:
                rank = 0
            elif any(n.startswith(want) for n in names) or e.code.lower().startswith(want):
                rank = 1
            elif any(re.search(r"(?:^|\W)" + re.escape(want), n) for n in names):
                rank = 2
            else:
                continue
            ranked.append((rank, e.name, e))
        ranked.sort(key=lambda r: (r[0], r[1]))
        return [e for _, _, e in ranked[cursor: cursor + limit]]


def _properties(pairs: Iterable[tuple[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    """Known properties with their values normalised (codes upper case); bad ones are InputErrors."""
    props: dict[str, tuple[str, ...]] = {}
    for pid, values in pairs:
        if pid not in PROPERTIES:
            raise InputError(f"unknown property {pid!r}", hint="use " + ", ".join(PROPERTIES))
        values = tuple(v.strip() for v in values if v.strip())
        if not values:
            continue
        if pid == "date":
            try:
                parse_date(values[0])
            except ValueError as exc:
                raise InputError(f"bad date property: {exc}") from None
        props[pid] = values if pid == "date" else tuple(v.upper() for v in values)
    return props


def _checked(c: Candidate, props: dict[str, tuple[str, ...]]) -> Candidate:
    """The candidate with the query's ODS code and region compared: a contradiction costs score and the match."""
    score, match, features = c.score, c.match, dict(c.features)
    for pid, attribute, penalty in (("odsCode", c.entity.code, CODE_PENALTY), ("region", c.entity.region, REGION_PENALTY)):
        if pid in props:
            agrees = attribute.upper() in props[pid]
            features[pid] = agrees
            if not agrees:
                score, match = max(score - penalty, 0.0), False
            elif pid == "odsCode" and c.entity.type == "Trust" and c.score >= 70:
                match = True  # the code decides between look-alike names
    return Candidate(c.entity, round(score, 1), match, features)


def _programme_key(name: str) -> str:
    """A programme name without the words that do not tell programmes apart, plurals made singular:
    "the Digital Aspirants" and "Digital Aspirant programme" meet."""
    words = re.sub(r"[^a-z0-9]+", " ", _fold(name)).split()
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in ("the", "programme", "nhs"))


def _trust(row: tuple[Any, ...]) -> Entity:
    iri = row[0].value
    values = [t.value if t is not None else "" for t in row[1:]]
    name, code, region, closed, programmes = values
    return Entity(iri[len(iris.ID):], iri, name, "Trust", code, region, closed,
                  tuple(sorted(p for p in programmes.split("|") if p)))


def _programme(row: tuple[Any, ...]) -> Entity:
    iri = row[0].value
    alts = row[2].value if row[2] is not None else ""
    return Entity(iri[len(iris.ID):], iri, row[1].value, "Programme", labels=tuple(a for a in alts.split("|") if a))


def _gazetteer(labels: list[tuple[str, ...]], refdata: Path | None) -> Gazetteer:
    """The gazetteer ``gdegraph resolve`` uses: reference names plus the curated trust labels."""
    from rdflib import Graph, Literal, URIRef

    from gdegraph.core import paths
    from gdegraph.sources.refdata_files import load_reference

    curated = Graph()
    for s, p, o in labels:
        curated.add((URIRef(s), URIRef(p), Literal(o)))
    return Gazetteer.from_reference(load_reference(refdata if refdata is not None else paths.refdata_dir()), curated)

