"""One benchmark task in a fresh interpreter, printing one line of JSON.

Why a separate process per task: peak RSS (taken by ``/usr/bin/time`` in
bench/measure.py) then belongs to that task alone, a task that runs away is
killed by a timeout without taking the harness with it, and a baseline that
"only imports pyoxigraph" really imports nothing else.

    python bench/worker.py load-raw FILE RUNS
    python bench/worker.py load-gdegraph FILE RUNS
    python bench/worker.py queries FILE RUNS [synthetic]
    python bench/worker.py shacl-pyshacl FILE
    python bench/worker.py shacl-fast FILE       (the sparql engine, gdegraph.validate.validation.validate_dump)
    python bench/worker.py network FILE RUNS      (steps of `gdegraph network --data FILE`, and a profile)
    python bench/worker.py engines FILE CAP_SECONDS [synthetic]
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # this checkout's gdegraph, also from a worktree beside an editable install
    sys.path.insert(0, str(ROOT))
INFERRED = "https://w3id.org/gdegraph/graph/inferred"
def _clock(func: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Seconds a call takes, and its value."""
    started = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - started, value


def load_raw(path: str, runs: str) -> dict[str, Any]:
    """Baseline: pyoxigraph's own bulk loader, nothing else imported."""
    import pyoxigraph

    fmt = {".nq": pyoxigraph.RdfFormat.N_QUADS, ".trig": pyoxigraph.RdfFormat.TRIG}[Path(path).suffix]
    out = []
    for _ in range(int(runs) + 1):  # the first run warms the allocator and page cache; dropped
        out.append(_clock(pyoxigraph.Store().bulk_load, path=path, format=fmt)[0])
    return {"seconds": out[1:]}


def load_gdegraph(path: str, runs: str) -> dict[str, Any]:
    """What ``gdegraph query --data`` and the library do to load a dump."""
    from gdegraph.store.factory import OxigraphStore

    out = []
    for _ in range(int(runs) + 1):
        out.append(_clock(OxigraphStore.from_file, Path(path))[0])
    return {"seconds": out[1:]}


def _with_values() -> Any:
    """gdegraph's VALUES binding (it has moved between modules while the library was being written)."""
    try:
        from gdegraph.store.factory import with_values
    except ImportError:
        from gdegraph.query.library import with_values  # type: ignore[attr-defined,no-redef]
    return with_values


def queries(path: str, runs: str, synthetic: str = "") -> dict[str, Any]:
    """Each library query through the library (bind, then run and collect rows) beside the same
    final query text on a raw pyoxigraph store loaded from the same file, runs interleaved."""
    import pyoxigraph

    from gdegraph.query.library import bind_params, load_library
    from gdegraph.store.factory import OxigraphStore, run

    with_values = _with_values()

    lib = OxigraphStore.from_file(Path(path))
    raw = pyoxigraph.Store()
    raw.bulk_load(path=path, format=pyoxigraph.RdfFormat.N_QUADS if path.endswith(".nq") else pyoxigraph.RdfFormat.TRIG)
    from bench.params import sample_params

    sample = sample_params(lib.store) if synthetic else {}
    results = {}
    for name, query in load_library().items():
        given = {p.name: sample.get(p.name, p.example or "") for p in query.params if p.required}
        bind_s, bindings = _clock(bind_params, query, given, lib)
        text = with_values(query.text, bindings)

        def raw_run(text: str = text) -> int:
            answer = raw.query(text, use_default_graph_as_union=True)
            if isinstance(answer, pyoxigraph.QuerySolutions):
                names = [v.value for v in answer.variables]
                return len([tuple(s[n] for n in names) for s in answer])
            if isinstance(answer, pyoxigraph.QueryBoolean):
                return int(bool(answer))
            return len(list(answer))

        lib_s, raw_s, rows, rounds = [], [], 0, int(runs) + 1
        while len(lib_s) < rounds:  # the first round warms both and is dropped
            lib_s.append(_clock(run, lib, query.text, bindings)[0])
            seconds, rows = _clock(raw_run)
            raw_s.append(seconds)
            if len(lib_s) == 1 and lib_s[0] + seconds > 20:  # a slow query at a big scale: one measured round
                rounds = 2
        results[name] = {"library_s": lib_s[1:], "raw_s": raw_s[1:], "bind_s": bind_s, "rows": rows,
                         "params": given}
    return {"queries": results}


