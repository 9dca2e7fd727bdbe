"""``gdegraph publish --site``: the dumps and the site from one build, the same files as the two commands.

The combined run renders the site in a forked child while the parent writes the dumps, so
what is checked here is what could go wrong with that: a different file anywhere in the
tree, a temporary left behind, a site swapped in beside dumps that failed validation, and
the one-core path that runs the two in turn.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gdegraph.core.errors import ValidationFailed

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GDEGRAPH = [sys.executable, "-m", "gdegraph.cli"]
#: The CLI on one core only (its affinity set before it starts), as a one-core machine runs it.
ONE_CORE = ("import os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from gdegraph.cli.main import main; sys.exit(main(sys.argv[1:]))")


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path: bytes)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*(prefix or GDEGRAPH), *args], capture_output=True, text=True, timeout=600,
                          check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def differences(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


@pytest.fixture(scope="module")
def two_commands(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """``gdegraph publish`` then ``gdegraph site``, the reference."""
    dist = tmp_path_factory.mktemp("two") / "dist"
    cli("publish", "--out", str(dist))
    cli("site", "--data", str(dist / "gdegraph.trig"), "--dist", str(dist), "--out", str(dist / "site"))
    return tree(dist)


def test_publish_site_writes_the_files_of_publish_then_site(two_commands: dict[str, bytes], tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    done = cli("publish", "--site", "--out", str(dist))
    assert done.stdout.startswith("gdegraph publish: ") and "\ngdegraph site: 1" in done.stdout
    made = tree(dist)
    assert differences(made, two_commands) == []
    assert any(name.startswith("site/id/") for name in made) and "site/dumps/SHA256SUMS" in made
    cli("publish", "--site", "--out", str(dist))  # again, over its own output: unchanged files are linked
    assert differences(tree(dist), two_commands) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"], "no temporary left beside dist/"
    assert not [p for p in dist.rglob(".*")], "no temporary left inside dist/"


def test_on_one_core_the_two_run_in_turn_with_the_same_files(two_commands: dict[str, bytes], tmp_path: Path) -> None:
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this system")
    dist = tmp_path / "dist"
    cli("publish", "--site", "--out", str(dist), prefix=[sys.executable, "-c", ONE_CORE])
    assert differences(tree(dist), two_commands) == []


def test_a_graph_that_fails_validation_changes_neither_dumps_nor_site(tmp_path: Path) -> None:
    from gdegraph.release.combined import publish_with_site
    from gdegraph.sources.dataset import build_store

    dist = tmp_path / "dist"
    (dist / "site").mkdir(parents=True)
    (dist / "gdegraph.ttl").write_text("# the previous dump\n")
    (dist / "site" / "index.html").write_text("<p>the previous site</p>")
    before = tree(dist)
    store = build_store(extra=[FIXTURES / "invalid" / "amount-not-positive.ttl"])
    with pytest.raises(ValidationFailed):
        publish_with_site(dist, store=store)
    assert tree(dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"], "the site's temporary tree is removed"
    assert not [p for p in dist.rglob(".*")]


def test_a_site_that_cannot_be_written_fails_with_its_own_error_after_the_dumps(tmp_path: Path) -> None:
    """The site child fails before the publish ends (its folder is a file): the dumps are published, and the
    command fails with the child's error, not with a broken pipe when it is told to go on."""
    from gdegraph.core.errors import GdeError
    from gdegraph.release.combined import publish_with_site

    dist, blocked = tmp_path / "dist", tmp_path / "not-a-folder"
    blocked.write_text("a file where the site would go")
    with pytest.raises(GdeError, match="a worker process failed: .*not-a-folder"):
        publish_with_site(dist, site_dir=blocked)
    assert (dist / "SHA256SUMS").is_file() and blocked.read_text() == "a file where the site would go"
