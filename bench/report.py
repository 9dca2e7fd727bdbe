"""The benchmark table (stdout, docs/performance.md) and the growth plot (docs/img/perf-growth.png).

Kept apart from the measuring so a table or plot can be redrawn from saved
JSON (``python -m bench.report``) without measuring again.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"cold_query": 1.3, "full_build_s": 1.5, "load": 1.3, "query": 1.3, "shacl_s": 60.0, "shacl_mb": 2048,
           "throughput": 0.8, "page_p50_ms": 5.0, "network": 2.0}


def load_scales(folder: Path) -> dict[str, dict[str, Any]]:
    """Every ``scale-*.json`` in ``folder``, smallest graph first."""
    found = {p.stem.removeprefix("scale-"): json.loads(p.read_text()) for p in sorted(folder.glob("scale-*.json"))}
    return dict(sorted(found.items(), key=lambda kv: kv[1]["triples"]))


def _s(fig: dict[str, Any] | None) -> str:
    """``median [min-max]`` of a figure, or the error it records."""
    if not fig or "seconds" not in fig:
        return str((fig or {}).get("error", (fig or {}).get("skipped", "n/a")))[:40]
    s = fig["seconds"]
    unit, k = ("ms", 1000) if s["median"] < 1 else ("s", 1)
    return f"{s['median'] * k:.3g} {unit} [{s['min'] * k:.3g}-{s['max'] * k:.3g}]"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "met" if ok else "**missed**"


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def curated_table(results: dict[str, Any]) -> list[str]:
    """Cold query, full build and server figures as a Markdown table."""
    out = [_row("figure", "gdegraph", "baseline (same run)", "ratio", "target", "verdict"),
           _row(*["---"] * 6)]
    for name, q in results.get("cold_query", {}).items():
        r = q.get("ratio")
        out.append(_row(f"cold `gdegraph query {name}`", _s(q["gdegraph"]),
                        f"bare pyoxigraph script {_s(q['bare_pyoxigraph'])}", f"{r}x", f"<= {TARGETS['cold_query']}x",
                        _verdict(r <= TARGETS["cold_query"] if r else None)))
    fb = results.get("full_build", {})
    if fb:
        total = fb.get("publish_plus_site_s")
        one = fb.get("publish_site", {}).get("seconds", {}).get("median")
        if one is not None:  # the release as one command: the dumps and the site from one build
            out.append(_row("full curated build: `publish --site`", _s(fb["publish_site"]),
                            f"`publish` then `site`: {total} s", "", f"<= {TARGETS['full_build_s']} s",
                            _verdict(one <= TARGETS["full_build_s"])))
        out.append(_row("full curated build: `publish` + `site`", f"{total} s", f"publish {_s(fb.get('publish'))}, "
                        f"site {_s(fb.get('site'))}", "", "" if one is not None else f"<= {TARGETS['full_build_s']} s",
                        "" if one is not None else _verdict(total <= TARGETS["full_build_s"] if total else None)))
    for where, sv in results.get("server", {}).items():
        if "throughput_ratio" not in sv:
            continue
        for kind, suffix in (("same query", ""), ("unique queries", "_varied")):
            g, o = sv[f"gdegraph_sparql{suffix}"], sv[f"oxigraph_sparql{suffix}"]
            r = sv[f"throughput_ratio{suffix}"]
            out.append(_row(f"SPARQL throughput, {kind} ({where}, {sv['clients']} clients)",
                            f"{g['requests_per_s']} req/s, p50 {g['latency']['p50_ms']} ms",
                            f"`oxigraph serve` {o['requests_per_s']} req/s, p50 {o['latency']['p50_ms']} ms", f"{r}x",
                            ">= 0.8x", _verdict(r >= TARGETS["throughput"])))
        first, cached = sv["page_first_render"]["latency"], sv["page_cached"]["latency"]
        out.append(_row(f"resource page p50 ({where})", f"{first['p50_ms']} ms first render",
                        f"{cached['p50_ms']} ms from the server's cache", "", "<= 5 ms",
                        _verdict(first["p50_ms"] <= TARGETS["page_p50_ms"])))
    return out


def build_profile_table(results: dict[str, Any]) -> list[str]:
    """Where ``publish`` and ``site`` spend their CPU (bench.curated.profile_build), as a Markdown table."""
    rows = results.get("build_profile") or []
    if not rows or len(rows[0]) != 4:  # results from before the profile named its stages
        return []
    out = ["", "Where `publish` then `site` spend their time (cProfile, one run pinned to one core so the work "
               "shared out between processes shows too; cumulative and own CPU seconds):", "",
           _row("stage", "function", "cumulative", "own"), _row(*["---"] * 4)]
    return out + [_row(stage, f"`{func}`", f"{cum:.2f} s", f"{own:.2f} s") for stage, func, cum, own in rows]


def _shacl_cells(sh: dict[str, Any]) -> tuple[str, str]:
    py, fast = sh.get("pyshacl", {}), sh.get("fast", {})
    py_cell = (f"{py['parse_s'] + py['validate_s']:.1f} s, {py['process_peak_rss_mb']:.0f} MB" if "validate_s" in py
               else str(py.get("error") or py.get("skipped") or "n/a")[:30])
    fast_cell = (f"{fast['total_s']:.1f} s, {fast['process_peak_rss_mb']:.0f} MB" if "total_s" in fast
                 else str(fast.get("error", "n/a"))[:30])
    return py_cell, fast_cell


def scale_table(scales: dict[str, dict[str, Any]]) -> list[str]:
    """One row per synthetic scale, as a Markdown table."""
    out = [_row("scale", "triples", "load: gdegraph", "load: raw pyoxigraph", "ratio", "library queries: worst ratio",
                "geometric mean", "validation: pySHACL", "validation: shapes as SPARQL (default)", "network",
                "load avg, date"), _row(*["---"] * 11)]
    for name, sc in scales.items():
        ld, qs, nw = sc.get("load", {}), sc.get("queries", {}), sc.get("network", {})
        out.append(_row(name, f"{sc['triples']:,}", _s(ld.get("gdegraph")), _s(ld.get("pyoxigraph")),
                        f"{ld.get('ratio', '?')}x", f"{qs.get('worst_ratio', '?')}x ({qs.get('worst', '?')})",
                        f"{qs.get('geomean_ratio', '?')}x", *_shacl_cells(sc.get("shacl", {})), _s(nw.get("total")),
                        f"{ld.get('gdegraph', {}).get('loadavg', '?')}, {sc.get('date', '')[:10]}"))
    return out


def network_table(scales: dict[str, dict[str, Any]]) -> list[str]:
    """`gdegraph network --data` end to end beside bench/bare_network.py at each scale, with its slowest steps."""
    rows = {n: sc["network"] for n, sc in scales.items() if "bare" in sc.get("network", {})}
    if not rows:
        return []
    out = [_row("scale", "network: nodes, edges, components (largest)", "`gdegraph network --data` (no pictures)",
                "bare script (pyoxigraph + networkx)", "ratio", "target", "verdict", "same network",
                "slowest steps", "load avg, date"), _row(*["---"] * 10)]
    for name, nw in rows.items():
        steps = sorted(nw.get("steps_s", {}).items(), key=lambda kv: -kv[1])[:3]
        out.append(_row(name, f"{nw['nodes']:,}, {nw['edges']:,}, {nw['components']:,} ({nw['largest_component']})",
                        f"{_s(nw['total'])}, {nw['total']['peak_rss_mb']['median']:.0f} MB",
                        f"{_s(nw['bare'])}, {nw['bare']['peak_rss_mb']['median']:.0f} MB", f"{nw['ratio']}x",
                        "<= 2x", _verdict(nw["ratio"] <= TARGETS["network"]), "yes" if nw["same_network"] else "**no**",
                        "; ".join(f"{k} {v:.2f} s" for k, v in steps),
                        f"{nw['total'].get('loadavg', '?')}, {str(nw.get('date') or scales[name].get('date', ''))[:10]}"))
    largest, nw = list(rows.items())[-1]
    if nw.get("profile"):
        out += ["", f"Where `gdegraph network --data` spends its time at {largest} (cProfile, one run, "
                    "cumulative seconds; the 15 largest):", "", _row("function", "cumulative", "own"),
                _row(*["---"] * 3)]
        out += [_row(f"`{func}`", f"{cum:.2f} s", f"{own:.2f} s") for func, cum, own in nw["profile"]]
    return out


def query_table(sc: dict[str, Any]) -> list[str]:
    """Every library query at one scale: library and raw medians, ratio, parameter binding."""
    out = [_row("query", "library", "raw pyoxigraph", "ratio", "binding the parameters", "rows"), _row(*["---"] * 6)]
    for name, q in sc.get("queries", {}).get("queries", {}).items():
        out.append(_row(name, _s(q["library"]), _s(q["raw"]), f"{q['ratio']}x",
                        f"{q['bind_s'] * 1000:.1f} ms" if q["bind_s"] > 0.0005 else "", q["rows"]))
    return out


def engines_table(results: dict[str, Any], scales: dict[str, dict[str, Any]]) -> list[str]:
    """Issue 3's engine choice at each size: the whole library and each query, pyoxigraph vs rdflib."""
    runs = {"curated": results.get("engines_curated", {})} | {n: sc.get("engines", {}) for n, sc in scales.items()}
    runs = {n: e for n, e in runs.items() if "queries" in e}
    if not runs:
        return []
    out = [_row("graph", "load: pyoxigraph", "load: rdflib", "28 queries: pyoxigraph", "rdflib",
                "speed-up (median query)", "rdflib over the cap"), _row(*["---"] * 7)]
    for name, e in runs.items():
        ups = [q["speedup"] for q in e["queries"].values() if q["speedup"] is not None]
        over = ", ".join(e["over_cap"]) or "none"
        out.append(_row(name, f"{e['load']['pyoxigraph_s']} s", f"{e['load']['rdflib_s']} s",
                        f"{e['pyoxigraph_total_s']} s", f"{e['rdflib_total_finished_s']} s",
                        f"{statistics.median(ups):.0f}x" if ups else "n/a", f"{over} (cap {e['cap_s']:.0f} s)"))
    largest, e = list(runs.items())[-1]
    out += ["", f"Each library query on both engines at {largest}:", "",
            _row("query", "pyoxigraph", "rdflib", "speed-up"), _row(*["---"] * 4)]
    for q, f in e["queries"].items():
        rd = f"{f['rdflib_s']} s" if f["rdflib_s"] is not None else f"over {e['cap_s']:.0f} s"
        out.append(_row(q, f"{f['pyoxigraph_s'] * 1000:.1f} ms", rd, f"{f['speedup']}x" if f["speedup"] else "n/a"))
    return out


