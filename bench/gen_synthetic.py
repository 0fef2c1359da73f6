"""Write a synthetic Tension Monitor database with realistic distributions, fast.

    python bench/gen_synthetic.py --articles 1000000 --out /tmp/synthetic.duckdb

Numpy draws the articles and their countries, DuckDB writes them straight into the real
schema (queries/schema.sql) and builds the pairs, evidence and the daily aggregates with the
real queries/refresh_aggregates.sql, so the dashboard queries meet the shapes they meet in
production: ~200 countries with Zipf-like volumes (so pair frequencies are very skewed), two
years of dates with weekday rhythm and a few news bursts, several languages and sources, and
a share of GDELT rows without text (sentence counts null), and wire copies: 40% of the
articles copy an earlier report (same countries, another outlet, 0-2 days later) and share
its story (`articles.story_id`, the `stories` table; refs #16).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import queries  # noqa: E402  (run as a script from anywhere)
from etl.database import refresh_aggregates  # noqa: E402

# ordered roughly by how often they are in the news, so the Zipf rank means something
_COUNTRY_CODES = (
    "USA CHN RUS UKR GBR ISR IND FRA DEU JPN PSE IRN KOR PRK TUR SAU PAK AUS CAN BRA ITA ESP "
    "MEX IDN EGY SYR IRQ AFG TWN PHL VNM NGA ZAF QAT ARE LBN YEM POL NLD BEL CHE SWE NOR FIN "
    "DNK AUT GRC PRT IRL HUN CZE ROU BGR SRB HRV BIH XKX ALB MKD MNE SVN SVK LTU LVA EST BLR "
    "MDA GEO ARM AZE KAZ UZB KGZ TJK TKM MNG THA MYS SGP MMR KHM LAO BGD LKA NPL BTN MDV NZL "
    "FJI PNG ARG CHL COL PER VEN ECU BOL PRY URY CUB HTI DOM JAM GTM HND SLV NIC CRI PAN ETH "
    "KEN SDN SSD SOM UGA TZA RWA COD COG CMR GHA CIV SEN MLI NER BFA TCD LBY TUN DZA MAR MRT "
    "AGO MOZ ZWE ZMB MWI NAM BWA MDG GIN SLE LBR TGO BEN GAB GNQ CAF ERI DJI BDI LSO SWZ GMB "
    "GNB CPV STP COM MUS SYC JOR KWT BHR OMN CYP MLT ISL LUX LIE MCO AND SMR VAT BRN TLS SLB "
    "VUT WSM TON KIR TUV NRU PLW MHL FSM TTO BRB BHS BLZ GUY SUR GRD LCA VCT ATG KNA DMA"
)
COUNTRIES = tuple(_COUNTRY_CODES.split())

LANGUAGES = {"en": 0.55, "id": 0.15, "fr": 0.10, "es": 0.08, "de": 0.07, "ar": 0.05}
ORIGINS = {"file": 0.6, "gkg": 0.3, "rss": 0.1}
SOURCES = 12
COUNTRIES_PER_ARTICLE = [0.15, 0.25, 0.25, 0.17, 0.10, 0.05, 0.03]
"""P(an article names k = 0..6 countries): most name one to three."""
ZIPF_EXPONENT = 1.1
FIRST_DAY = date(2023, 1, 1)
DAYS = 731
BURSTS = 6
"""News bursts: a pair that suddenly fills the news for about a week."""
EVIDENCE_PER_PAIR = 3
COPY_SHARE = 0.4
"""Articles that are another outlet's copy of a wire report (issue #16): they name the same
countries and join the report's story, so story counts differ from article counts."""
COPY_DAYS = [0.6, 0.3, 0.1]
"""P(a copy runs 0, 1 or 2 days after the report): syndication stays within 48 hours."""
COPY_POPULARITY = 2.0
"""Pareto shape of how many copies a report gets: most none or one, a few dozens."""
VOCABULARY = 100_000
"""Distinct words of the synthetic texts (refs #18): common real words at the top ranks,
made-up words from syllables for the rest, drawn with Zipf's law as words in real text are."""
TOPIC_RANKS = range(1_000, 4_000, 100)
"""Where the topical words sit: at rank 1,000 to 4,000 a word is in about 1.5-5 % of
600-word articles, as "troops" or "sanctions" are in a news corpus."""
WORD_ZIPF = 1.0
TEXT_BATCH = 20_000
"""Articles whose texts are made at a time: DuckDB reads them as a stream, so 1M articles
of 4 KB never sit in memory at once."""
# the common words of the three languages the dashboard's users read
_TOP_WORDS = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "said", "with", "as", "by",
    "was", "it", "at", "from", "his", "an", "be", "has", "have", "yang", "dan", "di", "itu",
    "dengan", "untuk", "ini", "dari", "dalam", "tidak", "akan", "pada", "le", "la", "les",
    "de", "des", "et", "du", "en", "un", "une", "est", "que", "pour", "dans", "sur", "au", "par",
]  # fmt: skip
# topics an analyst searches for; two-word names are one draw, so they appear as phrases
_TOPIC_WORDS = [
    "troops", "pasukan", "soldats", "sanctions", "sanksi", "blockade", "blocus", "missile",
    "rudal", "nuclear", "nucléaire", "talks", "perundingan", "négociations", "ceasefire",
    "gencatan senjata", "korea utara", "north korea", "corée du nord", "armée", "tentara",
    "border", "perbatasan", "frontière", "drone", "tariffs", "tarif", "summit", "sommet",
]  # fmt: skip
_SYLLABLES = [
    "ka", "ri", "to", "mu", "se", "la", "po", "ne", "di", "ra", "va", "lo", "ba", "ge", "su",
    "mi", "te", "no", "ha", "ru", "bi", "sa", "ko", "da", "fe",
]  # fmt: skip


