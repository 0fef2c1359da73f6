-- one row per country for the map: with $focus null, every country's articles in the
-- filters; with $focus an ISO-3 code, every partner of $focus with the pair's articles
-- ($window = 'sentence': naming both in one sentence, over articles with text). Each row
-- has all articles in the period as the share's denominator; a partner of $focus also the
-- pair's share of the articles naming either country (either_articles, refs #18; null
-- without a focus).
-- With $unit = 'story' (refs #16) a partner's articles and the total count distinct
-- stories (the story days of pairs), and either_articles is null: a country's own coverage
-- is kept in articles only, so the map without a focus asks for the article unit.
-- params: $focus, $start, $end, $lang, $source, $origin, $window, $unit
with

countries as (
    select * from countries
),

volumes as (
    select * from country_volumes($start, $end, $lang, $source, $origin, $window)
),

mentioned as (
    select
        country,
        articles,
        null::bigint as either_articles
    from volumes
    where $focus is null
),

pairs as (
    select
        -- each pair with the focus is one partner
        case when country_a = $focus then country_b else country_a end as country,
        articles,
        both_articles
    from unit_pair_volumes($start, $end, $lang, $source, $origin, $window, $unit)
    where
        $focus is not null
        and (country_a = $focus or country_b = $focus)
),

partners as (
    select
        pairs.country,
        pairs.articles,
        either_articles(focus.articles, partner.articles, pairs.both_articles) as either_articles
    from pairs
    inner join volumes as partner on pairs.country = partner.country
    inner join volumes as focus on focus.country = $focus
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
        per_mille(counted.articles, totals.total_articles) as share_per_mille,
        counted.either_articles,
        per_cent(counted.articles, counted.either_articles) as share_either_pct
    from counted
    cross join unit_total($start, $end, $lang, $source, $origin, $window, $unit) as totals
    left join countries on counted.country = countries.country
    where counted.articles > 0
)

select * from final
order by articles desc, country
