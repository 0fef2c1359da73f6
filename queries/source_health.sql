-- one row per monitored source: when it last delivered, articles in the last 24 hours, and
-- whether it is failing or stale (no success for 3 intervals); params: $now
with

source_state as (
    select * from source_state
),

source_cycles as (
    select * from source_cycles
),

recent as (
    select
        -- ids
        source,
        -- measures
        sum(loaded)::bigint as articles_24h
    from source_cycles
    where finished_at >= $now::timestamp - interval 24 hours
    group by source
),

final as (
    select
        -- ids
        source_state.source,
        -- dimensions
        source_state.kind,
        source_state.every_seconds,
        source_state.last_batch,
        source_state.last_error,
        -- measures
        source_state.consecutive_failures,
        coalesce(recent.articles_24h, 0) as articles_24h,
        source_state.consecutive_failures > 0 as is_failing,
        coalesce(
            source_state.last_success_at
            < $now::timestamp - to_seconds(3 * source_state.every_seconds),
            true
        ) as is_stale,
        -- timestamps
        source_state.last_attempt_at,
        source_state.last_success_at,
        source_state.last_delivery_at
    from source_state
    left join recent on source_state.source = recent.source
)

select * from final
order by source
