"""The whole synthetic dataset: its quads in order, its size, and writing it out.

The order is fixed (ontology, generated graphs, then ``graph/inferred``: the
status history, then the entailments of everything before), so the same
configuration always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from gdegraph.synth.config import SynthConfig, for_trusts
from gdegraph.synth.entailment import Entailer, ontology_quads
from gdegraph.synth.generator import Generator
from gdegraph.synth.history import History
from gdegraph.synth.terms import Quad, graph


def quads(config: SynthConfig) -> Iterator[Quad]:
    """Every quad of the synthetic dataset: the asserted graphs first, then ``graph/inferred``.

    As in the build (:func:`gdegraph.sources.dataset.build_dataset`), the status history is
    derived from the asserted graphs and the entailments from all of them plus the history.
    """
    entailer, history, inferred = Entailer(), History(), graph("inferred")
    for quad in chain(ontology_quads(), Generator(config).run()):
        entailer.see(quad)
        history.see(quad)
        yield quad
    for quad in history.quads(inferred):
        entailer.see(quad)
        yield quad
    yield from entailer.inferred(inferred)


def config_for(triples: int, seed: int = 0) -> SynthConfig:
    """The configuration whose graph has about ``triples`` statements.

    Size is linear in the trust count plus a constant (ontology, sources), so
    two small probes give the line, which stays right when the ontology or the
    generator changes.

    Programmes come in whole units of a thousand-odd triples each (memberships,
    pairings and their status steps), which the line cannot see; below
    :data:`REFINE_BELOW` triples, where one programme is a few per cent, the
    estimate is counted and corrected along the line up to three times.
    """
    low, high = 240, 960
    c_low, c_high = (_count(for_trusts(n, seed)) for n in (low, high))
    per_trust = (c_high - c_low) / (high - low)
    config = for_trusts(max(8, round((triples - (c_low - per_trust * low)) / per_trust)), seed)
    for _ in range(3 if triples < REFINE_BELOW else 0):
        error = _count(config) - triples
        if abs(error) <= 0.02 * triples:
            break
        config = for_trusts(max(8, config.trusts - round(error / per_trust)), seed)
    return config


#: Targets below this many triples are counted and corrected (cheap: a 250k graph is made in seconds).
REFINE_BELOW = 250_000


def _count(config: SynthConfig) -> int:
    return sum(1 for _ in quads(config))


def write(path: Path, config: SynthConfig) -> int:
    """Write N-Quads (``.nq``) or the union as N-Triples (``.nt``); returns the number of statements."""
    count, triples = 0, path.suffix == ".nt"
    with path.open("w", encoding="utf-8") as out:
        for s, p, o, g in quads(config):
            out.write(f"{s} {p} {o} .\n" if triples else f"{s} {p} {o} {g} .\n")
            count += 1
    return count
