"""The messages between the server and its SPARQL workers: plain data behind a length, never a pickle.

Why not pickle: the server's main process is not sandboxed (it accepts
connections and may start processes), its workers are. Unpickling runs code
the bytes name, so a worker subverted through a bug in the engine could
take over the main process with one reply, and the sandbox would have
bought nothing. Here a reply is read as a status number, two JSON strings
and raw bytes, and checked (a final status, 200 to 599, that carries a
body, a printable media type, only the response headers a worker may set),
so the worst a misbehaving worker can do is give a wrong answer or be killed.

A message is an 8-byte length and that many bytes:

* the data (N-Quads) and the worker's ``ready`` / ``failed: ...`` are the bytes themselves;
* a :class:`~gdegraph.server.evaluate.Job` is the JSON array of its five fields;
* a :class:`~gdegraph.server.evaluate.Reply` is its status (2 bytes), the length
  of a JSON array ``[media type, headers]`` (4 bytes), that array, then the body as it is.

It is also cheaper than pickling the two dataclasses (a few microseconds per query on each side).
"""

from __future__ import annotations

import json
import re
import socket
import struct

from gdegraph.server.evaluate import Job, Reply

__all__ = ["HEADER", "REPLY_HEADERS", "Reader", "decode_job", "decode_reply", "encode_job", "encode_reply", "frame",
           "send"]

HEADER = struct.Struct("!Q")  #: the length of the message that follows
_REPLY = struct.Struct("!HI")  #: status, length of the JSON metadata
#: The only response headers a worker may set (gdegraph.server.evaluate); any other is dropped.
REPLY_HEADERS = frozenset({"Gdegraph-Truncated"})
_PRINTABLE = re.compile(r"[\x20-\x7e]{1,200}")
#: Statuses a worker never sends whose framing is not "these bytes are the body": 1xx would tell the
#: client (or a proxy) that the connection switches protocol, these carry no body at all.
_NO_BODY = frozenset({204, 205, 304})


def frame(payload: bytes) -> bytes:
    return HEADER.pack(len(payload)) + payload


def send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(frame(payload))


def encode_job(job: Job) -> bytes:
    # ASCII JSON: any str round-trips exactly, lone surrogates included
    return json.dumps([job.query, job.accept, job.default_graphs, job.named_graphs, job.base]).encode("ascii")


def decode_job(payload: bytes) -> Job:
    """A job as the server sent it (the worker's side: its only input)."""
    query, accept, default, named, base = json.loads(payload)
    return Job(query, accept, tuple(default), tuple(named), base)


def encode_reply(reply: Reply) -> bytes:
    meta = json.dumps([reply.media_type, reply.headers]).encode("ascii")
    return _REPLY.pack(reply.status, len(meta)) + meta + reply.body


def decode_reply(payload: bytes) -> Reply:
    """A worker's reply, checked; ValueError if it is not one a worker would send."""
    if len(payload) < _REPLY.size:
        raise ValueError("short reply")
    status, size = _REPLY.unpack_from(payload)
    meta = json.loads(payload[_REPLY.size:_REPLY.size + size])
    if not isinstance(meta, list) or len(meta) != 2:
        raise ValueError("malformed reply")
    media_type, headers = meta
    if not 200 <= status <= 599 or status in _NO_BODY or not isinstance(media_type, str) \
            or not _PRINTABLE.fullmatch(media_type) or not isinstance(headers, dict):
        raise ValueError("malformed reply")
    kept = {k: v for k, v in headers.items() if k in REPLY_HEADERS and isinstance(v, str) and _PRINTABLE.fullmatch(v)}
    return Reply(status, media_type, payload[_REPLY.size + size:], kept)


class Reader:
    """Blocking reads of whole messages from a socket, one ``recv`` for a small one (the worker's side)."""

    def __init__(self, sock: socket.socket, chunk: int = 1 << 16) -> None:
        self.sock, self.chunk, self.buffer = sock, chunk, bytearray()

    def _fill(self, size: int) -> None:
        while len(self.buffer) < size:
            data = self.sock.recv(self.chunk)
            if not data:
                raise EOFError("the other end closed the connection")
            self.buffer += data

    def read(self) -> bytes:
        self._fill(HEADER.size)
        (size,) = HEADER.unpack_from(self.buffer)
        end = HEADER.size + size
        if end > len(self.buffer) + self.chunk:  # a big message (the data): straight into its own buffer
            payload = bytearray(size)
            view, got = memoryview(payload), len(self.buffer) - HEADER.size
            view[:got] = self.buffer[HEADER.size:]
            self.buffer.clear()
            while got < size:
                n = self.sock.recv_into(view[got:])
                if not n:
                    raise EOFError("the other end closed the connection")
                got += n
            view.release()
            return bytes(payload)
        self._fill(end)
        with memoryview(self.buffer) as view:
            payload_bytes = bytes(view[HEADER.size:end])
        del self.buffer[:end]
        return payload_bytes
