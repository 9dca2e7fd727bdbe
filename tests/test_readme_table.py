"""The README's table of what the graph holds is the graph's (issue 16, item 6)."""

from __future__ import annotations

from typing import Any

import pytest

from gdegraph.api.readme_table import BEGIN, END, readme_table, replace_table
from gdegraph.core import paths
from gdegraph.core.errors import InputError
from gdegraph.store.factory import OxigraphStore


@pytest.fixture(scope="module")
def table(dataset: Any) -> str:
    return readme_table(OxigraphStore.from_dataset(dataset))


def test_the_readme_table_is_generated_from_the_graph(table: str) -> None:
    readme = (paths.repo_root() / "README.md").read_text(encoding="utf-8")
    assert replace_table(readme, table) == readme, "README table differs from the graph: run `make readme-table`"


def test_the_table_counts_members_only(table: str) -> None:
    # seed 004: "Thirty-two trusts will receive funding" in wave 2; partners of Bath are not members
    assert "32 Digital Aspirants wave 2" in table
    assert ("| pairings | 25: 15 acute (announced), 6 mental health (proposed), 2 acute (confirmed), 1 acute (withdrawn), "
            "1 mental health (disputed) |") in table


def test_a_readme_without_markers_is_an_error(table: str) -> None:
    with pytest.raises(InputError, match="no table markers"):
        replace_table("# a README\n", table)
    assert replace_table(f"a\n{BEGIN}\nold\n{END}\nb", "new\n") == f"a\n{BEGIN}\nnew\n{END}\nb"
