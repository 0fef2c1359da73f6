"""Imported by the tagging pool's forkserver (etl/pool_server.py): builds the gazetteer there, and
tags one small article, so every worker forked from it starts warm.

The country scan's automata and name index are built on first use in each process, ~0.2 s
of CPU; built once in the server, every worker forked from it starts with them in memory it
shares copy-on-write, instead of each building its own inside its first batch, which the
first tagged result of a load waits for (refs #20). What they hold depends on nothing a
batch brings, so tagging gives the same results either way.

The same holds for what a batch's tagging first uses: numba loads the story keys' compiled
functions from its cache on their first call (refs #20). The article is tagged without tone,
so the encoder's piece cache, whose rows the embeddings are computed from, is left as it
was loaded.

pyarrow imports pandas (~0.25 s of CPU, before the server can fork) the first time it
converts a list, only to ask whether the list is a pandas object: a worker never hands it
one. The server lets that first check find no pandas; pyarrow asks again, and imports it,
where pandas is really used (`to_pandas`), which tagging does not (refs #20).
"""

import sys
from datetime import UTC, datetime

import pyarrow as pa

from etl.records import Article
from etl.tables import tag_as_tables
from etl.tag.gazetteer import gazetteer
from etl.tag.pipeline import TagOptions

WARM_UP = Article(
    url="https://example.org/warm-up",
    title="France and Germany sign a trade pact",
    text="PARIS, Jan 5 - France and Germany signed a trade pact on Monday, officials said.",
    published_at=datetime(2000, 1, 5, tzinfo=UTC),
    source="example.org",
    lang="en",
)


class _NoPandas:
    """An import finder that finds no pandas."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas":
            raise ModuleNotFoundError("not while pyarrow first checks for it", name=name)


def _without_pandas_checks() -> None:
    """Let pyarrow's first check for pandas objects find pandas missing (see above)."""
    if "pandas" in sys.modules:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(finder)


_without_pandas_checks()
gazetteer()
tag_as_tables([WARM_UP], TagOptions(with_tone=False), 0)
