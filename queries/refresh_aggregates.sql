-- rebuilds the dashboard-facing aggregates from the tagged tables; no parameters.
-- every daily aggregate keeps lang, source and origin so the dashboard filters without the
-- base tables, and daily_totals is the denominator for every share of coverage.
-- The *_all rollups (every language and source together, by day, month and year) and
-- pair_articles exist for speed: at 1M articles every dashboard query must answer within
-- 100 ms (issue #4, bench/query_latency.py). The *_period table macros pick the cheapest
-- rollups for a period and filter, so the queries say what they sum, not where it is kept.

-- one row per day x lang x source x origin: all articles, tagged with a country or not
create or replace table daily_totals as
select
    published_date as day,
    lang,
    source,
    origin,
    count(*) as articles,
    -- articles with text to split: the denominator of sentence-level measures
    count(sentence_count) as text_articles
from articles
group by all
order by day;

-- one row per day x lang x source x origin x country
create or replace table country_daily as
select
    a.published_date as day,
    a.lang,
    a.source,
    a.origin,
    m.country,
    count(*) as articles,
    count(a.sentence_count) as text_articles,
    sum(m.mention_count) as mentions,
    sum(m.tone) as tone_sum,
    count(m.tone) as tone_n
from mentions as m
inner join articles as a on m.article_id = a.article_id
group by all
order by lang, source, day;

-- one row per day x lang x source x origin x pair (country_a < country_b)
create or replace table pair_daily as
select
    a.published_date as day,
    a.lang,
    a.source,
    a.origin,
    p.country_a,
    p.country_b,
    count(*) as articles,
    count(*) filter (where p.sentence_count > 0) as sentence_articles,
    count(p.sentence_count) as text_articles,
    sum(p.sentence_count) as sentences,
    sum(p.tone) as tone_sum,
    count(p.tone) as tone_n,
    sum(p.conflict) as conflict_sum,
    count(p.conflict) as conflict_n
from article_pairs as p
inner join articles as a on p.article_id = a.article_id
group by all
order by lang, source, day;

-- rollups of every language and source together, by day, month and year: a period's sum
-- reads whole years, then whole months, then the days at either end (the *_period macros)
-- one row per day x country
create or replace table country_daily_all as
select
    day,
    date_trunc('month', day)::date as month,
    last_day(day) as month_end,
    country,
    sum(articles)::bigint as articles,
    sum(text_articles)::bigint as text_articles,
    sum(mentions)::bigint as mentions
from country_daily
group by all
order by day, country;

-- one row per month x country
create or replace table country_monthly_all as
select
    month,
    month_end,
    date_trunc('year', month)::date as year,
    (date_trunc('year', month) + interval 1 year - interval 1 day)::date as year_end,
    country,
    sum(articles)::bigint as articles,
    sum(text_articles)::bigint as text_articles,
    sum(mentions)::bigint as mentions
from country_daily_all
group by all
order by month, country;

-- one row per year x country
create or replace table country_yearly_all as
select
    year,
    year_end,
    country,
    sum(articles)::bigint as articles,
    sum(text_articles)::bigint as text_articles,
    sum(mentions)::bigint as mentions
from country_monthly_all
group by all
order by year, country;

-- one row per day x pair; in day order, so that a period's first and last days are a few
-- row groups
create or replace table pair_daily_all as
select
    day,
    date_trunc('month', day)::date as month,
    last_day(day) as month_end,
    country_a,
    country_b,
    sum(articles)::bigint as articles,
    sum(sentence_articles)::bigint as sentence_articles,
    sum(text_articles)::bigint as text_articles,
    sum(tone_sum) as tone_sum,
    sum(tone_n)::bigint as tone_n,
    sum(conflict_sum) as conflict_sum,
    sum(conflict_n)::bigint as conflict_n
from pair_daily
group by all
order by day, country_a, country_b;

-- one row per month x pair
create or replace table pair_monthly_all as
select
    month,
    month_end,
    date_trunc('year', month)::date as year,
    (date_trunc('year', month) + interval 1 year - interval 1 day)::date as year_end,
    country_a,
    country_b,
    sum(articles)::bigint as articles,
    sum(sentence_articles)::bigint as sentence_articles,
    sum(text_articles)::bigint as text_articles,
    sum(tone_sum) as tone_sum,
    sum(tone_n)::bigint as tone_n,
    sum(conflict_sum) as conflict_sum,
    sum(conflict_n)::bigint as conflict_n
from pair_daily_all
group by all
order by month, country_a, country_b;

-- one row per year x pair
create or replace table pair_yearly_all as
select
    year,
    year_end,
    country_a,
    country_b,
    sum(articles)::bigint as articles,
    sum(sentence_articles)::bigint as sentence_articles,
    sum(text_articles)::bigint as text_articles,
    sum(tone_sum) as tone_sum,
    sum(tone_n)::bigint as tone_n,
    sum(conflict_sum) as conflict_sum,
    sum(conflict_n)::bigint as conflict_n
from pair_monthly_all
group by all
order by year, country_a, country_b;

-- one row per article x pair: what the articles view and the third countries show for a
-- pair, sorted by pair and time so that one pair's newest articles are a short read.
-- countries lists every country the article names; evidence the pair's sentences in order,
-- evidence_highlights where the pair's countries are named in each of them.
create or replace table pair_articles as
with

named as (
    select
        article_id,
        list(country order by country) as countries
    from mentions
    group by article_id
),

sentences as (
    select
        article_id,
        country_a,
        country_b,
        list(sentence order by sentence_no) as evidence,
        list(highlights order by sentence_no) as evidence_highlights
    from evidence
    group by all
)

select
    -- ids
    p.country_a,
    p.country_b,
    p.article_id,
    -- dimensions
    a.lang,
    a.source,
    a.origin,
    a.title,
    a.url,
    named.countries,
    sentences.evidence,
    sentences.evidence_highlights,
    -- measures
    p.sentence_count,
    a.tone,
    a.conflict,
    -- timestamps
    a.published_date as day,
    a.published_at
from article_pairs as p
inner join articles as a on p.article_id = a.article_id
left join named on p.article_id = named.article_id
left join sentences
    on
        p.article_id = sentences.article_id
        and p.country_a = sentences.country_a
        and p.country_b = sentences.country_b
order by p.country_a, p.country_b, a.published_at;

-- one row per article x country it names, by country and time: the articles view's
-- lookup when countries are selected
create or replace table country_articles as
select
    -- ids
    m.country,
    m.article_id,
    -- dimensions
    a.lang,
    a.source,
    -- timestamps
    a.published_date as day,
    a.published_at
from mentions as m
inner join articles as a on m.article_id = a.article_id
order by m.country, a.published_at;

-- the pairs' sums over the days [period_start, period_end] (dates), in one row per rollup
-- row (group them by pair): whole years, whole months, then the days at either end; with
-- a language or source chosen (null = all), the detailed daily aggregate
create or replace macro pair_period(period_start, period_end, lang_filter, source_filter)
as table
select
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_yearly_all
where
    lang_filter is null
    and source_filter is null
    and year >= period_start
    and year_end <= period_end
union all
select
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_monthly_all
where
    lang_filter is null
    and source_filter is null
    and month >= period_start
    and month_end <= period_end
    and not (year >= period_start and year_end <= period_end)
union all
select
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_daily_all
where
    lang_filter is null
    and source_filter is null
    and day between period_start and period_end
    and not (month >= period_start and month_end <= period_end)
union all
select
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_daily
where
    (lang_filter is not null or source_filter is not null)
    and day between period_start and period_end
    and (lang_filter is null or lang = lang_filter)
    and (source_filter is null or source = source_filter);

-- the countries' sums over the days [period_start, period_end], as pair_period for pairs
create or replace macro country_period(period_start, period_end, lang_filter, source_filter)
as table
select
    country,
    articles,
    text_articles,
    mentions
from country_yearly_all
where
    lang_filter is null
    and source_filter is null
    and year >= period_start
    and year_end <= period_end
union all
select
    country,
    articles,
    text_articles,
    mentions
from country_monthly_all
where
    lang_filter is null
    and source_filter is null
    and month >= period_start
    and month_end <= period_end
    and not (year >= period_start and year_end <= period_end)
union all
select
    country,
    articles,
    text_articles,
    mentions
from country_daily_all
where
    lang_filter is null
    and source_filter is null
    and day between period_start and period_end
    and not (month >= period_start and month_end <= period_end)
union all
select
    country,
    articles,
    text_articles,
    mentions
from country_daily
where
    (lang_filter is not null or source_filter is not null)
    and day between period_start and period_end
    and (lang_filter is null or lang = lang_filter)
    and (source_filter is null or source = source_filter);

-- one pair-day row per day in [period_start, period_end] for the filters (null = all)
create or replace macro pair_days(period_start, period_end, lang_filter, source_filter) as table
select
    day,
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_daily_all
where
    lang_filter is null
    and source_filter is null
    and day between period_start and period_end
union all
select
    day,
    country_a,
    country_b,
    articles,
    sentence_articles,
    text_articles,
    tone_sum,
    tone_n,
    conflict_sum,
    conflict_n
from pair_daily
where
    (lang_filter is not null or source_filter is not null)
    and day between period_start and period_end
    and (lang_filter is null or lang = lang_filter)
    and (source_filter is null or source = source_filter);

-- one row: the articles of a period and filters (null = all) that a share is taken of; for
-- the sentence window only articles with text, since only they can name a pair in a sentence
create or replace macro period_total(period_start, period_end, lang_filter, source_filter, window_kind)
as table
select
    sum(case when window_kind = 'sentence' then text_articles else articles end)::bigint
        as total_articles
from daily_totals
where
    day between period_start and period_end
    and (lang_filter is null or lang = lang_filter)
    and (source_filter is null or source = source_filter);
