"""One module per view; each `render(database, filters, options)` draws its part of the page."""

from __future__ import annotations

from collections.abc import Callable

from board.data import Database
from board.listing import Listing
from board.state import Filters, Options
from board.views import (
    alerts,
    articles,
    audit,
    matrix,
    network,
    overview,
    pair,
    watchlists,
    world,
)

View = Callable[[Database, Filters, Options], None]

VIEWS: dict[str, View] = {
    "overview": overview.render,
    "pair": pair.render,
    "matrix": matrix.render,
    "network": network.render,
    "map": world.render,
    "articles": articles.render,
    "watchlists": watchlists.render,
    "alerts": alerts.render,
    "audit": audit.render,
}

LISTINGS: dict[str, Callable[[Filters], Listing]] = {
    "top-pairs": overview.listing,
    "articles": articles.every_article,
    "edges": network.listing,
    "third-countries": pair.third_countries_listing,
}
"""The tables whose CSV holds more rows than the view shows, by the name in their URL."""
