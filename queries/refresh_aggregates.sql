-- rebuilds the dashboard-facing daily aggregates from the tagged tables; no parameters.
-- every aggregate keeps lang, source and origin so the dashboard filters without the base
-- tables, and daily_totals is the denominator for every share of coverage.

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
group by all;

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
group by all;

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
group by all;
