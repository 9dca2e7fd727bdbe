"""Benchmarks on the curated graph: cold ``gdegraph query`` against a bare script, and the full build.

Cold query: each run is a new process, as a user typing the command gets
(the page cache is warm: one unrecorded run first). gdegraph's modules are
byte-compiled first, as ``pip install`` does for an installed package: an
editable checkout under ``PYTHONDONTWRITEBYTECODE`` (as on the CI machine)
would otherwise recompile every module on every start, about 25 ms. The baseline is
bench/bare_query.py -- pyoxigraph only, the same dump, the same bound query
text, the same TSV output.

Full build: what it takes to go from the sources to everything published,
run as a user runs it: ``gdegraph publish`` (build, SHACL + QC validation,
every dump) then ``gdegraph site`` (every page and per-resource file).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import BIN, PYTHON, ROOT, ratio, repeat, run

#: (query, parameters): one query without parameters, one that resolves a trust by its code.
COLD_QUERIES = (("pairings", {}), ("followers-of", {"exemplar": "RQ6"}))


def build_dump(out: Path) -> Path:
    """Build the curated graph once (dist-like folder) and return its TriG dump."""
    done = run([str(BIN / "gdegraph"), "build", "--out", str(out)], timeout=600)
    if done["returncode"] != 0:
        raise RuntimeError(f"gdegraph build failed: {done['stderr'][-500:]}")
    return out / "gdegraph.trig"


def _bound_text(name: str, params: dict[str, str], data: Path) -> str:
    """The query text with its parameters bound, exactly as ``gdegraph query`` sends it to the engine."""
    from bench.worker import _with_values
    from gdegraph.query.library import bind_params, get_query
    from gdegraph.store.factory import OxigraphStore

    with_values = _with_values()

    query = get_query(name)
    return with_values(query.text, bind_params(query, params, OxigraphStore.from_file(data)))


def compile_bytecode() -> None:
    """Byte-compile the gdegraph package, as an installed wheel would be."""
    import compileall

    compileall.compile_dir(str(ROOT / "gdegraph"), quiet=1)


def cold_queries(data: Path, runs: int) -> dict[str, Any]:
    out = {}
    with tempfile.TemporaryDirectory(prefix="gdebench-") as tmp:
        for name, params in COLD_QUERIES:
            rq = Path(tmp) / f"{name}.rq"
            rq.write_text(_bound_text(name, params, data), encoding="utf-8")
            args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
            ours = repeat([str(BIN / "gdegraph"), "query", name, "--data", str(data), "--format", "tsv", *args], runs)
            bare = repeat([PYTHON, str(ROOT / "bench" / "bare_query.py"), str(data), str(rq)], runs)
            version = repeat([str(BIN / "gdegraph"), "--version"], runs)
            startup = repeat([PYTHON, "-c", "import pyoxigraph"], runs)
            profile = run([PYTHON, "-X", "importtime", "-m", "gdegraph.cli.main", "query", name, "--data", str(data),
                           "--format", "tsv", *args])
            out[name] = {"top_level_imports_ms": top_imports(profile.get("stderr_full", "")), "gdegraph": ours,
                         "bare_pyoxigraph": bare, "gdegraph_version": version,
                         "python_import_pyoxigraph": startup, "params": params,
                         "ratio": ratio(ours, bare) if "seconds" in ours and "seconds" in bare else None}
    return out


def top_imports(importtime: str, top: int = 10) -> dict[str, float]:
    """The modules imported at top level (not as a dependency of another) costing most, in ms."""
    costs = {}
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            costs[parts[2].strip()] = round(int(parts[1]) / 1000, 1)
    return dict(sorted(costs.items(), key=lambda kv: -kv[1])[:top])


def full_build(runs: int) -> dict[str, Any]:
    """``gdegraph publish`` then ``gdegraph site`` into a fresh folder, ``runs`` times; and ``build`` alone."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gdebench-build-") as tmp:
        dist = Path(tmp) / "dist"
        steps = {"build": [str(BIN / "gdegraph"), "build", "--out", str(Path(tmp) / "b")],
                 "publish": [str(BIN / "gdegraph"), "publish", "--out", str(dist)],
                 "site": [str(BIN / "gdegraph"), "site", "--data", str(dist / "gdegraph.trig"), "--dist", str(dist),
                          "--out", str(dist / "site")]}
        for name, argv in steps.items():
            out[name] = repeat(argv, runs, timeout=900)
        shutil.rmtree(dist, ignore_errors=True)
    if all("seconds" in out[s] for s in ("publish", "site")):
        total = out["publish"]["seconds"]["median"] + out["site"]["seconds"]["median"]
        out["publish_plus_site_s"] = round(total, 3)
    return out


def profile_build() -> list[tuple[str, float]]:
    """Where ``gdegraph build`` spends its time (cumulative seconds of the main stages), for the report."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="gdebench-prof-") as tmp:
        from gdegraph.publish.build import build

        profiler.runcall(build, Path(tmp))
    stats = pstats.Stats(profiler)
    wanted = {("build.py", "build_dataset"), ("validation.py", "_run_shacl"), ("validation.py", "_run_qc"),
              ("validation.py", "_run_sparql"), ("publish.py", "serialise"), ("build.py", "union"),
              ("inference.py", "entailments"), ("refdata.py", "reference_graph"), ("loading.py", "load_files")}
    found = []
    for (file, _, func), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if (Path(file).name, func) in wanted:
            found.append((f"{Path(file).name}:{func}", round(cumulative, 3)))
    return sorted(found, key=lambda x: -x[1])
