"""Shared fixtures: the curated graph is built once per test session."""

from __future__ import annotations

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
