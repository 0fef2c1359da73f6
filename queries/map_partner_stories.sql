-- one row per partner of $focus (an ISO-3 code) for the map in the story unit (refs #16):
-- the distinct stories naming both ($window = 'sentence': in one sentence, of the stories
-- with text) out of all stories in the filters, the columns of map_countries.sql; the share
-- of either is not computed (null: a country's own coverage is kept in articles only). A
-- query of its own, so that map_countries.sql in the article unit plans no story branch.
-- params: $focus, $start, $end, $lang, $source, $origin, $window
with

partners as (  -- noqa: ST03
    select
        -- each pair with the focus is one partner
        case when country_a = $focus then country_b else country_a end as country,
        stories as articles,
        -- the share of either is kept in articles only
        null::bigint as either_articles
    from pair_stories($start, $end, $lang, $source, $origin, $window)
    where country_a = $focus or country_b = $focus
),

-- the CTE is read by name, through query_table
final as (
    select *
    from
        map_rows(
            'partners',
            (
                select total_stories
                from period_stories($start, $end, $lang, $source, $origin, $window)
            )
        )
)

select * from final
order by articles desc, country
