"""The server-worker messages (gdegraph/server/wire.py): exact round trips, and a reply is data, never code.

The last test is the reason the format exists: a worker subverted through an engine bug could
send anything; the server must read it as a status, a media type, allowed headers and bytes, or
refuse it, and never run what it names (as unpickling would).
"""

from __future__ import annotations

import json
import pickle
import socket
import struct
import threading

import pytest

from gdegraph.server.evaluate import Job, Reply
from gdegraph.server.wire import Reader, decode_job, decode_reply, encode_job, encode_reply, frame, send


@pytest.mark.parametrize("job", [
    Job("SELECT * { ?s ?p ?o }"),
    Job("ASK { \"caf\u00e9 \U0001f600 \ud800\" }", "text/csv; q=0.9, */*", ("urn:g:1", "urn:g:2"), ("urn:n",),
        "http://[::1]:8080/sparql"),
    Job("", None, (), (), None),
])
def test_a_job_round_trips_exactly(job: Job) -> None:
    assert decode_job(encode_job(job)) == job


@pytest.mark.parametrize("reply", [
    Reply(200, "application/sparql-results+json", b'{"head": {}}', {"Gdegraph-Truncated": "results cut at 3 rows"}),
    Reply.text(503, "query stopped: \u00e9"),
    Reply(200, "text/turtle; charset=utf-8", bytes(range(256)) * 1000, {}),
])
def test_a_reply_round_trips_exactly(reply: Reply) -> None:
    assert decode_reply(encode_reply(reply)) == reply


def _raw_reply(status: int, media_type: object, headers: object, body: bytes = b"") -> bytes:
    meta = json.dumps([media_type, headers]).encode()
    return struct.pack("!HI", status, len(meta)) + meta + body


@pytest.mark.parametrize("payload", [
    b"", b"\x00", _raw_reply(0, "text/plain", {}), _raw_reply(700, "text/plain", {}),
    _raw_reply(200, "text/plain\r\nSet-Cookie: x=1", {}), _raw_reply(200, 5, {}), _raw_reply(200, "text/plain", []),
    struct.pack("!HI", 200, 5) + b"[1, 2",
    # statuses whose framing differs (no body allowed, or the connection switches protocol): never a worker's
    _raw_reply(101, "text/plain", {}, b"x"), _raw_reply(100, "text/plain", {}), _raw_reply(204, "text/plain", {}, b"x"),
    _raw_reply(304, "text/plain", {}, b"x"),
    struct.pack("!HI", 200, 1) + b"5", struct.pack("!HI", 200, 4) + b"null",  # metadata not a two-item array
    struct.pack("!HI", 200, 22) + b'["text/plain", {}, {}]',
])
def test_a_malformed_reply_is_refused(payload: bytes) -> None:
    with pytest.raises(ValueError):
        decode_reply(payload)


def test_a_worker_sets_only_the_headers_it_may() -> None:
    reply = decode_reply(_raw_reply(200, "text/plain", {"Set-Cookie": "a=b", "Location": "http://evil/",
                                                        "Gdegraph-Truncated": "x\r\ny: z"}))
    assert reply.headers == {}


def test_a_pickle_in_a_reply_is_never_run(tmp_path) -> None:
    marker = tmp_path / "ran"

    class Exploit:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (open, (str(marker), "w"))

    with pytest.raises(ValueError):
        decode_reply(pickle.dumps(Exploit()))
    assert not marker.exists()


def test_messages_cross_a_socket_whole_in_one_or_many_reads() -> None:
    left, right = socket.socketpair()
    big = bytes(range(256)) * 40_000  # 10 MB: many reads
    messages = [b"ready", encode_job(Job("ASK {}")), big, b""]

    def write() -> None:
        for m in messages:
            send(left, m)
        left.close()

    writer = threading.Thread(target=write)
    writer.start()
    reader = Reader(right, chunk=4096)
    assert [reader.read() for _ in messages] == messages
    with pytest.raises(EOFError):
        reader.read()
    writer.join()
    right.close()
    assert frame(b"ab") == b"\x00" * 7 + b"\x02ab"
