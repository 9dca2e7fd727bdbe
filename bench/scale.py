"""Benchmarks at one synthetic scale: load, every library query, SHACL validation, network analysis.

Each figure sits beside its baseline from the same run: gdegraph's loader
beside pyoxigraph's bulk loader, each library query beside the same bound
query on a raw pyoxigraph store, pySHACL (the reference validator) beside the
SPARQL-compiled shapes of gdegraph.validate.shacl_sparql (the default engine). The data are the deterministic
graphs of :mod:`gdegraph.synth`, written once to a cache folder.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import figure, loadavg, ratio, worker
from gdegraph import synth

ENGINE_CAP = 120.0  # seconds one rdflib query may take before it is reported as over the cap
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "gdegraph-bench"))


def dataset(scale: str, seed: int = 0) -> tuple[Path, int, synth.SynthConfig]:
    """The synthetic N-Quads file for ``scale`` (made once; same seed, same bytes)."""
    config = synth.config_for(synth.parse_scale(scale), seed)
    path = CACHE / f"synth-{scale}-t{config.trusts}-p{config.programmes}-s{seed}.nq"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        synth.write(tmp, config)
        tmp.replace(path)
    count = sum(1 for _ in path.open("rb"))
    return path, count, config


def load(path: Path, runs: int) -> dict[str, Any]:
    """Fresh processes, gdegraph and raw alternately (so a busy moment hits both), one load each."""
    ours: dict[str, list[float]] = {"seconds": [], "rss": []}
    raw: dict[str, list[float]] = {"seconds": [], "rss": []}
    for _ in range(runs):
        for task, into in (("load-gdegraph", ours), ("load-raw", raw)):
            data = worker(task, str(path), "1")
            if "error" in data:
                return {task: data}
            into["seconds"] += data["seconds"]
            into["rss"].append(data["process_peak_rss_mb"])
    a = figure(ours["seconds"], [], peak_rss_mb=max(ours["rss"]))
    b = figure(raw["seconds"], [], peak_rss_mb=max(raw["rss"]))
    return {"gdegraph": a, "pyoxigraph": b, "ratio": ratio(a, b)}


def queries(path: Path, runs: int) -> dict[str, Any]:
    data = worker("queries", str(path), str(runs), "synthetic", timeout=1800)
    if "error" in data:
        return data
    out: dict[str, Any] = {}
    for name, q in data["queries"].items():
        lib, raw = figure(q["library_s"]), figure(q["raw_s"])
        total = lib["seconds"]["median"] + q["bind_s"]
        out[name] = {"library": lib, "raw": raw, "bind_s": round(q["bind_s"], 4), "rows": q["rows"],
                     "ratio": ratio(lib, raw),
                     "ratio_with_binding": round(total / max(raw["seconds"]["median"], 1e-9), 2)}
    ratios = [q["ratio"] for q in out.values()]
    worst = max(out, key=lambda n: out[n]["ratio"])
    return {"queries": out, "worst": worst, "worst_ratio": out[worst]["ratio"],
            "geomean_ratio": round(statistics.geometric_mean(ratios), 3),
            "library_total_s": round(sum(q["library"]["seconds"]["median"] for q in out.values()), 4),
            "raw_total_s": round(sum(q["raw"]["seconds"]["median"] for q in out.values()), 4),
            "peak_rss_mb": data["process_peak_rss_mb"]}


def shacl(path: Path, pyshacl_timeout: float) -> dict[str, Any]:
    out: dict[str, Any] = {"fast": worker("shacl-fast", str(path), timeout=1800)}
    if pyshacl_timeout > 0:
        out["pyshacl"] = worker("shacl-pyshacl", str(path), timeout=pyshacl_timeout)
    else:
        out["pyshacl"] = {"skipped": "BENCH_PYSHACL_TIMEOUT=0 for this scale"}
    out["loadavg"] = loadavg()
    return out


def network(path: Path, runs: int) -> dict[str, Any]:
    data = worker("network", str(path), str(runs), timeout=1800)
    if "error" in data:
        return data
    total = [q + b + a for q, b, a in zip(data["queries_s"], data["build_s"], data["analyse_s"], strict=True)]
    return {"total": figure(total, [], peak_rss_mb=data["process_peak_rss_mb"]),
            "queries": figure(data["queries_s"]), "build": figure(data["build_s"]),
            "analyse": figure(data["analyse_s"]),
            "nodes": data["nodes"], "edges": data["edges"]}


def engines(path: Path, cap: float, synthetic: bool = True) -> dict[str, Any]:
    """Each library query on pyoxigraph and on rdflib's engine (issue 3's engine choice, at scale)."""
    return worker("engines", str(path), str(cap), "synthetic" if synthetic else "", timeout=cap * 40 + 600)


def run_scale(scale: str, runs: int, pyshacl_timeout: float, log: Any = print) -> dict[str, Any]:
    """Every figure at one scale (fewer runs of the slow parts at 1M)."""
    path, count, config = dataset(scale)
    big = count > 500_000
    log(f"[{scale}] {count} statements ({config.trusts} trusts, {config.programmes} programmes) in {path}")
    result: dict[str, Any] = {"scale": scale, "triples": count, "trusts": config.trusts,
                              "programmes": config.programmes, "file": str(path),
                              "file_mb": round(path.stat().st_size / 2**20, 1)}
    log(f"[{scale}] load")
    result["load"] = load(path, max(3, runs // (2 if big else 1)))
    log(f"[{scale}] library queries")
    result["queries"] = queries(path, 3 if big else runs)
    log(f"[{scale}] SHACL + QC (fast engine; pySHACL with a {pyshacl_timeout:.0f} s limit)")
    result["shacl"] = shacl(path, pyshacl_timeout)
    if not big:  # rdflib's engine at 1M: hours for the whole library, and several GB
        log(f"[{scale}] every library query on pyoxigraph and on rdflib (capped at {ENGINE_CAP:.0f} s each)")
        result["engines"] = engines(path, ENGINE_CAP)
    log(f"[{scale}] network")
    result["network"] = network(path, 1 if big else 3)
    return result
