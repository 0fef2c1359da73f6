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

-- one row per row of the relation `counted_of` (country, articles, either_articles) with
-- articles: the map's columns, with the country's name and its shares of `total` (all
-- articles, or all stories, refs #16) and of either_articles
create or replace temp macro map_rows(counted_of, total) as table
    select
        -- ids
        country,
        -- dimensions
        country_name(country) as country_name,
        -- measures
        articles,
        total as total_articles,
        per_mille(articles, total) as share_per_mille,
        either_articles,
        per_cent(articles, either_articles) as share_either_pct
    from query_table(counted_of)
    where articles > 0;

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
-- other columns it has): with both countries' names, the period's articles (in the unit
-- counted, refs #16) and the pair's share of them, the columns every pair view shows
create or replace temp macro pair_shares(
    pairs_of, period_start, period_end, lang_filter, source_filter, origin_filter,
    window_kind, unit_kind
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
        unit_total(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind,
            unit_kind
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

-- the story unit (refs #16): the rows of the story days `days_of` (story_days or
-- pair_story_days, whose lang and source are null) or with a language or source chosen
-- (null = all) of `facets_of` (story_facet_days or pair_story_facet_days) that keep them
create or replace temp macro chosen_days(days_of, facets_of, lang_filter, source_filter) as table
    select * from query_table(days_of)
    where lang_filter is null and source_filter is null
    union all
    select * from query_table(facets_of)
    where
        (lang_filter is not null or source_filter is not null)
        and lang is not distinct from lang_filter
        and source is not distinct from source_filter;

-- one row per story x day of the language and source chosen (null = all)
create or replace temp macro chosen_story_days(lang_filter, source_filter) as table
    select * from chosen_days('story_days', 'story_facet_days', lang_filter, source_filter);

-- one row per pair x story x day of the language and source chosen (null = all)
create or replace temp macro chosen_pair_story_days(lang_filter, source_filter) as table
    select *
    from chosen_days('pair_story_days', 'pair_story_facet_days', lang_filter, source_filter);

-- whether a story day (a row of chosen_story_days or chosen_pair_story_days) counts: the
-- story's first day in [period_start, period_end] in the window's unit (its previous day is
-- before the period, or none), so each story of the period counts once
create or replace temp macro first_in_period(
    story_day, period_start, period_end, origin_filter, window_kind
) as
in_origin(story_day.origin, origin_filter)
and story_day.day between period_start and period_end
and by_window(
    window_kind,
    story_day.window_articles > 0
    and (
        story_day.previous_window_day is null or story_day.previous_window_day < period_start
    ),
    story_day.previous_day is null or story_day.previous_day < period_start
);

-- one row: the distinct stories of a period and filters (null = all), in the window's unit
-- (sentence: stories with text)
create or replace temp macro period_stories(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    -- a count of a date, not count(*): over the union of chosen_story_days DuckDB reads one
    -- column to count, the story_id strings unless told (3x the time at 1M articles)
    select count(day)::bigint as total_stories
    from chosen_story_days(lang_filter, source_filter) as story_days
    where first_in_period(story_days, period_start, period_end, origin_filter, window_kind);

-- one row per country pair of the story days `days_of` (pair_story_days or
-- pair_story_facet_days) of the language and source given: its distinct stories in a period
-- and filters, in the window's unit (sentence: stories naming both in one sentence)
create or replace temp macro pair_stories_in(
    days_of, period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        country_a,
        country_b,
        count(*)::bigint as stories
    from query_table(days_of) as story_days
    where
        lang is not distinct from lang_filter
        and source is not distinct from source_filter
        and first_in_period(story_days, period_start, period_end, origin_filter, window_kind)
    group by country_a, country_b;

-- one row per country pair: its distinct stories in a period and filters (null = all), in
-- the window's unit; each table counted apart (a union of the rows first cost a third more)
create or replace temp macro pair_stories(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select *
    from pair_stories_in(
            'pair_story_days', period_start, period_end, null, null, origin_filter, window_kind
        )
    where lang_filter is null and source_filter is null
    union all
    select *
    from
        pair_stories_in(
            'pair_story_facet_days',
            period_start,
            period_end,
            lang_filter,
            source_filter,
            origin_filter,
            window_kind
        )
    where lang_filter is not null or source_filter is not null;

-- one row per pair of the relation `pairs_of` (country_a, country_b) with stories in a period
-- and filters (null = all): the distinct sources of its stories, summed (the overview's
-- sources per story). The story days by source (or by language and source) count each
-- story and source once in the period, as the stories do; for the pairs of `pairs_of` only,
-- since every pair's cost the overview's ranking half its time again at 1M articles
create or replace temp macro pair_story_sources(
    pairs_of, period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
) as table
    select
        story_days.country_a,
        story_days.country_b,
        count(*) as story_sources
    from pair_story_facet_days as story_days
    inner join query_table(pairs_of) as pairs
        on
            story_days.country_a = pairs.country_a
            and story_days.country_b = pairs.country_b
    where
        -- the pairs' countries as filters of the scan too: the join then tests a third of
        -- the story days by source (at 1M articles 73 -> 67 ms of CPU for the ranking)
        -- pairs_of is the macro's argument, not a column to qualify
        story_days.country_a in (
            select ranked.country_a from query_table(pairs_of) as ranked  -- noqa: RF03
        )
        and story_days.country_b in (
            select ranked.country_b from query_table(pairs_of) as ranked  -- noqa: RF03
        )
        and story_days.lang is not distinct from lang_filter
        and story_days.source is not null
        and (source_filter is null or story_days.source = source_filter)
        and first_in_period(story_days, period_start, period_end, origin_filter, window_kind)
    group by story_days.country_a, story_days.country_b;

-- the pairs' article rows in the filters (null = all), in the window's unit (sentence:
-- naming both in one sentence), which pair_story_sums counts: under a search the scope
-- stands the matches' rows in for them (search_scope.sql)
create or replace temp macro pair_story_rows(
    lang_filter, source_filter, origin_filter, window_kind
) as table
    select * from pair_articles
    where
        in_filters(lang, source, origin, lang_filter, source_filter, origin_filter)
        and (window_kind = 'article' or sentence_count > 0);

-- one row: the distinct stories of the pair (pair_a < pair_b) in a period and filters (null
-- = all), in the window's unit, and the distinct sources of each, summed (story_sources);
-- one pair's rows of pair_articles are a short read (sorted by pair)
create or replace temp macro pair_story_sums(
    pair_a, pair_b, period_start, period_end, lang_filter, source_filter, origin_filter,
    window_kind
) as table
    select
        count(distinct story_id) as stories,
        count(distinct struct_pack(story_id, source)) as story_sources
    from pair_story_rows(lang_filter, source_filter, origin_filter, window_kind)
    where
        country_a = pair_a
        and country_b = pair_b
        and day between period_start and period_end;

-- one row per period of the relation `periods_of` (period_start, period_end) and bucket
-- (day | week | month, by its first day) with stories: the distinct stories of every
-- country in the filters (null = all), in the window's unit, a story counting in each bucket
-- it runs in (on its first day there, within the period)
create or replace temp macro period_bucket_stories(
    periods_of, lang_filter, source_filter, origin_filter, window_kind, bucket_kind
) as table
    select
        periods.period_start,
        periods.period_end,
        bucket_start(stories.day, bucket_kind) as bucket,
        count(*) as total_stories
    from chosen_story_days(lang_filter, source_filter) as stories
    inner join query_table(periods_of) as periods
        on stories.day between periods.period_start and periods.period_end
    where
        first_in_period(
            stories,
            greatest(bucket_start(stories.day, bucket_kind), periods.period_start),
            periods.period_end,
            origin_filter,
            window_kind
        )
    group by all;

-- the value in the unit counted (refs #16): stories or articles
create or replace temp macro by_unit(unit_kind, story_value, article_value) as
case when unit_kind = 'story' then story_value else article_value end;

-- one row per series x bucket (day | week | month, by its first day) of the relation
-- `series_of` (series_no, country_a, country_b, period_start, period_end) with stories of
-- its pair in its period: their distinct stories in the window's unit, a story counting in
-- each bucket it runs in (on its first day there)
create or replace temp macro pair_bucket_stories(
    series_of, lang_filter, source_filter, origin_filter, window_kind, bucket_kind
) as table
    select
        series.series_no,
        bucket_start(stories.day, bucket_kind) as bucket,
        count(*) as stories
    from chosen_pair_story_days(lang_filter, source_filter) as stories
    inner join query_table(series_of) as series
        on
            stories.country_a = series.country_a
            and stories.country_b = series.country_b
    where first_in_period(
            stories,
            greatest(bucket_start(stories.day, bucket_kind), series.period_start),
            series.period_end,
            origin_filter,
            window_kind
        )
    group by all;

-- one row: the articles of a period and filters (null = all) that a share is taken of
-- (period_total), or with unit_kind 'story' the distinct stories (period_stories)
create or replace temp macro unit_total(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind, unit_kind
) as table
    select total_articles
    from period_total(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
        )
    where unit_kind = 'article'
    union all
    select total_stories as total_articles
    from period_stories(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
        )
    where unit_kind = 'story';

-- one row per country pair: its articles (pair_volumes) or with unit_kind 'story' its
-- distinct stories (pair_stories, both_articles null: the share of either is in articles)
create or replace temp macro unit_pair_volumes(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind, unit_kind
) as table
    select *
    from pair_volumes(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
        )
    where unit_kind = 'article'
    union all
    select
        country_a,
        country_b,
        stories as articles,
        null::bigint as both_articles
    from pair_stories(
            period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
        )
    where unit_kind = 'story';
