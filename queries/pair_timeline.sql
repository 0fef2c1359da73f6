-- one row per $bucket (day | week | month) from $start to $end for the pair
-- ($country_a < $country_b), empty buckets included: the pair's articles and all articles
-- (numerator and denominator of the share per mille), a trailing rolling mean over
-- $rolling_buckets, pair tone and conflict share. A bucket cut by $start or $end is
-- partial: it counts fewer days. Spikes are the detector's (monitor/spikes.py, refs #17),
-- over pair_activity, not this query's.
-- With $window = 'sentence' the count is articles naming both countries in one sentence out
-- of articles with text; a bucket without any text is null (not measured), not zero.
-- The other measures (refs #18): share_either_pct, the pair's articles as a % of the
-- articles naming either country (either_articles = |A| + |B| - |A and B| in the window's
-- unit), and index_value, the pair's articles per bucket against the mean of the first
-- $index_buckets complete buckets (baseline_articles, = 100; null when that mean is 0).
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window, $bucket,
-- $rolling_buckets, $index_buckets
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

-- each country's articles per bucket, in the window's unit
country_buckets as (
    select
        cast(date_trunc($bucket, day) as date) as bucket,
        sum(by_window($window, text_articles, articles)) filter (
            where country = $country_a
        )::bigint as volume_a,
        sum(by_window($window, text_articles, articles)) filter (
            where country = $country_b
        )::bigint as volume_b
    from period_days('country', $start, $end, $lang, $source, $origin)
    where country in ($country_a, $country_b)
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
        or bucket_end(buckets.bucket, $bucket) > cast($end as date) as is_partial,
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
        either_articles(
            coalesce(country_buckets.volume_a, 0),
            coalesce(country_buckets.volume_b, 0),
            by_window(
                $window,
                coalesce(pair_buckets.text_articles, 0),
                coalesce(pair_buckets.articles, 0)
            )
        ) as either_articles,
        pair_buckets.tone_sum / nullif(pair_buckets.tone_n, 0) as mean_tone,
        pair_buckets.conflict_sum / nullif(pair_buckets.conflict_n, 0) as conflict_share
    from buckets
    left join pair_buckets on buckets.bucket = pair_buckets.bucket
    left join total_buckets on buckets.bucket = total_buckets.bucket
    left join country_buckets on buckets.bucket = country_buckets.bucket
),

-- the first $index_buckets complete buckets: the index's baseline
baseline_buckets as (
    select
        bucket,
        articles
    from measured
    where not is_partial
    order by bucket
    limit $index_buckets
),

baseline as (
    select
        avg(articles) as baseline_articles,
        min(bucket) as baseline_first,
        bucket_end(max(bucket), $bucket) as baseline_last
    from baseline_buckets
),

with_measures as (
    select
        measured.*,
        per_mille(measured.articles, measured.total_articles) as share_per_mille,
        per_cent(measured.articles, measured.either_articles) as share_either_pct,
        baseline.baseline_articles,
        baseline.baseline_first,
        baseline.baseline_last,
        per_cent(measured.articles, nullif(baseline.baseline_articles, 0)) as index_value
    from measured
    cross join baseline
),

with_baseline as (
    select
        *,
        avg(articles) over recent as rolling_articles,
        avg(share_per_mille) over recent as rolling_share_per_mille,
        avg(share_either_pct) over recent as rolling_share_either_pct,
        avg(index_value) over recent as rolling_index_value
    from with_measures
    window recent as (
        order by bucket
        -- sqlfluff's grammar takes only a number before preceding; DuckDB any expression
        rows between $rolling_buckets - 1 preceding and current row  -- noqa: PRS
    )
),

final as (
    select
        -- timestamps
        bucket,
        -- measures
        articles,
        total_articles,
        share_per_mille,
        either_articles,
        share_either_pct,
        baseline_articles,
        index_value,
        rolling_articles,
        rolling_share_per_mille,
        rolling_share_either_pct,
        rolling_index_value,
        is_partial,
        mean_tone,
        conflict_share,
        not_measured_articles,
        baseline_first,
        baseline_last
    from with_baseline
)

select * from final
order by bucket
