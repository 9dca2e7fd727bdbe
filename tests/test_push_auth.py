"""``push`` answers the store's authentication challenge, basic or digest, and only when asked.

Each test runs a small Graph Store on 127.0.0.1 that behaves as a real one does at
the point under test: a proxy asking for basic credentials, and Virtuoso's
``/sparql-graph-crud-auth``, which refuses an unauthenticated PUT with a digest
challenge as soon as it has read the headers and closes the connection without
reading the body. The real Virtuoso is exercised in tests/test_remote_virtuoso.py;
this one makes its timing certain, so the "Broken pipe" it caused cannot hide.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gdegraph.query.push import push_file
from gdegraph.store.factory import EndpointError

REALM, NONCE, USER, PASSWORD = "store", "4f2a9c", "u", "p"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (RFC 2617's digest, not a security choice here)


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, challenge: str | None = None) -> None:
        self.send_response(status)
        if challenge:
            self.send_header("WWW-Authenticate", challenge)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _BasicOnly(_Quiet):
    """A Graph Store behind HTTP basic authentication, as a proxy would be."""

    def do_PUT(self) -> None:  # noqa: N802 (the http.server API)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ok = self.headers.get("Authorization") == "Basic dTpw"  # base64 of u:p
        self._answer(201 if ok else 401, None if ok else f'Basic realm="{REALM}"')


class _DigestLikeVirtuoso(_Quiet):
    """Digest authentication (RFC 2617, qop=auth); an unauthenticated PUT is refused unread."""

    protocol_version = "HTTP/1.0"  # one request per connection, closed after the answer
    puts_refused_unread = 0

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return False
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header[len("Digest "):]))
        ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{self.command}:{fields.get('uri', '')}")
        expected = _md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == USER and fields.get("nonce") == NONCE and fields.get("response") == expected

    def _challenge(self) -> None:
        self._answer(401, f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm="MD5"')

    def do_HEAD(self) -> None:  # noqa: N802
        if self._authorised():
            self._answer(404)  # no such graph yet
        else:
            self._challenge()

    def do_PUT(self) -> None:  # noqa: N802
        if not self._authorised():
            type(self).puts_refused_unread += 1
            self._challenge()
            self.close_connection = True
            return
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(201)


@pytest.fixture()
def quads(tmp_path: Path) -> Path:
    path = tmp_path / "one.nq"
    path.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n", encoding="utf-8")
    return path


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/store"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def basic_store() -> Iterator[str]:
    yield from _serve(_BasicOnly)


@pytest.fixture()
def digest_store() -> Iterator[str]:
    _DigestLikeVirtuoso.puts_refused_unread = 0
    yield from _serve(_DigestLikeVirtuoso)


def test_push_answers_a_basic_challenge(quads: Path, basic_store: str) -> None:
    """Credentials are given when the store asks, and only then."""
    assert push_file(quads, basic_store, user=USER, password=PASSWORD).graphs == {"http://e/g": 1}
    with pytest.raises(EndpointError, match="HTTP 401"):
        push_file(quads, basic_store, user=USER, password="wrong")
    with pytest.raises(EndpointError, match="HTTP 401"):
        push_file(quads, basic_store)


def test_push_sends_no_body_before_the_digest_challenge(tmp_path: Path, digest_store: str) -> None:
    """Regression: pushing to Virtuoso failed with "Broken pipe" when the 401 came before the body was read.

    Several graphs of several megabytes each: every PUT must carry its digest answer from
    the start (the challenge is fetched once, by a bodiless HEAD), so none is refused unread.
    """
    big = tmp_path / "big.nq"
    with big.open("w", encoding="utf-8") as out:
        for graph in range(3):
            for i in range(40_000):
                out.write(f"<http://e/s{i}> <http://e/p> \"{'x' * 40}\" <http://e/g{graph}> .\n")
    report = push_file(big, digest_store, user=USER, password=PASSWORD)
    assert report.graphs == {f"http://e/g{g}": 40_000 for g in range(3)}
    assert _DigestLikeVirtuoso.puts_refused_unread == 0


def test_push_with_a_wrong_digest_password_is_one_line(quads: Path, digest_store: str) -> None:
    with pytest.raises(EndpointError) as caught:
        push_file(quads, digest_store, user=USER, password="wrong")
    assert "\n" not in str(caught.value) and digest_store in str(caught.value)
