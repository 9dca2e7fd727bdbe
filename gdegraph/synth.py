"""Deterministic synthetic gdegraph datasets, for benchmarks and scale tests.

The curated graph has about 10,000 triples; users will combine it with every
NHS organisation and years of programmes, so the pipeline must be measured on
bigger graphs that look like ours. This module writes such graphs in our own
ontology, shaped like a ``gdegraph build``: the ontology in ``graph/ontology``;
trust identity (ODS-like codes, official names, regions, locations,
successions) in ``graph/refdata``; sources, programmes, waves and tiers in
``graph/entities``; each article's statements (memberships, 1-3 followers per
exemplar, funding awards, claims and corrections) in its ``graph/seed-NNN``;
and the build's entailments (the rules of :mod:`gdegraph.inference`) in
``graph/inferred``. It passes our SHACL shapes and QC queries
(tests/test_synth.py), so validation benchmarks measure real work.

Terms are N-Triples strings rather than rdflib/pyoxigraph objects because a
million triples must be made in seconds, and the same seed must give
byte-identical N-Quads (no set iteration, no hash order). Every IRI comes
from :mod:`gdegraph.iris`.

    python -m gdegraph.synth --triples 100k --seed 0 --out /tmp/synth-100k.nq
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import product
from pathlib import Path

from gdegraph import iris, paths

__all__ = ["SCALES", "SynthConfig", "config_for", "parse_scale", "quads", "write"]

Quad = tuple[str, str, str, str]  # subject, predicate, object, graph, each in N-Triples syntax
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
TRUSTS_PER_PROGRAMME = 24  # programmes grow with trusts: about 0.9 memberships per trust
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
      "owl": "http://www.w3.org/2002/07/owl#", "skos": "http://www.w3.org/2004/02/skos/core#",
      "dcterms": "http://purl.org/dc/terms/", "org": "http://www.w3.org/ns/org#", "prov": "http://www.w3.org/ns/prov#",
      "schema": "https://schema.org/", "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
      "xsd": "http://www.w3.org/2001/XMLSchema#"}
REGIONS = ("Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63")
_PLACE_A = ("Ash", "Bel", "Cal", "Dun", "El", "Fen", "Glen", "Hal", "Ire", "Kel", "Lin", "Mar", "Nor", "Oak", "Pen",
            "Rav", "Sel", "Thorn", "Ux", "Wes", "Yar", "Brad", "Cor", "Dray", "Stan", "Wen", "Lang", "Mel", "Brom",
            "Chel")
_PLACE_B = ("bridge", "ford", "ham", "ley", "mouth", "field", "wick", "bury", "ton", "worth", "stead", "combe",
            "dale", "minster", "port", "well", "by", "holm", "thorpe", "caster")
_KINDS = (("Hospitals", "acute"), ("University Hospitals", "acute"), ("Teaching Hospitals", "acute"),
          ("General Hospital", "acute"), ("Healthcare", "acute"), ("Acute Hospitals", "acute"),
          ("Mental Health", "mental-health"), ("Partnership", "mental-health"), ("Care", "mental-health"),
          ("Community Health", "mental-health"))
_QUALIFIERS = ("", "North ", "South ", "East ", "West ", "Greater ")
OGL = "<http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>"


@cache
def v(curie: str) -> str:
    """``gde:Trust`` -> ``<https://w3id.org/gdegraph/def#Trust>`` (ontology terms via :func:`iris.term`)."""
    prefix, _, local = curie.partition(":")
    return f"<{iris.term(local) if prefix == 'gde' else NS[prefix] + local}>"


def a(cls: str) -> tuple[str, str]:
    """The ``rdf:type`` pair of a class CURIE."""
    return v("rdf:type"), v(cls)


