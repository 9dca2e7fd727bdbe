"""Every library query on each local engine -- pyoxigraph (the default) and rdflib -- on one dump.

Why: issue 3 chose pyoxigraph as the local engine because rdflib's own SPARQL
evaluator was 10-30x slower on the curated graph; this measures whether that
choice holds as the graph grows, through the project's own store classes
(:class:`gdegraph.store.factory.OxigraphStore`, :class:`gdegraph.store.factory.RdflibStore`)
so binding and row conversion are included, as a user gets them.

rdflib evaluates in pure Python, so a query that runs away is stopped by
SIGALRM after ``cap`` seconds and reported as "over the cap" rather than
holding up the whole benchmark (the signal handler runs between bytecodes,
which rdflib's evaluator is made of). Run in a worker process
(bench/worker.py ``engines``), so the peak RSS is the two stores' alone.
"""

from __future__ import annotations

import signal
import statistics
import time
from pathlib import Path
from typing import Any


class _Overrun(Exception):
    """An rdflib query ran past the cap."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Overrun


def _seconds(func: Any) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def _capped(func: Any, cap: float) -> float | None:
    """Seconds ``func`` took, or None when it ran past ``cap`` seconds (then it is interrupted)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        return _seconds(func)
    except _Overrun:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def compare(path: str, cap: str = "60", synthetic: str = "") -> dict[str, Any]:
    """Load times of both engines, then each query: pyoxigraph (median of 3), rdflib (one capped run)."""
    from gdegraph.query.library import bind_params, load_library
    from gdegraph.store.factory import OxigraphStore, RdflibStore, run

    from bench.params import sample_params

    limit = float(cap)
    ox_load = _seconds(lambda: OxigraphStore.from_file(Path(path)))
    ox = OxigraphStore.from_file(Path(path))
    rd_box: list[Any] = []
    rd_load = _seconds(lambda: rd_box.append(RdflibStore.from_file(Path(path))))
    rd = rd_box[0]
    sample = sample_params(ox.store) if synthetic else {}
    out: dict[str, Any] = {}
    for name, query in load_library().items():
        given = {p.name: sample.get(p.name, p.example or "") for p in query.params if p.required}
        bindings = bind_params(query, given, ox)
        run(ox, query.text, bindings)  # warm-up
        ox_s = statistics.median(_seconds(lambda: run(ox, query.text, bindings)) for _ in range(3))
        rd_s = _capped(lambda: run(rd, query.text, bindings), limit)
        out[name] = {"pyoxigraph_s": round(ox_s, 5), "rdflib_s": None if rd_s is None else round(rd_s, 4),
                     "speedup": None if rd_s is None else round(rd_s / max(ox_s, 1e-6), 1)}
    finished = [q for q in out.values() if q["rdflib_s"] is not None]
    return {"load": {"pyoxigraph_s": round(ox_load, 3), "rdflib_s": round(rd_load, 3)},
            "queries": out, "cap_s": limit, "over_cap": sorted(n for n, q in out.items() if q["rdflib_s"] is None),
            "pyoxigraph_total_s": round(sum(q["pyoxigraph_s"] for q in out.values()), 4),
            "rdflib_total_finished_s": round(sum(q["rdflib_s"] for q in finished), 3),
            "pyoxigraph_total_same_queries_s": round(sum(q["pyoxigraph_s"] for q in finished), 4)}
