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
    """The whole release end to end, ``runs`` times each (replacing the files of the run before):
    ``gdegraph publish --site`` (one command, the figure the target is about); ``gdegraph publish``
    then ``gdegraph site`` into another folder (the two commands, their sum for comparison); and
    ``build`` alone."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gdebench-build-") as tmp:
        dist = Path(tmp) / "dist"
        steps = {"build": [str(BIN / "gdegraph"), "build", "--out", str(Path(tmp) / "b")],
                 "publish_site": [str(BIN / "gdegraph"), "publish", "--site", "--out", str(Path(tmp) / "r")],
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


#: (stage, file under gdegraph/ or a library's, function): where ``publish`` and ``site`` spend their time,
#: in the order the stages run. Names are the current tree's (tests/test_bench.py checks each still exists).
PROFILED = (
    ("publish", "publish/dumps.py", "publish"),
    ("publish", "sources/dataset.py", "build_store"),
    ("publish", "sources/loading.py", "load_into_store"),
    ("publish", "sources/refdata.py", "reference_triples"),
    ("publish", "sources/refdata.py", "_to_wgs84"),
    ("publish", "sources/derived.py", "derived_facts"),
    ("publish", "sources/inference.py", "store_entailments"),
    ("publish", "validate/verdict.py", "store_verdict"),
    ("publish", "validate/shacl_oxigraph.py", "run_checks"),
    ("publish", "validate/shacl_oxigraph.py", "run_qc"),
    ("publish", "publish/serialise.py", "__init__"),  # Statements: the quads sorted once
    ("publish", "publish/serialise.py", "statement_dump_files"),
    ("publish", "model/jsonld_context.py", "jsonld_document"),
    ("publish", "publish/serialise.py", "gzip_bytes"),
    ("publish", "publish/giving360/package.py", "package_files"),
    ("publish", "publish/giving360/schema.py", "validate_package"),
    ("publish", "publish/table_files.py", "tables_files"),
    ("publish", "publish/dataset_description/description.py", "describe"),
    ("publish", "core/atomic.py", "replace_in_directory"),
    ("site", "site/build.py", "build_site"),
    ("site", "site/model.py", "load"),
    ("site", "site/build.py", "__init__"),  # Site: the page model (Facts), views, listings
    ("site", "site/gallery.py", "gallery"),
    ("site", "site/build.py", "warm"),
    ("site", "site/build.py", "_write_share"),
    ("site", "site/views.py", "resource"),
    ("site", "jinja2/environment.py", "render"),
    ("site", "site/build.py", "_described"),
    ("site", "site/build.py", "serialise"),
    ("site", "site/gallery.py", "answer"),
    ("site", "site/pages.py", "class_index"),
    ("site", "core/atomic.py", "write"),
)


#: Run in a fresh interpreter pinned to one core: ``gdegraph ARGS`` under cProfile, the stats written to a file.
_PROFILED_RUN = """
import cProfile, os, sys
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
stats, argv = sys.argv[1], sys.argv[2:]
profiler = cProfile.Profile()
def command():
    from gdegraph.cli.main import main
    return main(argv)
status = profiler.runcall(command)
profiler.dump_stats(stats)
sys.exit(status)
"""


def profile_build() -> list[tuple[str, str, float, float]]:
    """Where ``gdegraph publish`` and then ``gdegraph site`` spend their time: (stage, function,
    cumulative seconds, own seconds) of :data:`PROFILED`, for the report.

    Each command runs as :func:`full_build` runs it (a new process, replacing the files of
    an unprofiled run of the same command just before, so unchanged files are linked, not
    written; ``publish`` before any site is in its folder), under
    cProfile and pinned to one core, so the work it shares out between forked processes
    where there are more (validation and the 360Giving package beside the dumps, the site's
    pages) all runs in the profiled process: the figures are the CPU each stage costs, imports
    included, not the wall time of a run. gzip runs in a thread cProfile does not follow:
    ``statement_dump_files`` waits for it, so its cumulative time includes it.
    """
    import pstats

    rows: list[tuple[str, str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="gdebench-prof-") as tmp:
        dist = Path(tmp) / "dist"
        commands = {"publish": ["publish", "--out", str(dist)],
                    "site": ["site", "--data", str(dist / "gdegraph.trig"), "--dist", str(dist), "--out",
                             str(dist / "site")]}
        for stage, argv in commands.items():  # in full_build's order: every publish run, then every site run
            run([str(BIN / "gdegraph"), *argv], timeout=900)
            stats = Path(tmp) / f"{stage}.prof"
            done = run([PYTHON, "-c", _PROFILED_RUN, str(stats), *argv], timeout=900)
            if done["returncode"] != 0:
                raise RuntimeError(f"profiled gdegraph {stage} failed: {done.get('stderr', '')[-500:]}")
            rows += profiled(pstats.Stats(str(stats)), stage)
    return rows


def profiled(stats: Any, stage: str) -> list[tuple[str, str, float, float]]:
    """The :data:`PROFILED` rows of one stage from its ``pstats.Stats``, in that order (a function
    called from several places is summed; one that did not run is left out)."""
    found: dict[tuple[str, str, str], list[float]] = {}
    for (file, _, func), (_, _, own, cumulative, _) in stats.stats.items():
        for key in PROFILED:
            if key[0] == stage and func == key[2] and file.replace("\\", "/").endswith("/" + key[1]):
                total = found.setdefault(key, [0.0, 0.0])
                total[0] += cumulative
                total[1] += own
    return [(stage, f"{suffix.removesuffix('.py').replace('/', '.')}:{name}", round(found[key][0], 3),
             round(found[key][1], 3)) for key in PROFILED if key in found for _, suffix, name in [key]]
