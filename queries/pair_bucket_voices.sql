-- one row per cell ($pairs[i] in the $bucket starting on $buckets[i], day | week | month)
-- with articles: the articles in the $window's unit and their distinct sources and stories
-- (pair_articles.story_id: an article not yet grouped is a story of its own, refs #16). The
-- dashboard asks only for the buckets whose counts (pair_bucket_counts) meet every other
-- rule of the spike detector (monitor/spikes.py, refs #17): a few cells, where counting
-- sources and stories for every bucket joined every article of the pairs with articles.
-- Read from the story days and pair_daily (sorted by day) instead, the 74 cells of the
-- overview in stories at 1M took 21 ms of CPU against 23 here, but its 442 cells in
-- articles 40 against 29: the cells' days are then most of the period.
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

-- the cells' rows of pair_articles by rowid: the scan and the join read the keys only, and
-- the story and source strings are fetched for those few rows (at 1M articles, reading
-- them with the keys for every row of the top 25 pairs cost a fifth of the query)
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

final as (
    select * from pair_voices('matching')
)

select * from final
order by country_a, country_b, day
