"""The seeded generator of a synthetic graph's asserted quads, shaped like a ``gdegraph build``.

Trust identity (ODS-like codes, official names, regions, locations,
successions) goes in ``graph/refdata``; sources, programmes, waves and tiers
in ``graph/entities``; each article's statements (memberships, 1-3 followers
per exemplar, funding awards, claims and corrections) in its
``graph/seed-NNN``. The data passes our SHACL shapes and QC queries, so
validation benchmarks measure real work. Nothing iterates over a set or
depends on hash order: the seed alone decides the output.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

from gdegraph.model import iris
from gdegraph.synth.config import SynthConfig
from gdegraph.synth.terms import OGL, Quad, a, concept, en, graph, inst, lit, v

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


@dataclass
class _Trust:
    """A generated trust, as its programmes, pairings and successions need it."""

    code: str
    iri: str
    name: str
    sector: str
    closes: int | None = None  # year it closes into a successor (1 April)


class Generator:
    """Emits the generated quads in a fixed order; ``rng`` is the only source of variety."""

    def __init__(self, config: SynthConfig) -> None:
        self.cfg, self.rng = config, random.Random(config.seed)
        self.trusts: list[_Trust] = []
        self.articles = min(config.programmes, 900)  # seed file names have three digits
        self.bodies = (inst("organisation", "nhs-england"), inst("organisation", "nhsx"))
        self.aliased: set[str] = set()
        self.pairs_made: set[tuple[str, str]] = set()  # QC duplicate-pairing spans programmes

    @staticmethod
    def add(s: str, g: str, *pairs: tuple[str, str]) -> Iterator[Quad]:
        """One quad per ``(predicate, object)`` pair, all about ``s`` in graph ``g``."""
        return ((s, p, o, g) for p, o in pairs)

    def named(self, s: str, g: str, cls: str, label: str, *pairs: tuple[str, str]) -> Iterator[Quad]:
        """A typed resource with rdfs:label and skos:prefLabel, then ``pairs``."""
        return self.add(s, g, (v("rdf:type"), v(cls)), (v("rdfs:label"), en(label)), (v("skos:prefLabel"), en(label)),
                        *pairs)

    def run(self) -> Iterator[Quad]:
        """Sources, trust identity, then each programme with its statements (the ontology is not here)."""
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
                                  (v("gde:maximumAmount"), lit("6000000", "xsd:decimal")),
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

