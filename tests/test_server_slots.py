"""The slot table the supervisor and its query processes share (gdegraph/server/slots.py)."""

from __future__ import annotations

import os

from gdegraph.server.slots import Slots


def test_what_a_forked_process_writes_the_supervisor_reads() -> None:
    slots = Slots(3)
    pid = os.fork()
    if pid == 0:  # the query process of slot 1
        slots.evaluating(1, 1234.5)
        slots.busy(1, True)
        os._exit(0)
    os.waitpid(pid, 0)
    assert slots.evaluating_since(1) == 1234.5 and slots.in_request(1)
    assert slots.evaluating_since(0) == 0.0 and not slots.in_request(2), "the other slots are untouched"
    slots.clear(1)
    assert slots.evaluating_since(1) == 0.0 and not slots.in_request(1)


def test_the_header_flags_are_shared_too() -> None:
    slots = Slots(1)
    slots.waiting, slots.draining = 3, True
    pid = os.fork()
    if pid == 0:
        os._exit(0 if (slots.waiting, slots.draining) == (3, True) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
