"""A hand-counted database for the measures and comparisons (refs #18), January to March 2024.

Built like tests/tiny_db.py (real schema, real aggregates). Articles (all with text but m8):

    Jan  m1 PRK RUS (one sentence)  m2 PRK  m3 RUS  m4 USA
    Feb  m5 PRK RUS (no sentence)  m6 PRK RUS (one sentence)  m7 PRK
    Mar  m8 PRK RUS (GDELT, no text)  m9 RUS USA (one sentence)  m10 CHN UKR (one sentence)

PRK-RUS by month, same article: 1, 2, 1 articles of 4, 3, 3 (share 250, 666.67, 333.33 ‰);
naming PRK or RUS 3 (m1-m3), 3 (m5-m7), 2 (m8, m9): share of either 33.33, 66.67, 50 %;
index against the mean of the three months (4/3): 75, 150, 75.
Same sentence (articles with text only): 1, 1, 0 articles; naming either with text 3, 3,
1 (m9): 33.33, 33.33, 0 %; index against 2/3: 150, 150, 0.
Over the quarter, same article: PRK-RUS 4 of the 8 naming either (50 %), RUS-USA 1 of 7
(14.29 %), CHN-UKR 1 of 1 (100 %).
"""

from __future__ import annotations

from pathlib import Path

from tests.tiny_db import build_db

START = "2024-01-01"
END = "2024-03-31"

# id, published, lang, source, origin, title, url, tone, conflict, countries
ARTICLES = [
    ("m1", "2024-01-05 08:00", "en", "wire-a", "file", "North Korea and Russia sign a pact",
     "https://news.example.org/m1", -2.0, 0.1, ["PRK", "RUS"]),
    ("m2", "2024-01-12 08:00", "en", "wire-a", "file", "North Korea tests a missile",
     "https://news.example.org/m2", -3.0, 0.2, ["PRK"]),
    ("m3", "2024-01-19 08:00", "en", "wire-b", "file", "Russia holds an election",
     "https://news.example.org/m3", 0.0, 0.0, ["RUS"]),
    ("m4", "2024-01-26 08:00", "en", "wire-b", "file", "United States budget talks",
     "https://news.example.org/m4", 1.0, 0.0, ["USA"]),
    ("m5", "2024-02-02 08:00", "en", "wire-a", "file", "North Korea; later, Russia",
     "https://news.example.org/m5", -1.0, 0.0, ["PRK", "RUS"]),
    ("m6", "2024-02-09 08:00", "en", "wire-b", "file", "Russia ships oil to North Korea",
     "https://news.example.org/m6", -4.0, 0.2, ["PRK", "RUS"]),
    ("m7", "2024-02-16 08:00", "en", "wire-a", "file", "North Korea floods",
     "https://news.example.org/m7", -1.0, 0.0, ["PRK"]),
    ("m8", "2024-03-01 08:00", "en", "gdelt", "gkg", "",
     "https://gdelt.example.org/m8", -6.0, None, ["PRK", "RUS"]),
    ("m9", "2024-03-08 08:00", "en", "wire-a", "file", "The United States warns Russia",
     "https://news.example.org/m9", -2.0, 0.1, ["RUS", "USA"]),
    ("m10", "2024-03-15 08:00", "en", "wire-b", "file", "China and Ukraine talk grain",
     "https://news.example.org/m10", 1.0, 0.0, ["CHN", "UKR"]),
]  # fmt: skip

# (article, country_a, country_b) -> (sentence_count, tone, conflict, evidence sentences)
PAIRS = {
    ("m1", "PRK", "RUS"): (1, -2.0, 0.1, ["North Korea and Russia signed a pact."]),
    ("m5", "PRK", "RUS"): (0, None, None, []),
    ("m6", "PRK", "RUS"): (1, -4.0, 0.3, ["Russia shipped oil to North Korea."]),
    ("m8", "PRK", "RUS"): (None, -6.0, None, []),
    ("m9", "RUS", "USA"): (1, -2.0, 0.1, ["The United States warned Russia."]),
    ("m10", "CHN", "UKR"): (1, 1.0, 0.0, ["China and Ukraine talked grain."]),
}  # fmt: skip


def build_measures_db(path: Path) -> Path:
    return build_db(path, ARTICLES, PAIRS)