def generate(
    con: duckdb.DuckDBPyConnection, articles: int, seed: int = 42, text_words: int = 0
) -> None:
    """Fill an empty database (schema created here) with `articles` synthetic articles;
    with `text_words`, each article with text has that many Zipf-drawn words (refs #18)."""
    rng = np.random.default_rng(seed)
    queries.execute("schema", con)
    queries.execute("set_meta", con, key="schema_version", value=str(queries.SCHEMA_VERSION))
    _write_countries(con)
    story, days = _wire_copies(rng, _days(rng, articles))
    article_table = _articles(rng, articles, days).append_column("story", pa.array(story))
    mention_table = _mentions(rng, articles, days)
    con.register("gen_articles", _with_texts(article_table, text_words, seed))
    con.register("gen_mentions", mention_table)
    # the texts are a stream, read once: the copies' joins read these columns instead
    con.register("gen_stories", article_table.select(["i", "story", "day", "seconds"]))
    con.execute(_INSERT_SQL)
    con.unregister("gen_articles")
    con.unregister("gen_stories")
    con.unregister("gen_mentions")
    refresh_aggregates(con)
    now = datetime.now().replace(microsecond=0)
    con.execute(
        "insert into ingest_runs (run_id, started_at, finished_at, read, loaded, command) "
        "values (1, $now, $now, $n, $n, 'bench/gen_synthetic.py')",
        {"now": now, "n": articles},
    )


def _write_countries(con: duckdb.DuckDBPyConnection) -> None:
    table = pa.table({"country": COUNTRIES, "name": COUNTRIES})
    con.register("gen_countries", table)
    con.execute("insert into countries (country, name) select country, name from gen_countries")
    con.unregister("gen_countries")


def _days(rng: np.random.Generator, articles: int) -> np.ndarray:
    """Day offsets: slowly growing volume, quieter weekends."""
    weights = np.linspace(0.7, 1.3, DAYS)
    weekday = (np.arange(DAYS) + FIRST_DAY.weekday()) % 7
    weights[weekday >= 5] *= 0.6
    return rng.choice(DAYS, size=articles, p=weights / weights.sum())


