"""Evaluate `gdegraph extract` on the seed articles against the curated data.

For every seed article that has a curated file (``data/<source key>.ttl``) the
extractor is run and its candidate graph compared with what the curator
recorded from the same article:

* trusts: every trust IRI key (the ODS code, or the slug of a trust without
  one) that the curated file mentions / that the candidate graph mentions;
* pairings: (exemplar, follower) keys of the gde:Pairing statements derived
  from the article;
* amounts: (amount, qualifier, allocation) of the gde:FundingAward statements
  derived from the article.

Precision and recall are printed per article and in total (micro-averaged),
twice: with the gazetteer built from the reference data alone (the honest
figure: nothing the curator wrote helps), and with the curated trust labels
added, to show how much those aliases add. The article date is the curated
source's dcterms:modified or dcterms:issued, as a curator would pass it with
``--date``. Run ``python bench/eval_extraction.py [--shared DIR] [--details]``;
tests import :func:`evaluate`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gdegraph.model import iris
from gdegraph.core import paths
from gdegraph.sources.dataset import data_files  # noqa: E402
from gdegraph.curate.extract import candidate_graph, extract_file, known_structure  # noqa: E402
from gdegraph.sources.gazetteer import Gazetteer  # noqa: E402
from gdegraph.sources.refdata_files import load_reference  # noqa: E402

GDE = iris.DEF
SCHEMA_AMOUNT = URIRef("https://schema.org/amount")
KINDS = ("trusts", "pairings", "amounts")


@dataclass
class Facts:
    """The comparable facts of one article, curated or extracted."""
    trusts: set[str] = field(default_factory=set)
    pairings: set[tuple[str, str]] = field(default_factory=set)
    amounts: set[tuple[Decimal, str, str]] = field(default_factory=set)


@dataclass
class ArticleScore:
    """Gold and predicted facts of one article, and the scores they give."""
    source: str
    gold: Facts
    found: Facts

    def counts(self, kind: str) -> tuple[int, int, int]:
        """(true positives, predicted, gold) for one kind of fact."""
        gold, found = getattr(self.gold, kind), getattr(self.found, kind)
        return len(gold & found), len(found), len(gold)

    def missed(self, kind: str) -> list[object]:
        return sorted(getattr(self.gold, kind) - getattr(self.found, kind), key=str)

    def extra(self, kind: str) -> list[object]:
        return sorted(getattr(self.found, kind) - getattr(self.gold, kind), key=str)


def _key(node: object) -> str:
    return str(node).rsplit("/", 1)[-1]


def facts(graph: Graph, source: URIRef | None = None, mentioned: Graph | None = None) -> Facts:
    """Facts of a graph; with ``source``, only statements derived from it (attributes may come
    from anywhere in ``graph``); trusts are those ``mentioned`` (default: ``graph``) names."""
    out = Facts()
    prefix = iris.ID + "trust/"
    for node in (mentioned if mentioned is not None else graph).all_nodes():
        if isinstance(node, URIRef) and str(node).startswith(prefix):
            out.trusts.add(str(node)[len(prefix):])

    def derived(node: object) -> bool:
        return source is None or (node, PROV.wasDerivedFrom, source) in graph

    for p in graph.subjects(RDF.type, URIRef(GDE + "Pairing")):
        if derived(p):
            out.pairings.add((_key(graph.value(p, URIRef(GDE + "exemplar"))),
                              _key(graph.value(p, URIRef(GDE + "follower")))))
    for a in graph.subjects(RDF.type, URIRef(GDE + "FundingAward")):
        amount = graph.value(a, SCHEMA_AMOUNT)
        if derived(a) and amount is not None:
            qualifier = _key(graph.value(a, URIRef(GDE + "amountQualifier"))).removeprefix("amount-qualifier-")
            allocation = _key(graph.value(a, URIRef(GDE + "allocation"))).removeprefix("allocation-")
            out.amounts.add((Decimal(str(amount)).normalize(), qualifier, allocation))
    return out


def seed_sources(curated: Graph, data_dir: Path) -> list[tuple[str, str, str | None, Path]]:
    """(seed file name, source key, article date, curated file) for each seed with a curated file."""
    out = []
    for source, local in curated.subject_objects(URIRef(GDE + "localFile")):
        key = _key(source)
        data_file = data_dir / f"{key}.ttl"
        if str(local).startswith("seeds/") and data_file.is_file():
            when = curated.value(source, DCTERMS.modified) or curated.value(source, DCTERMS.issued)
            out.append((str(local).removeprefix("seeds/"), key, str(when) if when else None, data_file))
    return sorted(out)


def evaluate(shared: Path | None = None, curated_aliases: bool = False) -> list[ArticleScore]:
    """Extract every seed article and score it against its curated file."""
    shared = Path(shared) if shared else paths.seeds_dir().parent
    curated = Graph()
    for path in data_files():
        curated.parse(path)
    known = known_structure(curated)
    ref = load_reference(shared / "refdata")
    gazetteer = Gazetteer.from_reference(ref, curated if curated_aliases else None)
    scores = []
    for name, key, when, data_file in seed_sources(curated, paths.data_dir()):
        ex = extract_file(shared / "seeds" / name, gazetteer, key, when, known)
        gold = facts(curated, URIRef(iris.instance("source", key)), Graph().parse(data_file))
        scores.append(ArticleScore(key, gold, facts(candidate_graph(ex, describe_source=False))))
    return scores


def _ratio(hit: int, total: int) -> str:
    return f"{hit / total:5.2f}" if total else "  n/a"


def totals(scores: list[ArticleScore], kind: str) -> tuple[float, float]:
    """Micro-averaged (precision, recall) of one kind over all articles."""
    hit = sum(s.counts(kind)[0] for s in scores)
    found = sum(s.counts(kind)[1] for s in scores)
    gold = sum(s.counts(kind)[2] for s in scores)
    return (hit / found if found else 1.0, hit / gold if gold else 1.0)


def table(scores: list[ArticleScore], title: str) -> str:
    """Per-article precision/recall (and counts) for trusts, pairings and amounts."""
    head = f"{'article':<10}" + "".join(f" | {k:^23}" for k in KINDS)
    lines = [title, head, f"{'':<10}" + " | P     R     hit/fnd/gld" * 3, "-" * len(head)]
    for s in scores + [ArticleScore("total", Facts(), Facts())]:
        cells = []
        for kind in KINDS:
            if s.source == "total":
                hit, fnd, gld = (sum(x.counts(kind)[i] for x in scores) for i in range(3))
            else:
                hit, fnd, gld = s.counts(kind)
            cells.append(f" | {_ratio(hit, fnd)} {_ratio(hit, gld)} {hit:>3}/{fnd:>3}/{gld:>3}")
        lines.append(f"{s.source:<10}" + "".join(cells))
    return "\n".join(lines)


def _fact(fact: object) -> str:
    if isinstance(fact, tuple) and fact and isinstance(fact[0], Decimal):
        return f"£{fact[0]:,f} {' '.join(fact[1:])}"
    return " -> ".join(fact) if isinstance(fact, tuple) else str(fact)


def details(scores: list[ArticleScore]) -> str:
    """What each article's extraction missed and added, per kind."""
    lines = []
    for s in scores:
        for kind in KINDS:
            if s.missed(kind):
                lines.append(f"{s.source} {kind} missed: {', '.join(map(_fact, s.missed(kind)))}")
            if s.extra(kind):
                lines.append(f"{s.source} {kind} extra:  {', '.join(map(_fact, s.extra(kind)))}")
    return "\n".join(lines) or "nothing missed, nothing extra"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=None, help="folder holding seeds/ and refdata/")
    parser.add_argument("--details", action="store_true", help="list missed and extra facts")
    args = parser.parse_args(argv)
    for aliases, title in ((False, "gazetteer: reference data only"),
                           (True, "gazetteer: reference data + curated trust labels")):
        scores = evaluate(args.shared, aliases)
        print(table(scores, title))
        if args.details:
            print(details(scores))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
