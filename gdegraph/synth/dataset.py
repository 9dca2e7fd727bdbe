"""The whole synthetic dataset: its quads in order, its size, and writing it out.

The order is fixed (ontology, generated graphs, then ``graph/inferred``), so
the same configuration always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from gdegraph.synth.config import SynthConfig, for_trusts
from gdegraph.synth.entailment import Entailer, ontology_quads
from gdegraph.synth.generator import Generator
from gdegraph.synth.terms import Quad, graph


def quads(config: SynthConfig) -> Iterator[Quad]:
    """Every quad of the synthetic dataset: the asserted graphs first, then ``graph/inferred``."""
    entailer = Entailer()
    for quad in chain(ontology_quads(), Generator(config).run()):
        entailer.see(quad)
        yield quad
    yield from entailer.inferred(graph("inferred"))


def config_for(triples: int, seed: int = 0) -> SynthConfig:
    """The configuration whose graph has about ``triples`` statements.

    Size is linear in the trust count plus a constant (ontology, sources), so
    two small probes give the line, which stays right when the ontology or the
    generator changes.
    """
    low, high = 240, 960
    c_low, c_high = (sum(1 for _ in quads(for_trusts(n, seed))) for n in (low, high))
    per_trust = (c_high - c_low) / (high - low)
    return for_trusts(max(8, round((triples - (c_low - per_trust * low)) / per_trust)), seed)


def write(path: Path, config: SynthConfig) -> int:
    """Write N-Quads (``.nq``) or the union as N-Triples (``.nt``); returns the number of statements."""
    count, triples = 0, path.suffix == ".nt"
    with path.open("w", encoding="utf-8") as out:
        for s, p, o, g in quads(config):
            out.write(f"{s} {p} {o} .\n" if triples else f"{s} {p} {o} {g} .\n")
            count += 1
    return count
