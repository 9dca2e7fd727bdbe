"""Shared fixtures: the curated graph is built once per test session."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from rdflib import Dataset, Graph


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    """The whole built dataset (named graph per source), without writing anything."""
    from gdegraph.sources.dataset import build_dataset

    return build_dataset()


@pytest.fixture(scope="session")
def graph(dataset: Dataset) -> Graph:
    """The union of every named graph: what a SPARQL user of the dump sees."""
    from gdegraph.sources.dataset import union

    return union(dataset)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A local TCP listener standing in for a remote endpoint; the server tests assert it is never contacted."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.setblocking(False)
        yield sock
