"""``make bench``: every benchmark, a table on stdout, JSON in bench/results/, the growth plot.

    make bench                                  # scales 10k,100k (about 10 minutes)
    make bench BENCH_SCALES=10k,100k,1m         # adds 1M (about 25 more minutes)
    .venv/bin/python -m bench.run --only curated,server --runs 3
    .venv/bin/python -m bench.run --only network --scales 1m   # the network analysis alone, kept beside the rest

Environment (or the matching options): BENCH_SCALES, BENCH_RUNS (runs per
figure, default 5), BENCH_PYSHACL_TIMEOUT (seconds pySHACL may take at one
scale, default 900; 0 skips it), BENCH_QUIET (wait, up to 2 minutes, for the
load average to fall below this before starting; default 0.7).

Each scale's figures are also kept in bench/results/scale-SCALE.json, so the
table and the growth curve in docs/performance.md can show a 1M run made
earlier beside today's smaller ones; every figure carries its date and load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import curated, measure, report, scale  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECTIONS = ("curated", "crosscheck", "scales", "server", "extract")
#: Sections run only when named in --only: `network` re-measures the network analysis at each scale
#: and updates that figure in bench/results/scale-SCALE.json, keeping the scale's other figures.
EXTRA_SECTIONS = ("network",)
SERVER_QUERY = ("PREFIX gde: <https://w3id.org/gdegraph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                "SELECT DISTINCT ?f ?name WHERE { ?p gde:exemplar ?e ; gde:follower ?f . ?f skos:prefLabel ?name . "
                "FILTER (?e = <https://w3id.org/gdegraph/id/trust/EXEMPLAR>) }")


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _pages(data: Path, limit: int = 200) -> list[str]:
    """Paths of trust pages in the data, in a stable order (distinct pages: first renders)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_QUADS if data.suffix == ".nq"
                    else pyoxigraph.RdfFormat.TRIG)
    rows = store.query("SELECT DISTINCT ?c WHERE { ?t <https://w3id.org/gdegraph/def#odsCode> ?c } ORDER BY ?c",
                       use_default_graph_as_union=True)
    return [f"/id/trust/{row['c'].value}.html" for row in rows][:limit]


def _exemplars(data: Path) -> list[str]:
    """ODS codes of the exemplars in the data, in a stable order."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_QUADS if data.suffix == ".nq"
                    else pyoxigraph.RdfFormat.TRIG)
    rows = store.query("SELECT DISTINCT ?c WHERE { ?p <https://w3id.org/gdegraph/def#exemplar>/"
                       "<https://w3id.org/gdegraph/def#odsCode> ?c } ORDER BY ?c", use_default_graph_as_union=True)
    return [row["c"].value for row in rows]


def server_figures(data: Path, dist: Path) -> dict[str, Any]:
    from bench.server import bench_server

    queries = [SERVER_QUERY.replace("EXEMPLAR", code) for code in _exemplars(data)]
    return bench_server(data, dist, queries, _pages(data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default=os.environ.get("BENCH_SCALES", "10k,100k"))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "5")))
    parser.add_argument("--pyshacl-timeout", type=float, default=float(os.environ.get("BENCH_PYSHACL_TIMEOUT", "900")))
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"sections to run: {', '.join(SECTIONS + EXTRA_SECTIONS)}")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    sections = {s.strip() for s in args.only.split(",")}
    scales = [s.strip().lower() for s in args.scales.split(",") if s.strip()]
    quiet = measure.wait_quiet(float(os.environ.get("BENCH_QUIET", "0.7")))
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": measure.machine(),
                               "loadavg_at_start": quiet, "runs": args.runs, "scales": scales}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gdebench-dist-") as tmp:
        dist = Path(tmp)
        if sections & {"curated", "server"}:
            log("building the curated graph")
            data = curated.build_dump(dist)
        if "curated" in sections:
            curated.compile_bytecode()  # once, for the cold starts and the build alike
            log("cold `gdegraph query` vs bare pyoxigraph script")
            results["cold_query"] = curated.cold_queries(data, args.runs)
            log("full build: publish + site")
            results["full_build"] = curated.full_build(max(5, args.runs))
            results["build_profile"] = curated.profile_build()
            log("every library query on pyoxigraph and on rdflib (curated graph)")
            results["engines_curated"] = scale.engines(data, scale.ENGINE_CAP, synthetic=False)
        if "crosscheck" in sections:
            log("fast SHACL engine vs pySHACL: curated graph and every negative fixture")
            from bench.crosscheck import run_all

            results["crosscheck"] = run_all()
        if "server" in sections:
            log("server vs oxigraph serve (curated graph)")
            results["server"] = {"curated": server_figures(data, dist)}
    if "extract" in sections:
        log("extraction speed: a 3 MB article (target < 10 s)")
        from bench.extract_speed import measure as extract_speed

        results["extract"] = extract_speed(3.0)
    if "scales" in sections:
        results["scale"] = {}
        for name in scales:
            timeout = args.pyshacl_timeout
            results["scale"][name] = scale.run_scale(name, args.runs, timeout, log)
            results["scale"][name].update(date=results["date"], machine=results["machine"]["hostname"])
            RESULTS.mkdir(parents=True, exist_ok=True)
            (RESULTS / f"scale-{name}.json").write_text(json.dumps(results["scale"][name], indent=1) + "\n")
        if "server" in sections and "100k" in scales:
            log("server vs oxigraph serve (100k)")
            path, _, _ = scale.dataset("100k")
            results.setdefault("server", {})["100k"] = server_figures(path, path.parent)
    if "network" in sections and "scales" not in sections:
        for name in scales:
            log(f"[{name}] network analysis vs bench/bare_network.py")
            path, count, _ = scale.dataset(name)
            file = RESULTS / f"scale-{name}.json"
            kept = json.loads(file.read_text()) if file.is_file() else {"scale": name, "triples": count,
                                                                        "date": results["date"]}
            kept["network"] = {**scale.network(path, 3), "date": results["date"]}
            RESULTS.mkdir(parents=True, exist_ok=True)
            file.write_text(json.dumps(kept, indent=1) + "\n")
    results["seconds"] = round(time.perf_counter() - started, 1)
    if sections <= set(EXTRA_SECTIONS) and args.out.is_file():
        results = json.loads(args.out.read_text())  # only scale files changed: redraw with the last full run
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    text = report.table(results, report.load_scales(RESULTS))
    print(text)
    if "extract" in results:
        e = results["extract"]
        print(f"extract: {e['megabytes']} MB article in {e['seconds']} s ({e['mb_per_s']} MB/s; target < 10 s)")
    report.update_doc(ROOT / "docs" / "performance.md", text)
    plot = report.plot(report.load_scales(RESULTS), ROOT / "docs" / "img" / "perf-growth.png")
    log(f"wrote {args.out}" + (f" and {plot}" if plot else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
