"""Where the wall time of ``gdegraph publish --site`` goes: each process's steps on one time axis.

cProfile (``bench/curated.py:profile_build``) says what each stage costs in CPU, pinned to one
core; it cannot say which process waits for which when the work is shared over two. This
script runs the combined build in this process with a timer around each step of
:func:`gdegraph.release.combined.publish_with_site` (the build, the publish's files, the
validating child, the site's model and shares, the swaps), in whichever process the step
runs, and prints one line per step: process, start and end in seconds since the script
started. Steps run once per process, so the timers are set before anything forks.

    .venv/bin/python -m bench.timeline [OUT_DIR]      # default: a temporary folder, run twice
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
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