def table(results: dict[str, Any], scales: dict[str, dict[str, Any]]) -> str:
    m = results.get("machine", {})
    out = [f"gdegraph benchmarks, {results.get('date', '?')}: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
           f"{m.get('memory_gb', '?')} GB, Python {m.get('python', '?')}, pyoxigraph {m.get('pyoxigraph', '?')}; "
           f"load average at start {results.get('loadavg_at_start', '?')}", ""]
    out += curated_table(results)
    out += build_profile_table(results)
    cc = results.get("crosscheck")
    if cc:
        differ = f": differ in {', '.join(cc['differing'])}" if cc["differing"] else ""
        out += ["", f"Shapes as SPARQL vs pySHACL: the same results in {cc['agree']} of {cc['cases']} cases "
                    f"(the curated graph and every negative fixture){differ}."]
    out += ["", *scale_table(scales)]
    network = network_table(scales)
    if network:
        out += ["", "Network analysis (pairings + successions; betweenness, closeness, eccentricity, exact):", "",
                *network]
    if scales:
        with_queries = [n for n, sc in scales.items() if "queries" in sc.get("queries", {})]
        if with_queries:
            largest = with_queries[-1]
            out += ["", f"Library queries at {largest}:", "", *query_table(scales[largest])]
    engines = engines_table(results, scales)
    if engines:
        out += ["", "Local engines (the library through gdegraph's store classes):", "", *engines]
    return "\n".join(out)