def _wire_copies(rng: np.random.Generator, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each article's story (the index of its report) and days moved to follow the report.

    A copy gets its report's countries (the mentions are read through the story) and runs
    the same day or up to two days later, so some stories span two or three days.
    """
    count = days.size
    is_copy = rng.random(count) < COPY_SHARE
    reports = np.flatnonzero(~is_copy)
    popularity = rng.pareto(COPY_POPULARITY, size=reports.size) + 1e-3
    story = np.arange(count)
    story[is_copy] = rng.choice(reports, size=int(is_copy.sum()), p=popularity / popularity.sum())
    later = rng.choice(len(COPY_DAYS), size=count, p=COPY_DAYS)
    moved = np.where(is_copy, np.minimum(days[story] + later, DAYS - 1), days)
    return story, moved


def _articles(rng: np.random.Generator, articles: int, days: np.ndarray) -> pa.Table:
    langs = rng.choice(list(LANGUAGES), size=articles, p=list(LANGUAGES.values()))
    origins = rng.choice(list(ORIGINS), size=articles, p=list(ORIGINS.values()))
    source_weights = 1 / np.arange(1, SOURCES + 1)
    sources = rng.choice(SOURCES, size=articles, p=source_weights / source_weights.sum())
    return pa.table(
        {
            "i": np.arange(articles),
            "day": days.astype(np.int32),
            "seconds": rng.integers(0, 86400, size=articles, dtype=np.int32),
            "lang": langs,
            "origin": origins,
            "source": np.char.add("source-", sources.astype(str)),
            "tone": rng.normal(-1.5, 3.0, size=articles),
            "conflict": rng.beta(1, 30, size=articles),
        }
    )


def _with_texts(table: pa.Table, words: int, seed: int) -> pa.RecordBatchReader:
    """The articles with a `body` column (null without `words`), made batch by batch."""
    vocabulary = _vocabulary()
    ranks = np.arange(1, vocabulary.size + 1, dtype=np.float64) ** -WORD_ZIPF
    cumulative = np.cumsum(ranks / ranks.sum())
    rng = np.random.default_rng(seed + 1)

    def body(batch: pa.RecordBatch) -> pa.Array:
        if not words:
            return pa.nulls(batch.num_rows, pa.string())
        draws = np.searchsorted(cumulative, rng.random((batch.num_rows, words)))
        drawn = vocabulary[np.minimum(draws, vocabulary.size - 1)]
        return pa.array([" ".join(row) for row in drawn.tolist()])

    batches = (
        batch.append_column("body", body(batch))
        for batch in table.to_batches(max_chunksize=TEXT_BATCH)
    )
    schema = table.schema.append(pa.field("body", pa.string()))
    return pa.RecordBatchReader.from_batches(schema, batches)


def _vocabulary() -> np.ndarray:
    """The common words first, made-up ones of two to four syllables after them, and the
    topical words placed among those at `TOPIC_RANKS`."""
    made_up = []
    size = len(_SYLLABLES)
    for n in range(size**2, size**2 + VOCABULARY):
        digits = []
        while n:
            n, digit = divmod(n, size)
            digits.append(_SYLLABLES[digit])
        made_up.append("".join(digits))
    words = _TOP_WORDS + made_up[: VOCABULARY - len(_TOP_WORDS) - len(_TOPIC_WORDS)]
    for rank, word in zip(TOPIC_RANKS, _TOPIC_WORDS, strict=False):
        words.insert(rank, word)
    return np.array(words, dtype=object)


def _mentions(rng: np.random.Generator, articles: int, days: np.ndarray) -> pa.Table:
    """(article, country) draws: a Zipf-like country per draw, bursts pinned on some days."""
    per_article = rng.choice(len(COUNTRIES_PER_ARTICLE), size=articles, p=COUNTRIES_PER_ARTICLE)
    article_ids = np.repeat(np.arange(articles), per_article)
    ranks = np.arange(1, len(COUNTRIES) + 1) ** -ZIPF_EXPONENT
    countries = rng.choice(len(COUNTRIES), size=article_ids.size, p=ranks / ranks.sum())
    countries = _with_bursts(rng, article_ids, countries, days)
    return pa.table(
        {
            "i": article_ids,
            "country": np.array(COUNTRIES)[countries],
            "mention_count": rng.geometric(0.5, size=article_ids.size).astype(np.int32),
        }
    )


def _with_bursts(
    rng: np.random.Generator, article_ids: np.ndarray, countries: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """During a burst, a third of the articles naming two countries name the burst's pair."""
    first_of_article = np.r_[True, article_ids[1:] != article_ids[:-1]]
    for _ in range(BURSTS):
        start = rng.integers(0, DAYS - 7)
        pair = rng.choice(40, size=2, replace=False)
        in_burst = (days[article_ids] >= start) & (days[article_ids] < start + 7)
        chosen = in_burst & first_of_article & (rng.random(article_ids.size) < 0.33)
        second = np.flatnonzero(chosen) + 1
        second = second[second < article_ids.size]
        second = second[article_ids[second] == article_ids[second - 1]]
        countries[second - 1] = pair[0]
        countries[second] = pair[1]
    return countries


_INSERT_SQL = f"""
insert into articles by name
select
    'syn' || lpad(a.i::varchar, 9, '0') as article_id,
    'syn' || lpad(a.story::varchar, 9, '0') as story_id,
    1 as run_id,
    'https://synthetic.example/' || a.i as url,
    a.source,
    'Synthetic article ' || a.i as title,
    case
        when a.origin = 'gkg' then ''
        else coalesce(a.body, 'Synthetic text of article ' || a.i || '.')
    end as text,
    a.lang,
    a.origin,
    a.tone,
    a.conflict,
    case when a.origin = 'gkg' then null else 8 + a.i % 20 end as sentence_count,
    coalesce(named.countries, 0) as country_count,
    -- a copy runs after its report, even on the report's day
    date '{FIRST_DAY}' + a.day * interval 1 day
    + (case when a.day = report.day then greatest(a.seconds, report.seconds) else a.seconds end)
    * interval 1 second as published_at,
    date '{FIRST_DAY}' + a.day as published_date,
    now()::timestamp as loaded_at
from gen_articles as a
inner join gen_stories as report on a.story = report.i
left join (
    select i, count(distinct country)::integer as countries from gen_mentions group by i
) as named on a.story = named.i;

-- a copy names its report's countries
insert into mentions by name
select
    'syn' || lpad(a.i::varchar, 9, '0') as article_id,
    m.country,
    sum(m.mention_count)::integer as mention_count,
    0 as first_offset,
    null::integer as sentence_count,
    null::double as tone
from gen_stories as a
inner join gen_mentions as m on a.story = m.i
group by all;

insert into stories by name
select
    story_id,
    min(published_at) as first_published_at,
    max(published_at) as last_published_at,
    count(*)::integer as articles,
    count(distinct source)::integer as sources,
    list(distinct lang order by lang) as languages,
    arg_min(title, published_at) as title
from articles
group by story_id;

create temp table gen_pairs as
select
    a.article_id,
    a.country as country_a,
    b.country as country_b,
    case
        when articles.origin = 'gkg' then null
        else (hash(a.article_id || b.country) % 4)::integer
    end as sentence_count,
    articles.tone + (hash(a.country || a.article_id) % 100) / 50.0 - 1 as tone,
    case when articles.origin = 'gkg' then null else articles.conflict * 2 end as conflict
from mentions as a
inner join mentions as b on a.article_id = b.article_id and a.country < b.country
inner join articles on a.article_id = articles.article_id;

insert into article_pairs by name select * from gen_pairs;

insert into evidence by name
select
    article_id,
    country_a,
    country_b,
    n as sentence_no,
    'Sentence ' || n || ' naming ' || country_a || ' and ' || country_b || '.' as sentence,
    n * 100 as start_offset,
    n * 100 + 40 as end_offset
from gen_pairs, range(1, {EVIDENCE_PER_PAIR} + 1) as r(n)
where n <= sentence_count;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="articles to generate")
    parser.add_argument("--out", type=Path, required=True, help="database file to (re)write")
    parser.add_argument(
        "--text-words",
        type=int,
        default=0,
        help="words per article with text (600 is about 4 KB, news-sized; issue #18's search "
        "benchmark); 0 keeps the one-line placeholder texts",
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (same seed, same db)")
    parser.add_argument(
        "--memory-limit",
        default="4GB",
        help="DuckDB memory_limit, so a big build spills to disk instead of taking the "
        "machine's memory (shared with other work); the primary-key indexes of the one big "
        "insert must fit: 10M articles need 10GB (4GB fails), 3M fit the default",
    )
    args = parser.parse_args()
    args.out.unlink(missing_ok=True)
    started = time.monotonic()
    con = duckdb.connect(str(args.out), config={"memory_limit": args.memory_limit})
    try:
        generate(con, args.articles, args.seed, args.text_words)
        con.execute("checkpoint")
        counts = queries.run("stats_table_counts", con).iloc[0].to_dict()
    finally:
        con.close()
    print(f"wrote {args.out} in {time.monotonic() - started:.1f} s: {counts}")


if __name__ == "__main__":
    main()
