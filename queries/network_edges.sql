-- one row per country pair (country_a < country_b) with at least $min_articles in the
-- filters, touching a selected country when $countries is not empty, busiest $row_limit
-- first (null $row_limit: every pair): the edge's articles, each country's articles (node
-- sizes), all articles (the share's denominator) and how many pairs match in all
-- (matching_pairs, before $row_limit), and the edge's share of the articles naming either
-- country (refs #18). With $window = 'sentence' counts are over articles with text.
-- With $unit = 'story' (refs #16) the edges and the share count distinct stories (node
-- sizes stay articles).
-- params: $start, $end, $lang, $source, $origin, $countries, $window, $unit, $min_articles,
-- $row_limit
with

edges as (
    select
        country_a,
        country_b,
        articles,
        both_articles,
        -- window functions run before the limit: every pair above the minimum
        count(*) over () as matching_pairs
    from unit_pair_volumes($start, $end, $lang, $source, $origin, $window, $unit)
    where
        involves($countries, country_a, country_b)
        and articles >= $min_articles
    order by articles desc, country_a, country_b
    limit $row_limit
),

volumes as (
    select * from country_volumes($start, $end, $lang, $source, $origin, $window)
),

-- read by pair_shares, which takes it by name
sized as (  -- noqa: ST03
    select
        edges.country_a,
        edges.country_b,
        edges.articles,
        volume_a.articles as volume_a,
        volume_b.articles as volume_b,
        either_articles(volume_a.articles, volume_b.articles, edges.both_articles)
            as either_articles,
        per_cent(
            edges.articles,
            either_articles(volume_a.articles, volume_b.articles, edges.both_articles)
        ) as share_either_pct,
        edges.matching_pairs
    from edges
    left join volumes as volume_a on edges.country_a = volume_a.country
    left join volumes as volume_b on edges.country_b = volume_b.country
),

final as (
    select
        -- counts of the whole result last, after the row's own
        * exclude (matching_pairs),
        matching_pairs
    from pair_shares('sized', $start, $end, $lang, $source, $origin, $window, $unit)
)

select * from final
order by articles desc, country_a, country_b
