-- one row per country for the map: with $focus null, every country's articles in the
-- filters; with $focus an ISO-3 code, every partner of $focus with the pair's articles
-- ($window = 'sentence': naming both in one sentence, over articles with text). Each row
-- has all articles in the period as the share's denominator.
-- params: $focus, $start, $end, $lang, $source, $origin, $window
with

countries as (
    select * from countries
),

mentioned as (
    select * from country_volumes($start, $end, $lang, $source, $origin, $window)
    where $focus is null
),

partners as (
    select
        -- each pair with the focus is one partner
        case when country_a = $focus then country_b else country_a end as country,
        articles
    from pair_volumes($start, $end, $lang, $source, $origin, $window)
    where
        $focus is not null
        and (country_a = $focus or country_b = $focus)
),

counted as (
    select * from mentioned
    union all
    select * from partners
),

final as (
    select
        -- ids
        counted.country,
        -- dimensions
        coalesce(countries.name, counted.country) as country_name,
        -- measures
        counted.articles,
        totals.total_articles,
        per_mille(counted.articles, totals.total_articles) as share_per_mille
    from counted
    cross join period_total($start, $end, $lang, $source, $origin, $window) as totals
    left join countries on counted.country = countries.country
    where counted.articles > 0
)

select * from final
order by articles desc, country
