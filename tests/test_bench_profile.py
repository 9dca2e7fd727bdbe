"""bench.curated.profile_build names functions by file and name: each must still exist in the tree, so the
report's profile of publish + site cannot silently lose a stage when code moves (it once listed module
files that a restructure had removed, and reported nothing)."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

from bench.curated import PROFILED, profiled

ROOT = Path(__file__).resolve().parents[1]


def _source(suffix: str) -> Path:
    if suffix.startswith("jinja2/"):
        return Path(jinja2.__file__).parent / suffix.removeprefix("jinja2/")
    return ROOT / "gdegraph" / suffix


@pytest.mark.parametrize("stage,suffix,name", PROFILED, ids=lambda v: str(v))
def test_every_profiled_function_exists(stage: str, suffix: str, name: str) -> None:
    text = _source(suffix).read_text(encoding="utf-8")
    assert re.search(rf"^\s*def {re.escape(name)}\(", text, re.M), f"{suffix} has no function {name}"


def test_profiled_rows_sum_a_function_called_from_several_places_within_its_stage() -> None:
    class Stats:
        stats = {
            ("/x/gdegraph/site/views.py", 1, "resource"): (0, 0, 0.5, 2.0, {}),
            ("/y/gdegraph/site/views.py", 9, "resource"): (0, 0, 0.25, 1.0, {}),
            ("/x/gdegraph/publish/dumps.py", 3, "publish"): (0, 0, 0.1, 4.0, {}),
            ("/x/gdegraph/site/views.py", 5, "unlisted"): (0, 0, 9.0, 9.0, {}),
        }
    assert profiled(Stats(), "site") == [("site", "site.views:resource", 3.0, 0.75)]
    assert profiled(Stats(), "publish") == [("publish", "publish.dumps:publish", 4.0, 0.1)]


def test_the_timeline_of_publish_site_names_every_step_in_each_process(tmp_path: Path) -> None:
    """bench.timeline times the combined build's steps by name: a step renamed away fails here, not in the
    report (run in its own interpreter: it wraps the functions it times)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "bench.timeline", str(tmp_path / "dist")], capture_output=True,
                          text=True, timeout=600, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.splitlines()[2:]]
    steps = {name for _, name, *_ in rows}
    assert steps == {"build_store", "publish_files", "_validate_and_make", "_site_model", "Site", "_write_share",
                     "replace_in_directory", "_swap_in"}
    assert rows[0][1] == "build_store" and rows[-1][1] == "_swap_in", "the build first, the site's swap last"
    assert all(float(start) <= float(end) for _, _, start, end, _ in rows)
