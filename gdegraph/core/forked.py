"""Share CPU-bound Python work between this process and forked copies of it, one per core.

Rendering a thousand pages is pure Python, so threads would take turns on the
GIL; a forked process starts with everything the parent has already built
(the page model, the compiled templates) at no copying cost and works on its
own share. Used where the shares are independent and each worker's output is
its own files (the site's pages): the result a worker sends back is small
(counts), and the parent decides success for all. The work can be cut into
shares in advance (:func:`run_shares`) or handed out run by run to whichever
process is ready (:func:`share_out`): then no guess of what each item costs
can leave one process working while the others wait.

The rules that keep it safe:

* a child never returns into the parent's code: whatever happens it ends with
  ``os._exit`` (no ``finally`` of the parent's, such as removing a half-built
  output folder, runs twice; no buffered output is flushed twice);
* if the parent's own share fails, a child fails, or the parent is
  interrupted, the children still running are stopped and waited for before
  the error goes on, so no child still writes into a folder being removed;
* a child's failure is re-raised in the parent as a :class:`GdeError` naming it
  (its exception, or the signal that killed it);
* where ``os.fork`` does not exist, or one core is all there is, every share
  runs here, in order: the output is the same either way.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from gdegraph.core.errors import GdeError

__all__ = ["Child", "chunks", "cores", "frozen_heap", "rare_collections", "run_shares", "share_out"]

_T = TypeVar("_T")
#: Most processes worth forking: the work is memory-bound beyond a few.
MAX_WORKERS = 4


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says), at most :data:`MAX_WORKERS`;
    1 where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return 1
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, available))


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Everything allocated so far left out of the cyclic garbage collector's passes, until the block ends.

    What is built before work is shared out (a store, a page model) lives until the end, yet
    every full collection would walk all of it again; and a collector walking it in a forked
    child writes to the pages it shares with the parent, which then get copied. This is what
    :func:`gc.freeze` is for. The objects go back under the collector afterwards, so a caller
    that goes on (a test, the server) loses nothing.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def rare_collections(threshold: int = 100_000) -> Iterator[None]:
    """The cyclic garbage collector run rarely in the block: every ``threshold`` allocations, not 700.

    A build makes a large heap that lives to its end (a store's terms, a page model, compiled
    templates) and little cyclic garbage, so the frequent young-generation passes find almost
    nothing to free: about 3% of a ``publish --site`` on one core (measured with ``gc.callbacks``).
    Build tools such as mypy raise the threshold for the same reason. The thresholds are put back
    afterwards.
    """
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


class Child:
    """Work started in a forked child (or, where there is no fork, done already): ask for its result."""

    def __init__(self, work: Callable[[], Any], fork: bool = True) -> None:
        self._pid = self._reader = 0
        self._done: tuple[Any, BaseException | None] | None = None
        if fork and hasattr(os, "fork"):
            self._pid, self._reader = _fork(work)
            return
        try:
            self._done = (work(), None)
        except Exception as exc:  # kept for result(), as a child's failure would be
            self._done = (None, exc)

    def result(self) -> Any:
        """What the work returned (waiting for the child); its failure raised here."""
        if self._done is None:
            reader, self._reader = self._reader, -1  # _collect closes it, whatever happens
            try:
                self._done = (_collect(self._pid, reader), None)
            except GdeError as exc:  # the child failed (and is reaped): cancel() has nothing left to stop
                self._done = (None, exc)
        value, error = self._done
        if error is not None:
            raise error
        return value

    def cancel(self) -> None:
        """Stop the child if it still runs (the caller failed and no longer wants the result)."""
        if self._done is None:
            _stop(self._pid, self._reader)
            self._done = (None, GdeError("the worker process was stopped"))


def run_shares(shares: Sequence[Sequence[_T]], work: Callable[[Sequence[_T]], Any]) -> list[Any]:
    """``work(share)`` for every share, the first here and each other in a forked child, results in order.

    ``work`` returns something JSON can carry (it crosses a pipe from the children).
    """
    if len(shares) < 2 or not hasattr(os, "fork"):
        return [work(share) for share in shares]
    children = [Child(lambda share=share: work(share)) for share in shares[1:]]
    try:
        return [work(shares[0]), *(child.result() for child in children)]
    except BaseException:  # this share, or a child, failed (or Ctrl-C): the others still running are stopped
        for child in children:
            child.cancel()
        raise


def chunks(items: Sequence[_T], weight: Callable[[_T], float], count: int,
           group: Callable[[_T], Any] = lambda item: item) -> list[list[_T]]:
    """``items`` cut into about ``count`` runs of consecutive items of about equal weight (a group never cut),
    heaviest first: the order :func:`share_out` hands them out in, so the last ones are the light ones."""
    target = sum(weight(item) for item in items) / max(1, count)
    runs: list[tuple[float, list[_T]]] = []
    current: list[_T] = []
    load, key = 0.0, object()
    for item in items:
        k = group(item)
        if current and k != key and load >= target:
            runs.append((load, current))
            current, load = [], 0.0
        current.append(item)
        load += weight(item)
        key = k
    if current:
        runs.append((load, current))
    return [run for _, run in sorted(runs, key=lambda r: -r[0])]


class _Queue:
    """Run numbers, each read once by whichever process asks first: a pipe filled before anyone forks.

    Each number is 4 bytes, written in one go and read 4 bytes at a time; a pipe read takes what it
    returns out of the pipe for that reader alone, so no two processes get the same run. All the
    numbers are written before anyone reads, so they must fit in the pipe at once: at most
    ``PIPE_BUF`` bytes (4 KiB on Linux, 1,024 runs), which an empty pipe always takes without
    blocking; the usual 64 KiB is not promised (a pipe made past the user's pipe-buffer limit
    holds one page)."""

    MAX_RUNS = select.PIPE_BUF // 4

    def __init__(self, count: int) -> None:
        if count > self.MAX_RUNS:
            raise ValueError(f"at most {self.MAX_RUNS} runs, not {count}")
        self._reader, writer = os.pipe()
        try:
            os.write(writer, b"".join(n.to_bytes(4, "little") for n in range(count)))
        finally:
            os.close(writer)

    def __iter__(self) -> Iterator[int]:
        while len(data := os.read(self._reader, 4)) == 4:
            yield int.from_bytes(data, "little")

    def close(self) -> None:
        os.close(self._reader)


def share_out(runs: Sequence[Sequence[_T]], workers: int, work: Callable[[Iterator[_T], bool], Any]) -> list[Any]:
    """``work(items, first)`` in this process and ``workers - 1`` forked ones, each taking the next run of
    ``runs`` whenever it is ready for more, so they all finish together whatever each item costs; the
    results in order (this process's first, ``first`` true only for it).

    Each process gets an iterator over the items of the runs it takes; ``work`` returns something JSON
    can carry. Failures and interruptions are handled as :func:`run_shares` handles them.
    """
    queue = _Queue(len(runs))

    def pulled() -> Iterator[_T]:
        for number in queue:
            yield from runs[number]

    try:
        return run_shares([[True], *([[False]] * (max(1, workers) - 1))], lambda share: work(pulled(), share[0]))
    finally:
        queue.close()


def _fork(work: Callable[[], Any]) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the work, report, and leave without running any of the parent's code
        os.close(reader)
        status = 1
        try:
            message = json.dumps({"result": work()})
            status = 0
        except BaseException as exc:  # noqa: BLE001 -- every failure must reach the parent
            message = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
        try:
            with os.fdopen(writer, "w", encoding="utf-8") as pipe:
                pipe.write(message)
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _collect(pid: int, reader: int) -> Any:
    with os.fdopen(reader, "r", encoding="utf-8") as pipe:
        text = pipe.read()
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    try:
        answer = json.loads(text) if text else {}
    except ValueError:  # cut short: the child was killed while it wrote
        answer = {}
    if code != 0 or "result" not in answer:
        how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
        raise GdeError(f"a worker process failed: {answer.get('error') or how}")
    return answer["result"]


def _stop(pid: int, reader: int) -> None:
    if reader >= 0:
        os.close(reader)
    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):  # already reaped (interrupted while collecting it)
        pass
