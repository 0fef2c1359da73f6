-- one row per country for the map: with $focus null, every country's articles in the
-- filters; with $focus an ISO-3 code, every partner of $focus with the pair's articles
-- ($window = 'sentence': naming both in one sentence, over articles with text). Each row
-- has all articles in the period as the share's denominator; a partner of $focus also the
-- pair's share of the articles naming either country (either_articles, refs #18; null
-- without a focus).
-- params: $focus, $start, $end, $lang, $source, $origin, $window
with

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
    from pair_volumes($start, $end, $lang, $source, $origin, $window)
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

counted as (  -- noqa: ST03
    select * from mentioned
    union all
    select * from partners
),

-- the CTE is read by name, through query_table
final as (
    select *
    from
        map_rows(
            'counted',
            (
                select total_articles
                from period_total($start, $end, $lang, $source, $origin, $window)
            )
        )
)

select * from final
order by articles desc, country
