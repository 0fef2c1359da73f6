import duckdb
import pytest

import queries
from queries import IdentifierError, QueryParameterError, UnknownQueryError


@pytest.mark.parametrize(
    "text,expected",
    [
        ("select $a, $b_2", {"a", "b_2"}),
        ("select $a -- and $not_this\n, $c", {"a", "c"}),
        ("select '$literal', $real", {"real"}),
        ("select 'it''s $quoted', $x", {"x"}),
        ("/* $block\n $comment */ select $y", {"y"}),
        ('select "$identifier" from t where v = $v', {"v"}),
        ("select 1", set()),
    ],
)
def test_parameters_ignore_comments_and_literals(text, expected):
    assert queries.parameters(text) == expected


def test_missing_and_unexpected_parameters_are_named():
    with pytest.raises(QueryParameterError) as err:
        queries.check_parameters("finish_run", {"run_id": 1, "extra": 2})
    message = str(err.value)
    assert message.startswith("finish_run: missing $duplicates; missing $finished_at")
    assert message.endswith("unexpected $extra")


def test_unknown_or_path_like_names_are_refused():
    for name in ("no_such_query", "../etl/x", "schema.sql"):
        with pytest.raises(UnknownQueryError):
            queries.sql(name)


def test_values_are_bound_not_spliced(fresh_db):
    queries.execute("set_meta", fresh_db, key="k", value="x'); drop table articles; --")
    assert queries.run("get_meta", fresh_db, key="k")["value"].iloc[0].startswith("x');")
    assert not queries.run("table_exists", fresh_db, table_name="articles").empty


@pytest.mark.parametrize(
    "identifiers",
    [
        {},
        {"table": "no_such_table"},
        # only a table the queries create, so never text that closes the quotes
        {"table": 'articles"; drop table articles; --'},
        {"table": ("articles", "mentions")},
        {"table": "articles", "extra": "x"},
    ],
)
def test_a_table_slot_takes_one_table_the_queries_create(fresh_db, identifiers):
    with pytest.raises(IdentifierError):
        queries.execute("delete_replaced_rows", fresh_db, identifiers=identifiers)
    assert not queries.run("table_exists", fresh_db, table_name="articles").empty


def test_a_column_slot_takes_plain_names_and_quotes_them():
    text = queries.filled("merge_aggregate", {"table": "pair_daily", "key": ("day", "lang")})
    assert 'merge into "pair_daily"' in text and 'using ("day", "lang")' in text
    assert "'delta_pair_daily'" in text
    with pytest.raises(IdentifierError):
        queries.filled("merge_aggregate", {"table": "pair_daily", "key": ('day") --',)})


def test_every_query_file_has_a_leading_comment_with_its_grain():
    for name in queries.names():
        assert queries.description(name), f"{name}.sql needs a leading comment"


def test_every_query_parses_in_duckdb(fresh_db: duckdb.DuckDBPyConnection):
    # parsing (not running) catches syntax errors in every file, including those that read
    # relations registered at run time
    for name in queries.names():
        try:
            statements = fresh_db.extract_statements(queries.sql(name))
        except duckdb.ParserException as err:
            pytest.fail(f"{name}.sql does not parse: {err}")
        assert statements, f"{name}.sql has no statement"
