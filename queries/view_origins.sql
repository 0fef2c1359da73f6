-- one row: the articles of the period and filters from text sources and from GDELT, so the
-- page can say when a view mixes the two (refs #15); params: $start, $end, $lang, $source,
-- $origin
with

daily_totals as (
    select * from daily_totals
),

final as (
    select
        -- measures
        coalesce(sum(articles) filter (where origin != 'gkg'), 0)::bigint as text_articles,
        coalesce(sum(articles) filter (where origin = 'gkg'), 0)::bigint as gdelt_articles
    from daily_totals
    where
        day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
)

select * from final
