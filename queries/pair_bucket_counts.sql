-- one row per country pair x $bucket (day | week | month, by its first day) with articles in
-- [$start, $end]: the spike detector's counts for the dashboard (monitor/spikes.py, refs
-- #17), read from the daily aggregates. The pairs are those in $pairs ('PRK-RUS'); the count
-- is in the $window's unit (articles naming both, or naming both in one sentence). Distinct
-- sources and stories are counted by pair_bucket_voices only for the buckets these counts
-- leave in play: at 1M articles, counting them here for every bucket cost the overview
-- ~140 ms (bench/query_latency.py --views). With $unit = 'story' (refs #16) the count is the
-- bucket's distinct stories: a story day counts on the story's first day in the bucket.
-- params: $pairs, $start, $end, $lang, $source, $origin, $window, $unit, $bucket
with

watched as (
    select
        -- ids
        generate_subscripts($pairs, 1) as series_no,
        split_part(unnest($pairs), '-', 1) as country_a,
        split_part(unnest($pairs), '-', 2) as country_b,
        -- timestamps
        $start as period_start,
        $end as period_end
),

pair_days as (
    select * from pair_days($start, $end, $lang, $source, $origin)
),

matching as (
    select
        -- ids
        pair_days.country_a,
        pair_days.country_b,
        -- timestamps
        bucket_start(pair_days.day, $bucket) as day,
        -- measures
        by_window($window, pair_days.sentence_articles, pair_days.articles) as articles
    from pair_days
    -- a join rather than list_contains: the few pairs become a filter the scan can use
    semi join watched using (country_a, country_b)
    where $unit = 'article'
    union all
    select
        -- ids
        watched.country_a,
        watched.country_b,
        -- timestamps
        stories.bucket as day,
        -- measures
        stories.stories as articles
    from pair_bucket_stories('watched', $lang, $source, $origin, $window, $bucket) as stories
    inner join watched on stories.series_no = watched.series_no
    where $unit = 'story'
),

final as (
    select
        -- ids
        country_a,
        country_b,
        -- timestamps
        day,
        -- measures
        sum(articles)::bigint as articles
    from matching
    group by country_a, country_b, day
    having sum(articles) > 0
)

select * from final
order by country_a, country_b, day
