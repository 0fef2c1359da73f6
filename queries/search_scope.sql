-- narrows this connection's view of the published database to the articles a search
-- matched (refs #18): temporary tables and views named like the published tables they
-- stand in for, which DuckDB looks up first, so every dashboard query counts the matching
-- articles only, unchanged. The relation search_hits (doc_no) is registered by
-- board/search.py before this runs; the published tables are read through the catalog
-- board/data.py attaches them as (tension). The matches' articles, mentions and pairs are
-- read from the search index by doc_no (search_docs, search_doc_mentions,
-- search_doc_pairs: integers, where joining mentions and article_pairs by article_id cost
-- 0.3-0.5 s at 1M articles). Only the matches' articles are a table here. The aggregates
-- (the daily ones with the ETL's own *_rows macros, the rollups by
-- search_scope_rollup_view.sql from the matches' rows, the story days) start as views over
-- them, and search_scope_build.sql makes a table of each the first time a query reads it
-- (board/search.py: a query then reads a table at half the time of a view, and a view
-- needs none of the others: the map builds no story days); the article-level tables are
-- filtered views.
-- no parameters
create or replace temp table search_articles as
select * from tension.search_docs
semi join search_hits on search_docs.doc_no = search_hits.doc_no;

-- the matches' mentions and pairs: views, so that a view that reads neither (the articles
-- view) does not pay for them. The mentions are read once, by the table of the countries'
-- daily rows. The pairs become a table before the first table of the pairs' aggregates or
-- story days (board/search.py): each of those, and the story days by facet each time a
-- query reads them, would scan the index's pairs whole again (with the articles' day and
-- dimensions too the table cost more than the joins it saved)
create or replace temp view search_mentions as
select
    search_articles.article_id,
    search_doc_mentions.* exclude (doc_no)
from tension.search_doc_mentions
inner join search_articles on search_doc_mentions.doc_no = search_articles.doc_no;

create or replace temp view search_pairs as
select
    search_articles.article_id,
    search_doc_pairs.*
from tension.search_doc_pairs
inner join search_articles on search_doc_pairs.doc_no = search_articles.doc_no;

create or replace temp view articles as
select * from tension.articles
semi join search_articles on articles.article_id = search_articles.article_id;

create or replace temp view pair_articles as
select * from tension.pair_articles
semi join search_articles on pair_articles.article_id = search_articles.article_id;

create or replace temp view country_articles as
select * from tension.country_articles
semi join search_articles on country_articles.article_id = search_articles.article_id;

create or replace temp view daily_totals as
select * from daily_totals_rows('search_articles', 1);

create or replace temp view country_daily as
select * from country_daily_rows('search_articles', 'search_mentions', 1);

create or replace temp view pair_daily as
select * from pair_daily_rows('search_articles', 'search_pairs', 1);

