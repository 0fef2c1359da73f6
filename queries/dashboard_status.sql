-- one row: what the freshness line shows (articles, first and last day, last run) and
-- has_stories: some story holds more than one article, so the dashboard counts stories by
-- default (refs #16); no parameters
with

daily_totals as (
    select * from daily_totals
),

ingest_runs as (
    select * from ingest_runs
),

coverage as (
    select
        -- measures
        coalesce(sum(articles), 0)::bigint as articles,
        -- timestamps
        min(day) as first_day,
        max(day) as last_day
    from daily_totals
),

last_run as (
    select
        -- ids
        max(run_id) as last_run_id,
        -- timestamps
        max(finished_at) as last_run_at
    from ingest_runs
    where finished_at is not null
),

grouped as (
    select coalesce(max(articles), 0) > 1 as has_stories
    from stories
),

final as (
    select
        coverage.articles,
        coverage.first_day,
        coverage.last_day,
        last_run.last_run_id,
        last_run.last_run_at,
        grouped.has_stories
    from coverage
    cross join last_run
    cross join grouped
)

select * from final
