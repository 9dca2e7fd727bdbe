"""Atomic writes: success replaces the target; failure leaves the old one and no temporaries."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from gdegraph.core.atomic import atomic_directory, atomic_output, atomic_write_bytes, atomic_write_text


class Boom(Exception):
    pass


def leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def test_write_text_creates_parents_and_content(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.ttl"
    atomic_write_text(target, "line 1\nline 2\n")
    assert target.read_bytes() == b"line 1\nline 2\n"
    assert leftovers(target.parent, {"out.ttl"}) == []


def test_write_text_is_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    atomic_write_text(target, "café\r\nx\n")
    assert target.read_bytes() == "café\r\nx\n".encode()


def test_write_bytes_replaces(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path, {"out.bin"}) == []


def test_new_file_gets_normal_permissions(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    atomic_write_text(target, "<p>hi</p>")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_existing_mode_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "run.sh"
    target.write_text("old")
    target.chmod(0o751)
    atomic_write_text(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o751


def test_failure_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old content")
    with pytest.raises(Boom):
        with atomic_output(target) as tmp:
            assert tmp.parent == target.parent and tmp != target
            tmp.write_text("half-written")
            raise Boom
    assert target.read_text() == "old content"
    assert leftovers(tmp_path, {"graph.ttl"}) == []


def test_failure_without_old_file_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "graph.ttl"
    with pytest.raises(Boom):
        with atomic_output(target) as tmp:
            tmp.write_text("partial")
            raise Boom
    assert not target.exists()
    assert leftovers(target.parent, set()) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_output(target) as tmp:
            tmp.write_text("partial")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert leftovers(tmp_path, {"graph.ttl"}) == []


def test_output_path_usable_by_tools_that_want_a_filename(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    with atomic_output(target) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write("<a:b> <c:d> <e:f> .\n")
        assert not target.exists()  # invisible until the block succeeds
    assert target.read_text() == "<a:b> <c:d> <e:f> .\n"


def test_atomic_directory_builds_new_tree(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with atomic_directory(site) as build:
        (build / "index.html").write_text("new")
        (build / "sub").mkdir()
        (build / "sub" / "page.html").write_text("page")
        assert not site.exists()
    assert (site / "index.html").read_text() == "new"
    assert (site / "sub" / "page.html").read_text() == "page"
    assert leftovers(tmp_path, {"site"}) == []


def test_atomic_directory_replaces_old_tree_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("stale")
    (site / "index.html").write_text("old")
    with atomic_directory(site) as build:
        (build / "index.html").write_text("new")
        assert (site / "index.html").read_text() == "old"  # readers still see the old site
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text() == "new"
    assert leftovers(tmp_path, {"site"}) == []


def test_atomic_directory_failure_keeps_old_tree(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old")
    with pytest.raises(Boom):
        with atomic_directory(site) as build:
            (build / "index.html").write_text("half")
            raise Boom
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text() == "old"
    assert leftovers(tmp_path, {"site"}) == []


def test_atomic_directory_refuses_a_file_target(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("not a dir")
    with pytest.raises(NotADirectoryError):
        with atomic_directory(target):
            pass
    assert target.read_text() == "not a dir"
    assert leftovers(tmp_path, {"site"}) == []
