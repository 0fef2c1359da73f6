"""Every row of a table that a view cuts short (the top 25 pairs, a page of articles)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from board.requests import Request


def _as_is(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


@dataclass(frozen=True)
class Listing:
    """The query without its row limit, and what gives its rows the table's columns.

    `table` names it in the download's URL (board/stream.py), `part` in the file name.
    """

    table: str
    part: str
    request: Request
    shape: Callable[[pd.DataFrame], pd.DataFrame] = _as_is
