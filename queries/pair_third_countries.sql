-- one row per third country named in the articles of the pair ($country_a < $country_b)
-- in the filters, most articles first: its articles with the pair (numerator) out of the
-- pair's articles (denominator), as a percent, and how many third countries there are in
-- all (third_countries, before $row_limit; null $row_limit: every one). With $window =
-- 'sentence' only articles naming the pair in one sentence count.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window, $row_limit
with

pair_articles as (
    select * from pair_articles
),

countries as (
    select * from countries
),

filtered as (
    select countries as named
    from pair_articles
    where
        country_a = $country_a
        and country_b = $country_b
        and ($window = 'article' or sentence_count > 0)
        and day between $start and $end
        and in_filters(lang, source, origin, $lang, $source, $origin)
),

third as (
    select
        country,
        count(*) as articles
    from (select unnest(named) as country from filtered) as named_countries
    where country not in ($country_a, $country_b)
    group by country
),

final as (
    select
        -- ids
        third.country,
        -- dimensions
        coalesce(countries.name, third.country) as country_name,
        -- measures
        third.articles,
        (select count(*) from filtered) as pair_articles,
        100.0 * third.articles / (select count(*) from filtered) as share_pct,
        count(*) over () as third_countries
    from third
    left join countries on third.country = countries.country
)

select * from final
order by articles desc, country
limit $row_limit
