"""Work shared with forked processes: the same results as here, failures reported, nothing left running."""

from __future__ import annotations

import os

import pytest

from gdegraph.core.errors import GdeError
from gdegraph.core.forked import Child, chunks, run_shares, share_out


def test_chunks_are_even_runs_heaviest_first_and_never_cut_a_group() -> None:
    items = list(range(40))
    runs = chunks(items, lambda i: 10.0 if i in (6, 7) else 1.0, 8, group=lambda i: i // 2)
    assert sorted(i for run in runs for i in run) == items, "every item once"
    assert all(run == list(range(run[0], run[0] + len(run))) for run in runs), "runs of consecutive items"
    assert all(run[0] % 2 == 0 and len(run) % 2 == 0 for run in runs), "a group is never cut"
    weights = [sum(10.0 if i in (6, 7) else 1.0 for i in run) for run in runs]
    assert weights == sorted(weights, reverse=True) and 6 in runs[0], "the heaviest run first"
    assert chunks([], lambda i: 1.0, 4) == []


def test_share_out_gives_each_item_to_exactly_one_process_as_it_asks() -> None:
    runs = [[n * 10 + k for k in range(3)] for n in range(30)]

    def work(items, first):
        taken = []
        for item in items:
            taken.append(item)
        return [os.getpid(), first, taken]

    results = share_out(runs, 3, work)
    assert [first for _, first, _ in results] == [True, False, False] and results[0][0] == os.getpid()
    assert len({pid for pid, _, _ in results}) == 3
    assert sorted(i for _, _, taken in results for i in taken) == sorted(i for run in runs for i in run)
    alone = share_out(runs, 1, work)
    assert len(alone) == 1 and alone[0][2] == [i for run in runs for i in run], "one worker: all, in order"


def test_shares_run_in_other_processes_and_come_back_in_order() -> None:
    results = run_shares([[1, 2], [3], [4, 5]], lambda share: [os.getpid(), sum(share)])
    assert [total for _, total in results] == [3, 3, 9]
    assert results[0][0] == os.getpid() and len({pid for pid, _ in results}) == 3


def test_a_failing_child_is_reported_and_reaped() -> None:
    def work(share: list[int]) -> int:
        if share == [2]:
            raise ValueError("no twos")
        return share[0]

    with pytest.raises(GdeError, match="ValueError: no twos"):
        run_shares([[1], [2]], work)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


def test_a_failing_parent_stops_its_children() -> None:
    def work(share: list[int]) -> int:
        if share == [1]:
            raise KeyError("parent")
        import time

        time.sleep(30)
        return 0

    with pytest.raises(KeyError):
        run_shares([[1], [2]], work)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_without_fork_the_work_is_done_here() -> None:
    child = Child(lambda: os.getpid(), fork=False)
    assert child.result() == os.getpid()
    failed = Child(lambda: 1 / 0, fork=False)
    with pytest.raises(ZeroDivisionError):
        failed.result()


def test_a_failing_child_stops_the_other_children() -> None:
    """The first child's failure is raised while a later child still works: that one is stopped and
    reaped before the error goes on (the caller then removes the folder it was writing into)."""
    def work(share: list[int]) -> int:
        if share == [2]:
            raise ValueError("no twos")
        if share == [3]:
            import time

            time.sleep(30)
        return share[0]

    with pytest.raises(GdeError, match="ValueError: no twos"):
        run_shares([[1], [2], [3]], work)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the sleeping child was not left running


def test_a_child_killed_mid_work_is_a_clear_error() -> None:
    """Killed (the out-of-memory killer, say) before it reports: a GdeError naming the signal, not a bare
    exit status or an unreadable message."""
    import signal

    def work(share: list[int]) -> int:
        if share == [2]:
            os.kill(os.getpid(), signal.SIGKILL)
        return share[0]

    with pytest.raises(GdeError, match="a worker process failed: killed by signal 9"):
        run_shares([[1], [2]], work)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_failed_childs_result_asked_again_raises_the_same_error() -> None:
    """publish asks for the validating child's result twice (its files, then its verdict): a child that
    failed must give its GdeError both times, not read its closed pipe again (OSError: bad file descriptor,
    or another file's bytes once the descriptor is reused)."""
    child = Child(lambda: 1 / 0)
    for _ in range(2):
        with pytest.raises(GdeError, match="ZeroDivisionError"):
            child.result()
    child.cancel()  # nothing left to stop or close


def test_rare_collections_raises_the_threshold_and_puts_it_back() -> None:
    import gc

    from gdegraph.core.forked import rare_collections

    before = gc.get_threshold()
    with rare_collections(50_000):
        assert gc.get_threshold() == (50_000, *before[1:])
        with pytest.raises(ZeroDivisionError), rare_collections(1_000):
            1 / 0
        assert gc.get_threshold()[0] == 50_000, "a nested block puts back the outer threshold"
    assert gc.get_threshold() == before


def test_share_out_refuses_more_runs_than_an_empty_pipe_takes_at_once() -> None:
    """The run numbers are written before anyone reads: past PIPE_BUF bytes the write could block for ever."""
    import select

    with pytest.raises(ValueError, match="at most"):
        share_out([[n] for n in range(select.PIPE_BUF // 4 + 1)], 2, lambda items, first: list(items))
    assert len(share_out([[n] for n in range(select.PIPE_BUF // 4)], 1, lambda items, first: list(items))[0]) \
        == select.PIPE_BUF // 4
