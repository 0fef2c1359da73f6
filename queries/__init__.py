"""Named SQL files with bound parameters: the one place SQL lives (DESIGN.md).

`run("pair_timeline", con, country_a="PRK", ...)` reads `queries/pair_timeline.sql`, checks
that the `$names` in it are exactly the parameters passed, binds them and returns a DataFrame.
Values are never formatted into SQL text.
"""

from __future__ import annotations

import re
import weakref
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

QUERY_DIR = Path(__file__).resolve().parent

SCHEMA_VERSION = 12
"""Version of queries/schema.sql. Bump it with a queries/migrate_to_<N>.sql that upgrades
a version N-1 database; readers refuse databases newer than they know."""

# comments and string literals are removed before looking for $names, so that a '$x' inside
# a literal or a comment is not taken for a parameter
_STRIPPABLE = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", re.DOTALL)
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# a ${slot} takes identifiers, never a value: a statement written once for several tables
# (one per file, refs #12). It stands as a quoted identifier ("${table}") or inside a string
# naming a relation ('delta_${table}'), so the file parses and lints as it is
_SLOT = re.compile(r"\$\{([a-z_]+)\}")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_CREATED_TABLE = re.compile(r"create (?:or replace )?table (?:if not exists )?([a-z_][a-z0-9_]*)")


MACROS = "dashboard_macros"
"""The file of temporary macros the dashboard queries share; `run` creates them once per
connection, before the first query that uses them."""

# connections that already have the macros; a temporary macro belongs to one connection
# (a cursor is a connection of its own), and creating them costs about a millisecond
_WITH_MACROS: weakref.WeakSet[duckdb.DuckDBPyConnection] = weakref.WeakSet()


class QueryParameterError(ValueError):
    """The parameters passed do not match the $names the query uses."""


class UnknownQueryError(KeyError):
    """No queries/<name>.sql file."""


class IdentifierError(ValueError):
    """A ${slot} of a statement file given something other than what it may name."""


@cache
def sql(name: str) -> str:
    """The text of queries/<name>.sql."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise UnknownQueryError(name)
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise UnknownQueryError(name)
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """Every query name, i.e. every .sql file in queries/."""
    return sorted(path.stem for path in QUERY_DIR.glob("*.sql"))


def parameters(text: str) -> set[str]:
    """The $names used in SQL text, ignoring comments and string literals."""
    return set(_PARAMETER.findall(_STRIPPABLE.sub(" ", text)))


def description(name: str) -> str:
    """The query's leading comment: its grain and parameters."""
    lines = []
    for line in sql(name).splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def check_parameters(name: str, params: dict[str, Any]) -> None:
    """Raises QueryParameterError naming every missing and unexpected parameter."""
    expected = parameters(sql(name))
    missing = sorted(expected - params.keys())
    unexpected = sorted(params.keys() - expected)
    if missing or unexpected:
        parts = [f"missing ${m}" for m in missing] + [f"unexpected ${u}" for u in unexpected]
        raise QueryParameterError(f"{name}: {'; '.join(parts)}")


def run(name: str, con: duckdb.DuckDBPyConnection, /, **params: Any) -> pd.DataFrame:
    """Run queries/<name>.sql with `params` bound and return the result as a DataFrame.

    Runs on `con` itself, so relations registered on it are visible; a caller sharing one
    connection across threads passes a `con.cursor()` per query instead.
    """
    return start(name, con, **params).df()


def start(name: str, con: duckdb.DuckDBPyConnection, /, **params: Any) -> duckdb.DuckDBPyConnection:
    """Run queries/<name>.sql as `run` does, leaving its rows pending on `con` to be fetched
    in batches (a download of every row)."""
    check_parameters(name, params)
    if uses_macros(name):
        create_macros(con)
    return con.execute(sql(name), params)


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared macros of `MACROS` on `con`, once."""
    if con not in _WITH_MACROS:
        con.execute(sql(MACROS))
        _WITH_MACROS.add(con)


def arrow(name: str, con: duckdb.DuckDBPyConnection, /, **params: Any):
    """Run queries/<name>.sql as `run` does and return a pyarrow Table (no pandas copy)."""
    check_parameters(name, params)
    return con.sql(sql(name), params=params or None).to_arrow_table()


@cache
def uses_macros(name: str) -> bool:
    """Whether queries/<name>.sql calls the shared macros of `MACROS`."""
    # the table macros bind to the published *_period macros when created, so they are
    # created only for the dashboard's queries, never on the ETL's working database
    macros = re.findall(r"create or replace temp macro (\w+)", sql(MACROS))
    text = _STRIPPABLE.sub(" ", sql(name))
    return name != MACROS and any(re.search(rf"\b{macro}\(", text) for macro in macros)


def execute(
    name: str,
    con: duckdb.DuckDBPyConnection,
    /,
    *,
    identifiers: dict[str, str | tuple[str, ...]] | None = None,
    **params: Any,
) -> None:
    """Run a statement file (DDL, inserts) that returns nothing; same parameter checks.

    Args:
        identifiers: what fills the file's ${slots} (see `filled`).
    """
    check_parameters(name, params)
    text = filled(name, identifiers or {})
    con.execute(text, params) if params else con.execute(text)


def filled(name: str, identifiers: dict[str, str | tuple[str, ...]]) -> str:
    """The text of queries/<name>.sql with its ${slots} filled by `identifiers`: a table
    for ${table}, which must be one that queries/ creates; for any other slot, column names.

    Raises:
        IdentifierError: a slot missing, unexpected, or given something it may not name.
    """
    text = sql(name)
    slots = set(_SLOT.findall(text))
    if slots != identifiers.keys():
        raise IdentifierError(f"{name}: slots {sorted(slots)}, given {sorted(identifiers)}")
    for slot, value in identifiers.items():
        names = (value,) if isinstance(value, str) else value
        if not names or not all(_identifier_allowed(slot, n, len(names)) for n in names):
            raise IdentifierError(f"{name}: ${{{slot}}} cannot be {value!r}")
        text = text.replace(f'"${{{slot}}}"', ", ".join(f'"{n}"' for n in names))
        if f"${{{slot}}}" in text and len(names) > 1:
            raise IdentifierError(f"{name}: ${{{slot}}} in a string names one relation")
        text = text.replace(f"${{{slot}}}", names[0])
    return text


@cache
def tables() -> frozenset[str]:
    """The tables queries/ creates: all that a ${table} slot may name."""
    text = "\n".join(_STRIPPABLE.sub(" ", sql(name)) for name in names())
    return frozenset(_CREATED_TABLE.findall(text))


def _identifier_allowed(slot: str, name: str, count: int) -> bool:
    if slot == "table":
        return count == 1 and name in tables()
    return bool(_IDENTIFIER.fullmatch(name))
