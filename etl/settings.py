"""Every knob of the ETL, declared once with its default and the reason for it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DB_ENV = "TENSION_DB"
"""Environment variable that overrides the database path (a contract, see DESIGN.md)."""
MAX_UNZIPPED_BYTES = 4 * 2**30
"""A compressed input may not expand past this: a day of GDELT or a year of a feed is far
smaller, a decompression bomb (a few MB of gzip expanding to terabytes) is not, refs #7.
Here rather than with the sources, so that `python -m etl` shows it as the default of
--max-unzipped-mb without importing them (pyarrow, numpy: ~0.18 s before a load can start
its tagging pool's server, refs #20)."""


def default_db_path() -> Path:
    """`$TENSION_DB` when set, else data/tension.duckdb in the repo."""
    return Path(os.environ.get(DB_ENV) or REPO_ROOT / "data" / "tension.duckdb")


@dataclass(frozen=True)
class Settings:
    db_path: Path = field(default_factory=default_db_path)
    """The published database the dashboard reads; the ETL never writes it in place."""
    sample_corpus: Path = REPO_ROOT / "data" / "sample" / "articles.jsonl"
    """The bundled sample that `python -m etl sample` and `make run` load."""
    batch_size: int = 256
    """Records per tagging batch: big enough to amortise inter-process overhead, small
    enough that a batch of 4 KB articles stays a few MB in flight."""
    workers: int | None = None
    """Tagging processes; 1 tags in the calling process (no pool). None: one per core, but
    a single process for inputs under `pool_min_bytes`."""
    pool_min_bytes: int = 8 * 1024 * 1024
    """Below this much input a pool costs more than it gives: each worker loads its own
    models (~2-5 s) before tagging (the 0.5 MB sample: 36 s in a pool of 2, 10 s in one)."""
    max_article_bytes: int = 5 * 1024 * 1024
    """Longer texts are rejected: no news article is 5 MB, a dumped binary or log is."""
    max_line_bytes: int = 16 * 1024 * 1024
    """A JSONL line longer than this is rejected without reading it into memory."""
    evidence_per_pair: int = 3
    """Evidence sentences kept per pair per article: enough to show why, not the article."""
    with_tone: bool = True
    """Score tone with the sentence encoder (the slow part of tagging); its embeddings are
    also what links stories across languages, so without tone there are no such links."""
    retag: bool = False
    """Re-tag articles that are already loaded (and pre-tagged ones) instead of skipping."""
    wait_for_lock: bool = True
    """A second concurrent load waits for the first; False fails fast."""
    memory_limit: str = "1GB"
    """DuckDB's memory cap while a load writes: a load's memory stays flat whatever the
    database holds (refs #13); joins and sorts beyond it spill to disk. Only the keys a
    single load inserts must fit (about 2M articles per GB)."""
