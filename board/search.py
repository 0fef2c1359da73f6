"""Full-text search `q` (refs #18): the query language, its evaluation, and the scope that
makes every view count only the matching articles.

Syntax: words (`troops`), "exact phrases", `AND` (also implied between terms), `OR`, `NOT`
and `-word`, `prefix*`, parentheses. Only upper-case AND/OR/NOT are operators: "or" is a
French word. Matching is case- and accent-insensitive because query words go through the
index's own `search_words` macro (queries/refresh_aggregates.sql); a word that normalises
to several (`l'armée`, `Korea-Utara`) is a phrase.

Evaluation: each word's postings are a sorted array of doc numbers (queries/search_*.sql);
the boolean operators are numpy set operations, a NOT kept as a complement until something
positive takes it away, so `troops -Ukraine` never materialises "every article". A phrase
is its words at consecutive positions (the postings keep each occurrence's word_no), so no
article text is read. The matches are registered on the cursor as `search_hits` and
queries/search_scope.sql stands filtered tables, and macros counting them, in for the
published ones, built from the index's rows of the matches by doc_no: that is the one place a
view query learns of a search. They start as views and those several queries read become
tables when a query first reads them (`prepare`), so a view pays only for what it reads.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

import queries

PARAM = "search"
"""The request parameter carrying `q` (board/requests.py); never bound into SQL itself."""

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
"""More terms than this is a pasted document, not a question; each costs a lookup."""

MIN_PREFIX_CHARS = 2
"""`a*` would read every word of the index starting with a."""

POSITION_BITS = 32
"""A phrase keys an occurrence by doc_no and position in one int64: word_no is a uinteger."""

_TOKEN = re.compile(r'\s*(?:(?P<quote>"[^"]*"?)|(?P<paren>[()])|(?P<word>[^\s()"]+))')
_OPERATORS = ("AND", "OR", "NOT")


class SearchError(ValueError):
    """A query that cannot be read; the message says what is wrong, for the page's notice."""


@dataclass(frozen=True)
class Words:
    """Consecutive words (one word, or a phrase), normalised; `prefix` ends in a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class All:
    """Every operand matches (AND)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    """At least one operand matches (OR)."""

    operands: tuple[Node, ...]


Node = Words | Not | All | Any_


def tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: quote, paren, word, or an operator (AND, OR, NOT, MINUS)."""
    found = []
    for match in _TOKEN.finditer(text.strip()):
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "quote" and (len(value) < 2 or not value.endswith('"')):
            raise SearchError('a phrase is missing its closing quote (")')
        if kind == "word" and value in _OPERATORS:
            kind = value
        elif kind == "word" and value.startswith("-") and len(value) > 1:
            found.append(("MINUS", "-"))
            value = value[1:]
        found.append((kind, value))
    return found


def parse(text: str, normalise) -> Node:
    """The query's tree; `normalise(str) -> list[str]` gives a text's index words.

    Raises:
        SearchError: empty, too long, unbalanced, a dangling operator, a word without
            letters or digits, a too short prefix.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise SearchError(f"the search is longer than {MAX_QUERY_CHARS} characters")
    parser = _Parser(tokens(text), normalise)
    if not parser.tokens:
        raise SearchError("the search is empty")
    node = parser.any_()
    if parser.at < len(parser.tokens):
        raise SearchError(f"unexpected {parser.tokens[parser.at][1]!r}: unbalanced parentheses?")
    return node


class _Parser:
    """Recursive descent: OR binds loosest, then AND (or nothing), then NOT / -."""

    def __init__(self, found: list[tuple[str, str]], normalise) -> None:
        self.tokens = found
        self.normalise = normalise
        self.at = 0
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def any_(self) -> Node:
        operands = [self.all_()]
        while self.peek() == "OR":
            self.take()
            operands.append(self.all_())
        return operands[0] if len(operands) == 1 else Any_(tuple(operands))

    def all_(self) -> Node:
        operands = [self.unary()]
        while self.peek() not in (None, "OR") and self.tokens[self.at] != ("paren", ")"):
            if self.peek() == "AND":
                self.take()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else All(tuple(operands))

    def unary(self) -> Node:
        kind = self.peek()
        if kind in ("NOT", "MINUS"):
            self.take()
            return Not(self.unary())
        if kind is None or kind in ("AND", "OR"):
            where = "at the end" if kind is None else f"before {kind}"
            raise SearchError(f"a word, phrase or parenthesis is missing {where}")
        kind, value = self.take()
        if kind == "paren" and value == "(":
            node = self.any_()
            if self.at >= len(self.tokens) or self.tokens[self.at] != ("paren", ")"):
                raise SearchError("a parenthesis is not closed")
            self.take()
            return node
        if kind == "paren":
            raise SearchError("a closing parenthesis has no opening one")
        return self.words(kind, value)

    def words(self, kind: str, value: str) -> Words:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise SearchError(f"the search has more than {MAX_TERMS} words and phrases")
        prefix = kind == "word" and value.endswith("*")
        words = tuple(self.normalise(value.strip('"').rstrip("*")))
        if not words:
            raise SearchError(f"{value!r} has no letters or digits to search for")
        if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
            raise SearchError(f"{value!r}: a prefix needs at least {MIN_PREFIX_CHARS} letters")
        return Words(words, prefix)


