-- narrows this connection's view of the published database to the articles a search
-- matched (refs #18): temporary tables, views and macros named like the published ones
-- they stand in for, which DuckDB looks up first, so every dashboard query counts the
-- matching articles only, unchanged. The relation search_hits (doc_no) is registered by
-- board/search.py before this runs, after the dashboard's macros (dashboard_macros.sql),
-- some of which this replaces; the published tables are read through the catalog
-- board/data.py attaches them as (tension). The matches' articles, mentions and pairs are
-- read from the search index by doc_no (search_docs, search_doc_mentions,
-- search_doc_pairs: integers, where joining mentions and article_pairs by article_id cost
-- 0.3-0.5 s at 1M articles). Only the matches' articles are a table here; the rest start
-- as views, and search_scope_build.sql makes a table of those that several queries read
-- the first time one does (board/search.py TABLES), so a view pays only for what it reads.
-- The aggregates are the matches' rows themselves, one per article and country or pair
-- (search_country_rows, search_pair_rows), which the period macros below read in place of
-- the ETL's daily, monthly and yearly rollups, and the story macros count distinct stories
-- from, in place of the story days: a search matches tens of thousands of articles, whose
-- rows cost less to scan at each query than the rollups and the story days' windows cost
-- to make (the overview at 1M articles: README "How search works"). A test checks that a
-- search matching every article counts what the published aggregates do.
-- no parameters
create or replace temp table search_articles as
select * from tension.search_docs
semi join search_hits on search_docs.doc_no = search_hits.doc_no;

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

-- one row per match and country it names (or pair), with its day and dimensions (a pair's
-- with its story) and what the ETL's country_daily_rows and pair_daily_rows count for it
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
    search_articles.story_id,
    search_doc_pairs.country_a,
    search_doc_pairs.country_b,
    -- measures
    1::bigint as articles,
    coalesce(search_doc_pairs.sentence_count > 0, false)::bigint as sentence_articles,
    (search_doc_pairs.sentence_count is not null)::bigint as text_articles,
    search_doc_pairs.sentence_count::bigint as sentences,
    search_doc_pairs.tone as tone_sum,
    (search_doc_pairs.tone is not null)::bigint as tone_n,
    search_doc_pairs.conflict as conflict_sum,
    (search_doc_pairs.conflict is not null)::bigint as conflict_n
from tension.search_doc_pairs
inner join search_articles on search_doc_pairs.doc_no = search_articles.doc_no;

-- the ETL's period_days (refresh_aggregates.sql): the matches' rows of the `kind`
-- ('country' or 'pair') in [period_start, period_end] for the filters (null = all), one
-- per article and country or pair rather than per day; every reader sums them by its key
create or replace temp macro period_days(
    kind, period_start, period_end, lang_filter, source_filter, origin_filter
) as table
    select * from query_table('search_' || kind || '_rows')
    where
        day between period_start and period_end
        and in_filters(lang, source, origin, lang_filter, source_filter, origin_filter);

-- the ETL's period_rows, which reads whole years and months from the rollups: the rows
-- themselves (every reader groups them by country or pair)
create or replace temp macro period_rows(
    kind, period_start, period_end, lang_filter, source_filter, origin_filter
) as table
    select *
    from period_days(kind, period_start, period_end, lang_filter, source_filter, origin_filter);

-- the story macros of dashboard_macros.sql: a story counts once in a period (or bucket) if
-- any of its matches is in it, which the story days find as the day without a previous one
-- in the period (the window over them cost the overview more than these distinct counts)
create or replace temp macro period_stories(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select count(distinct story_id)::bigint as total_stories
    from search_articles
    where
        published_date between period_start and period_end
        and in_filters(lang, source, origin, lang_filter, source_filter, origin_filter)
        and (window_kind = 'article' or sentence_count is not null);

create or replace temp macro period_bucket_stories(
    periods_of, lang_filter, source_filter, origin_filter, window_kind, bucket_kind
) as table
    select
        periods.period_start,
        periods.period_end,
        bucket_start(matches.published_date, bucket_kind) as bucket,
        count(distinct matches.story_id) as total_stories
    from search_articles as matches
    inner join query_table(periods_of) as periods
        on matches.published_date between periods.period_start and periods.period_end
    where
        in_filters(
            matches.lang,
            matches.source,
            matches.origin,
            lang_filter,
            source_filter,
            origin_filter
        )
        and (window_kind = 'article' or matches.sentence_count is not null)
    group by all;

-- the matches' pair rows in the filters (null = all), in the window's unit (sentence:
-- naming both in one sentence), standing in for dashboard_macros.sql's rows of pair_articles:
-- its pair_story_sums counts them as it is, and the pairs' story counts below read them
create or replace temp macro pair_story_rows(
    lang_filter, source_filter, origin_filter, window_kind
) as table
    select * from search_pair_rows
    where
        in_filters(lang, source, origin, lang_filter, source_filter, origin_filter)
        and (window_kind = 'article' or sentence_articles > 0);

create or replace temp macro pair_stories(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        country_a,
        country_b,
        count(distinct story_id)::bigint as stories
    from pair_story_rows(lang_filter, source_filter, origin_filter, window_kind)
    where day between period_start and period_end
    group by country_a, country_b;

create or replace temp macro pair_bucket_stories(
    series_of, lang_filter, source_filter, origin_filter, window_kind, bucket_kind
) as table
    select
        series.series_no,
        bucket_start(matches.day, bucket_kind) as bucket,
        count(distinct matches.story_id) as stories
    from pair_story_rows(lang_filter, source_filter, origin_filter, window_kind) as matches
    inner join query_table(series_of) as series
        on
            matches.country_a = series.country_a
            and matches.country_b = series.country_b
            and matches.day between series.period_start and series.period_end
    group by all;

create or replace temp macro pair_story_sources(
    pairs_of, period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        matches.country_a,
        matches.country_b,
        count(distinct struct_pack(matches.story_id, matches.source)) as story_sources
    from pair_story_rows(lang_filter, source_filter, origin_filter, window_kind) as matches
    inner join query_table(pairs_of) as pairs
        on
            matches.country_a = pairs.country_a
            and matches.country_b = pairs.country_b
    where matches.day between period_start and period_end
    group by matches.country_a, matches.country_b;

-- the story days of the matches (refs #16), for the queries that read them rather than
-- the story macros above (the articles view): the rows story_days_rows gives
-- (tests/test_search.py compares them) in half the CPU or less, counted by story and day at
-- once (the ETL's macro counts by language and source, then sums), each story's days
-- ordered by the key's columns rather than by a list of them, so that a filter on the
-- language or source reaches the rows before they are counted: a view of the facets
-- (by_facet) then counts only the rows of the language or source a query reads.
-- one row per match, with the columns its story days count by (in the window: with text)
create or replace temp view search_story_rows as
select
    -- ids
    story_id,
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

-- one row per story and day of `counts_of` (the rows of search_story_rows, or their sums)
-- and, with `by_lang` or `by_source`, language or source: their articles and
-- window_articles summed
create or replace temp macro search_summed_days(counts_of, by_lang, by_source) as table
    select
        -- ids
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

-- one row per story and day of the rows `rows_of`, or with `by_facet` by language, by
-- source and by both, with the story's previous day and previous day with window_articles
-- (null on its first)
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
    window by_story as (partition by story_id, lang, source order by day);

create or replace temp view story_days as
select * from search_story_days('search_story_rows', false);

create or replace temp view story_facet_days as
select * from search_story_days('search_story_rows', true);
