"""A publish killed half way leaves the previous complete dist/ (issue 14, finding 6).

The publish runs in a real subprocess that SIGKILLs itself in the middle of
writing (at its N-th fsync), as an out-of-memory kill or a power cut would.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gdegraph.core.atomic import replace_in_directory

KILLED_PUBLISH = """
import os, signal, sys
from pathlib import Path
from gdegraph.publish.dumps import publish
from gdegraph.sources.dataset import build_dataset
dataset = build_dataset()
calls, real = [0], os.fsync
def dying(fd):
    calls[0] += 1
    if calls[0] == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    real(fd)
os.fsync = dying
publish(Path(sys.argv[1]), dataset=dataset)
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_publish_killed_half_way_leaves_the_old_dist(tmp_path: Path, dataset) -> None:
    from gdegraph.publish.dumps import publish_files

    names = list(publish_files(dataset))
    dist = tmp_path / "dist"
    (dist / "site").mkdir(parents=True)
    (dist / "site" / "index.html").write_text("<p>the site</p>")
    for name in names:
        (dist / name).write_bytes(b"old " + name.encode())
    before = snapshot(dist)
    done = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, str(dist), "5"], capture_output=True, timeout=300, check=False)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    assert snapshot(dist) == before, "the killed publish changed dist/"
    assert not [p for p in dist.rglob("*") if ".tmp" in p.name]
    done = subprocess.run([sys.executable, "-c", KILLED_PUBLISH, str(dist), "0"], capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    after = snapshot(dist)
    assert after["site/index.html"] == b"<p>the site</p>", "files publish does not write are kept"
    assert all(not after[name].startswith(b"old ") for name in names), "every dump is new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"], "no temporary left beside dist/"


def test_replace_in_directory_keeps_others_and_fails_cleanly(tmp_path: Path) -> None:
    target = tmp_path / "out"
    replace_in_directory(target, {"a.txt": b"1", "b.txt": b"2"})
    replace_in_directory(target, {"b.txt": b"3"})
    assert snapshot(target) == {"a.txt": b"1", "b.txt": b"3"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with pytest.raises(FileNotFoundError):  # the second file cannot be written: nothing changes
        replace_in_directory(target, {"a.txt": b"x", "no-such-folder/b.txt": b"y"})
    assert snapshot(target) == {"a.txt": b"1", "b.txt": b"3"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_replace_in_directory_links_a_file_whose_bytes_are_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "out"
    replace_in_directory(target, {"same.txt": b"same", "new.txt": b"1"})
    inodes = {p.name: p.stat().st_ino for p in target.iterdir()}
    replace_in_directory(target, {"same.txt": b"same", "new.txt": b"2"})
    assert snapshot(target) == {"same.txt": b"same", "new.txt": b"2"}
    assert (target / "same.txt").stat().st_ino == inodes["same.txt"]
    assert (target / "new.txt").stat().st_ino != inodes["new.txt"]


def test_a_site_build_killed_half_way_is_cleared_by_the_next(tmp_path: Path) -> None:
    """atomic_directory (gdegraph site's dist/site) in a process SIGKILLed half way through the tree: its
    half-written temporary beside the target is removed by the next build, not left there for ever."""
    import os
    import signal

    from gdegraph.core.atomic import atomic_directory

    site = tmp_path / "dist" / "site"
    pid = os.fork()
    if pid == 0:  # the killed build
        try:
            with atomic_directory(site) as tmp:
                (tmp / "index.html").write_text("half")
                os.kill(os.getpid(), signal.SIGKILL)
        finally:
            os._exit(1)
    assert os.waitpid(pid, 0)[1] == signal.SIGKILL
    assert [p.name for p in site.parent.iterdir() if ".tmp" in p.name], "the killed build left its temporary"
    with atomic_directory(site) as tmp:
        (tmp / "index.html").write_text("whole")
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"]
    assert (site / "index.html").read_text() == "whole"


def test_a_writer_killed_between_its_two_renames_loses_nothing(tmp_path: Path) -> None:
    """Killed after moving dist/ aside and before moving the new one in: dist/ is missing and
    ``.dist.old-PID-*`` holds the only copy of the files the next publish does not write (the site,
    the pictures). The next call puts that copy back rather than deleting it as a stale temporary."""
    import os

    dist = tmp_path / "dist"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          check=True).stdout.decode().strip()  # a process id that no longer runs
    aside = tmp_path / f".dist.old-{gone}-abcd1234"
    (aside / "site").mkdir(parents=True)
    (aside / "site" / "index.html").write_text("<p>the site</p>")
    (tmp_path / f".dist.tmp-{gone}-efgh5678").mkdir()  # its new tree, complete or not: not trusted
    replace_in_directory(dist, {"gdegraph.nt": b"new"})
    assert (dist / "site" / "index.html").read_text() == "<p>the site</p>"
    assert (dist / "gdegraph.nt").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert os.path.isdir(dist)


def test_a_writer_killed_before_moving_the_sub_folders_over_loses_nothing(tmp_path: Path) -> None:
    """Sub-folders are moved into the new dist/ just after the swap, not linked file by file: killed in
    between, the new dist/ lacks them and ``.dist.carry-PID-*`` holds them. The next call moves them in."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "gdegraph.nt").write_bytes(b"the new dump")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          check=True).stdout.decode().strip()
    aside = tmp_path / f".dist.carry-{gone}-abcd1234"
    (aside / "site" / "id").mkdir(parents=True)
    (aside / "site" / "id" / "a.html").write_text("<p>a page</p>")
    (aside / "gdegraph.nt").write_bytes(b"the old dump")  # a link to the old file: not moved back
    replace_in_directory(dist, {"void.ttl": b"new"})
    assert (dist / "site" / "id" / "a.html").read_text() == "<p>a page</p>"
    assert (dist / "gdegraph.nt").read_bytes() == b"the new dump"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_sub_folders_are_moved_into_the_new_folder_not_copied(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "site" / "id").mkdir(parents=True)
    page = dist / "site" / "id" / "a.html"
    page.write_text("<p>a page</p>")
    folder = (dist / "site").stat().st_ino  # the same folder, moved: not a new one with links in it
    replace_in_directory(dist, {"gdegraph.nt": b"new"})
    assert page.read_text() == "<p>a page</p>" and (dist / "site").stat().st_ino == folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