def describe(node: Node) -> str:
    """The query as it is matched (normalised words, explicit operators), for the SQL expander."""
    if isinstance(node, Words):
        text = " ".join(node.words) + ("*" if node.prefix else "")
        return f'"{text}"' if len(node.words) > 1 else text
    if isinstance(node, Not):
        return f"NOT {describe(node.operand)}"
    joiner = " AND " if isinstance(node, All) else " OR "
    return "(" + joiner.join(describe(operand) for operand in node.operands) + ")"


def highlight_terms(node: Node) -> list[Words]:
    """The words and phrases a match may show (those under a NOT are absent by definition)."""
    if isinstance(node, Words):
        return [node]
    if isinstance(node, Not):
        return []
    return [words for operand in node.operands for words in highlight_terms(operand)]


class Matcher:
    """Evaluates a parsed query against the index on one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def normalise(self, text: str) -> list[str]:
        return list(queries.run("search_words", self.con, text=text)["words"].iloc[0])

    def docs(self, node: Node) -> np.ndarray:
        """The sorted doc numbers matching `node`."""
        ids, negated = self._eval(node)
        if negated:
            every = self._ids("search_all_docs")
            return np.setdiff1d(every, ids, assume_unique=True)
        return ids

    def _ids(self, name: str, **params: Any) -> np.ndarray:
        column = queries.run(name, self.con, **params)["doc_no"].to_numpy(dtype=np.int64)
        return unique(column)

    def _eval(self, node: Node) -> tuple[np.ndarray, bool]:
        """(ids, negated): negated means every document except `ids`."""
        if isinstance(node, Words):
            return self._words(node), False
        if isinstance(node, Not):
            ids, negated = self._eval(node.operand)
            return ids, not negated
        results = [self._eval(operand) for operand in node.operands]
        if isinstance(node, All):
            return _all(results)
        # De Morgan: a OR b = NOT (NOT a AND NOT b)
        ids, negated = _all([(ids, not negated) for ids, negated in results])
        return ids, not negated

    def _words(self, node: Words) -> np.ndarray:
        if len(node.words) > 1:
            return self._phrase(node)
        if node.prefix:
            return unique(self._positions(node.words[0], prefix=True)[0])
        return self._ids("search_term_docs", term=node.words[0])

    def _positions(self, word: str, prefix: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(doc_no, word_no) of each occurrence of `word` (or of a word starting with it)."""
        if prefix:
            found = queries.run("search_prefix_positions", self.con, prefix=word)
        else:
            found = queries.run("search_term_positions", self.con, term=word)
        return (
            found["doc_no"].to_numpy(dtype=np.int64),
            found["word_no"].to_numpy(dtype=np.int64),
        )

    def _phrase(self, node: Words) -> np.ndarray:
        """The articles having the words at consecutive positions: each word's occurrences
        keyed by (doc_no, its position minus its place in the phrase), the keys intersected.
        The articles having every word are found first, so that only their occurrences of a
        common word ("the") are keyed and sorted."""
        last = len(node.words) - 1
        found = [
            self._positions(word, prefix=node.prefix and at == last)
            for at, word in enumerate(node.words)
        ]
        candidates, _ = _all([(unique(docs), False) for docs, _ in found])
        keys = None
        for at, (docs, word_nos) in enumerate(found):
            keep = np.isin(docs, candidates) & (word_nos >= at)
            starts = unique((docs[keep] << POSITION_BITS) | (word_nos[keep] - at))
            keys = starts if keys is None else np.intersect1d(keys, starts, assume_unique=True)
        return unique(keys >> POSITION_BITS)


def _all(results: list[tuple[np.ndarray, bool]]) -> tuple[np.ndarray, bool]:
    """AND of (ids, negated) operands: positives intersected, then negatives taken away."""
    positives = [ids for ids, negated in results if not negated]
    negatives = [ids for ids, negated in results if negated]
    excluded = _union(negatives)
    if not positives:
        return excluded, True
    ids = positives[0]
    for other in sorted(positives[1:], key=len):
        ids = np.intersect1d(ids, other, assume_unique=True)
    return np.setdiff1d(ids, excluded, assume_unique=True), False


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.empty(0, dtype=np.int64)
    return unique(np.concatenate(arrays))


