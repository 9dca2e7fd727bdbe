"""Benchmarks at one synthetic scale: load, every library query, SHACL validation, network analysis.

Each figure sits beside its baseline from the same run: gdegraph's loader
beside pyoxigraph's bulk loader, each library query beside the same bound
query on a raw pyoxigraph store, pySHACL (the reference validator) beside the
SPARQL-compiled shapes of gdegraph.validate.shacl_sparql (the default engine). The data are the deterministic
graphs of :mod:`gdegraph.synth`, written once to a cache folder.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import PYTHON, ROOT, figure, loadavg, ratio, run, worker
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
    """`gdegraph network --data FILE --no-pictures` end to end beside bench/bare_network.py (pyoxigraph,
    two SPARQL queries, per-component networkx), fresh processes, interleaved; then each step's
    seconds and a profile (bench/worker.py), and whether both found the same network."""
    ours: dict[str, list[float]] = {"seconds": [], "rss": []}
    bare: dict[str, list[float]] = {"seconds": [], "rss": []}
    answer: dict[str, Any] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="gdebench-network-") as out:
            r = run([PYTHON, "-m", "gdegraph.cli", "network", "--data", str(path), "--no-pictures", "--out", out,
                     "--format", "json"], timeout=1800)
        b = run([PYTHON, str(ROOT / "bench" / "bare_network.py"), str(path)], timeout=1800)
        for name, res in (("gdegraph network", r), ("bare_network.py", b)):
            if res["returncode"] != 0:
                return {"error": f"{name}: " + ("timed out" if res["timed_out"] else res.get("stderr", "")[-500:])}
        for into, res in ((ours, r), (bare, b)):
            into["seconds"].append(res["seconds"])
            into["rss"].append(res["rss_kb"])
        report, answer = json.loads(r["stdout"]), json.loads(b["stdout"])
    a, base = figure(ours["seconds"], ours["rss"]), figure(bare["seconds"], bare["rss"])
    steps = worker("network", str(path), "1", timeout=1800)
    top = report["centrality"]["betweenness"]
    same = (report["counts"]["nodes"] == answer["nodes"]
            and report["network_distances"]["diameter"] == answer["diameter"]
            and (top[0]["value"] if top else 0.0) == round(answer["betweenness_max"], 4))
    return {"total": a, "bare": base, "ratio": ratio(a, base), "same_network": same,
            "nodes": answer["nodes"], "edges": answer["edges"],
            "components": report["components"]["combined"]["count"],
            "largest_component": max((c["nodes"] for c in report["network_distances"]["largest_components"]),
                                     default=0),
            "steps_s": steps.get("steps_s", {}), "profile": steps.get("profile", []),
            "steps_error": steps.get("error")}


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
    result["network"] = network(path, 3)
    return result