def lit(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    """An escaped N-Triples literal; ``datatype`` is a CURIE such as ``xsd:date``."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{body}"@{lang}' if lang else f'"{body}"^^{v(datatype)}' if datatype else f'"{body}"'


def en(text: str) -> str:
    return lit(text, lang="en")


def inst(kind: str, key: str) -> str:
    return f"<{iris.instance(kind, key)}>"


def concept(key: str) -> str:
    return inst("concept", key)


def graph(key: str) -> str:
    return f"<{iris.graph(key)}>"


@dataclass(frozen=True)
class SynthConfig:
    """How big a graph to make: trusts and programmes grow together (see :func:`config_for`)."""

    trusts: int
    programmes: int
    seed: int = 0


def parse_scale(text: str) -> int:
    """``10k`` / ``1m`` / ``250000`` -> a triple count."""
    t = text.strip().lower()
    return SCALES.get(t) or int(float(t.rstrip("km")) * {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1))


def _config(trusts: int, seed: int) -> SynthConfig:
    return SynthConfig(trusts, max(2, round(trusts / TRUSTS_PER_PROGRAMME)), seed)


def config_for(triples: int, seed: int = 0) -> SynthConfig:
    """The configuration whose graph has about ``triples`` statements.

    Size is linear in the trust count plus a constant (ontology, sources), so
    two small probes give the line, which stays right when the ontology or the
    generator changes.
    """
    low, high = 240, 960
    c_low, c_high = (sum(1 for _ in quads(_config(n, seed))) for n in (low, high))
    per_trust = (c_high - c_low) / (high - low)
    return _config(max(8, round((triples - (c_low - per_trust * low)) / per_trust)), seed)


@dataclass
class _Trust:
    code: str
    iri: str
    name: str
    sector: str
    closes: int | None = None  # year it closes into a successor (1 April)


class _Generator:
    """Emits the asserted quads in a fixed order; ``rng`` is the only source of variety."""

    def __init__(self, config: SynthConfig) -> None:
        self.cfg, self.rng = config, random.Random(config.seed)
        self.trusts: list[_Trust] = []
        self.articles = min(config.programmes, 900)  # seed file names have three digits
        self.bodies = (inst("organisation", "nhs-england"), inst("organisation", "nhsx"))
        self.aliased: set[str] = set()
        self.pairs_made: set[tuple[str, str]] = set()  # QC duplicate-pairing spans programmes

    @staticmethod
    def add(s: str, g: str, *pairs: tuple[str, str]) -> Iterator[Quad]:
        return ((s, p, o, g) for p, o in pairs)

    def named(self, s: str, g: str, cls: str, label: str, *pairs: tuple[str, str]) -> Iterator[Quad]:
        """A typed resource with rdfs:label and skos:prefLabel, then ``pairs``."""
        return self.add(s, g, (v("rdf:type"), v(cls)), (v("rdfs:label"), en(label)), (v("skos:prefLabel"), en(label)),
                        *pairs)

    def run(self) -> Iterator[Quad]:
        yield from ontology_quads()
        yield from self.sources()
        yield from self.trust_identity()
        for p in range(self.cfg.programmes):
            yield from self.programme(p)

    def sources(self) -> Iterator[Quad]:
        ref, ent = graph("refdata"), graph("entities")
        for key, year in (("ods-etr-2016", "2016"), ("ods-etr-2025", "2025"), ("ods-successors-2022", "2022"),
                          ("synthetic-points", "2022")):
            yield from self.add(inst("source", key), ref, a("gde:ReferenceDataset"),
                                (v("dcterms:title"), en(f"Synthetic reference file {key}")),
                                (v("dcterms:license"), OGL),
                                (v("gde:asOf"), lit(year, "xsd:gYear")),
                                (v("gde:localFile"), lit(f"refdata/{key}.csv")))
        press = inst("organisation", "synthetic-press")
        yield from self.named(press, ent, "org:FormalOrganization", "Synthetic Health Press")
        for body, name in zip(self.bodies, ("NHS England", "NHSX"), strict=True):
            yield from self.named(body, ent, "gde:NationalBody", name,
                                  (v("prov:wasDerivedFrom"), inst("source", "seed-000")))
        for n in range(self.articles):
            ident, title = f"{n:03d}_{self.rng.getrandbits(64):016x}.txt", f"Synthetic article {n:03d}"
            yield from self.add(inst("source", f"seed-{n:03d}"), ent, a("gde:NewsArticle"),
                                (v("rdfs:label"), en(f"Seed article {n:03d}: {title}")),
                                (v("dcterms:title"), en(title)),
                                (v("dcterms:identifier"), lit(ident)), (v("gde:localFile"), lit(f"seeds/{ident}")),
                                (v("dcterms:publisher"), press),
                                (v("dcterms:issued"), lit(f"{2016 + n % 8}-{1 + n % 12:02d}", "xsd:gYearMonth")))

    def trust_identity(self) -> Iterator[Quad]:
        rng, ref, scheme = self.rng, graph("refdata"), inst("scheme", "nhs-region")
        yield from self.add(scheme, ref, a("skos:ConceptScheme"),
                            (v("skos:prefLabel"), en("NHS England regions (ODS national groupings)")))
        for code in REGIONS:
            node = inst("region", code.lower())
            yield from self.named(node, ref, "gde:Region", f"NHS England region {code}", a("skos:Concept"),
                                  (v("skos:inScheme"), scheme), (v("skos:topConceptOf"), scheme),
                                  (v("skos:notation"), lit(code)))
            yield scheme, v("skos:hasTopConcept"), node, ref
        alphabet = "RNTAQBCDEFGHJKLMPSUVWXYZ0123456789"  # ODS-like: a trust IRI's key is exactly three characters
        codes = [a + b + c for a, b, c in product(alphabet, repeat=3)]
        if self.cfg.trusts > len(codes):
            raise ValueError(f"at most {len(codes)} trusts have distinct three-character codes")
        names = list(product(_QUALIFIERS, _PLACE_A, _PLACE_B, range(len(_KINDS))))
        picks = rng.sample(range(len(names)), min(self.cfg.trusts, len(names)))
        for i, code in enumerate(rng.sample(codes[:max(4000, self.cfg.trusts)], self.cfg.trusts)):
            q, head, tail, k = names[picks[i % len(picks)]]
            ft = rng.random() < 0.6
            name = (f"{q}{head}{tail}{'' if i < len(picks) else f' {i // len(picks) + 1}'} {_KINDS[k][0]} "
                    f"NHS {'Foundation ' if ft else ''}Trust")
            self.trusts.append(_Trust(code, f"<{iris.trust(code)}>", name, _KINDS[k][1]))
            yield from self.trust(self.trusts[-1], ft, ref)
        yield from self.successions(ref)

    def trust(self, t: _Trust, ft: bool, ref: str) -> Iterator[Quad]:
        rng, low = self.rng, t.code.lower()
        yield from self.named(t.iri, ref, "gde:Trust", t.name,
                              (v("rdf:type"), v("gde:NHSFoundationTrust" if ft else "gde:NHSTrust")),
                              (v("gde:odsCode"), lit(t.code)), (v("gde:orgId"), lit(iris.org_id(t.code))),
                              (v("rdfs:seeAlso"), f"<{iris.ods_page(t.code)}>"),
                              (v("gde:odsOpenDate"), lit(f"{rng.randint(1991, 2008)}-04-01", "xsd:date")),
                              (v("gde:nhsRegion"), inst("region", rng.choice(REGIONS).lower())))
        old = t.name.replace(" NHS Foundation Trust", " NHS Trust") if rng.random() < 0.3 else t.name
        if old != t.name:
            yield t.iri, v("skos:altLabel"), en(old), ref
        for year, text in (("2016", old.upper()), ("2025", t.name.upper())):
            record = inst("name", f"{low}-{year}")
            yield t.iri, v("gde:officialName"), record, ref
            yield from self.add(record, ref, a("gde:NameRecord"), (v("gde:nameText"), lit(text)),
                                (v("gde:asOf"), lit(year, "xsd:gYear")),
                                (v("gde:recordedIn"), inst("source", f"ods-etr-{year}")),
                                (v("rdfs:label"), en(f"{t.code} official name in the {year} file: {text}")))
        if rng.random() < 0.9:
            point = inst("location", low)
            yield t.iri, v("geo:location"), point, ref
            yield from self.add(point, ref, a("geo:Point"),
                                (v("geo:lat"), lit(f"{rng.uniform(50.2, 55.0):.6f}", "xsd:decimal")),
                                (v("geo:long"), lit(f"{rng.uniform(-5.0, 1.5):.6f}", "xsd:decimal")),
                                (v("gde:coordinateMethod"), en("Synthetic point within England")),
                                (v("rdfs:label"), en(f"Location of {t.code}")),
                                (v("prov:wasDerivedFrom"), inst("source", "synthetic-points")))

    def successions(self, ref: str) -> Iterator[Quad]:
        """About one trust in eight closes into another that outlives it, so chains form."""
        rng = self.rng
        for t in self.trusts:
            t.closes = rng.randint(2016, 2024) if rng.random() < 0.12 else None
        for t in self.trusts:
            heirs = [h for h in rng.sample(self.trusts, min(8, len(self.trusts))) if t.closes is not None
                     and h is not t and (h.closes is None or h.closes > t.closes)]
            if not heirs:
                t.closes = None
                continue
            heir, when = heirs[0], f"{t.closes}-04-01"
            node = inst("change", f"{t.code.lower()}-to-{heir.code.lower()}-{when}")
            yield from self.add(t.iri, ref, (v("gde:odsCloseDate"), lit(f"{t.closes}-03-31", "xsd:date")),
                                (v("org:changedBy"), node))
            yield heir.iri, v("org:resultedFrom"), node, ref
            yield from self.add(node, ref, a("org:ChangeEvent"), (v("org:originalOrganization"), t.iri),
                                (v("org:resultingOrganization"), heir.iri), (v("dcterms:date"), lit(when, "xsd:date")),
                                (v("gde:changeType"), concept("change-type-acquisition")),
                                (v("prov:wasDerivedFrom"), inst("source", "ods-successors-2022")),
                                (v("rdfs:label"), en(f"{t.code} → {heir.code}, {when}")))

    def programme(self, p: int) -> Iterator[Quad]:
        """Two waves of acute and mental-health tiers, then exemplars with 1-3 followers each (even
        programmes) or Digital Aspirants (odd ones), with their awards and claims."""
        rng, key, n = self.rng, f"synthetic-programme-{p:04d}", p % self.articles
        src, seed, ent = inst("source", f"seed-{n:03d}"), graph(f"seed-{n:03d}"), graph("entities")
        prog, year, paired = inst("programme", key), 2016 + p % 8, p % 2 == 0
        name = f"Synthetic {'exemplar' if paired else 'aspirant'} programme {p:04d}"
        cited = ((v("prov:wasDerivedFrom"), src), (v("gde:announcementDate"), lit(str(year), "xsd:gYear")))
        yield from self.named(prog, ent, "gde:Programme", name, (v("gde:operatedBy"), self.bodies[0]), *cited)
        tiers: dict[tuple[int, str], tuple[str, str]] = {}
        for w in (1, 2):
            wave = inst("wave", f"{key}-wave-{w}")
            yield from self.named(wave, ent, "gde:Wave", f"{name}, wave {w}", (v("gde:inProgramme"), prog),
                                  (v("gde:waveNumber"), lit(str(w), "xsd:integer")), *cited)
            for sector in ("acute", "mental-health"):
                tiers[w, sector] = wave, inst("tier", f"{key}-wave-{w}-{sector}")
                yield from self.named(tiers[w, sector][1], ent, "gde:Tier", f"{name}, wave {w}, {sector} trusts",
                                      (v("gde:inWave"), wave), (v("gde:inProgramme"), prog),
                                      (v("gde:sector"), concept(f"sector-{sector}")), *cited)
        pool, pairs = rng.sample(self.trusts, min(len(self.trusts), 48)), []
        if paired:
            exemplars, rest = pool[:rng.randint(5, 10)], pool[10:]
            for ex in exemplars:
                fits = [t for t in rest if t.sector == ex.sector and (ex.code, t.code) not in self.pairs_made]
                for fo in fits[:rng.choices((1, 2, 3), (6, 3, 1))[0]]:
                    rest.remove(fo)
                    pairs.append((ex, fo))
                    self.pairs_made.add((ex.code, fo.code))
            members = [(t, 1, "global-digital-exemplar") for t in exemplars]
            members += [(fo, 2, "fast-follower") for _, fo in pairs]
        else:
            members = [(t, 1 + i % 2, "digital-aspirant") for i, t in enumerate(pool[:rng.randint(14, 30)])]
        for t, w, role in members:
            wave, tier = tiers[w, t.sector]
            yield from self.add(inst("membership", f"{key}-w{w}-{t.code.lower()}"), seed,
                                a("gde:ProgrammeMembership"), (v("gde:member"), t.iri),
                                (v("gde:inProgramme"), prog), (v("gde:inWave"), wave), (v("gde:inTier"), tier),
                                (v("gde:role"), concept(f"role-{role}")),
                                (v("gde:status"), concept("status-announced")),
                                (v("gde:quote"), lit(t.name)), (v("prov:wasDerivedFrom"), src))
            if t.iri not in self.aliased and rng.random() < 0.3:
                self.aliased.add(t.iri)
                yield t.iri, v("skos:altLabel"), en(t.name.replace(" NHS Foundation Trust", " FT")), seed
        for ex, fo in pairs:
            status = "disputed" if rng.random() < 0.03 else "proposed" if ex.sector != "acute" else "announced"
            wave, tier = tiers[2, fo.sector]
            yield from self.add(inst("pairing", f"{key}-{ex.code.lower()}-{fo.code.lower()}"), seed,
                                a("gde:Pairing"), (v("gde:exemplar"), ex.iri), (v("gde:follower"), fo.iri),
                                (v("gde:inProgramme"), prog), (v("gde:inWave"), wave), (v("gde:inTier"), tier),
                                (v("gde:sector"), concept(f"sector-{fo.sector}")),
                                (v("gde:status"), concept(f"status-{status}")),
                                (v("gde:quote"), lit(f"{ex.name}{fo.name}")), (v("prov:wasDerivedFrom"), src))
        yield from self.awards(key, prog, tiers, sorted({(w, t.sector) for t, w, _ in members}), src, seed)
        yield from self.claims(key, prog, len(members), year, src, seed)

    def awards(self, key: str, prog: str, tiers: dict[tuple[int, str], tuple[str, str]], used: list[tuple[int, str]],
               src: str, seed: str) -> Iterator[Quad]:
        """'Up to £Xm each' per tier, a local-match total per wave (no funder), sometimes a range."""
        for w, sector in used:
            wave, tier = tiers[w, sector]
            m = self.rng.randint(2, 12)
            yield from self.award(f"{key}-wave-{w}-{sector}-each", f"Up to £{m}m each, wave {w} {sector}", m * 10**6,
                                  ("maximum", "central", "per-recipient"), tier, prog, src, seed,
                                  (v("gde:inWave"), wave),
                                  (v("gde:inTier"), tier), (v("gde:funder"), self.bodies[0]))
        for w in sorted({w for w, _ in used}):
            m, wave = self.rng.randint(10, 90), tiers[w, "acute"][0]
            yield from self.award(f"{key}-wave-{w}-match", f"£{m}m local match, wave {w}", m * 10**6,
                                  ("exact", "local-match", "total"), wave, prog, src, seed, (v("gde:inWave"), wave))
        if self.rng.random() < 0.3:
            yield from self.award(f"{key}-range", "£3m to £6m each for capital", 6 * 10**6,
                                  ("range", "central", "total"),
                                  prog, prog, src, seed, (v("gde:minimumAmount"), lit("3000000", "xsd:decimal")),
                                  (v("gde:funder"), self.bodies[1]))

    def award(self, key: str, label: str, amount: int, kinds: tuple[str, str, str], recipient: str, prog: str,
              src: str, seed: str, *extra: tuple[str, str]) -> Iterator[Quad]:
        qualifier, funding, allocation = kinds
        return self.add(inst("award", key), seed, a("gde:FundingAward"), (v("rdfs:label"), en(label)),
                        (v("gde:recipient"), recipient), (v("gde:inProgramme"), prog),
                        (v("schema:amount"), lit(str(amount), "xsd:decimal")), (v("schema:currency"), lit("GBP")),
                        (v("gde:amountQualifier"), concept(f"amount-qualifier-{qualifier}")),
                        (v("gde:fundingType"), concept(f"funding-type-{funding}")),
                        (v("gde:allocation"), concept(f"allocation-{allocation}")),
                        (v("gde:status"), concept("status-announced")), (v("gde:quote"), lit(label)),
                        (v("prov:wasDerivedFrom"), src), *extra)

    def claims(self, key: str, prog: str, count: int, year: int, src: str, seed: str) -> Iterator[Quad]:
        """A stated count per programme; in about one in four, a figure corrected by a later one."""
        base = (a("gde:Claim"), (v("gde:about"), prog), (v("prov:wasDerivedFrom"), src))
        yield from self.add(inst("claim", f"{key}-selected"), seed, *base,
                            (v("rdfs:label"), en(f"{count} trusts selected")),
                            (v("gde:statedCount"), lit(str(count), "xsd:integer")),
                            (v("gde:countQualifier"), concept("amount-qualifier-exact")),
                            (v("dcterms:date"), lit(str(year), "xsd:gYear")),
                            (v("gde:status"), concept("status-announced")),
                            (v("gde:quote"), lit(f"{count} trusts")))
        if self.rng.random() < 0.25:
            first, fix = inst("claim", f"{key}-first-figure"), inst("claim", f"{key}-corrected-figure")
            yield from self.add(first, seed, *base, (v("rdfs:label"), en("The first figure")),
                                (v("gde:correctedBy"), fix),
                                (v("gde:status"), concept("status-corrected")), (v("gde:quote"), lit("first figure")))
            yield from self.add(fix, seed, *base, (v("rdfs:label"), en("The corrected figure")),
                                (v("gde:corrects"), first),
                                (v("gde:correctionDate"), lit(f"{year}-09-11", "xsd:date")),
                                (v("gde:status"), concept("status-announced")),
                                (v("gde:quote"), lit("corrected figure")))


class _Entailer:
    """The build's entailment rules (:mod:`gdegraph.inference`: sub-class, sub-property, inverse,
    symmetric) over the stream of quads, without rdflib, so a million triples take seconds."""

    def __init__(self) -> None:
        onto = [(s, p, o) for s, p, o, _ in ontology_quads()]
        self.sup_class = _closure((s, o) for s, p, o in onto if p == v("rdfs:subClassOf"))
        self.sup_prop = _closure((s, o) for s, p, o in onto if p == v("rdfs:subPropertyOf"))
        self.inverse = _closure([(s, o) for s, p, o in onto if p == v("owl:inverseOf")]
                                + [(o, s) for s, p, o in onto if p == v("owl:inverseOf")], transitive=False)
        self.symmetric = {s for s, p, o in onto if p == v("rdf:type") and o == v("owl:SymmetricProperty")}
        self.heads = {v("rdf:type"), *self.symmetric, *(q for qs in (*self.sup_prop.values(), *self.inverse.values())
                                                        for q in qs)}
        self.asserted: set[tuple[str, str, str]] = set()  # only triples an entailment could repeat
        self.pending: list[tuple[str, str, str]] = []

    def see(self, quad: Quad) -> None:
        s, p, o, _ = quad
        if p in self.heads:
            self.asserted.add((s, p, o))
        if (p == v("rdf:type") and o in self.sup_class) or p in self.sup_prop or p in self.inverse \
                or p in self.symmetric:
            self.pending.append((s, p, o))

    def _rules(self, s: str, p: str, o: str) -> Iterator[tuple[str, str, str]]:
        if p == v("rdf:type"):
            yield from ((s, p, c) for c in self.sup_class.get(o, ()))
        yield from ((s, q, o) for q in self.sup_prop.get(p, ()))
        if o.startswith("<"):
            yield from ((o, q, s) for q in self.inverse.get(p, ()))
            if p in self.symmetric:
                yield o, p, s

    def inferred(self, g: str) -> Iterator[Quad]:
        """Each entailed triple not already asserted, once, iterating to a fixpoint."""
        found: set[tuple[str, str, str]] = set()
        frontier = self.pending
        while frontier:
            new = [c for t in frontier for c in self._rules(*t)]
            frontier = []
            for c in new:
                if c not in self.asserted and c not in found:
                    found.add(c)
                    frontier.append(c)
                    yield (*c, g)


def _closure(pairs: Iterable[tuple[str, str]], transitive: bool = True) -> dict[str, tuple[str, ...]]:
    """child -> its ancestors (or, not transitive, its parents), sorted: set order varies between runs."""
    parents: dict[str, list[str]] = {}
    for child, parent in pairs:
        if child != parent:
            parents.setdefault(child, []).append(parent)
    closed = {}
    for start, direct in parents.items():
        seen, stack = set(), list(direct)
        while stack:
            node = stack.pop()
            if node not in seen and node != start:
                seen.add(node)
                stack.extend(parents.get(node, ()) if transitive else ())
        closed[start] = tuple(sorted(seen))
    return closed


def ontology_quads() -> Iterator[Quad]:
    """The ontology files as they are, sorted (they hold no blank nodes), in ``graph/ontology``."""
    import pyoxigraph

    g = graph("ontology")
    files = sorted(paths.ontology_dir().glob("*.ttl"))
    triples = sorted({(str(t.subject), str(t.predicate), str(t.object)) for path in files
                      for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)})
    return ((s, p, o, g) for s, p, o in triples)


def quads(config: SynthConfig) -> Iterator[Quad]:
    """Every quad of the synthetic dataset: the asserted graphs first, then ``graph/inferred``."""
    entailer = _Entailer()
    for quad in _Generator(config).run():
        entailer.see(quad)
        yield quad
    yield from entailer.inferred(graph("inferred"))


def write(path: Path, config: SynthConfig) -> int:
    """Write N-Quads (``.nq``) or the union as N-Triples (``.nt``); returns the number of statements."""
    count, triples = 0, path.suffix == ".nt"
    with path.open("w", encoding="utf-8") as out:
        for s, p, o, g in quads(config):
            out.write(f"{s} {p} {o} .\n" if triples else f"{s} {p} {o} {g} .\n")
            count += 1
    return count


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gdegraph.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="10k", help="about how many triples: 10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="output file: .nq (quads) or .nt (triples)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    config = config_for(parse_scale(args.triples), args.seed)
    count = write(args.out, config)
    print(f"{args.out}: {count} statements ({config.trusts} trusts, {config.programmes} programmes, seed {args.seed})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
