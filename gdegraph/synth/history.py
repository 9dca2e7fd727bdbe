"""The build's status history over the synthetic stream: one implicit step per statement.

A ``gdegraph build`` gives every membership, pairing and funding award a status
history in ``graph/inferred`` (:mod:`gdegraph.sources.derived`): a statement
without dated steps gets one implicit :class:`gde:StatusChange`, its status
dated by its earliest source. The queries read a statement's status from its
steps (``queries/network/pairings.rq`` does), so a synthetic graph without them
has, to those queries, no pairings at all. The generator never states steps, so
every statement gets exactly the implicit one, made here from N-Triples strings
by the same rule (rdflib would take minutes on a million triples);
``tests/test_synth.py`` compares the result with the build's own function.

Only the status history is mirrored: tier statuses, names as of a date, fates
and inference flags, which the benchmarks' queries do not need, are not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from gdegraph.model import iris
from gdegraph.synth.terms import Quad, a, en, inst, lit, v

__all__ = ["History"]


@dataclass
class _Statement:
    status: str | None = None
    sources: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)


def _period_start(term: str) -> date | None:
    """The first day of an N-Triples date literal's period (the build's :func:`period_start`)."""
    from rdflib import Literal, URIRef

    from gdegraph.sources.derived import period_start

    body, _, datatype = term.partition("^^")
    return period_start(Literal(body.strip('"'), datatype=URIRef(datatype.strip("<>")))) if datatype else None


def _plain(term: str) -> str:
    """The lexical form of a plain N-Triples literal (the quotes the generator writes are unescaped here)."""
    return term[1:term.rindex('"')].replace('\\"', '"').replace("\\\\", "\\")


class History:
    """Feed every asserted quad to :meth:`see`, then take :meth:`quads` (the steps, in first-seen order)."""

    def __init__(self) -> None:
        from gdegraph.sources.derived import HISTORY_CLASSES

        self.classes = {v(f"gde:{name}") for name in HISTORY_CLASSES}
        self.statements: dict[str, _Statement] = {}
        self.dates: dict[str, tuple[str, str]] = {}  # source -> (predicate, literal) of its issue date
        self._fields = {v("gde:status"): "status", v("prov:wasDerivedFrom"): "sources", v("gde:quote"): "quotes",
                        v("gde:correctedBy"): "corrections"}
        self._issued, self._modified = v("dcterms:issued"), v("dcterms:modified")

    def see(self, quad: Quad) -> None:
        s, p, o, _ = quad
        if p == v("rdf:type") and o in self.classes:
            self.statements.setdefault(s, _Statement())
        elif p in (self._issued, self._modified) and (p == self._issued or s not in self.dates):
            self.dates[s] = (p, o)
        elif p in self._fields and s in self.statements:
            record = self.statements[s]
            if p == v("gde:status"):
                record.status = o
            else:
                getattr(record, self._fields[p]).append(o)

    def _earliest(self, sources: list[str]) -> tuple[date | None, str | None]:
        dated = []
        for src in sources:
            _, issued = self.dates.get(src, ("", ""))
            dated.append((_period_start(issued) or date.max, src.strip("<>"), src))
        if not dated:
            return None, None
        start, _, src = min(dated)
        return (None if start == date.max else start), src

    def quads(self, g: str) -> Iterator[Quad]:
        """The implicit step of every statement seen (with a status), then the rule they come from."""
        from gdegraph.sources.derived import RULES

        rule = inst("rule", "implicit-status-step")
        made = False
        for statement, record in self.statements.items():
            if record.status is None:
                continue
            made = True
            iri = statement.strip("<>")
            step = f"<{iris.status_change(iri, 1)}>"
            start, src = self._earliest(record.sources)
            kind, key = iri.rsplit("/", 2)[-2:]
            pairs = [a("gde:StatusChange"), (v("gde:statusOf"), statement), (v("gde:status"), record.status),
                     (v("prov:wasGeneratedBy"), rule), (v("rdfs:label"), en(f"status of {kind} {key} from its first source"))]
            pairs += [(v("prov:wasDerivedFrom"), source) for source in dict.fromkeys(record.sources)]
            if src is not None and src in self.dates:
                predicate, issued = self.dates[src]
                pairs.append((v("gde:statusDate"), issued))
                if predicate != self._issued:
                    pairs.append((v("gde:dateBasis"), en(
                        "The source's date of modification: its first publication date is not stated.")))
            if record.quotes:
                pairs.append((v("gde:quote"), lit(min(_plain(q) for q in record.quotes))))
            pairs += [(v("gde:correctedBy"), fix) for fix in dict.fromkeys(record.corrections)]
            if start is not None:
                pairs.append((v("gde:validFrom"), lit(start.isoformat(), "xsd:date")))
            yield from ((step, p, o, g) for p, o in pairs)
            if start is not None:
                yield statement, v("gde:validFrom"), lit(start.isoformat(), "xsd:date"), g
        if made:
            label, how = RULES["implicit-status-step"]
            for p, o in (a("gde:InferenceRule"), a("prov:Activity"), (v("rdfs:label"), en(label)),
                         (v("rdfs:comment"), en(how))):
                yield rule, p, o, g
