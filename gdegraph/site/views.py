"""What each page shows, as plain data for the templates: values, property rows, sources.

Templates only lay things out; every decision about *what* a page says --
which label a value gets, where a link points, which named graph stated a
fact, what schema.org sees on a trust page -- is made here in Python, where it
can be tested. Links are relative to the page being rendered (:class:`Here`),
so the same output works from ``file://``, a sub-folder of a static host or
the server.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pyoxigraph import Literal, NamedNode

from gdegraph.model import iris
from gdegraph.site.labels import DATATYPES, DCTERMS, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD
from gdegraph.site.markup import Row, Value
from gdegraph.site.model import Model, Statement, Term

if TYPE_CHECKING:
    from gdegraph.site.facts import Facts

#: Properties shown first, in this order; the rest follow by label.
_FIRST = [RDF + "type", SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", iris.DEF + "odsCode",
          SKOS + "notation", SKOS + "definition", DCTERMS + "description", RDFS + "comment"]
_SOURCE_PROPERTIES = {PROV + "wasDerivedFrom", iris.DEF + "recordedIn"}
_DESCRIPTION_PROPERTIES = (SKOS + "definition", DCTERMS + "description", RDFS + "comment")
#: (shown, hidden): a value of the hidden property equal to one of the shown property is not repeated on the
#: page (the resource's RDF keeps every statement): the label that repeats the name, the inferred notation
#: that repeats the ODS code, schema.org's copies of gdegraph's own properties.
_REPEATS = ((SKOS + "prefLabel", RDFS + "label"), (SKOS + "prefLabel", SKOS + "altLabel"),
            (iris.DEF + "odsCode", SKOS + "notation"), (iris.DEF + "orgId", DCTERMS + "identifier"),
            (iris.DEF + "odsOpenDate", SCHEMA + "foundingDate"), (iris.DEF + "odsCloseDate", SCHEMA + "dissolutionDate"),
            (iris.DEF + "recipient", SCHEMA + "recipient"), (iris.DEF + "funder", SCHEMA + "funder"),
            (iris.DEF + "inProgramme", DCTERMS + "isPartOf"))

#: What each named graph that is not a source document holds (seed graphs are named by their source).
GRAPH_NOTES = {
    "ontology": "the gdegraph ontology and its concept schemes",
    "entities": "curated entities shared by the seed articles",
    "trusts": "curated identity of trusts the reference files do not cover",
    "refdata": "generated from the NHS ODS and ONS reference files",
    "build": "measured by the build (checksums of the seed files)",
    "inferred": "inferred by the build from all the other graphs",
}


@dataclass(frozen=True)
class Here:
    """The page being rendered: turns site paths into links relative to it."""

    path: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "folder", posixpath.dirname(self.path))

    def href(self, target: str) -> str:
        """``target`` (a site path such as ``id/trust/RQ6.html``) relative to this page."""
        return _relative(self.folder, target)  # type: ignore[attr-defined]


@lru_cache(maxsize=1 << 17)
def _relative(folder: str, target: str) -> str:
    """``target`` relative to a page in ``folder``: a pure function, remembered, since every page of a
    folder makes the same links (the site's menu, the values they share)."""
    if folder and posixpath.dirname(target) == folder:
        return posixpath.basename(target)
    return "../" * (folder.count("/") + 1 if folder else 0) + target


#: The only schemes an external IRI is linked with; any other (``javascript:``, ``data:``, ``vbscript:``,
#: ``file:``) is shown as text, so data cannot put a script behind a link on a page.
LINKABLE_SCHEMES = frozenset({"http", "https", "ftp", "mailto"})


def linkable(iri: str) -> bool:
    """True if ``iri`` may be the target of a link on a page (its scheme is in :data:`LINKABLE_SCHEMES`)."""
    scheme, colon, _ = iri.partition(":")
    return bool(colon) and scheme.lower() in LINKABLE_SCHEMES


class Views:
    """Builds template data from one :class:`Model`."""

    def __init__(self, model: Model, facts: Facts | None = None) -> None:
        from gdegraph.site.provenance import Provenance

        self.model = model
        self.facts = facts
        self.provenance = Provenance(facts) if facts is not None else None
        self._classes: dict[str, int] | None = None
        self._values: dict[tuple[Term, str], Value] = {}  # (term, page folder) -> value
        self._graph_values: dict[tuple[str, str], Value] = {}  # (graph key, page folder) -> value
        self._properties: dict[tuple[NamedNode, str], Value] = {}  # (property, page folder) -> its heading
        self._stated_in: dict[tuple[str, str], Value] = {}  # the same, named as a reader cites the source

    def value(self, term: Term, here: Here) -> Value:
        """A term as text with a link: its page if it has one, else its IRI.

        Values are never changed once made, so one (and its markup, made once) is shared by every
        page in the same folder.
        """
        key = (term, here.folder)  # type: ignore[attr-defined]
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._value(term, here)
        return found

    def _value(self, term: Term, here: Here) -> Value:
        m = self.model
        if isinstance(term, Literal):
            datatype = term.datatype.value if term.datatype else XSD + "string"
            note = DATATYPES.get(datatype, "" if datatype in (XSD + "string", RDF + "langString")
                                 else m.label(NamedNode(datatype)))
            return Value(term.value, note=note, lang=term.language)
        if isinstance(term, NamedNode):
            path = m.path(term)
            if path is not None:  # a statement always with its status: never a bare pairing
                note = self.provenance.note(term) if self.provenance is not None else ""
                return Value(m.label(term), here.href(path + ".html"), title=term.value, note=note)
            if linkable(term.value):
                return Value(m.label(term), term.value, external=True, title=term.value)
            return Value(m.label(term))  # javascript:, data:, ...: shown as text, never linked
        return Value(m.label(term))

    def graph_value(self, key: str, here: Here) -> Value:
        """A named graph by key: linked to its source document's page, else to the home page's list.

        Values are never changed once made, so one is shared by every page in the same folder.
        """
        cache_key = (key, here.folder)  # type: ignore[attr-defined]
        found = self._graph_values.get(cache_key)
        if found is None:
            found = self._graph_values[cache_key] = self._graph_value(key, here)
        return found

    def _graph_value(self, key: str, here: Here) -> Value:
        source = NamedNode(f"{iris.ID}source/{key}")
        path = self.model.path(source)
        if path is not None:
            return Value(key, here.href(path + ".html"), title=self.model.label(source))
        return Value(key, here.href("index.html") + f"#graph-{key}", title=GRAPH_NOTES.get(key, key))

    def stated_in(self, key: str, here: Here) -> Value:
        """A named graph as the "Stated in" columns show it: its source document by title, publisher
        and date (linked to the source's page), or the graph itself when it is not a source's."""
        cache_key = (key, here.folder)  # type: ignore[attr-defined]
        found = self._stated_in.get(cache_key)
        if found is None:
            cited = self.provenance.citation(key) if self.provenance is not None else None
            graph = self.graph_value(key, here)
            found = graph if cited is None else Value(cited, graph.href, title=f"named graph {key}")
            self._stated_in[cache_key] = found
        return found

    def badge(self, derivations: list[Any], here: Here) -> Value:
        """The "inferred" badge of a value: the rule's name and link, what it does as the tooltip."""
        d = derivations[0]
        words = self.model.label(d.rule) if d.rule is not None else "no source states it"
        if d.premises:
            words += ", from " + ", ".join(self.model.label(p) for p in d.premises)
        rule = self.value(d.rule, here) if d.rule is not None else Value(words)
        return Value(words, rule.href, title=self.provenance.rule_comment(d.rule) if self.provenance else "")

    def _property(self, predicate: NamedNode, here: Here) -> Value:
        """A property as a row heading or relation shows it: its label, linked to its page (else its
        IRI); shared, like values, by the pages in one folder."""
        key = (predicate, here.folder)  # type: ignore[attr-defined]
        found = self._properties.get(key)
        if found is None:
            path = self.model.path(predicate)
            href = here.href(path + ".html") if path else predicate.value if linkable(predicate.value) else None
            found = self._properties[key] = Value(self.model.label(predicate), href)
        return found

    @staticmethod
    def without_repeats(statements: list[Statement]) -> list[Statement]:
        """The statements minus those that only repeat another's value (:data:`_REPEATS`)."""
        values: dict[str, set[str]] = {}
        for st in statements:
            values.setdefault(st.predicate.value, set()).add(st.term.value.casefold())
        hidden = {(gone, v) for shown, gone in _REPEATS for v in values.get(shown, ()) if gone in values}
        return [st for st in statements if (st.predicate.value, st.term.value.casefold()) not in hidden]

    def rows(self, statements: list[Statement], here: Here, inferred: dict[str, list[Any]] | None = None) -> list[Row]:
        """Statements grouped by property, the identifying ones first; ``inferred`` (property IRI ->
        derivations) gives the values no source states their badge."""
        grouped: dict[str, Row] = {}
        badges = {prop: self.badge(ds, here) for prop, ds in (inferred or {}).items()}
        for st in self.without_repeats(statements):
            row = grouped.get(st.predicate.value)
            if row is None:
                heading = self._property(st.predicate, here)
                row = grouped[st.predicate.value] = Row(heading.text, heading.href)
            row.values.append((self.value(st.term, here), [self.stated_in(g, here) for g in st.graphs],
                               badges.get(st.predicate.value)))
        for row in grouped.values():
            row.values.sort(key=lambda item: item[0].text.lower())

        def order(item: tuple[str, Row]) -> tuple[int, str]:
            iri, row = item
            return (_FIRST.index(iri) if iri in _FIRST else len(_FIRST), row.label.lower())
        return [row for _, row in sorted(grouped.items(), key=order)]

    def resource(self, iri: NamedNode, here: Here) -> dict[str, Any]:
        """Everything the resource template needs."""
        m = self.model
        out = m.outgoing(iri)
        incoming = [(s, st) for s, st in m.incoming(iri) if st.predicate.value != RDF + "type"]
        inferred = self.provenance.inferred_properties(iri) if self.provenance is not None else {}
        rows = self.rows(out, here, inferred)
        sources = sorted({o for st in out if st.predicate.value in _SOURCE_PROPERTIES for o in [st.term]}, key=str)
        graphs = sorted({g for st in out for g in st.graphs} | {g for _, st in incoming for g in st.graphs})
        description = next((m.first(iri, p) for p in _DESCRIPTION_PROPERTIES if m.first(iri, p) is not None), None)
        in_rows = self._incoming_rows(incoming, here)
        return {
            "iri": iri.value,
            "title": m.label(iri),
            "types": [self.value(t, here) for t in m.types(iri)],
            "description": description.value if isinstance(description, Literal) else None,
            "rows": rows,
            "incoming": in_rows,
            "sources": [self.value(s, here) for s in sources],
            "graphs": [(self.graph_value(g, here), GRAPH_NOTES.get(g)) for g in graphs],
            "instances": self._instances_link(iri, here),
            "schema_org": self.schema_org(iri) if NamedNode(iris.DEF + "Trust") in m.types(iri) else None,
        } | self.reading(iri, here)

    def reading(self, iri: NamedNode, here: Here) -> dict[str, Any]:
        """What a reader sees first: the summary, the sources with their quotes, predecessors, the map point."""
        facts = self.facts
        if facts is None:
            return {"summary": [], "source_list": [], "predecessors": [], "point": None, "derivations": [],
                    "status": None}
        from gdegraph.site.summary import predecessors, sources, summary

        def linked(clauses: list[Any]) -> list[Value]:
            return [Value(c.text, here.href(c.path + ".html") if c.path else None) for c in clauses]

        graph_source = self._graph_sources()
        entries = [(Value(e.title, here.href(e.path + ".html") if e.path else None), e.publisher, e.date, e.quotes)
                   for e in sources(facts, iri, graph_source)]
        trust = facts.trusts.get(iri)
        point = None
        if trust is not None and trust.lat is not None and trust.long is not None:
            point = {"lat": trust.lat, "long": trust.long, "name": trust.name}
        return {"summary": linked(summary(facts, iri)), "source_list": entries,
                "predecessors": linked(predecessors(facts, iri)), "point": point} | self.certainty(iri, here)

    def certainty(self, iri: NamedNode, here: Here) -> dict[str, Any]:
        """How sure the page's subject is: its derivations when inferred (what, rule, premises) and,
        for a statement, its status now (the latest dated step) and every step with its sources."""
        prov = self.provenance
        if prov is None:
            return {"derivations": [], "status": None}
        derivations = []
        for d in prov.derivations(iri):
            rule = self.value(d.rule, here) if d.rule is not None else Value("none named")
            rule = replace(rule, title=prov.rule_comment(d.rule))  # the shared value stays as it was
            derivations.append((d.what, rule, [self.value(p, here) for p in d.premises]))
        st, status = prov.statement(iri), None
        if st is not None and st.steps:
            m = self.model
            steps = []
            for step in st.steps:
                quote = m.first(step.iri, iris.DEF + "quote")
                link = self.value(step.iri, here).href
                steps.append((step.date, self.value(step.status, here), Value(f"step {step.iri.value.rsplit('-', 1)[-1]}", link),
                              [Value(self.facts.citation(s), self.value(s, here).href) for s in step.sources],
                              quote.value if isinstance(quote, Literal) else ""))
            latest = st.latest
            status = {"now": self.value(latest.status if latest else st.status, here),
                      "since": latest.date if latest else "",
                      "sources": steps[st.steps.index(latest)][3] if latest else [], "steps": steps}
        return {"derivations": derivations, "status": status}

    def _graph_sources(self) -> dict[str, Term]:
        """Named graph key -> its source document (``seed-000`` -> ``id/source/seed-000``), when it has one."""
        found = getattr(self, "_graph_source_map", None)
        if found is None:
            found = {key: NamedNode(f"{iris.ID}source/{key}") for key in self.model.graph_sizes
                     if self.model.path(NamedNode(f"{iris.ID}source/{key}")) is not None}
            self._graph_source_map = found
        return found

    def _incoming_rows(self, incoming: list[tuple[Term, Statement]], here: Here) -> list[tuple[Any, ...]]:
        """One row per linking resource (a claim both *about* and with *subject* this one is listed once)."""
        merged: dict[Term, tuple[list[Value], list[str]]] = {}
        for s, st in incoming:
            relations, graphs = merged.setdefault(s, ([], []))
            relation = self._property(st.predicate, here)
            if relation.text not in (r.text for r in relations):
                relations.append(relation)
            graphs.extend(g for g in st.graphs if g not in graphs)
        rows = [(self.value(s, here), sorted(rels, key=lambda r: r.text.lower()),
                 [self.stated_in(g, here) for g in sorted(gs)]) for s, (rels, gs) in merged.items()]
        rows.sort(key=lambda r: (r[1][0].text.lower(), r[0].text.lower()))
        return rows

    def _instances_link(self, iri: NamedNode, here: Here) -> Value | None:
        """For an ontology class with instances: a link to its index page."""
        count = self.classes_with_instances().get(iri.value)
        if not count:
            return None
        return Value(f"all {count} resources of this class", here.href(self.class_index_path(iri)))

    def classes_with_instances(self) -> dict[str, int]:
        """The ontology's classes that have instances, with their counts (the home page's summary)."""
        if self._classes is not None:
            return self._classes
        found: dict[str, int] = {}
        for term in self.model.ontology_terms():
            if NamedNode(OWL + "Class") in self.model.types(term):
                count = len(self.model.instances(term))
                if count:
                    found[term.value] = count
        self._classes = found
        return found

    @staticmethod
    def class_index_path(cls: NamedNode) -> str:
        return f"classes/{cls.value[len(iris.DEF):]}.html"

    def schema_org(self, iri: NamedNode) -> str:
        """schema.org JSON-LD for a trust page (:func:`gdegraph.site.schema_org.trust_json_ld`)."""
        from gdegraph.site.schema_org import trust_json_ld

        return trust_json_ld(self.model, iri)
