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
        count(*) as articles
    from (select unnest(named) as country from filtered) as named_countries
    where country not in ($country_a, $country_b)
    group by country
),

-- the story unit's: each third country's stories and their articles; a branch of its own
-- (empty in the article unit), as a distinct count beside the articles' count cost the
-- article unit twice its time
story_third as (
    select
        country,
        count(*) as stories
    from (
        select distinct
            story_id,
            unnest(named) as country
        from filtered
        where $unit = 'story'
    ) as story_countries
    where country not in ($country_a, $country_b)
    group by country
),

pair_stories as (
    select count(distinct story_id) as stories
    from filtered
    where $unit = 'story'
),

final as (
    select
        -- ids
        third.country,
        -- dimensions
        coalesce(countries.name, third.country) as country_name,
        -- measures
        by_unit($unit, story_third.stories, third.articles) as articles,
        by_unit($unit, third.articles, null) as article_count,
        by_unit($unit, pair_stories.stories, (select count(*) from filtered)) as pair_articles,
        100.0
        * by_unit($unit, story_third.stories, third.articles)
        / by_unit($unit, pair_stories.stories, (select count(*) from filtered)) as share_pct,
        count(*) over () as third_countries
    from third
    cross join pair_stories
    left join story_third on third.country = story_third.country
    left join countries on third.country = countries.country
)

select * from final
order by articles desc, country
limit $row_limit
