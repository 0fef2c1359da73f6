"""queries/README.md lists every query file with exactly its parameters (STYLE.md item 23)."""

from __future__ import annotations

import re

import pytest

import queries

README = queries.QUERY_DIR / "README.md"
_ROW = re.compile(r"^\| `(?P<name>[a-z0-9_]+)` \| (?P<params>[^|]*) \|", re.MULTILINE)
_PARAM = re.compile(r"`\$([A-Za-z_][A-Za-z0-9_]*)`")


def catalogue() -> dict[str, set[str]]:
    """Query name -> the parameters README.md lists for it."""
    rows = _ROW.finditer(README.read_text(encoding="utf-8"))
    return {row["name"]: set(_PARAM.findall(row["params"])) for row in rows}


def test_every_query_file_is_in_the_catalogue_and_nothing_else():
    listed = catalogue()
    missing = sorted(set(queries.names()) - listed.keys())
    stale = sorted(listed.keys() - set(queries.names()))
    assert not missing, f"add these to queries/README.md: {missing}"
    assert not stale, f"these are listed in queries/README.md but have no .sql file: {stale}"


@pytest.mark.parametrize("name", queries.names())
def test_the_catalogue_lists_exactly_the_parameters_of_each_query(name):
    assert catalogue().get(name) == queries.parameters(queries.sql(name)), (
        f"queries/README.md: fix the parameters of {name}"
    )


@pytest.mark.parametrize("name", queries.names())
def test_each_query_file_says_what_it_answers_and_its_parameters(name):
    description = queries.description(name)
    assert description.startswith(("one row", "at most one row", "rebuilds", "the whole")) or (
        name not in _DASHBOARD_QUERIES
    ), f"{name}: start with its grain ('one row per ...')"
    expected = queries.parameters(queries.sql(name))
    named = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", description))
    assert expected <= named, f"{name}: the top comment should name {sorted(expected - named)}"
    if not expected:
        assert "no parameters" in description, f"{name}: say 'no parameters' in the top comment"


_DASHBOARD_QUERIES = {
    "articles_list",
    "busiest_pair",
    "dashboard_status",
    "filter_options",
    "map_countries",
    "network_edges",
    "overview_top_pairs",
    "overview_totals",
    "pair_matrix",
    "pair_summary",
    "pair_third_countries",
    "pair_timeline",
}