def _series(scales: dict[str, dict[str, Any]], get: Any) -> tuple[list[int], list[float]]:
    xs, ys = [], []
    for sc in scales.values():
        try:
            value = get(sc)
        except (KeyError, TypeError):
            continue
        if value:
            xs.append(sc["triples"])
            ys.append(value)
    return xs, ys


def _mb(value: Any) -> float:
    """Peak RSS of a figure: a number in older results, median/min/max since the network is run several times."""
    return value["median"] if isinstance(value, dict) else value


def plot(scales: dict[str, dict[str, Any]], out: Path) -> Path | None:
    """Seconds (left) and peak memory (right) against triples, log-log, with the 1M targets marked."""
    if len(scales) < 2:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    med = lambda f: f["seconds"]["median"]  # noqa: E731
    time_lines = {
        "load, gdegraph": lambda s: med(s["load"]["gdegraph"]),
        "load, raw pyoxigraph": lambda s: med(s["load"]["pyoxigraph"]),
        "all 28 library queries, gdegraph": lambda s: s["queries"]["library_total_s"],
        "all 28 library queries, raw pyoxigraph": lambda s: s["queries"]["raw_total_s"],
        "validation, pySHACL (reference)": lambda s: s["shacl"]["pyshacl"]["parse_s"]
        + s["shacl"]["pyshacl"]["validate_s"],
        "validation, shapes as SPARQL": lambda s: s["shacl"]["fast"]["total_s"],
        "network analysis": lambda s: med(s["network"]["total"]),
    }
    memory_lines = {
        "validation, pySHACL": lambda s: s["shacl"]["pyshacl"]["process_peak_rss_mb"],
        "validation, shapes as SPARQL": lambda s: s["shacl"]["fast"]["process_peak_rss_mb"],
        "load, gdegraph": lambda s: s["load"]["gdegraph"]["peak_rss_mb"],
        "network analysis": lambda s: _mb(s["network"]["total"]["peak_rss_mb"]),
    }
    unfinished = [name for name, sc in scales.items() if "error" in sc.get("shacl", {}).get("pyshacl", {})]
    note = f" (did not finish at {', '.join(unfinished)})" if unfinished else ""
    colours = dict(zip(["load", "queries", "pyshacl", "sparql", "network"], plt.get_cmap("tab10").colors, strict=False))
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5.2))
    for ax, lines, unit, target in ((left, time_lines, "seconds", 60), (right, memory_lines, "peak RSS (MB)", 2048)):
        for label, get in lines.items():
            xs, ys = _series(scales, get)
            kind = next(k for k in ("pySHACL", "SPARQL", "load", "queries", "network") if k in label).lower()
            if xs:
                ax.plot(xs, ys, marker="o", label=label + (note if kind == "pyshacl" else ""),
                        linestyle="--" if "raw" in label else "-", color=colours[kind])
        ax.axhline(target, color="grey", linewidth=0.8, linestyle=":")
        ax.text(max(s["triples"] for s in scales.values()), target * 1.1, f"1M validation target ({target:g})",
                fontsize=8, color="grey", ha="right")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("triples (synthetic graphs, gdegraph.synth)")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7.5, loc="lower right")
    left.set_title("Time as the graph grows")
    right.set_title("Memory as the graph grows")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def update_doc(doc: Path, text: str) -> bool:
    """Put ``text`` between the bench markers of ``doc`` (the prose around them is kept).

    Why markers: docs/performance.md explains the figures in words; only the
    tables are the harness's to rewrite. The file is replaced atomically.
    """
    if not doc.is_file():
        return False
    body = doc.read_text(encoding="utf-8")
    start, end = body.find(BEGIN), body.find(END)
    if start < 0 or end < start:
        return False
    tmp = doc.with_suffix(".tmp")
    tmp.write_text(body[:start + len(BEGIN)] + "\n" + text.rstrip() + "\n" + body[end:], encoding="utf-8")
    tmp.replace(doc)
    return True


if __name__ == "__main__":
    folder = ROOT / "bench" / "results"
    latest = json.loads((folder / "latest.json").read_text()) if (folder / "latest.json").is_file() else {}
    text = table(latest, load_scales(folder))
    print(text)
    update_doc(ROOT / "docs" / "performance.md", text)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img" / "perf-growth.png"
    print(plot(load_scales(folder), target))
