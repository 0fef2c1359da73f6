"""Imported by the tagging pool's forkserver (etl/pool_server.py): builds the gazetteer there, and
tags one small article, so every worker forked from it starts warm.

The country scan's automata and name index are built on first use in each process, ~0.2 s
of CPU; built once in the server, every worker forked from it starts with them in memory it
shares copy-on-write, instead of each building its own inside its first batch, which the
first tagged result of a load waits for (refs #20). What they hold depends on nothing a
batch brings, so tagging gives the same results either way.

The same holds for what a batch's tagging first uses: pyarrow imports pandas the first time
it converts a list to an array (`pyarrow.array` checks whether the list is a pandas object),
and numba loads the story keys' compiled functions from its cache on their first call:
~0.3 s of each worker's first batch of Reuters-21578 (refs #20). The article is tagged
without tone, so the encoder's piece cache, whose rows the embeddings are computed from, is
left as it was loaded.
"""

from datetime import UTC, datetime

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

gazetteer()
tag_as_tables([WARM_UP], TagOptions(with_tone=False), 0)
