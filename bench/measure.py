"""Measuring: repeated runs, medians with min/max, peak RSS, load average, the machine.

Why a module of its own: every figure in bench/results/*.json must be taken
the same way -- the median of several runs with its min and max, the peak
resident memory of the process that did the work, and the 1-minute load
average when it ran (other engineers share this 2-core machine, so a figure
taken under load says so). Timings are reported, never asserted.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TIME = "/usr/bin/time"


def loadavg() -> float:
    """The 1-minute load average (what else was running while we measured)."""
    return round(os.getloadavg()[0], 2)


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    import pyoxigraph

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / 1024 / 1024, 1),
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "pyoxigraph": pyoxigraph.__version__, "hostname": platform.node()}


def stats(values: Sequence[float], digits: int = 4) -> dict[str, Any]:
    """Median, min and max of some runs (the median is the figure; min/max show the spread)."""
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits), "runs": len(values)}


def figure(seconds: Sequence[float], rss_kb: Sequence[int] = (), **extra: Any) -> dict[str, Any]:
    """One benchmark figure: time stats, peak RSS stats (MB), load average, extra facts."""
    out: dict[str, Any] = {"seconds": stats(seconds), "loadavg": loadavg()}
    if rss_kb:
        out["peak_rss_mb"] = stats([r / 1024 for r in rss_kb], 1)
    out.update(extra)
    return out


def ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
    """Median of ``a`` over median of ``b``: how many times slower gdegraph is than the baseline."""
    return round(a["seconds"]["median"] / max(b["seconds"]["median"], 1e-9), 2)


def run(argv: Sequence[str], timeout: float = 600, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> dict[str, Any]:
    """Run a command under ``/usr/bin/time``: wall seconds, peak RSS (KB), exit status, stdout.

    A command that overruns ``timeout`` is killed and reported with ``timed_out``
    rather than failing the whole benchmark.
    """
    fmt = "GDEBENCH %e %M"
    started = time.perf_counter()
    # Its own session, so an overrun kills the whole group: killing only /usr/bin/time left the
    # measured child running, loading the machine under every later figure.
    proc = subprocess.Popen([TIME, "-f", fmt, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, cwd=cwd or ROOT, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, _ = proc.communicate()
        return {"seconds": time.perf_counter() - started, "rss_kb": 0, "returncode": None, "timed_out": True,
                "stdout": stdout or ""}
    wall = time.perf_counter() - started  # finer than time's %e (10 ms); the wrapper adds ~1 ms
    match = re.search(r"GDEBENCH ([0-9.]+) ([0-9]+)", stderr)
    rss = int(match.group(2)) if match else 0
    stderr = re.sub(r"GDEBENCH .*\n?", "", stderr)
    return {"seconds": wall, "rss_kb": rss, "returncode": proc.returncode, "timed_out": False,
            "stdout": stdout, "stderr": stderr[-2000:], "stderr_full": stderr}


def repeat(argv: Sequence[str], runs: int, timeout: float = 600, warmup: int = 1,
           env: dict[str, str] | None = None) -> dict[str, Any]:
    """``runs`` runs of a command (after ``warmup`` unrecorded ones, so the page cache is warm)."""
    for _ in range(warmup):
        run(argv, timeout, env)
    results = [run(argv, timeout, env) for _ in range(runs)]
    failed = [r for r in results if r["returncode"] != 0]
    if failed:
        r = failed[0]
        return {"error": "timed out" if r["timed_out"] else f"exit {r['returncode']}: {r.get('stderr', '')[-500:]}",
                "loadavg": loadavg()}
    return figure([r["seconds"] for r in results], [r["rss_kb"] for r in results])


def worker(task: str, *args: str, timeout: float = 900) -> dict[str, Any]:
    """Run ``bench/worker.py TASK ARGS`` in a fresh interpreter; its JSON, plus its peak RSS."""
    result = run([PYTHON, str(ROOT / "bench" / "worker.py"), task, *args], timeout)
    if result["timed_out"]:
        return {"error": f"timed out after {timeout:.0f} s", "loadavg": loadavg()}
    if result["returncode"] != 0:
        return {"error": f"exit {result['returncode']}: {result['stderr'][-800:]}", "loadavg": loadavg()}
    data = json.loads(result["stdout"].strip().splitlines()[-1])
    data["process_peak_rss_mb"] = round(result["rss_kb"] / 1024, 1)
    return data


def timed(func: Callable[[], Any], runs: int, warmup: int = 1) -> list[float]:
    """Seconds of ``runs`` calls of ``func`` in this process (after ``warmup`` calls)."""
    for _ in range(warmup):
        func()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append(time.perf_counter() - started)
    return out


def wait_quiet(threshold: float = 0.7, patience: float = 120.0) -> float:
    """Wait (up to ``patience`` s) for the 1-minute load average to drop below ``threshold``."""
    deadline = time.monotonic() + patience
    while loadavg() >= threshold and time.monotonic() < deadline:
        time.sleep(5)
    return loadavg()
