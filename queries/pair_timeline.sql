-- one row per $bucket (day | week | month) from $start to $end for the pair
-- ($country_a < $country_b), empty buckets included: the pair's articles and all articles
-- (numerator and denominator of the share per mille), a trailing rolling mean over
-- $rolling_buckets, pair tone and conflict share. A bucket cut by $start or $end is
-- partial: it counts fewer days. Spikes are the detector's (monitor/spikes.py, refs #17),
-- over pair_activity, not this query's.
-- With $window = 'sentence' the count is articles naming both countries in one sentence out
-- of articles with text; a bucket without any text is null (not measured), not zero.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window, $bucket,
-- $rolling_buckets
with

daily_totals as (
    select * from daily_totals
),

buckets as (
    select cast(generate_series as date) as bucket
    from
        generate_series(
            cast(date_trunc($bucket, cast($start as date)) as timestamp),
            cast($end as timestamp),
            case $bucket
                when 'day' then interval 1 day
                when 'week' then interval 7 day
                else interval 1 month
            end
        )
),

pair_buckets as (
    select
        cast(date_trunc($bucket, day) as date) as bucket,
        -- each measure summed under its own name: counts as whole numbers, tone and conflict
        -- sums as they are
        sum(columns('^(articles|sentence_articles|text_articles|tone_n|conflict_n)$'))::bigint,
        sum(columns('_sum$'))
    from pair_days($start, $end, $lang, $source, $origin)
    where
        country_a = $country_a
        and country_b = $country_b
    group by bucket
),

total_buckets as (
    select
        cast(date_trunc($bucket, day) as date) as bucket,
        sum(articles)::bigint as all_articles,
        sum(text_articles)::bigint as text_articles
    from daily_totals
    where
        day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
    group by bucket
),

measured as (
    select
        buckets.bucket,
        buckets.bucket < cast($start as date)
        or case $bucket
            when 'day' then buckets.bucket
            when 'week' then buckets.bucket + 6
            else last_day(buckets.bucket)
        end > cast($end as date) as is_partial,
        by_window(
            $window,
            -- a bucket without any text is not measured (null), not zero
            case
                when coalesce(total_buckets.text_articles, 0) > 0
                    then coalesce(pair_buckets.sentence_articles, 0)
            end,
            coalesce(pair_buckets.articles, 0)
        ) as articles,
        by_window(
            $window,
            coalesce(total_buckets.text_articles, 0),
            coalesce(total_buckets.all_articles, 0)
        ) as total_articles,
        by_window(
            $window,
            coalesce(pair_buckets.articles, 0) - coalesce(pair_buckets.text_articles, 0),
            0
        ) as not_measured_articles,
        pair_buckets.tone_sum / nullif(pair_buckets.tone_n, 0) as mean_tone,
        pair_buckets.conflict_sum / nullif(pair_buckets.conflict_n, 0) as conflict_share
    from buckets
    left join pair_buckets on buckets.bucket = pair_buckets.bucket
    left join total_buckets on buckets.bucket = total_buckets.bucket
),

with_baseline as (
    select
        *,
        per_mille(articles, total_articles) as share_per_mille,
        avg(articles) over (
            order by bucket
            -- sqlfluff's grammar takes only a number before preceding; DuckDB any expression
            rows between $rolling_buckets - 1 preceding and current row  -- noqa: PRS
        ) as rolling_articles,
        avg(per_mille(articles, total_articles)) over (
            order by bucket
            -- sqlfluff's grammar takes only a number before preceding; DuckDB any expression
            rows between $rolling_buckets - 1 preceding and current row  -- noqa: PRS
        ) as rolling_share_per_mille
    from measured
),

final as (
    select
        -- timestamps
        bucket,
        -- measures
        articles,
        total_articles,
        share_per_mille,
        rolling_articles,
        rolling_share_per_mille,
        is_partial,
        mean_tone,
        conflict_share,
        not_measured_articles
    from with_baseline
)

select * from final
order by bucket
