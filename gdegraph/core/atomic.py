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

__all__ = ["TreeWriter", "atomic_directory", "atomic_output", "atomic_write_bytes", "atomic_write_text",
           "replace_in_directory"]


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
def atomic_directory(path: str | os.PathLike[str], beside: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """Yield an empty temporary directory beside ``path``; swap it in for ``path`` on success.

    With ``beside`` (a folder that contains ``path``) the temporary is made beside that folder
    instead: the tree can then be built while that folder itself is replaced (a site in
    ``dist/site`` rendered while ``gdegraph publish`` swaps in a new ``dist``); it is on the same
    file system, so the swap is still a rename.

    Build the whole tree inside the yielded directory. If the block
    succeeds, any existing ``path`` is renamed aside, the new tree is renamed
    to ``path`` and the old one is deleted; if the second rename fails the
    old tree is put back. If the block raises, the temporary tree is deleted
    and ``path`` is untouched. ``path`` must not be an existing file.

    The swap is two renames, so for an instant ``path`` does not exist; a
    reader never sees a mixture of old and new files, which is what matters
    for a generated site. The temporaries carry the writer's process id, and
    any left by a process that no longer exists (killed half way through a
    site: tens of megabytes) are removed by the next call, as
    :func:`replace_in_directory` does.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} exists and is not a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    # Named as the outer folder's temporaries are, so that a killed writer's is removed by the next run too.
    home = Path(beside) if beside is not None else target
    tmp = Path(tempfile.mkdtemp(dir=home.parent, prefix=f".{home.name}.tmp-{os.getpid()}-"))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    _swap_in(tmp, target, f".{target.name}.old-{os.getpid()}-")


def _swap_in(tmp: Path, target: Path, old_prefix: str, carry: list[str] | None = None) -> None:
    """Rename the finished tree ``tmp`` onto ``target``: the old tree aside, the new in, the ``carry``
    entries of the old tree moved into the new, the old deleted (put back if the second rename fails)."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=old_prefix))
        os.rmdir(old)  # only the unique name is wanted; rename needs it free
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None and carry:
        _carry(old, target, carry)
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _carry(old: Path, target: Path, names: list[str]) -> None:
    """Move the entries ``names`` of ``old`` into ``target`` where it has none of that name (one rename each)."""
    for name in names:
        if os.path.lexists(old / name) and not os.path.lexists(target / name):
            os.replace(old / name, target / name)
    _fsync_dir(target)


def _remove_stale_temporaries(target: Path) -> None:
    """Delete ``.NAME.tmp-PID-*`` / ``.NAME.old-PID-*`` siblings left by a process that is gone (killed).

    Two exceptions: a writer killed between its two renames leaves no ``target`` and its previous
    tree as ``.NAME.old-PID-*`` or ``.NAME.carry-PID-*``, the only copy of what the next write may
    keep (the site beside the dumps); that one is put back as ``target`` instead. And one killed
    after them, before it moved the sub-folders of the previous tree into the new
    (:func:`replace_in_directory`), leaves them in ``.NAME.carry-PID-*``: they are moved in first."""
    for sibling in sorted(target.parent.glob(f".{target.name}.*-*-*")):
        kind, _, rest = sibling.name[len(target.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind not in ("tmp", "old", "carry") or not pid.isdigit() or not sibling.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            if kind != "tmp" and not os.path.lexists(target):
                os.replace(sibling, target)
                continue
            if kind == "carry":
                _carry(sibling, target, [e.name for e in os.scandir(sibling) if e.is_dir(follow_symlinks=False)])
            shutil.rmtree(sibling, ignore_errors=True)
        except PermissionError:  # alive, someone else's
            continue


def _link_files(source: Path, dest: Path, skip: set[str]) -> list[str]:
    """Hard-link every file directly in ``source`` into ``dest``, except the names in ``skip``; the names
    of its sub-folders, which are not linked (:func:`replace_in_directory` moves them).

    Linking is safe because every writer here replaces a file by renaming a
    new one onto it, never by writing into it; where links are impossible
    (another file system, no permission) the file is copied.
    """
    folders = []
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        target = dest / entry.name
        if entry.is_dir(follow_symlinks=False):
            folders.append(entry.name)
        elif entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        else:
            try:
                os.link(entry.path, target)
            except OSError:
                shutil.copy2(entry.path, target)
    return sorted(folders)


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file holding exactly ``data`` (then it is linked, not rewritten)."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
    except OSError:
        return False
    return _read_without_atime(path) == data


def replace_in_directory(path: str | os.PathLike[str], files: dict[str, bytes]) -> None:
    """Write ``files`` (name: bytes) into the directory ``path`` as one change, old files kept.

    A fresh folder beside ``path`` gets links to the files already in
    ``path`` and the new files, then is swapped in (:func:`atomic_directory`'s
    two renames). A reader, or a process killed at any point, sees the
    previous complete folder or the new one, never old dumps beside new
    ones; temporaries carry the writer's process id, and any left by a
    process that no longer exists are removed by the next call. A file whose
    bytes are already those in ``path`` is linked like the others rather than
    written and synced again (its data is on disk already).

    Sub-folders (the site, the network pictures: thousands of files this call
    does not write) are not linked file by file but moved, one rename each, from
    the old folder into the new one just after the swap. A writer killed in
    between leaves them in its ``.NAME.carry-PID-*``, and the next call moves
    them into ``path`` before it removes the rest.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(target)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-{os.getpid()}-"))
    try:
        unchanged = {name for name, data in files.items() if _holds(target / name, data)} if target.is_dir() else set()
        folders = _link_files(target, tmp, set(files) - unchanged) if target.is_dir() else []
        for name, data in files.items():
            if name in unchanged:
                continue
            with open(tmp / name, "wb") as handle:
                handle.write(data)
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o777 & ~_umask())
        for name in files:
            os.chmod(tmp / name, 0o666 & ~_umask())
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_in(tmp, target, f".{target.name}.carry-{os.getpid()}-", carry=folders)


def _read_without_atime(path: Path | str, size: int = -1) -> bytes | None:
    """A file's bytes (at most ``size`` + 1 of them when ``size`` is given, enough to tell a file of
    that size), read without updating its access time where the system allows (a read that writes
    to the file system's journal costs more than the read); None if it cannot be read."""
    plain = os.O_RDONLY | getattr(os, "O_BINARY", 0)
    for flags in (plain | getattr(os, "O_NOATIME", 0), plain):
        try:
            fd = os.open(path, flags)
        except PermissionError:  # O_NOATIME needs the file's owner
            continue
        except OSError:
            return None
        try:
            if size < 0:
                with os.fdopen(fd, "rb") as handle:
                    return handle.read()
            chunks, wanted = [], size + 1  # plain reads of the known size: no buffered file object per file
            while wanted > 0:
                chunk = os.read(fd, wanted)
                if not chunk:
                    break
                chunks.append(chunk)
                wanted -= len(chunk)
            os.close(fd)
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        except OSError:
            os.close(fd)
            return None
    return None


class TreeWriter:
    """Writes new files into a fresh directory tree, a few system calls each.

    The tree is made visible as a whole by :func:`atomic_directory`,
    so each file needs no atomic write of its own: it is created (``O_EXCL``)
    relative to an open descriptor of its folder, written and closed. Files
    get the usual ``0666 & ~umask``, as ``Path.write_bytes`` gives them.
    Several processes may write into one tree, each its own files.

    With ``previous`` (the tree being replaced) a file whose bytes are exactly
    those already there is hard-linked from it instead of written again: the
    same bytes, no data written, and deleting the previous tree then frees no
    blocks. Nothing is taken on trust: every file is rendered and compared.
    """

    def __init__(self, root: Path, previous: Path | None = None) -> None:
        self.root = root
        self.previous = previous if previous is not None and previous.is_dir() else None
        self._folders: dict[str, int] = {}
        self._sizes: dict[str, dict[str, int]] = {}
        self._relative = os.open in os.supports_dir_fd

    def __enter__(self) -> TreeWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self._folders.values():
            os.close(fd)
        self._folders.clear()

    def _folder(self, folder: str) -> int:
        dir_fd = self._folders.get(folder)
        if dir_fd is None:
            directory = self.root / folder
            directory.mkdir(parents=True, exist_ok=True)
            dir_fd = self._folders[folder] = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        return dir_fd

    def link(self, path: str, source: Path | str) -> bool:
        """Hard-link ``source`` as ``path``; False where links cannot be made (another file system, no
        permission, no relative calls), for the caller to write a copy."""
        if not self._relative:
            return False
        folder, _, name = path.rpartition("/")
        try:
            os.link(source, name, dst_dir_fd=self._folder(folder))
        except OSError:
            return False
        return True

    def _unchanged(self, folder: str, name: str, data: bytes) -> str | None:
        """The previous tree's file at this path if it holds exactly ``data``, else None."""
        if self.previous is None:
            return None
        sizes = self._sizes.get(folder)
        if sizes is None:
            try:
                with os.scandir(self.previous / folder) as entries:
                    sizes = {e.name: e.stat().st_size for e in entries if e.is_file(follow_symlinks=False)}
            except OSError:
                sizes = {}
            self._sizes[folder] = sizes
        if sizes.get(name) != len(data):
            return None
        old = f"{self.previous}/{folder}/{name}" if folder else f"{self.previous}/{name}"
        return old if _read_without_atime(old, len(data)) == data else None

    def write(self, path: str, data: bytes) -> None:
        folder, _, name = path.rpartition("/")
        old = self._unchanged(folder, name, data)
        if old is not None and self.link(path, old):
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        if self._relative:
            fd = os.open(name, flags, 0o666, dir_fd=self._folder(folder))
        else:
            (self.root / folder).mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / path, flags, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