def unique(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of `values`, as np.unique gives them: by a sort, since
    numpy 2's np.unique hashes and took 2.6 ms for 35k doc numbers (a word's postings, in
    sorted runs, one per chunk or load) where the sort takes 0.1 (refs #18)."""
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def matching_docs(con: duckdb.DuckDBPyConnection, text: str) -> np.ndarray:
    """The doc numbers of the articles matching the query `text`.

    Raises:
        SearchError: the query cannot be read.
    """
    matcher = Matcher(con)
    return matcher.docs(parse(text, matcher.normalise))


def scope(con: duckdb.DuckDBPyConnection, docs: np.ndarray) -> None:
    """Make `con` (a cursor of its own, closed after use) see only the articles `docs`."""
    # the dashboard's macros first: the scope replaces some of them on this cursor, and
    # bound after it they would bind through its views (DuckDB 2.0 then reports a
    # conflicting column of the rollup macros)
    queries.create_macros(con)
    con.register("search_hits", pd.DataFrame({"doc_no": docs}))
    queries.execute("search_scope", con)
    _BUILT[con] = set()


def prepare(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> None:
    """Make tables of the scope's views (on `con`, after `scope`) that the query `name`
    reads with `params`, those not made before. A view left out answers the same, slower."""
    built = _BUILT.setdefault(con, set())
    for table in reads(name, params):
        if table not in built:
            build(con, table)


def build(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Make a table of the scope's view `table` (one of TABLES)."""
    queries.execute("search_scope_build", con, identifiers={"view": table})
    _BUILT.setdefault(con, set()).add(table)


def reads(name: str, params: dict[str, Any]) -> list[str]:
    """The scope's views that queries/<name>.sql reads with `params` (its own, without the
    search), in the order of TABLES."""
    words = set(re.findall(r"\w+", re.sub(r"--[^\n]*", " ", queries.sql(name))))
    story = params.get("unit", "story") == "story"
    tables = {table for word, table in _READERS.items() if word in words}
    for word, (article_table, story_table) in _BY_UNIT.items():
        if word in words:
            tables.add(story_table if story else article_table)
    if "focus" in params and params["focus"] is None:
        # the map without a focus reads no pair (map_countries.sql)
        tables.discard("search_pair_rows")
    by_facet = params.get("lang") is not None or params.get("source") is not None
    if not story or by_facet:
        # a language or source reads the story days by facet, which stay views: a query's
        # filter on them reaches the rows before they are counted (search_scope.sql),
        # where a table would count every facet
        tables.discard("story_days")
    return [table for table in TABLES if table in tables]


def scope_sql() -> str:
    """The statements `scope` runs, as the SQL expander shows them, and how a view of it
    becomes a table."""
    return "\n\n".join((queries.sql("search_scope"), queries.sql("search_scope_build")))


TABLES = ("daily_totals", "search_pair_rows", "story_days")
"""The scope's views a query may make tables of. The countries' rows (search_country_rows)
stay a view: each view reads them once (a count of countries, two countries' volumes), for
less than the table of them costs to make (the overview at 1M articles: 160 against 203 ms
of CPU for `troops`, bench/query_latency.py --search)."""
# the words of a query (relations and macros) that read the scope's views: the macros read
# them through names built at run time, which no scan of the text would find
_READERS = {
    "daily_totals": "daily_totals",
    "period_total": "daily_totals",
    "pair_period": "search_pair_rows",
    "pair_volumes": "search_pair_rows",
    "pair_days": "search_pair_rows",
    "pair_stories": "search_pair_rows",
    "pair_bucket_stories": "search_pair_rows",
    "pair_story_sources": "search_pair_rows",
    "pair_story_sums": "search_pair_rows",
    "unit_pair_volumes": "search_pair_rows",
    "chosen_story_days": "story_days",
}
# the macros that read one view in the article unit, another in the story unit: "" for the
# stories of every country, counted from the matches' table itself (search_articles)
_BY_UNIT = {"unit_total": ("daily_totals", "")}
_BUILT: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, set[str]] = weakref.WeakKeyDictionary()
"""The scope's views each cursor has made tables of (`prepare`)."""


def split(params: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(the search text or None, the query's own parameters)."""
    own = dict(params)
    return own.pop(PARAM, None), own


def start(name: str, params: dict[str, Any], con: duckdb.DuckDBPyConnection) -> None:
    """`queries.start` in the request's search scope, if it has one: for a connection of
    its own (a download, a benchmark), closed after, since the scope stays on it.

    Raises:
        SearchError: the search cannot be read.
    """
    text, own = split(params)
    if text is not None:
        scope(con, matching_docs(con, text))
        prepare(con, name, own)
    queries.start(name, con, **own)
