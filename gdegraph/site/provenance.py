"""How sure each fact on a page is: its status, whether it is inferred, and who states it.

Three things a page must never leave out (issue 16):

* a membership, pairing or award is never shown bare: wherever it is named, its status
  as of its latest dated status step goes with it (``withdrawn 2018-01``), and its own
  page lists every step with the sources that report it;
* what no source states but the build derives is marked "inferred", with the rule (a
  link to its page, which lists what it used) and the statements it rests on: a
  statement a rule generated (``prov:wasGeneratedBy`` a ``gde:InferenceRule``: an implicit
  first status step, a tier's status, an implied membership) and a value the curators
  derived on a stated statement (``gde:inferredProperty``: an award's funder, a pairing's
  wave), the rule its ``prov:wasInfluencedBy`` and the premise among the rule's
  ``prov:used``;
* the "Stated in" columns name each source document by title, publisher and date, not
  by its named graph's key (``seed-000``).

Everything here selects from the :class:`~gdegraph.site.model.Model` and the
:class:`~gdegraph.site.facts.Facts`; links are made by the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from gdegraph.model import iris
from gdegraph.site.facts import Facts, Statement
from gdegraph.site.labels import PROV, RDFS
from gdegraph.site.model import Term

__all__ = ["Derivation", "Provenance"]

D = iris.DEF


@dataclass
class Derivation:
    """How an inferred statement or value was derived: by which rule, from what."""

    what: str  # "" for the resource itself, else the label of the inferred property
    rule: NamedNode | None  # None when the graph names no rule (the value is still inferred)
    premises: list[Term] = field(default_factory=list)


class Provenance:
    """Status words, inference flags and source citations for every statement of a model."""

    def __init__(self, facts: Facts) -> None:
        self.facts, self.model = facts, facts.model
        self.rules = facts.rules
        self._notes: dict[NamedNode, str] = {}
        for group in (facts.memberships, facts.pairings, facts.awards):
            for st in group:
                self._notes[st.iri] = self._note(st)

    def _note(self, st: Statement) -> str:
        words = self.facts.status_words(st)
        return f"{words}, inferred" if st.rule is not None else words

    def note(self, term: Term) -> str:
        """The small print beside a statement wherever it is named (``withdrawn 2018-01``), else ""."""
        return self._notes.get(term, "") if isinstance(term, NamedNode) else ""

    def statement(self, iri: NamedNode) -> Statement | None:
        found = self.facts.statement_index.get(iri)
        return found[0] if found else None

    def _rules_of(self, iri: Term, prop: str) -> list[NamedNode]:
        return [r for r in self.model.objects(iri, PROV + prop) if r in self.rules]  # type: ignore[misc]

    def derivations(self, iri: NamedNode) -> list[Derivation]:
        """How the resource, and each inferred value of it, was derived (empty when all is stated)."""
        m, found = self.model, []
        for rule in self._rules_of(iri, "wasGeneratedBy"):
            premises = [p for p in m.objects(iri, PROV + "wasInfluencedBy") if p not in self.rules]
            found.append(Derivation("", rule, premises))
        rules = self._rules_of(iri, "wasInfluencedBy")
        values = {st.term for st in m.outgoing(iri)}
        for prop in m.objects(iri, D + "inferredProperty"):
            what = m.label(prop)
            if not rules:
                found.append(Derivation(what, None))
            for rule in rules:
                found.append(Derivation(what, rule, [u for u in m.objects(rule, PROV + "used") if u in values]))
        return found

    def inferred_properties(self, iri: NamedNode) -> dict[str, list[Derivation]]:
        """Property IRI -> its derivations, for the values a rule derived on a stated statement."""
        out: dict[str, list[Derivation]] = {}
        props = {self.model.label(p): p.value for p in self.model.objects(iri, D + "inferredProperty")
                 if isinstance(p, NamedNode)}
        for d in self.derivations(iri):
            if d.what in props:
                out.setdefault(props[d.what], []).append(d)
        return out

    def rule_comment(self, rule: NamedNode | None) -> str:
        """What the rule does, in words (its ``rdfs:comment``), for a badge's tooltip."""
        comment = self.model.first(rule, RDFS + "comment") if rule is not None else None
        return comment.value if isinstance(comment, Literal) else "no source states this value"

    def citation(self, key: str) -> str | None:
        """``title, publisher, date`` of the source document a named graph holds, or None for the
        graphs that are not a source's (``refdata``, ``inferred``, ...)."""
        source = NamedNode(f"{iris.ID}source/{key}")
        if self.model.path(source) is None:
            return None
        return self.facts.citation(source)
