-- one row per cell ($pairs[i] in the $bucket starting on $buckets[i], day | week | month)
-- with articles: the articles in the $window's unit and their distinct sources and stories
-- (pair_articles.story_id: an article not yet grouped is a story of its own, refs #16). The
-- dashboard asks only for the buckets whose counts (pair_bucket_counts) meet every other
-- rule of the spike detector (monitor/spikes.py, refs #17): a few cells, where counting
-- sources and stories for every bucket joined every article of the pairs with articles.
-- The sources come from pair_daily and the articles and stories from the pair's story days
-- (both sorted by day, so that the cells' days are a short read: at 1M articles 28 -> 21
-- ms of CPU for the overview's 74 cells, lang=en 34 -> 28); with an origin chosen from
-- pair_articles, since a story day keeps one origin of its articles.
-- params: $pairs, $buckets, $lang, $source, $origin, $window, $bucket
with

cells as (
    select
        -- ids
        split_part(unnest($pairs), '-', 1) as country_a,
        split_part(unnest($pairs), '-', 2) as country_b,
        -- timestamps
        cast(unnest($buckets) as date) as bucket
),

cell_days as (
    select
        -- ids
        country_a,
        country_b,
        -- timestamps
        bucket,
        -- the bucket's days, so that the join below is on the stored day: DuckDB then
        -- narrows the scan of pair_articles to the cells' days and pairs
        cast(
            unnest(
                generate_series(
                    cast(bucket as timestamp),
                    cast(
                        case $bucket
                            when 'day' then bucket
                            when 'week' then bucket + 6
                            else last_day(bucket)
                        end as timestamp
                    ),
                    interval 1 day
                )
            ) as date
        ) as day
    from cells
),

-- with an origin chosen: the cells' rows of pair_articles by rowid, so that the scan and
-- the join read the keys only and the story and source strings are fetched for those few
-- rows (at 1M articles, reading them with the keys for every row of the top 25 pairs cost
-- a fifth of the query)
cell_rows as (
    select
        -- ids
        pair_articles.rowid as row_id,
        cell_days.country_a,
        cell_days.country_b,
        -- timestamps
        cell_days.bucket
    from pair_articles
    inner join cell_days
        on
            pair_articles.country_a = cell_days.country_a
            and pair_articles.country_b = cell_days.country_b
            and pair_articles.day = cell_days.day
    where
        $origin is not null
        and in_filters(
            pair_articles.lang,
            pair_articles.source,
            pair_articles.origin,
            $lang,
            $source,
            $origin
        )
        and ($window = 'article' or pair_articles.sentence_count > 0)
),

-- read by name by pair_voices (query_table), which sqlfluff cannot see
matching as (  -- noqa: ST03
    select
        -- ids
        cell_rows.country_a,
        cell_rows.country_b,
        pair_articles.story_id,
        -- dimensions
        pair_articles.source,
        -- timestamps
        cell_rows.bucket as day
    from pair_articles
    inner join cell_rows on pair_articles.rowid = cell_rows.row_id
),

-- without one: the rows of pair_daily (for the sources) and of the story days (for the
-- articles and stories) of the cells' pairs and days
day_rows as (
    select
        -- ids
        country_a,
        country_b,
        null as story_id,
        -- dimensions
        source,
        -- timestamps
        day,
        -- measures
        0 as articles
    from pair_daily
    where
        $origin is null
        and in_filters(lang, source, origin, $lang, $source, $origin)
        and by_window($window, sentence_articles, articles) > 0
    union all
    select
        -- ids
        country_a,
        country_b,
        story_id,
        -- dimensions
        null as source,
        -- timestamps
        day,
        -- measures
        by_window($window, window_articles, articles) as articles
    from chosen_pair_story_days($lang, $source)
    where
        $origin is null
        and by_window($window, window_articles, articles) > 0
),

voiced as (
    select
        -- ids
        cell_days.country_a,
        cell_days.country_b,
        -- timestamps
        cell_days.bucket as day,
        -- measures
        sum(day_rows.articles)::bigint as articles,
        count(distinct day_rows.source)::bigint as sources,
        count(distinct day_rows.story_id)::bigint as stories
    from day_rows
    inner join cell_days
        on
            day_rows.country_a = cell_days.country_a
            and day_rows.country_b = cell_days.country_b
            and day_rows.day = cell_days.day
    -- both tables are sorted by day: the test against the cells' days becomes a filter of
    -- their scans, which then read only those days' sources and stories
    where day_rows.day in (select wanted.day from cell_days as wanted)
    group by all
),

final as (
    select * from voiced
    union all
    select * from pair_voices('matching')
    where $origin is not null
)

select * from final
order by country_a, country_b, day
