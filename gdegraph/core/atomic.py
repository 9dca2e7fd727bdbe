"""Write files and directories so readers see the old version or the new, never half.

A build that crashes or is interrupted half way must not leave a truncated
``dist/graph.ttl`` or a site with half its pages: the next step (a deploy, a
diff, a human) would take it for real output. Everything is therefore built
under a temporary name in the *same* directory as the target (so the final
``os.replace`` is a rename within one file system, which POSIX makes atomic)
and only moved into place once it is complete. On failure the temporary is
removed and the previous output is left exactly as it was.

Files are fsync'ed before the rename and the directory after it, so after a
power cut the target holds either the old or the new content, not an empty
file. :func:`atomic_directory` guarantees atomic *visibility* of a whole
tree (no reader sees a half-built tree) but does not fsync every file in it;
a crash can at worst leave a stale temporary sibling (``.NAME.tmp-*``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_directory", "atomic_output", "atomic_write_bytes", "atomic_write_text"]


def _umask() -> int:
    """The process umask (reading it means setting it, so set it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable; ignored where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it onto ``path`` only if the block succeeds.

    The caller writes the temporary file however it likes (``open``, a
    serializer that takes a file name, a subprocess). When the ``with`` block
    exits normally the file is fsync'ed and renamed onto ``path``; if it
    raises, the temporary is deleted and ``path`` is untouched. Parent
    directories are created. The new file gets the mode the old one had, or
    the usual ``0666 & ~umask`` for a new file (``mkstemp`` alone would make
    it private).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        _fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Replace ``path`` with ``text`` atomically, encoded (UTF-8) with line endings kept as given.

    Line endings are not translated, so output is byte-identical on every
    platform, which keeps builds reproducible.
    """
    atomic_write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield an empty temporary directory beside ``path``; swap it in for ``path`` on success.

    Build the whole tree inside the yielded directory. If the block
    succeeds, any existing ``path`` is renamed aside, the new tree is renamed
    to ``path`` and the old one is deleted; if the second rename fails the
    old tree is put back. If the block raises, the temporary tree is deleted
    and ``path`` is untouched. ``path`` must not be an existing file.

    The swap is two renames, so for an instant ``path`` does not exist; a
    reader never sees a mixture of old and new files, which is what matters
    for a generated site.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        os.rmdir(old)  # only the unique name is wanted; rename needs it free
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
