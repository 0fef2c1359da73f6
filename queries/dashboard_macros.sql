-- the dashboard queries' shared expressions, each named once (refs #12): temporary macros
-- that queries.run creates on a connection before its first query (the published tables and
-- their *_period macros stay read-only); no parameters
create or replace temp macro in_filters(
    lang, source, origin, lang_filter, source_filter, origin_filter
) as
(lang_filter is null or lang = lang_filter)
and (source_filter is null or source = source_filter)
and in_origin(origin, origin_filter);

-- the sentence window counts only what happened in one sentence (and articles with text)
create or replace temp macro by_window(window_kind, sentence_value, article_value) as
case when window_kind = 'sentence' then sentence_value else article_value end;

-- a share of coverage, null where there was no coverage
create or replace temp macro per_mille(part, whole) as
1000.0 * part / nullif(whole, 0);

-- the first day of the bucket (day | week | month) that holds `day`
create or replace temp macro bucket_start(day, bucket_kind) as
cast(date_trunc(bucket_kind, day) as date);

-- the last day of the time bucket (day | week | month) that starts on bucket_start
create or replace temp macro bucket_end(bucket_start, bucket_kind) as
case bucket_kind
    when 'day' then bucket_start
    when 'week' then bucket_start + 6
    else last_day(bucket_start)
end;

-- a percentage, null where the whole is zero
create or replace temp macro per_cent(part, whole) as
100.0 * part / nullif(whole, 0);

-- the articles naming A or B (refs #18, measure share_either): |A| + |B| - |A and B|, each
-- in the window's unit (for the sentence window: articles with text)
create or replace temp macro either_articles(volume_a, volume_b, both_articles) as
volume_a + volume_b - both_articles;

-- a country's name, or its code where the data has no name for it
create or replace temp macro country_name(code) as
coalesce(
    (
        select name
        from countries
        where country = code
    ),
    code
);

-- no selected countries means every pair
create or replace temp macro involves(selected, country_a, country_b) as
len(selected) = 0
or list_contains(selected, country_a)
or list_contains(selected, country_b);

-- one row per country: its articles in a period and filters, in the window's unit
create or replace temp macro country_volumes(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        country,
        sum(by_window(window_kind, text_articles, articles))::bigint as articles
    from country_period(period_start, period_end, lang_filter, source_filter, origin_filter)
    group by country;

-- one row per country pair: its articles in a period and filters, in the window's unit, and
-- both_articles: the articles naming both anywhere in the window's denominator (articles with
-- text for the sentence window), what either_articles subtracts
create or replace temp macro pair_volumes(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        country_a,
        country_b,
        sum(by_window(window_kind, sentence_articles, articles))::bigint as articles,
        sum(by_window(window_kind, text_articles, articles))::bigint as both_articles
    from pair_period(period_start, period_end, lang_filter, source_filter, origin_filter)
    group by country_a, country_b;

-- one row per row of the relation `pairs_of` (country_a, country_b, then articles and the
-- other columns it has): with both countries' names, the period's articles and the pair's
-- share of them, the columns every pair view shows
create or replace temp macro pair_shares(
    pairs_of, period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        -- ids
        pairs.country_a,
        pairs.country_b,
        -- dimensions
        country_name(pairs.country_a) as name_a,
        country_name(pairs.country_b) as name_b,
        -- measures
        pairs.* exclude (country_a, country_b),
        totals.total_articles,
        per_mille(pairs.articles, totals.total_articles) as share_per_mille
    from query_table(pairs_of) as pairs
    cross join
        period_total(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
        ) as totals;

-- one row per country pair x day of the relation `rows_of` (country_a, country_b, day,
-- source, story_id; one row per article): what the spike detector weighs (monitor/spikes.py,
-- refs #17), its articles, their distinct sources and their distinct stories
create or replace temp macro pair_voices(rows_of) as table
    select
        -- ids
        country_a,
        country_b,
        -- timestamps
        day,
        -- measures
        count(*)::bigint as articles,
        count(distinct source)::bigint as sources,
        count(distinct story_id)::bigint as stories
    from query_table(rows_of)
    group by country_a, country_b, day;
