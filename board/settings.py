"""Every knob of the dashboard, declared once with its default and the reason for it."""

from __future__ import annotations

import os
from pathlib import Path

from monitor.spikes import SpikeSettings
from monitor.store import store_path as _store_beside

REPO_ROOT = Path(__file__).resolve().parent.parent

DB_ENV = "TENSION_DB"
"""Environment variable naming the published database (a contract shared with the ETL)."""

DEFAULT_DB = REPO_ROOT / "data" / "tension.duckdb"
"""Where `make run` builds the sample database."""

MONITOR_CONFIG_ENV = "TENSION_MONITOR_CONFIG"
"""Environment variable naming the monitor config the watcher runs (`etl watch --config`):
the Watchlists page lists its `[[watch]]` tables. An environment variable like TENSION_DB,
since the deployment sets both for the dashboard's service (deploy/)."""

TOP_PAIRS = 25
"""Rows in the overview's top-pairs table: a screenful, enough to spot what is moving."""

MATRIX_COUNTRIES = 20
"""Countries on each axis of the matrix when none are selected; more cells stop being legible."""

NETWORK_EDGES = 150
"""Edges drawn in the network; beyond this the force layout turns into a hairball."""

THIRD_COUNTRIES = 15
"""Third countries listed for a pair."""

ARTICLES_PER_PAGE = 50
"""Articles per page in the articles view; evidence is shown for each of them."""

ROLLING_BUCKETS = {"day": 7, "week": 4, "month": 3}
"""Buckets in the rolling mean: a week, a month, a quarter."""

INDEX_BASELINE_BUCKETS = {"day": 28, "week": 13, "month": 3}
"""The index's baseline (= 100, refs #18): the mean of the first complete buckets of the
period, four weeks of days or a quarter of weeks or months: long enough that one busy day
does not set it, short enough to leave most of the period to read against it."""

SPIKES = SpikeSettings()
"""The one spike detector's settings, the alerts' too (monitor/spikes.py, README "Spikes")."""

STREAMED_CSV_ENV = "TENSION_STREAMED_CSV"
"""Set by serve.py, which mounts the streamed CSV route: the buttons then link to it."""

EXPORT_MEMORY_LIMIT = "256MB"
"""DuckDB memory for one streamed CSV (its sort); beyond it the sort spills to disk, so a
download of any size fits (bench/export_memory.py)."""

EXPORT_SPILL_DIR = "tension-export-spill"
"""Under the system's temporary directory: where such a sort spills."""

CHROMIUM_ENV = "TENSION_CHROMIUM"
"""Environment variable naming the browser that draws exported charts (board/chart_image.py)."""

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (`apt-get install chromium`): named explicitly, so that nothing ever
looks for, or downloads, a browser of its own at run time."""

CHART_IMAGE_SIZE = (800, 450)
"""An exported chart's layout in CSS pixels (16:9, about the width it has on screen); a chart
drawn taller on screen (the matrix, the network) keeps its height."""

CHART_IMAGE_SCALE = 2
"""PNG pixels per layout pixel: 1600 x 900, sharp in print and on a slide."""

CHART_IMAGE_IDLE_SECONDS = 300.0
"""How long the browser that draws exported charts is kept after the last export: a second
image takes 0.25 s instead of 1.5-2.6 s, and an idle browser holds about 450 MB."""

CHART_IMAGE_TIMEOUT_SECONDS = 60.0
"""Longest wait for one exported image (the first starts the browser, about 3 s)."""

EMPTY_POLL_SECONDS = 5.0
"""How often the empty-database page looks for a published file: a load takes seconds."""

EARLIEST_DATE_YEAR = 1900
"""Dates in the URL before this year are taken for typos and replaced by the default."""

LATEST_DATE_YEAR = 2100
"""Dates in the URL after this year are taken for typos and replaced by the default."""


def db_path() -> Path:
    """`$TENSION_DB` when set, else data/tension.duckdb in the repo."""
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def monitor_config_path() -> Path | None:
    """`$TENSION_MONITOR_CONFIG` when set: the watcher's config, read for its watchlists."""
    named = os.environ.get(MONITOR_CONFIG_ENV)
    return Path(named).expanduser() if named else None


def store_path() -> Path:
    """The writable store of watchlists and alerts: `$TENSION_STORE`, else beside the
    database (monitor/store.py); the published database itself is only read."""
    return _store_beside(db_path())


def chromium_path() -> Path:
    """`$TENSION_CHROMIUM` when set, else /usr/bin/chromium."""
    return Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)
