"""A small news world for the alerts and digest tests, loaded by the real ETL (no tone).

The clock reads TODAY. North Korea-Russia is named about twice a week by one wire for 40
days, then 12 times today in 12 stories by 4 sources: a burst. China-Philippines is named
twice a day, every day, by two wires: steady, never a spike. With `old_burst`, the same
burst happened two years ago instead of today: old news, which must never alert.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from etl.run import load_inputs
from etl.settings import Settings

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)
BURST_SOURCES = ("wire-a", "wire-b", "wire-c", "wire-d")
BURST_ARTICLES = 12


def records(*, burst_day: date | None = TODAY) -> list[dict]:
    rows = []
    for back in range(40, 0, -1):
        day = TODAY - timedelta(days=back)
        if back % 4 == 0:
            rows.append(_article(day, 9, "wire-a", f"Talks {back}: North Korea and Russia met."))
        for hour, source in ((8, "wire-a"), (15, "wire-b")):
            text = f"Fishing {back}-{hour}: China and the Philippines discussed the reef."
            rows.append(_article(day, hour, source, text))
    for hour, source in ((8, "wire-a"), (15, "wire-b")):
        rows.append(_article(TODAY, hour, source, f"Fishing today {hour}: China and the "
                             "Philippines discussed the reef."))  # fmt: skip
    if burst_day is not None:
        for number in range(BURST_ARTICLES):
            source = BURST_SOURCES[number % len(BURST_SOURCES)]
            text = (
                f"Report {number}: North Korea sent troops number {number} to Russia, "
                f"officials said on day {number}."
            )
            rows.append(_article(burst_day, 6 + number % 12, source, text))
    return rows


def _article(day: date, hour: int, source: str, text: str) -> dict:
    published = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    slug = abs(hash((day, hour, source, text))) % 10**12
    return {
        "url": f"https://{source}.example.org/{day.isoformat()}/{slug}",
        "title": text.split(":")[0],
        "text": text,
        "published": published.isoformat(),
        "source": source,
        "lang": "en",
    }


def build(path: Path, folder: Path, *, burst_day: date | None = TODAY) -> Path:
    """Load the world into a published database at `path`."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "world.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for row in records(burst_day=burst_day):
            out.write(json.dumps(row) + "\n")
    load_inputs([corpus], Settings(db_path=path, workers=1, with_tone=False), fresh=True)
    return path
