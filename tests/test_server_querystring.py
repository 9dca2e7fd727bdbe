"""The server's query-string reader gives exactly what ``urllib.parse.parse_qs`` gives.

The server reads ``query=...`` with yarl (C) instead of ``parse_qs`` (Python) for
speed (gdegraph/server/querystring.py); a difference would change which query
runs, so the two are compared on arbitrary input, malformed escapes and invalid
UTF-8 included.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdegraph.server import querystring

PIECES = st.sampled_from(["a", "b", "=", "&", ";", "+", "%", "%2", "%2B", "%26", "%3D", "%C3%A9", "%C3", "%ff",
                          "%E2%82", "%00", "%zz", "é", "\\", "#", "?", "/", " ", "query", "x%20y"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(PIECES, max_size=16).map("".join))
def test_same_as_parse_qs(raw: str) -> None:
    assert querystring.parse(raw) == parse_qs(raw, keep_blank_values=True)
    assert querystring.parse(raw.encode("utf-8").decode("latin-1").encode("latin-1")) == parse_qs(
        raw.encode("utf-8").decode("latin-1"), keep_blank_values=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.text(max_size=40))
def test_a_urlencoded_query_comes_back_whole(query: str, other: str) -> None:
    raw = urlencode({"query": query, "default-graph-uri": other})
    assert querystring.parse(raw.encode("ascii")) == {"query": [query], "default-graph-uri": [other]}


def test_too_many_parameters_is_an_error_as_with_parse_qs() -> None:
    raw = "&".join(f"p{i}=v" for i in range(querystring.MAX_FIELDS + 1))
    with pytest.raises(ValueError):
        parse_qs(raw, max_num_fields=querystring.MAX_FIELDS)
    with pytest.raises(ValueError, match="too many parameters"):
        querystring.parse(raw)
    assert len(querystring.parse(raw.rsplit("&", 1)[0])) == querystring.MAX_FIELDS
