"""Deterministic synthetic gdegraph datasets, for benchmarks and scale tests.

The curated graph has about 10,000 triples; users will combine it with every
NHS organisation and years of programmes, so the pipeline must be measured on
bigger graphs that look like ours. This package writes such graphs in our own
ontology, shaped like a ``gdegraph build``: the ontology in ``graph/ontology``;
trust identity (ODS-like codes, official names, regions, locations,
successions) in ``graph/refdata``; sources, programmes, waves and tiers in
``graph/entities``; each article's statements (memberships, 1-3 followers per
exemplar, funding awards, claims and corrections) in its ``graph/seed-NNN``;
and in ``graph/inferred`` the build's status history (each statement's implicit
dated step, :mod:`gdegraph.sources.derived`, which the queries read statuses
from) and its entailments (the rules of :mod:`gdegraph.sources.inference`). It passes our SHACL shapes and QC queries
(tests/test_synth.py), so validation benchmarks measure real work.

Terms are N-Triples strings rather than rdflib/pyoxigraph objects because a
million triples must be made in seconds, and the same seed must give
byte-identical N-Quads (no set iteration, no hash order). Every IRI comes
from :mod:`gdegraph.model.iris`.

    python -m gdegraph.synth --triples 100k --seed 0 --out /tmp/synth-100k.nq

Modules: :mod:`~gdegraph.synth.config` (sizes), :mod:`~gdegraph.synth.terms`
(N-Triples terms), :mod:`~gdegraph.synth.generator` (the asserted quads),
:mod:`~gdegraph.synth.history` (status steps), :mod:`~gdegraph.synth.entailment` (ontology and entailed quads) and
:mod:`~gdegraph.synth.dataset` (all of them in order, and writing them).
"""

from __future__ import annotations

from gdegraph.synth.config import SCALES, SynthConfig, parse_scale
from gdegraph.synth.dataset import config_for, quads, write

__all__ = ["SCALES", "SynthConfig", "config_for", "parse_scale", "quads", "write"]
