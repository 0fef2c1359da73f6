-- one row: the overview's totals for the filters (articles, text articles, countries
-- mentioned, pairs with at least $min_articles, first and last day, languages, sources);
-- params: $start, $end, $lang, $source, $countries, $window, $min_articles
with

daily_totals as (
    select * from daily_totals
),

coverage as (
    select
        -- measures
        coalesce(sum(articles), 0)::bigint as articles,
        coalesce(sum(text_articles), 0)::bigint as text_articles,
        count(distinct lang) as languages,
        count(distinct source) as sources,
        -- timestamps
        min(day) as first_day,
        max(day) as last_day
    from daily_totals
    where
        day between $start and $end
        and ($lang is null or lang = $lang)
        and ($source is null or source = $source)
),

countries as (
    select count(distinct country) as countries
    from country_period($start, $end, $lang, $source)
    where
        articles > 0
        and (len($countries) = 0 or list_contains($countries, country))
),

pair_counts as (
    select
        country_a,
        country_b,
        sum(articles) as articles,
        sum(sentence_articles) as sentence_articles
    from pair_period($start, $end, $lang, $source)
    where
        len($countries) = 0
        or list_contains($countries, country_a)
        or list_contains($countries, country_b)
    group by country_a, country_b
),

pairs as (
    select count(*) as pairs
    from pair_counts
    where
        case when $window = 'sentence' then sentence_articles else articles end
        >= $min_articles
),

final as (
    select
        coverage.articles,
        coverage.text_articles,
        countries.countries,
        pairs.pairs,
        coverage.languages,
        coverage.sources,
        coverage.first_day,
        coverage.last_day
    from coverage
    cross join countries
    cross join pairs
)

select * from final
