-- one row per cell ($pairs[i] in the $bucket starting on $buckets[i], day | week | month)
-- with articles: the articles in the $window's unit and their distinct sources and stories
-- (pair_articles.story_id: an article not yet grouped is a story of its own, refs #16). The
-- dashboard asks only for the buckets whose counts (pair_bucket_counts) meet every other
-- rule of the spike detector (monitor/spikes.py, refs #17): a few cells, where counting
-- sources and stories for every bucket joined every article of the pairs with articles.
-- Tried (refs #18, 1M articles, CPU): the cells' keys joined first and their story and
-- source fetched by rowid, 28 -> 23 ms, but under a search pair_articles is a view of the
-- matches (search_scope.sql), which has no rowid; the story days and pair_daily (sorted by
-- day) read by the cells' days, 21 ms for the overview's 74 cells in stories but 40 for
-- its 442 in articles, whose days are most of the period.
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

pair_articles as (
    select * from pair_articles
),

-- read by name by pair_voices (query_table), which sqlfluff cannot see
matching as (  -- noqa: ST03
    select
        -- ids
        cell_days.country_a,
        cell_days.country_b,
        pair_articles.story_id,
        -- dimensions
        pair_articles.source,
        -- timestamps
        cell_days.bucket as day
    from pair_articles
    inner join cell_days
        on
            pair_articles.country_a = cell_days.country_a
            and pair_articles.country_b = cell_days.country_b
            and pair_articles.day = cell_days.day
    where
        in_filters(
            pair_articles.lang,
            pair_articles.source,
            pair_articles.origin,
            $lang,
            $source,
            $origin
        )
        and ($window = 'article' or pair_articles.sentence_count > 0)
),

final as (
    select * from pair_voices('matching')
)

select * from final
order by country_a, country_b, day
