"""The slot table the supervisor and its query processes share (gdegraph/server/slots.py)."""

from __future__ import annotations

import os

from gdegraph.server.slots import Slots


def forked(body) -> int:  # type: ignore[no-untyped-def]
    """Run ``body`` in a forked child (as a query process is); its exit status."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if body() is not False else 1)
        finally:
            os._exit(2)
    return os.WEXITSTATUS(os.waitpid(pid, 0)[1])


def test_what_a_forked_process_writes_the_supervisor_reads() -> None:
    slots = Slots(3, 4)
    for slot in range(3):
        slots.renew(slot)

    def query_process_of_slot_1() -> None:
        slots.evaluating(1, 1234.5, 2)
        slots.busy(1, 3, True)
    assert forked(query_process_of_slot_1) == 0
    assert slots.evaluating_since(1) == 1234.5 and slots.evaluating_link(1) == 2
    assert slots.in_request(1, 3) and slots.any_in_request(1) and not slots.in_request(1, 2)
    assert slots.evaluating_since(0) == 0.0 and not slots.any_in_request(2), "the other slots are untouched"
    slots.renew(1)
    assert slots.evaluating_since(1) == 0.0 and slots.evaluating_link(1) == -1 and not slots.any_in_request(1)


def test_a_revocation_is_collected_once_under_the_lock() -> None:
    slots = Slots(1, 4)
    slots.renew(0)
    with slots.lock(0):
        slots.revoke(0, 1)
        slots.revoke(0, 3)

    def query_process() -> bool:
        with slots.lock(0):
            first = slots.take_revoked(0)
            second = slots.take_revoked(0)
        return first == [1, 3] and second == []
    assert forked(query_process) == 0
    assert slots.take_revoked(0) == [], "the child's collection cleared the shared flags"


def test_the_header_flags_are_shared_too() -> None:
    slots = Slots(1, 1)
    slots.waiting, slots.draining = 3, True
    assert forked(lambda: (slots.waiting, slots.draining) == (3, True)) == 0
