"""Parameter values for the library queries on a synthetic graph: shared by the engine comparison
(:mod:`bench.engines`) and the worker (:mod:`bench.worker`), which import this and not each other."""

from __future__ import annotations

from typing import Any

GDE = "PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX org: <http://www.w3.org/ns/org#> "


def sample_params(store: Any) -> dict[str, str]:
    """Required parameter values that exist in a synthetic graph (an exemplar with a follower,
    a trust with a successor, a wave with members)."""
    def first(query: str) -> list[str]:
        row = next(iter(store.query(GDE + query, use_default_graph_as_union=True)))
        return [term.value for term in row]

    ex, fo = first("SELECT ?e ?f WHERE { ?p a gde:Pairing ; gde:exemplar/gde:odsCode ?e ; "
                   "gde:follower/gde:odsCode ?f } ORDER BY ?p LIMIT 1")
    (trust,) = first("SELECT ?c WHERE { ?t gde:odsCode ?c ; org:changedBy ?x ; gde:hasMembership ?m } "
                     "ORDER BY ?c LIMIT 1")
    (wave,) = first("SELECT ?w WHERE { ?m gde:inWave ?w } ORDER BY ?w LIMIT 1")
    return {"exemplar": ex, "follower": fo, "trust": trust, "wave": wave, "source": "seed-000", "text": "bridge"}
