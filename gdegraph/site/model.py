"""The graph as the site and the server read it: an in-memory index of every statement.

Pages need "everything about X" (outgoing statements), "everything pointing
at X" (incoming links) and "which named graph said it" (provenance) for about a
thousand resources. Asking a SPARQL engine three queries per page would make a
site build slow and tie page rendering to query workers, so the quads are
read once (through :func:`gdegraph.sources.graph.open_graph`, the project's one way
to get at the built graph) into plain dictionaries keyed by pyoxigraph
terms. The same :class:`Model` then feeds the static site and the server, so
they cannot disagree.

Which resources get a page, and where: every IRI under ``id/`` becomes
``id/{kind}/{key}``, every ontology term ``def#Name`` becomes ``def/Name``
and the ontology itself ``def/index``. Any other IRI is external and linked
as it is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from gdegraph.model import iris
from gdegraph.core.errors import GdeError
from gdegraph.model.jsonld_context import compact_iri
from gdegraph.site.labels import DCTERMS, LABELS, RDF, RDFS, SCHEMA, SKOS

__all__ = ["Model", "ONTOLOGY", "Statement", "Term"]

Term = NamedNode | BlankNode | Literal
ONTOLOGY = iris.BASE + "def"
RDF_TYPE = NamedNode(RDF + "type")
_ID_PATH = re.compile(re.escape(iris.ID) + r"([a-z]+(?:-[a-z]+)*)/([A-Za-z0-9][A-Za-z0-9-]*)$")
_DEF_PATH = re.compile(re.escape(iris.DEF) + r"([A-Za-z][A-Za-z0-9]*)$")
_LABEL_PROPERTIES = tuple(NamedNode(p) for p in (
    SKOS + "prefLabel", RDFS + "label", SCHEMA + "name", DCTERMS + "title", iris.DEF + "nameText",
    SCHEMA + "headline", SKOS + "notation"))
_NAME_TEXT = NamedNode(iris.DEF + "nameText")
_AS_OF = NamedNode(iris.DEF + "asOf")
_EXEMPLAR, _FOLLOWER, _MEMBER, _IN_TIER, _IN_WAVE = (NamedNode(iris.DEF + n) for n in (
    "exemplar", "follower", "member", "inTier", "inWave"))
_EXEMPLAR_NAME, _FOLLOWER_NAME, _MEMBER_NAME = (NamedNode(iris.DEF + n) for n in (
    "exemplarName", "followerName", "memberName"))


class Statement:
    """One distinct triple seen from one end, with the named graphs (by key) that state it."""

    __slots__ = ("predicate", "term", "graphs")

    def __init__(self, predicate: NamedNode, term: Term, graphs: Iterable[str]) -> None:
        self.predicate = predicate
        self.term = term
        self.graphs = tuple(sorted(graphs))


def _grouped(pairs: Iterable[tuple[NamedNode, Term]]) -> dict[NamedNode, tuple[Term, ...]]:
    """(predicate, term) pairs as predicate -> its terms sorted by their N-Triples form."""
    found: dict[NamedNode, list[Term]] = {}
    for predicate, term in pairs:
        found.setdefault(predicate, []).append(term)
    return {predicate: tuple(sorted(terms, key=str)) for predicate, terms in found.items()}


def graph_key(graph_name: Any) -> str:
    """``seed-000`` for ``graph/seed-000``; ``default`` for the default graph."""
    value = getattr(graph_name, "value", None)
    if value is None:
        return "default"
    return value[len(iris.GRAPH):] if value.startswith(iris.GRAPH) else value


class Model:
    """Every statement of the dataset, indexed both ways, with labels and page paths."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self._out: dict[Any, dict[tuple[NamedNode, Any], set[str]]] = defaultdict(dict)
        self._in: dict[Any, dict[tuple[Any, NamedNode], set[str]]] = defaultdict(dict)
        self.graph_sizes: Counter[str] = Counter()
        keys: dict[Any, str] = {}  # graph name -> key, worked out once per graph
        for subject, predicate, obj, graph in quads:
            key = keys.get(graph)
            if key is None:
                key = keys[graph] = graph_key(graph)
            self.graph_sizes[key] += 1
            self._out[subject].setdefault((predicate, obj), set()).add(key)
            self._in[obj].setdefault((subject, predicate), set()).add(key)
        self.triple_count = sum(len(edges) for edges in self._out.values())
        self._paths = self._assign_paths()
        self._labels: dict[Any, str] = {}
        self._instances: dict[Any, list[Term]] = {}
        # A term's statements grouped by predicate and sorted, made the first time one is asked for:
        # a page asks the same node for one predicate after another.
        self._by_predicate: dict[Any, dict[NamedNode, tuple[Term, ...]]] = {}
        self._by_predicate_in: dict[Any, dict[NamedNode, tuple[Term, ...]]] = {}
        self._outgoing: dict[Any, tuple[Statement, ...]] = {}
        self.store: Any = None  # the project store the quads came from, when there is one (the query gallery)

    @classmethod
    def load(cls, data: Path | None = None) -> Model:
        """The model of ``data`` (TriG, N-Quads, Turtle, N-Triples) or of the built graph."""
        from gdegraph.sources.graph import open_graph
        from gdegraph.store.oxigraph_store import OxigraphStore

        store = open_graph("oxigraph", data)
        if not isinstance(store, OxigraphStore):
            raise GdeError("the site and the server need a local graph, not a remote endpoint")
        model = cls(store.store.quads_for_pattern(None, None, None, None))
        model.store = store
        return model

    # --- statements -------------------------------------------------------------------------

    def outgoing(self, subject: Term) -> list[Statement]:
        """Statements with ``subject`` as subject, in a stable order (made once; a new list each time)."""
        found = self._outgoing.get(subject)
        if found is None:
            edges = self._out.get(subject, {})
            found = self._outgoing[subject] = tuple(sorted((Statement(p, o, g) for (p, o), g in edges.items()),
                                                           key=lambda st: (st.predicate.value, str(st.term))))
        return list(found)

    def incoming(self, obj: Term) -> list[tuple[Term, Statement]]:
        """``(subject, statement)`` for every statement whose object is ``obj``."""
        edges = self._in.get(obj, {})
        return sorted(((s, Statement(p, obj, g)) for (s, p), g in edges.items()),
                      key=lambda item: (item[1].predicate.value, str(item[0])))

    def objects(self, subject: Term, predicate: NamedNode | str) -> list[Term]:
        """The objects of ``subject``'s ``predicate`` statements, sorted (a new list each time)."""
        pred = predicate if isinstance(predicate, NamedNode) else NamedNode(predicate)
        by_predicate = self._by_predicate.get(subject)
        if by_predicate is None:
            by_predicate = self._by_predicate[subject] = _grouped(self._out.get(subject, {}))
        return list(by_predicate.get(pred, ()))

    def first(self, subject: Term, predicate: NamedNode | str) -> Term | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def subjects(self, predicate: NamedNode | str, obj: Term) -> list[Term]:
        """The subjects of ``predicate`` statements with ``obj`` as object, sorted (a new list each time)."""
        pred = predicate if isinstance(predicate, NamedNode) else NamedNode(predicate)
        by_predicate = self._by_predicate_in.get(obj)
        if by_predicate is None:
            by_predicate = self._by_predicate_in[obj] = _grouped((p, s) for (s, p) in self._in.get(obj, {}))
        return list(by_predicate.get(pred, ()))

    def types(self, subject: Term) -> list[NamedNode]:
        return [t for t in self.objects(subject, RDF_TYPE) if isinstance(t, NamedNode)]

    def instances(self, cls: NamedNode) -> list[Term]:
        """Everything typed ``cls`` (inferred types included), sorted by label."""
        found = self._instances.get(cls)
        if found is None:
            found = self._instances[cls] = sorted(self.subjects(RDF_TYPE, cls),
                                                  key=lambda t: (self.label(t).lower(), str(t)))
        return found

    def describe(self, iri: NamedNode) -> list[Triple]:
        """The per-resource RDF: its statements, their blank nodes' closure, and incoming links.

        A symmetric concise bounded description: enough for a client to render
        the page from the RDF alone, without the neighbours' own statements.
        """
        if iri.value == ONTOLOGY:
            return self.graph_triples("ontology")
        triples: set[Triple] = set()
        pending: list[Any] = [iri]
        seen: set[Any] = set()
        while pending:
            node = pending.pop()
            if node in seen:
                continue
            seen.add(node)
            for (p, o) in self._out.get(node, {}):
                triples.add(Triple(node, p, o))
                if isinstance(o, BlankNode):
                    pending.append(o)
        triples.update(Triple(s, p, iri) for (s, p) in self._in.get(iri, {}))
        return sorted(triples, key=str)

    def graph_triples(self, key: str) -> list[Triple]:
        """The triples one named graph states (``ontology``, ``seed-000``, ...)."""
        return sorted((Triple(s, p, o) for s, edges in self._out.items()
                       for (p, o), graphs in edges.items() if key in graphs), key=str)

    # --- labels -----------------------------------------------------------------------------

    def _label(self, term: Term) -> str:
        """What to call a term on a page: its label, else a readable compact name."""
        if isinstance(term, Literal):
            return term.value
        for prop in _LABEL_PROPERTIES:
            values = self.objects(term, prop)
            if values:
                english = [v for v in values if isinstance(v, Literal) and v.language in (None, "en", "en-GB")]
                text = (english or values)[0].value
                if prop == _NAME_TEXT and (as_of := self.first(term, _AS_OF)) is not None:
                    text = f"{text} ({as_of.value})"
                return text
        if isinstance(term, NamedNode):
            derived = self._derived_label(term)
            if derived:
                return derived
            if term.value in LABELS:
                return LABELS[term.value]
            return compact_iri(term.value)
        return f"_:{term.value}"

    def _derived_label(self, term: NamedNode) -> str | None:
        """Pairings and memberships carry no label in the data: name them by what they join, each
        trust by its name at the statement's date (``gde:exemplarName`` ..., made by the build)."""
        types = {t.value for t in self.types(term)}
        if iris.DEF + "Pairing" in types:
            exemplar, follower = self.first(term, _EXEMPLAR), self.first(term, _FOLLOWER)
            if exemplar is not None and follower is not None:
                return (f"Pairing of {self._name_then(term, _EXEMPLAR_NAME, exemplar)} "
                        f"with {self._name_then(term, _FOLLOWER_NAME, follower)}")
        if iris.DEF + "ProgrammeMembership" in types:
            member = self.first(term, _MEMBER)
            group = self.first(term, _IN_TIER) or self.first(term, _IN_WAVE)
            if member is not None and group is not None:
                return f"{self._name_then(term, _MEMBER_NAME, member)} in {self.label(group)}"
        return None

    def _name_then(self, statement: NamedNode, prop: NamedNode, trust: Term) -> str:
        """The trust's name as of the statement (a name the build dated), else its label."""
        then = self.first(statement, prop)
        return then.value if isinstance(then, Literal) else self.label(trust)

    def label(self, term: Term) -> str:
        """:meth:`_label`, remembered: a page asks for the same few labels many times."""
        cached = self._labels.get(term)
        if cached is None:
            cached = self._labels[term] = self._label(term)
        return cached

    # --- pages ------------------------------------------------------------------------------

    def _assign_paths(self) -> dict[str, str]:
        """Site path (no extension) of every IRI that gets a page; case clashes are refused."""
        candidates: set[str] = set()
        for subject, edges in self._out.items():
            candidates.update(t.value for t in (subject, *(o for (_, o) in edges)) if isinstance(t, NamedNode))
        paths: dict[str, str] = {}
        for iri in sorted(candidates):
            if iri == ONTOLOGY:
                paths[iri] = "def/index"
            elif (m := _ID_PATH.match(iri)) and m.group(1) in iris.KINDS:
                paths[iri] = f"id/{m.group(1)}/{m.group(2)}"
            elif (m := _DEF_PATH.match(iri)) and NamedNode(iri) in self._out and m.group(1) != "index":
                paths[iri] = f"def/{m.group(1)}"
        folded: dict[str, str] = {}
        for iri, path in paths.items():
            clash = folded.setdefault(path.lower(), iri)
            if clash != iri:
                raise GdeError(f"{clash} and {iri} differ only in case; their pages would clash "
                               "on case-insensitive file systems")
        return paths

    def path(self, term: Term) -> str | None:
        """Site path without extension (``id/trust/RQ6``), or None for an external IRI."""
        return self._paths.get(term.value) if isinstance(term, NamedNode) else None

    @cached_property
    def resources(self) -> list[NamedNode]:
        """Every IRI with a page, sorted by path."""
        return [NamedNode(iri) for iri, _ in sorted(self._paths.items(), key=lambda item: item[1])]

    @cached_property
    def by_path(self) -> dict[str, NamedNode]:
        return {path: NamedNode(iri) for iri, path in self._paths.items()}

    def ontology_terms(self) -> list[NamedNode]:
        """The ontology's own terms (``def#...``) that the graph describes."""
        return [r for r in self.resources if r.value.startswith(iris.DEF)]
