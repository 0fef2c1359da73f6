"""Story assignment in a load: the staged articles' stories, staged with them (refs #16).

`stage_stories` runs at the end of a load, when every new article and its signature are in
the stage: it assigns their stories against the loaded articles within the window and
stages the rows of every story they touch, which `etl/stage.py` (`STAGED_TABLES`) applies
to the database and later to the spare. `attach_stories` assigns a whole database attached
over a lake in one pass.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

import queries
from etl.load import registered


def stage_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Assign the staged articles to stories and stage the stories they touch."""
    # imported when used: story keys bring numba, which a load's process imports only after
    # it has started the tagging pool's server (etl/run.py)
    from etl.stories import STORY_WINDOW, assign

    queries.execute("story_macros", con)
    staged = queries.arrow("staged_story_rows", con)
    if not staged.num_rows:
        return
    times = staged["published_at"].to_pylist()
    loaded = queries.arrow(
        "story_rows_between",
        con,
        start_at=_naive(min(times)) - STORY_WINDOW,
        end_at=_naive(max(times)) + STORY_WINDOW,
    )
    # the story_members view reads batch_story_ids: both stay registered while it is used
    with registered(con, batch_story_ids=assign(staged, loaded)):
        queries.execute("stage_story_ids", con)
        with registered(con, batch_stories=_story_rows(con)):
            queries.execute("stage_stories", con)


def attach_stories(con: duckdb.DuckDBPyConnection, *, as_views: bool) -> None:
    """Assign every article of `con`'s database to a story and rebuild the stories table.

    Args:
        as_views: the articles are a view over a lake, which joins the `article_stories`
            table for their stories (etl/engines/attach.py).
    """
    from etl.stories import assign

    queries.execute("story_macros", con)
    rows = queries.arrow("all_story_rows", con)
    with registered(con, batch_story_ids=assign(rows, rows.slice(0, 0))):
        queries.execute("insert_article_stories" if as_views else "set_story_ids", con)
        queries.execute("story_members_all", con)
        with registered(con, batch_stories=_story_rows(con)):
            queries.execute("replace_stories", con)


def _story_rows(con: duckdb.DuckDBPyConnection) -> pa.Table:
    return queries.arrow("story_rows", con)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
