"""Where the wall time of ``gdegraph publish --site`` goes: each process's steps on one time axis.

cProfile (``bench/curated.py:profile_build``) says what each stage costs in CPU, pinned to one
core; it cannot say which process waits for which when the work is shared over two. This
script runs the combined build in this process with a timer around each step of
:func:`gdegraph.release.combined.publish_with_site` (the build, the publish's files, the
validating child, the site's model and shares, the swaps), in whichever process the step
runs, and prints one line per step: process, start and end in seconds since the script
started. Steps run once per process, so the timers are set before anything forks.

    .venv/bin/python -m bench.timeline [OUT_DIR]      # default: a temporary folder, run twice
    .venv/bin/python -m bench.timeline --files DIST   # the site's render time by kind of file, one core

``--files`` renders every site path once, in this process pinned to one core, from the dump
``DIST/gdegraph.trig``, and prints the seconds spent per kind of file (a resource's page, its
Turtle, JSON-LD ...; the query pages with their queries): where the site's share of the time goes.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_START = time.perf_counter()


def _timed(owner: Any, name: str, write: Callable[[str], None]) -> None:
    """Replace ``owner.name`` by a wrapper that reports when each call starts and ends, and in which process."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter() - _START
        try:
            return inner(*args, **kwargs)
        finally:
            write(f"{os.getpid()}\t{name}\t{began:.3f}\t{time.perf_counter() - _START:.3f}\n")

    setattr(owner, name, wrapper)


def file_kinds(dist: Path) -> list[tuple[str, int, float]]:
    """(kind, files, seconds) of rendering every site path once from ``dist``, on one core, slowest first."""
    from collections import Counter

    from gdegraph.site.build import Site
    from gdegraph.site.model import Model

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    site = Site(Model.load(dist / "gdegraph.trig"), dumps_dir=dist, network_dir=dist / "network")
    paths = list(site.paths())
    site.warm()
    seconds: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for path in paths:
        began = time.perf_counter()
        site.render(path)
        folder, _, name = path.partition("/")
        kind = f"{folder}/*.{name.rsplit('.', 1)[-1]}" if "." in name else (f"{folder}/{name}" if name else folder)
        seconds[kind] += time.perf_counter() - began
        files[kind] += 1
    return [(kind, files[kind], round(total, 3)) for kind, total in seconds.most_common()]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--files"] and len(args) == 2:
        rows = file_kinds(Path(args[1]))
        print("kind\tfiles\tseconds")
        for kind, count, total in rows:
            print(f"{kind}\t{count}\t{total}")
        print(f"all\t{sum(r[1] for r in rows)}\t{sum(r[2] for r in rows):.3f}")
        return 0
    import gdegraph.core.atomic as atomic
    import gdegraph.publish.dumps as dumps
    import gdegraph.release.combined as combined
    import gdegraph.site.build as site_build
    import gdegraph.sources.dataset as dataset

    imported = time.perf_counter() - _START
    with tempfile.TemporaryDirectory(prefix="gdebench-timeline-") as tmp:
        log = Path(tmp) / "steps.tsv"
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)  # one write per line: processes do not interleave
        write = functools.partial(lambda fd, line: os.write(fd, line.encode()), fd)
        for owner, name in ((dataset, "build_store"), (dumps, "publish_files"), (dumps, "_validate_and_make"),
                            (combined, "_site_model"), (site_build, "Site"), (site_build, "_write_share"),
                            (atomic, "replace_in_directory"), (atomic, "_swap_in")):
            _timed(owner, name, write)
        out = Path(args[0]) if args else Path(tmp) / "dist"
        for run in (1, 2):  # the second run replaces the first's files, as a rebuild does
            os.ftruncate(fd, 0)
            began = time.perf_counter() - _START
            combined.publish_with_site(out)
            total = time.perf_counter() - _START - began
        os.close(fd)
        lines = sorted((line.split("\t") for line in log.read_text().splitlines()), key=lambda f: float(f[2]))
    pids = {pid: f"process {n}" for n, pid in enumerate(dict.fromkeys(f[0] for f in lines))}
    print(f"imports {imported:.3f} s; second run {total:.3f} s (started at {began:.3f} s)")
    print("process\tstep\tstart\tend\tseconds")
    for pid, name, start, end in lines:
        print(f"{pids[pid]}\t{name}\t{float(start) - began:.3f}\t{float(end) - began:.3f}\t{float(end) - float(start):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
