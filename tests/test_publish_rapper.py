"""The CI cross-check: raptor's ``rapper`` re-reads every dump and finds as many statements as rdflib.

rapper comes from the Debian package raptor2-utils, which ``.ci/run`` installs.
Without it the check cannot run: in CI (``CI=true``) that is a failure, so a
broken CI image cannot pass silently; on a developer machine it is a skip.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from rdflib import Dataset

from gdegraph.publish.dumps import publish

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check-dumps-with-rapper.sh"


@pytest.fixture(scope="module")
def dist(dataset: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    publish(out, dataset=dataset)
    return out


def _run(directory: Path, path_prefix: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path_prefix is not None:
        env["PATH"] = f"{path_prefix}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(["bash", str(SCRIPT), str(directory)], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=900)


def test_rapper_agrees_with_rdflib_on_every_dump(dist: Path) -> None:
    if shutil.which("rapper") is None:
        reason = "rapper not on PATH: install raptor2-utils (apt-get install raptor2-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run this check")
        pytest.skip(reason)
    result = _run(dist)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("gdegraph.ttl", "gdegraph.nt.gz", "gdegraph.rdf", "gdegraph.trig", "gdegraph.nq", "void.ttl"):
        assert f"ok   {name}:" in result.stdout
    assert "gdegraph.jsonld: " in result.stdout and "all counts agree" in result.stdout


def test_a_count_mismatch_fails(dist: Path, tmp_path: Path) -> None:
    """A stand-in rapper that reports one statement too few must make the script fail."""
    fake = tmp_path / "bin" / "rapper"
    fake.parent.mkdir()
    fake.write_text('#!/usr/bin/env bash\necho "rapper: Parsing returned 1 triples" >&2\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    subset = tmp_path / "subset"
    subset.mkdir()
    shutil.copy(dist / "gdegraph.nt", subset / "gdegraph.nt")
    result = _run(Path("subset"), fake.parent, cwd=tmp_path)  # a relative DIR works too
    assert result.returncode == 1 and "FAIL gdegraph.nt: rapper 1 statements" in result.stdout


def test_unreadable_dump_fails(tmp_path: Path) -> None:
    (tmp_path / "gdegraph.nt").write_text("<a> <b> .\n")
    fake = tmp_path / "bin" / "rapper"
    fake.parent.mkdir()
    fake.write_text("#!/usr/bin/env bash\nexit 0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    result = _run(tmp_path, fake.parent)
    assert result.returncode != 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert subprocess.run(["bash", str(SCRIPT)], capture_output=True).returncode == 2
    assert subprocess.run(["bash", str(SCRIPT), str(tmp_path / "missing")], capture_output=True).returncode == 2
