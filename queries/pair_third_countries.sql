-- one row per third country named in the articles of the pair ($country_a < $country_b)
-- in the filters, most articles first: its articles with the pair (numerator) out of the
-- pair's articles (denominator), as a percent, and how many third countries there are in
-- all (third_countries, before $row_limit; null $row_limit: every one). With $window =
-- 'sentence' only articles naming the pair in one sentence count.
-- With $unit = 'story' (refs #16) articles and pair_articles count distinct stories (a
-- story naming the third country in any of its copies), article_count the articles
-- beside them (null in the article unit): the pair's rows alone, so no story table.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $origin, $window, $unit,
-- $row_limit
with

pair_articles as (
    select * from pair_articles
),

countries as (
    select * from countries
),

filtered as (
    select
        story_id,
        countries as named
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
        by_unit($unit, count(distinct story_id), count(*)) as articles,
        count(*) filter (where $unit = 'story') as article_count
    from (
        select
            story_id,
            unnest(named) as country
        from filtered
    ) as named_countries
    where country not in ($country_a, $country_b)
    group by country
),

pair_total as (
    select by_unit($unit, count(distinct story_id), count(*)) as articles
    from filtered
),

final as (
    select
        -- ids
        third.country,
        -- dimensions
        coalesce(countries.name, third.country) as country_name,
        -- measures
        third.articles,
        nullif(third.article_count, 0) as article_count,
        pair_total.articles as pair_articles,
        100.0 * third.articles / pair_total.articles as share_pct,
        count(*) over () as third_countries
    from third
    cross join pair_total
    left join countries on third.country = countries.country
)

select * from final
order by articles desc, country
limit $row_limit