-- the rows the daily rows above count, one per match and country it names (or pair), each
-- with its own measures: what country_daily_rows and pair_daily_rows sum for it (a test
-- compares their rollups with the ETL's). The rollups over every language and source
-- (search_scope_rollup_view.sql) group these once, where grouping the daily rows by
-- language and source first, joined by article_id, cost the overview twice the CPU
create or replace temp view search_country_rows as
select
    -- timestamps
    search_articles.published_date as day,
    -- dimensions
    search_articles.lang,
    search_articles.source,
    search_articles.origin,
    -- ids
    search_doc_mentions.country,
    -- measures
    1::bigint as articles,
    (search_articles.sentence_count is not null)::bigint as text_articles,
    search_doc_mentions.mention_count::bigint as mentions,
    search_doc_mentions.tone as tone_sum,
    (search_doc_mentions.tone is not null)::bigint as tone_n
from tension.search_doc_mentions
inner join search_articles on search_doc_mentions.doc_no = search_articles.doc_no;

create or replace temp view search_pair_rows as
select
    -- timestamps
    search_articles.published_date as day,
    -- dimensions
    search_articles.lang,
    search_articles.source,
    search_articles.origin,
    -- ids
    search_pairs.country_a,
    search_pairs.country_b,
    -- measures
    1::bigint as articles,
    coalesce(search_pairs.sentence_count > 0, false)::bigint as sentence_articles,
    (search_pairs.sentence_count is not null)::bigint as text_articles,
    search_pairs.sentence_count::bigint as sentences,
    search_pairs.tone as tone_sum,
    (search_pairs.tone is not null)::bigint as tone_n,
    search_pairs.conflict as conflict_sum,
    (search_pairs.conflict is not null)::bigint as conflict_n
from search_pairs
inner join search_articles on search_pairs.doc_no = search_articles.doc_no;

-- the rows the story days count, with the columns they count by: the matches' articles
-- (a story_id null: the article is its own story; in the window: with text) and their pairs
-- from the index (in the window: naming both in one sentence); the views articles and
-- pair_articles scan the published tables whole by article_id, which every story-unit query
-- paid (refs #18), where the pairs join the matches by doc_no, an integer
create or replace temp view search_story_rows as
select
    -- ids: a story of articles has no pair
    null::varchar as country_a,
    null::varchar as country_b,
    coalesce(story_id, article_id) as story_id,
    -- dimensions
    lang,
    source,
    origin,
    -- measures
    1::bigint as articles,
    (sentence_count is not null)::bigint as window_articles,
    -- timestamps
    published_date as day
from search_articles;

create or replace temp view search_pair_stories as
select
    -- ids
    search_pairs.country_a,
    search_pairs.country_b,
    search_articles.story_id,
    -- dimensions
    search_articles.lang,
    search_articles.source,
    search_articles.origin,
    -- measures
    1::bigint as articles,
    coalesce(search_pairs.sentence_count > 0, false)::bigint as window_articles,
    -- timestamps
    search_articles.published_date as day
from search_pairs
inner join search_articles on search_pairs.doc_no = search_articles.doc_no;

-- the story days of the matches, which only the story unit reads (refs #16): the rows
-- story_days_rows and pair_story_days_rows give (tests/test_search.py compares them), in
-- half the CPU or less. Over every language and source, counted by story and day at once
-- (the macros count by language and source, then sum); each story's days ordered by the
-- key's columns rather than by a list of them, so that a filter on the language or source
-- reaches the rows before they are counted: a view of the facets (by_facet) then counts only
-- the rows of the language or source a query reads, 3 times cheaper at 250k articles.
-- one row per story (or pair x story) and day of `counts_of` (the rows of search_story_rows
-- or search_pair_stories, or their sums) and, with `by_lang` or `by_source`, language or
-- source: their articles and window_articles summed
create or replace temp macro search_summed_days(counts_of, by_lang, by_source) as table
    select
        -- ids
        country_a,
        country_b,
        story_id,
        -- timestamps
        day,
        -- dimensions
        any_value(origin) as origin,
        -- measures
        sum(articles)::bigint as articles,
        sum(window_articles)::bigint as window_articles,
        -- dimensions
        case when by_lang then lang end as lang,
        case when by_source then source end as source
    from query_table(counts_of)
    group by all;

-- one row per story (or pair x story) and day of the rows `rows_of` (search_story_rows or
-- search_pair_stories), or with `by_facet` by language, by source and by both, with the
-- story's previous day and previous day with window_articles (null on its first)
create or replace temp macro search_story_days(rows_of, by_facet) as table
    with

    counts as (
        select * from search_summed_days(rows_of, by_facet, by_facet)
    ),

    days as (  -- noqa: ST03
        select * from counts
        union all
        select * from search_summed_days('counts', true, false)
        where by_facet
        union all
        select * from search_summed_days('counts', false, true)
        where by_facet
    )

    -- the CTEs are read by name, through query_table
    select
        *,
        lag(day) over by_story as previous_day,
        max(case when window_articles > 0 then day end) over (
            by_story rows between unbounded preceding and 1 preceding
        ) as previous_window_day
    from days
    window by_story as (partition by country_a, country_b, story_id, lang, source order by day);

create or replace temp view story_days as
select * exclude (country_a, country_b)
from search_story_days('search_story_rows', false);

create or replace temp view pair_story_days as
select * from search_story_days('search_pair_stories', false);

create or replace temp view story_facet_days as
select * exclude (country_a, country_b)
from search_story_days('search_story_rows', true);

create or replace temp view pair_story_facet_days as
select * from search_story_days('search_pair_stories', true);