def shacl_pyshacl(path: str) -> dict[str, Any]:
    """The reference: the project's validate_dataset with pySHACL (+ QC queries) on an rdflib Dataset."""
    from rdflib import Dataset

    from gdegraph.validate.validation import validate_dataset

    parse_s, ds = _clock(lambda: _rdflib_dataset(path, Dataset))
    validate_s, report = _clock(lambda: validate_dataset(ds, engine="pyshacl"))
    return {"parse_s": parse_s, "validate_s": validate_s, "conforms": report.conforms, "results": len(report.results)}


def _rdflib_dataset(path: str, cls: Any) -> Any:
    ds = cls()
    ds.parse(path, format="nquads" if path.endswith(".nq") else "trig")
    return ds


def shacl_fast(path: str) -> dict[str, Any]:
    """The default engine: what `gdegraph validate --engine sparql --data FILE` does (gdegraph.validate.validation.
    validate_dump: the dump bulk-loaded into pyoxigraph, the shapes compiled to SPARQL, then the QC queries)."""
    from gdegraph.validate.validation import compiled_shapes, qc_queries, validate_dump

    compile_s, compiled = _clock(compiled_shapes)  # cached: validate_dump reuses it
    total_s, report = _clock(lambda: validate_dump(Path(path), engine="sparql"))
    return {"total_s": compile_s + total_s, "compile_s": compile_s, "checks": len(compiled.checks),
            "qc_queries": len(qc_queries()), "results": len(report.results), "conforms": report.conforms}


class _StepClock:
    """A :class:`gdegraph.core.progress.Progress` that records how long each step of the run took."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Any]:
        started = time.perf_counter()
        yield lambda done: None
        self.seconds["loading the dump" if name.startswith("loading") else name] = round(
            time.perf_counter() - started, 3)


def network(path: str, runs: str) -> dict[str, Any]:
    """`gdegraph network --data FILE --no-pictures` in this process: each step's seconds (median over
    ``runs``), then one run under cProfile: the 15 functions with the most cumulative time."""
    import cProfile
    import pstats
    import statistics
    import tempfile

    from gdegraph.network.analysis import run_network

    steps: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="gdebench-net-") as out:
        for _ in range(int(runs)):
            clock = _StepClock()
            result = run_network(Path(out), data=Path(path), pictures=False, progress=clock)
            for name, seconds in clock.seconds.items():
                steps.setdefault(name, []).append(seconds)
        profiler = cProfile.Profile()
        profiler.runcall(run_network, Path(out), data=Path(path), pictures=False)
    stats = pstats.Stats(profiler)
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][3])  # type: ignore[attr-defined]
    profile = [(f"{Path(file).parent.name}/{Path(file).name}:{func}" if file != "~" else func, round(cum, 3),
                round(tot, 3)) for (file, _, func), (_, _, tot, cum, _) in top
               if func not in ("runcall", "<module>")][:15]
    report = result.report
    return {"steps_s": {name: statistics.median(v) for name, v in steps.items()}, "profile": profile,
            "nodes": report["counts"]["nodes"], "diameter": report["network_distances"]["diameter"],
            "betweenness_max": report["centrality"]["betweenness"][0]["value"] if report["centrality"]["betweenness"]
            else 0.0}


def engines(path: str, cap: str = "60", synthetic: str = "") -> dict[str, Any]:
    """Every library query on pyoxigraph and on rdflib (bench/engines.py)."""
    sys.path.insert(0, str(ROOT))
    from bench.engines import compare

    return compare(path, cap, synthetic)


TASKS = {"engines": engines, "load-raw": load_raw,
         "load-gdegraph": load_gdegraph, "queries": queries, "shacl-pyshacl": shacl_pyshacl,
         "shacl-fast": shacl_fast, "network": network}

if __name__ == "__main__":
    print(json.dumps(TASKS[sys.argv[1]](*sys.argv[2:])))
