"""One module per view; each `render(database, filters, options)` draws its part of the page."""

from __future__ import annotations

from collections.abc import Callable

from board.data import Database
from board.state import Filters, Options
from board.views import articles, matrix, network, overview, pair, world

View = Callable[[Database, Filters, Options], None]

VIEWS: dict[str, View] = {
    "overview": overview.render,
    "pair": pair.render,
    "matrix": matrix.render,
    "network": network.render,
    "map": world.render,
    "articles": articles.render,
}
