-- one row per series x $bucket (day | week | month): each series of $series (a list of
-- {country_a, country_b, period_start, period_end}, country_a < country_b; series_no is its
-- place in the list, from 1) is a pair over its own period, empty buckets included: the
-- pair's articles and all articles (numerator and denominator of the share per mille), a
-- trailing rolling mean over $rolling_buckets, pair tone and conflict share. A bucket cut by
-- its period's start or end is partial: it counts fewer days. Spikes are the detector's
-- (monitor/spikes.py, refs #17), over pair_activity, not this query's. The pair view draws
-- series 1 and compares the others with it (refs #18): one query for all of them.
-- With $window = 'sentence' the count is articles naming both countries in one sentence out
-- of articles with text; a bucket without any text is null (not measured), not zero.
-- The other measures (refs #18): share_either_pct, the pair's articles as a % of the
-- articles naming either country (either_articles = |A| + |B| - |A and B| in the window's
-- unit), and index_value, the pair's articles per bucket against the mean of its series'
-- first $index_buckets complete buckets (baseline_articles, = 100; null when that mean is 0).
-- $span_start and $span_end are the first and last day of any series: the aggregates are
-- read once for all the series, pruned to these days.
-- With $unit = 'story' (refs #16) articles and total_articles count the distinct stories of
-- the bucket (a story running over two buckets is in both), article_count the pair's
-- articles beside them, and the share of either is not computed (null: the countries'
-- coverage is kept in articles only).
-- params: $series, $span_start, $span_end, $lang, $source, $origin, $window, $unit, $bucket,
-- $rolling_buckets, $index_buckets
with

daily_totals as (
    select * from daily_totals
),

pair_rows as (
    select * from pair_days($span_start, $span_end, $lang, $source, $origin)
),

country_rows as (
    select * from period_days('country', $span_start, $span_end, $lang, $source, $origin)
),

series as (
    select
        generate_subscripts($series, 1) as series_no,
        -- country_a, country_b, period_start, period_end
        unnest($series, recursive := true)  -- noqa: AL03
),

-- each series' days: equality joins on the day with the day aggregates
series_days as (
    select
        series_no,
        country_a,
        country_b,
        cast(
            unnest(
                generate_series(
                    cast(period_start as timestamp), cast(period_end as timestamp), interval 1 day
                )
            ) as date
        ) as day
    from series
),

-- each series' two countries on each of its days: an equality join with the country rows
series_country_days as (
    select
        series_no,
        day,
        unnest([country_a, country_b]) as country
    from series_days
),

buckets as (
    select distinct
        series_no,
        bucket_start(day, $bucket) as bucket
    from series_days
),

-- all articles in the filters per day: one row a day for the series to share
total_days as (
    select
        day,
        sum(articles)::bigint as all_articles,
        sum(text_articles)::bigint as all_text_articles
    from daily_totals
    where
        day between $span_start and $span_end
        and in_filters(lang, source, origin, $lang, $source, $origin)
    group by day
),

-- what each series reads of each of its days, one relation under distinct names: the
-- pair's measures, its two countries' articles (volumes: |A| + |B|, in the window's unit)
-- and all articles in the filters
series_rows as (
    select
        series_days.series_no,
        series_days.day,
        pairs.* exclude (country_a, country_b, day)
    from pair_rows as pairs
    inner join series_days using (country_a, country_b, day)
    union all by name
    select
        series_days.series_no,
        series_days.day,
        by_window($window, countries.text_articles, countries.articles) as volumes
    from country_rows as countries
    inner join series_country_days as series_days using (country, day)
    union all by name
    select
        series_days.series_no,
        series_days.day,
        totals.all_articles,
        totals.all_text_articles
    from total_days as totals
    inner join series_days using (day)
),

-- the story unit's counts (refs #16)
story_buckets as (
    select * from pair_bucket_stories('series', $lang, $source, $origin, $window, $bucket)
    where $unit = 'story'
),

-- the series' periods: the compared pairs share the focus pair's, and the stories of all
-- countries are counted once per period, not once per series (8 series cost 217 ms at 1M
-- articles, bench/story_latency.py); read by name, through query_table
periods as (  -- noqa: ST03
    select distinct
        period_start,
        period_end
    from series
    where $unit = 'story'
),

-- the distinct stories of each bucket, in each period (period_bucket_stories)
period_story_buckets as (
    select * from period_bucket_stories('periods', $lang, $source, $origin, $window, $bucket)
),

total_story_buckets as (
    select
        series.series_no,
        buckets.bucket,
        buckets.total_stories
    from period_story_buckets as buckets
    inner join series using (period_start, period_end)
),

-- every row of each series by bucket: each bucket, the day rows and the story unit's counts
bucket_rows as (
    select
        series_no,
        bucket
    from buckets
    union all by name
    select
        series_no,
        bucket_start(day, $bucket) as bucket,
        * exclude (series_no, day)
    from series_rows
    union all by name
    select
        series_no,
        bucket,
        stories
    from story_buckets
    union all by name
    select
        series_no,
        bucket,
        total_stories
    from total_story_buckets
),

-- each series' sums per bucket: counts as whole numbers (0 where none), tone and conflict
-- sums as they are (null where none)
bucket_sums as (
    select
        series_no,
        bucket,
        coalesce(
            sum(columns(lambda c: c not in ('series_no', 'bucket') and c not like '%_sum')), 0
        )::bigint,
        sum(columns('_sum$'))
    from bucket_rows
    group by all
),

measured as (
    select
        sums.series_no,
        sums.bucket,
        sums.bucket < series.period_start
        or bucket_end(sums.bucket, $bucket) > series.period_end as is_partial,
        by_window(
            $window,
            -- a bucket without any text is not measured (null), not zero
            case
                when sums.all_text_articles > 0
                    then by_unit($unit, sums.stories, sums.sentence_articles)
            end,
            by_unit($unit, sums.stories, sums.articles)
        ) as articles,
        by_unit($unit, by_window($window, sums.sentence_articles, sums.articles), null)
            as article_count,
        by_unit(
            $unit, sums.total_stories, by_window($window, sums.all_text_articles, sums.all_articles)
        ) as total_articles,
        by_window($window, sums.articles - sums.text_articles, 0) as not_measured_articles,
        by_unit(
            $unit,
            null,
            either_articles(
                sums.volumes, 0, by_window($window, sums.text_articles, sums.articles)
            )
        ) as either_articles,
        sums.tone_sum / nullif(sums.tone_n, 0) as mean_tone,
        sums.conflict_sum / nullif(sums.conflict_n, 0) as conflict_share
    from bucket_sums as sums
    inner join series on sums.series_no = series.series_no
),

-- the first $index_buckets complete buckets of each series: its index's baseline
baseline_buckets as (
    select
        series_no,
        bucket,
        articles
    from measured
    where not is_partial
    qualify row_number() over (partition by series_no order by bucket) <= $index_buckets
),

baseline as (
    select
        series_no,
        avg(articles) as baseline_articles,
        min(bucket) as baseline_first,
        bucket_end(max(bucket), $bucket) as baseline_last
    from baseline_buckets
    group by series_no
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
    left join baseline on measured.series_no = baseline.series_no
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
        partition by series_no
        order by bucket
        -- sqlfluff's grammar takes only a number before preceding; DuckDB any expression
        rows between $rolling_buckets - 1 preceding and current row  -- noqa: PRS
    )
),

final as (
    select
        -- ids
        series_no,
        -- timestamps
        bucket,
        -- measures
        articles,
        article_count,
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
order by series_no, bucket
