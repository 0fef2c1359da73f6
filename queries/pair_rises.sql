-- one row per country pair named in the days [$start, $end] (naming one of $countries; all
-- pairs when it is empty): its count in $unit (article | story: distinct stories, as the
-- dashboard counts them, refs #16) then and in the days [$baseline_start, $start), the
-- digest's baseline for "rose most" (refs #17). params: $start, $end, $baseline_start,
-- $countries, $unit
with

current_pairs as (
    select * from unit_pair_volumes($start, $end, null, null, null, 'article', $unit)
),

baseline_pairs as (
    select *
    from unit_pair_volumes(
            $baseline_start,
            cast($start - interval 1 day as date),
            null,
            null,
            null,
            'article',
            $unit
        )
),

final as (
    select
        -- ids
        current_pairs.country_a,
        current_pairs.country_b,
        -- dimensions
        country_name(current_pairs.country_a)
        || ' – '
        || country_name(current_pairs.country_b) as pair_name,
        -- measures
        current_pairs.articles as period_count,
        coalesce(baseline_pairs.articles, 0) as baseline_count
    from current_pairs
    left join baseline_pairs
        on
            current_pairs.country_a = baseline_pairs.country_a
            and current_pairs.country_b = baseline_pairs.country_b
    where involves($countries, current_pairs.country_a, current_pairs.country_b)
)

select * from final
order by period_count desc, country_a, country_b
